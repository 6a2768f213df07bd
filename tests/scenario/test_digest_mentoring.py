"""The features meet in the weekly digest: mentoring figures appear in a subscribed channel's digest."""

from __future__ import annotations

import json
from datetime import timedelta

import scheduler
from bot.mentoring.ids import MentorAction
from localslack.clock import FakeClock
from localslack.workspace import LocalWorkspace
from tests.scenario.helpers import bot_messages


def command(ws: LocalWorkspace, who: str, name: str, text: str, channel: str = "team-platform") -> None:
    assert ws.driver.command(ws.user_id(who), ws.channel_id(channel), name, text).ok
    ws.settle()


def test_the_digest_shows_new_matches_open_requests_and_topics_nobody_offers(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    command(ws, "kari", "/erfaring", "subscribe")  # Monday 09:00 Oslo: the prompt is due now
    command(ws, "ingrid", "/mentor", "offer testing")
    command(ws, "ola", "/mentor", "request testing I want tests that catch real bugs")
    command(ws, "per", "/mentor", "request kubernetes")
    offer = next(
        m
        for m in bot_messages(ws, ws.standin.im_channel(ws.user_id("ingrid")))
        if any(e.get("action_id") == MentorAction.ACCEPT for b in m.blocks for e in b.get("elements", []))
    )
    assert ws.driver.click(ws.user_id("ingrid"), action_id=MentorAction.ACCEPT, message=offer).ok
    ws.settle()

    clock.advance(timedelta(days=4, hours=5))  # Friday 14:00 in Oslo
    report = scheduler.run_due_now(ws.deps)
    ws.settle()
    assert report.ok
    [digest] = [m for m in bot_messages(ws, "team-platform") if "digest" in m.text.lower()]
    shown = json.dumps(digest.blocks, ensure_ascii=False)
    assert "🤝 1 new mentoring match" in shown
    assert "Open mentoring requests: *kubernetes* (1)" in shown  # Ola's request was matched
    assert "Nobody offers these topics yet: *kubernetes*" in shown
