"""`/erfaring stats [weeks]` and `/erfaring leaders [add|remove|list] @person`, reached through
handlers/commands.py's ROUTES. Everything they answer is only for the person who typed it, in their
language. Figures and changes are made after the ack: the member count and the admin check ask Slack.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.insights import flows, views
from bot.insights.commands import InvalidWeeks, parse_leaders, parse_stats
from bot.insights.ids import LeadersAction
from handlers import payloads
from handlers.middleware import deps_of


def on_stats(ack: Ack, respond: Respond, command: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    typed = payloads.command(command)
    try:
        weeks = parse_stats(typed.text)
    except InvalidWeeks as exc:
        tr = deps.languages.for_person(typed.team_id, typed.user_id, typed.channel_id)
        ack(text=views.invalid_weeks(tr, exc.given), response_type="ephemeral")
        return
    ack()
    shown = flows.channel_stats(deps, typed.team_id, typed.channel_id, typed.user_id, weeks)
    respond(text=shown.text, blocks=shown.blocks or None, response_type="ephemeral", replace_original=False)


def on_leaders(ack: Ack, respond: Respond, command: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    typed = payloads.command(command)
    asked = flows.Asked(typed.team_id, typed.channel_id, typed.user_id)
    tr = deps.languages.for_person(typed.team_id, typed.user_id, typed.channel_id)
    cmd = parse_leaders(typed.text)
    if cmd.action is LeadersAction.LIST:
        shown = flows.list_leaders(deps, asked, tr)
        ack(text=shown.text, blocks=shown.blocks, response_type="ephemeral")
        return
    if cmd.action is LeadersAction.HELP:
        shown = views.leaders_help(tr, cmd.unknown)
        ack(text=shown.text, blocks=shown.blocks, response_type="ephemeral")
        return
    if not cmd.people.strip():
        ack(text=views.leaders_need_people(tr), response_type="ephemeral")
        return
    ack()
    respond(text=flows.change_leaders(deps, asked, cmd), response_type="ephemeral", replace_original=False)
