"""The "More results" button of `/lesson search` (the command itself: handlers/lessons/commands.py):
the next page, only to the searcher, in place of the one clicked."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.lessons import search_flows, search_views
from handlers import payloads
from handlers.middleware import deps_of


def more_results(ack: Ack, respond: Respond, body: dict[str, Any], action: Any, context: BoltContext) -> None:
    """ "More results": the next page, in place of the one clicked (the query travels in the value)."""
    deps = deps_of(context)
    clicked = payloads.action(body, action)
    ack()
    asked = search_views.read_more_value(clicked.value)
    if asked is None:
        return
    query, page = asked
    tr = deps.languages.for_person(clicked.team_id, clicked.user_id, clicked.channel_id)
    rendered = search_views.results(
        tr, search_flows.find(deps, clicked.team_id, clicked.user_id, query, page)
    )
    respond(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral", replace_original=True)
