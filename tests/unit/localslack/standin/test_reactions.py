"""reactions.*: the app's reactions and a person's."""

from __future__ import annotations

from tests.unit.localslack.support import Workspace, api_error


def test_reactions(ws: Workspace) -> None:
    message = ws.standin.user_post_message(ws.alice.id, ws.team.id, "ship it")
    on_it = {"channel": ws.team.id, "timestamp": message.ts, "name": "eyes"}
    ws.client.reactions_add(**on_it)
    assert message.reactions == {"eyes": ["UBOT"]}
    assert api_error(ws.client.reactions_add, **on_it) == "already_reacted"
    ws.standin.user_add_reaction(ws.alice.id, ws.team.id, message.ts, ":eyes:")
    got = ws.client.reactions_get(channel=ws.team.id, timestamp=message.ts)["message"]["reactions"]
    assert got == [{"name": "eyes", "users": ["UBOT", ws.alice.id], "count": 2}]
    ws.client.reactions_remove(**on_it)
    assert message.reactions == {"eyes": [ws.alice.id]}
    assert api_error(ws.client.reactions_remove, **on_it) == "no_reaction"
    assert api_error(ws.client.reactions_add, **{**on_it, "timestamp": "1.000000"}) == "message_not_found"
