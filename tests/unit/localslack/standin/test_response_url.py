"""response_url: how Slack shows what the app posts to it, and its limits."""

from __future__ import annotations

import json

from slack_sdk.webhook import WebhookClient

from tests.unit.localslack.support import Workspace, section


def test_response_url(ws: Workspace) -> None:
    posted = ws.client.chat_postMessage(channel=ws.general.id, text="vote", blocks=[section("vote")])
    url = ws.standin.new_response_url(ws.general.id, ws.alice.id, source_ts=posted["ts"])
    hook = WebhookClient(url)

    assert hook.send(text="only alice sees this").status_code == 200
    assert [e.text for e in ws.standin.ephemerals(ws.alice.id)] == ["only alice sees this"]
    hook.send(text="everyone sees this", response_type="in_channel")
    hook.send(text="vote closed", blocks=[section("closed")], replace_original=True)
    original = ws.standin.message(ws.general.id, posted["ts"])
    assert original is not None and original.text == "vote closed"
    assert [m.text for m in ws.standin.messages(ws.general.id)] == ["vote closed", "everyone sees this"]
    assert hook.send(text="bad", blocks=[section("x" * 3001)]).status_code == 400
    assert ws.standin.invalid_payloads[-1].method == "response_url"
    assert hook.send(text="fifth").status_code == 200
    # A response_url takes five posts, failed ones included.
    refused = hook.send(text="sixth")
    assert refused.status_code == 404 and json.loads(refused.body)["error"] == "used_url"
    assert len(ws.standin.calls_to("response_url")) == 6
    assert [c.status for c in ws.standin.calls_to("response_url")] == [200, 200, 200, 400, 200, 404]
