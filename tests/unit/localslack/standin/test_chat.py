"""chat.*: the app's messages, ephemeral messages, timestamps."""

from __future__ import annotations

import pytest

from tests.unit.localslack.support import Workspace, api_error, section


def test_post_update_delete(ws: Workspace) -> None:
    posted = ws.client.chat_postMessage(channel=ws.general.id, text="hello", blocks=[section("*hello*")])
    assert posted["channel"] == ws.general.id and posted["message"]["bot_id"] == "BBOT"
    stored = ws.standin.message(ws.general.id, posted["ts"])
    assert stored is not None and stored.user == "UBOT" and stored.blocks[0]["block_id"]  # Slack fills it in

    ws.client.chat_update(channel=ws.general.id, ts=posted["ts"], text="hello again")
    assert stored.text == "hello again" and stored.edited
    assert stored.blocks[0]["text"]["text"] == "*hello*"  # left-out blocks are kept
    ws.client.chat_update(channel=ws.general.id, ts=posted["ts"], text="plain", blocks=[])
    assert stored.blocks == []

    person = ws.standin.user_post_message(ws.alice.id, ws.general.id, "mine")
    assert (
        api_error(ws.client.chat_update, channel=ws.general.id, ts=person.ts, text="x")
        == "cant_update_message"
    )
    assert api_error(ws.client.chat_delete, channel=ws.general.id, ts=person.ts) == "cant_delete_message"
    ws.client.chat_delete(channel=ws.general.id, ts=posted["ts"])
    assert ws.standin.message(ws.general.id, posted["ts"]) is None
    assert (
        api_error(ws.client.chat_update, channel=ws.general.id, ts=posted["ts"], text="x")
        == "message_not_found"
    )
    with pytest.warns(UserWarning, match="text"):  # slack_sdk warns too
        assert api_error(ws.client.chat_postMessage, channel=ws.general.id, text="") == "no_text"


def test_ts_is_unique_and_follows_the_clock(ws: Workspace) -> None:
    first = ws.client.chat_postMessage(channel=ws.general.id, text="a")["ts"]
    second = ws.client.chat_postMessage(channel=ws.general.id, text="b")["ts"]
    assert first == "1700000000.000000" and second == "1700000000.000001"
    ws.clock.now += 60
    assert ws.client.chat_postMessage(channel=ws.general.id, text="c")["ts"] == "1700000060.000000"


def test_ephemeral(ws: Workspace) -> None:
    sent = ws.client.chat_postEphemeral(channel=ws.general.id, user=ws.alice.id, text="only you")
    [shown] = ws.standin.ephemerals(ws.alice.id)
    assert (shown.ts, shown.channel, shown.text) == (sent["message_ts"], ws.general.id, "only you")
    assert ws.standin.messages(ws.general.id) == []
    assert (
        api_error(ws.client.chat_postEphemeral, channel=ws.team.id, user=ws.bob.id, text="x")
        == "user_not_in_channel"
    )
