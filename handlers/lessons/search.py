"""`/lesson search ...` and its "More results" button: only the searcher sees the results.

The ack comes first (an empty one: the answer follows through the response URL), because finding
who may see what, resolving in:/from: names, the authors' names and the posts' links ask Slack.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.lessons import search_flows, search_views
from handlers import payloads
from handlers.middleware import deps_of


def search_command(
    ack: Ack, respond: Respond, deps: Deps, tr: Translator, cmd: payloads.Command, text: str
) -> None:
    """`/lesson search <words, #tags, in:#channel, from:@person>` (called by the /lesson listener)."""
    if not text:
        ack(text=search_views.search_what(tr))
        return
    ack()
    rendered = search_views.results(tr, search_flows.find(deps, cmd.team_id, cmd.user_id, text))
    respond(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral")


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
