"""One mentoring match on the local workspace, for the console's demo script: Ingrid offers to
mentor in testing, Ola asks for a mentor in testing, Ingrid accepts and both are introduced."""

from __future__ import annotations

from bot.mentoring.views import MentorAction
from localslack.workspace import LocalWorkspace

OFFER = "offer testing, onboarding"
REQUEST = "request testing I want tests that catch real bugs, not just coverage"


def demo_one_match(ws: LocalWorkspace, channel: str = "general") -> list[str]:
    """Drive the match through the real app; returns what happened, one line per step."""
    ingrid, ola, where = ws.user_id("ingrid"), ws.user_id("ola"), ws.channel_id(channel)
    ws.driver.command(ingrid, where, "/mentor", OFFER)
    ws.settle()
    ws.driver.command(ola, where, "/mentor", REQUEST)
    ws.settle()
    offers = [
        m for m in ws.standin.messages(ws.standin.im_channel(ingrid)) if m.user == ws.standin.bot_user_id
    ]
    if not offers:
        return [f"ingrid: /mentor {OFFER}", f"ola: /mentor {REQUEST}", "(no offer reached Ingrid)"]
    ws.driver.click(ingrid, action_id=MentorAction.ACCEPT, message=offers[-1])
    ws.settle()
    return [
        f"ingrid: /mentor {OFFER}",
        f"ola: /mentor {REQUEST}",
        "Erfaring → ingrid (DM): Ola would like a mentor in testing [Accept] [Decline] [Decline, pause]",
        "ingrid clicks Accept",
        "Erfaring → group DM with Ingrid and Ola: introduction with a suggested first agenda",
    ]
