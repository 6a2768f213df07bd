"""Block Kit validation: invalid payloads are refused as Slack refuses them, and recorded."""

from __future__ import annotations

from localslack.standin import validate_blocks
from tests.unit.localslack.support import Workspace, api_error, modal, section


def test_invalid_blocks_are_rejected_and_recorded(ws: Workspace) -> None:
    too_many = [section(f"n{i}") for i in range(51)]
    assert api_error(ws.client.chat_postMessage, channel=ws.general.id, text="x", blocks=too_many) == (
        "invalid_blocks"
    )
    long_text = [section("x" * 3001)]
    assert api_error(ws.client.chat_postMessage, channel=ws.general.id, text="x", blocks=long_text) == (
        "invalid_blocks"
    )
    twins = [section("a", "same"), section("b", "same")]
    assert api_error(ws.client.chat_postMessage, channel=ws.general.id, text="x", blocks=twins) == (
        "invalid_blocks"
    )
    long_title = modal("t" * 25)
    trigger = ws.standin.new_trigger_id(ws.alice.id)
    assert api_error(ws.client.views_open, trigger_id=trigger, view=long_title) == "invalid_arguments"
    # A failed views.open leaves the trigger usable.
    ws.client.views_open(trigger_id=trigger, view=modal())

    recorded = ws.standin.invalid_payloads
    assert [p.method for p in recorded] == ["chat.postMessage"] * 3 + ["views.open"]
    assert "no more than 50 items" in recorded[0].errors[0]
    assert any("3001" in e for e in recorded[1].errors)
    assert any("duplicate block_id 'same'" in e for e in recorded[2].errors)
    assert any("/view/title" in e for e in recorded[3].errors)
    assert ws.standin.messages(ws.general.id) == []


def test_validation_reaches_nested_elements() -> None:
    button = {"type": "button", "text": {"type": "plain_text", "text": "b" * 76}, "action_id": "go"}
    assert any("75" in e for e in validate_blocks([{"type": "actions", "elements": [button]}]))
    header = {"type": "header", "text": {"type": "mrkdwn", "text": "*no*"}}
    assert validate_blocks([header]) != []
    assert validate_blocks([section("")]) != []
    assert validate_blocks([{"type": "no_such_block"}]) != []
    assert validate_blocks([section("fine"), {"type": "divider"}]) == []
