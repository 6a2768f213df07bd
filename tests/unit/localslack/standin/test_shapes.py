"""The JSON the stand-in shows: a person's message exactly as stored, with the client's rich_text."""

from __future__ import annotations

from localslack.standin import rich_text
from tests.unit.localslack.support import Workspace


def test_a_persons_message_is_shown_with_its_wire_text_and_a_rich_text_block(ws: Workspace) -> None:
    wire = (
        f"Hi <@{ws.bob.id}> &amp; <!here>: see <#{ws.team.id}|team> and <https://example.com|the docs> &lt;3"
    )
    message = ws.standin.user_post_message(ws.alice.id, ws.team.id, wire)
    [shown] = ws.client.conversations_history(channel=ws.team.id)["messages"]
    assert shown["text"] == wire and shown["user"] == ws.alice.id and "bot_id" not in shown
    [block] = shown["blocks"]
    assert block["type"] == "rich_text" and block["block_id"]
    assert block["elements"][0]["elements"] == [
        {"type": "text", "text": "Hi "},
        {"type": "user", "user_id": ws.bob.id},
        {"type": "text", "text": " & "},
        {"type": "broadcast", "range": "here"},
        {"type": "text", "text": ": see "},
        {"type": "channel", "channel_id": ws.team.id},
        {"type": "text", "text": " and "},
        {"type": "link", "url": "https://example.com", "text": "the docs"},
        {"type": "text", "text": " <3"},
    ]
    assert ws.standin.message_dict(message) == shown  # payloads show it the same way
    assert message.blocks == []  # stored as the person sent it: text only


def test_the_apps_own_messages_keep_their_blocks() -> None:
    block = rich_text("plain", block_id="b1")
    assert block == {
        "type": "rich_text",
        "block_id": "b1",
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "plain"}]}],
    }
