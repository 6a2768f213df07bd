"""`/erfaring ...`: the weekly rhythm's settings, in the channel they apply to.

Help, status, the list of questions and refusals of wrong values answer in the ack. A change is
acked first; then the admin check (users.info is slow-ish) and the change are made
(bot.rhythm.flows), and the person is told how it went.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot import home_refresh
from bot.core.blockkit import Rendered
from bot.rhythm import flows
from handlers import payloads
from handlers.middleware import deps_of


def on_erfaring(ack: Ack, respond: Respond, command: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    typed = payloads.command(command)
    asked = flows.Asked(typed.team_id, typed.channel_id, typed.user_id)
    step = flows.read_command(deps, asked, typed.text)
    if isinstance(step, Rendered):
        ack(text=step.text, blocks=step.blocks or None, response_type="ephemeral")
        return
    ack()
    respond(text=flows.carry_out(deps, asked, step), response_type="ephemeral")
    home_refresh.refresh(deps, typed.team_id, typed.user_id, *deps.settings.admins)  # admins' Homes show it
