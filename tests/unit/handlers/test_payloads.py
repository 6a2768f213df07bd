"""handlers.payloads: every Slack payload read defensively, and text decoded once at the edge."""

from __future__ import annotations

from typing import Any

import pytest

from handlers import payloads
from handlers.payloads import PayloadError

COMMAND = {
    "team_id": "T0LOCAL",
    "user_id": "U0KARI",
    "channel_id": "C0GENERAL",
    "command": "/lesson",
    "text": "x &lt; y &amp;&amp; y &gt; z #math",
    "trigger_id": "1.2.abc",
}


def test_a_command_is_read_and_its_text_decoded_once() -> None:
    read = payloads.command(COMMAND)
    assert (read.team_id, read.user_id, read.channel_id, read.command) == (
        "T0LOCAL",
        "U0KARI",
        "C0GENERAL",
        "/lesson",
    )
    assert read.text == "x < y && y > z #math"
    assert payloads.command({**COMMAND, "text": "&amp;lt;"}).text == "&lt;", "decoded once, not twice"
    assert payloads.command({**COMMAND, "text": None}).text == ""


@pytest.mark.parametrize(
    "broken",
    [
        {"user_id": None},
        {"user_id": 12},
        {"team_id": ""},
        {"channel_id": "general"},
        {"channel_id": ["C1"]},
        {"text": ["a", "b"]},
        {"text": "x" * 40_001},
    ],
)
def test_a_command_with_a_missing_or_wrong_field_is_refused(broken: dict[str, Any]) -> None:
    with pytest.raises(PayloadError):
        payloads.command({**COMMAND, **broken})
    with pytest.raises(PayloadError):
        payloads.command(["not", "an", "object"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (7, 7),
        ("2147483647", 2_147_483_647),
        ("2147483648", None),
        ("1" * 23, None),
        ("9" * 100_000, None),
        ("abc", None),
        ("1.5e3", None),
        ("-1", None),
        ("0", None),
        ("", None),
        ("١٢", None),
        (True, None),
        (None, None),
        (["1"], None),
    ],
)
def test_row_ids_are_plain_positive_numbers_that_fit_the_database(
    value: object, expected: int | None
) -> None:
    assert payloads.row_id(value) == expected


def _click(**action: Any) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "team": {"id": "T0LOCAL", "domain": "local"},
        "user": {"id": "U0KARI", "team_id": "T0LOCAL"},
        "channel": {"id": "C0GENERAL"},
        "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": "C0GENERAL"},
        "message": {"ts": "1700000000.000100"},
        "trigger_id": "1.2.abc",
        "actions": [action],
    }


def test_a_click_is_read_with_its_value_and_where_it_happened() -> None:
    body = _click(action_id="lesson_vote_useful", value="12")
    read = payloads.action(body, body["actions"][0])
    assert (read.team_id, read.user_id, read.action_id, read.value, read.row_id) == (
        "T0LOCAL",
        "U0KARI",
        "lesson_vote_useful",
        "12",
        12,
    )
    assert (read.channel_id, read.message_ts) == ("C0GENERAL", "1700000000.000100")
    menu = _click(action_id="pick", selected_option={"value": "3"})
    assert payloads.action(menu, menu["actions"][0]).value == "3"
    no_team = {**body, "team": None}
    assert payloads.action(no_team, body["actions"][0]).team_id == "T0LOCAL", "from user.team_id"


@pytest.mark.parametrize(
    "action", [None, "useful", [1], {"action_id": 5}, {"action_id": "a", "value": {"x": 1}}]
)
def test_a_click_that_is_not_a_click_is_refused(action: object) -> None:
    with pytest.raises(PayloadError):
        payloads.action(_click(), action)
    with pytest.raises(PayloadError):
        payloads.action({**_click(), "user": "U1"}, {"action_id": "a"})


def _view(values: object, metadata: object = '{"c": "C0GENERAL", "p": 4}') -> dict[str, Any]:
    return {
        "id": "V1",
        "callback_id": "lesson_modal",
        "state": {"values": values},
        "private_metadata": metadata,
    }


def test_a_submission_gives_typed_values_and_ignores_wrong_types() -> None:
    values = {
        "text": {"in": {"type": "plain_text_input", "value": "x < y typed in a form"}},
        "tags": {"in": {"type": "plain_text_input", "value": ["a", "b"]}},
        "flag": {"in": {"type": "plain_text_input", "value": True}},
        "options": {"in": {"selected_options": [{"value": "anonymous"}, {"value": 3}, "junk"]}},
        "capacity": {"in": {"selected_option": {"value": "2"}}},
        "odd": "not an object",
    }
    body = {"team": {"id": "T0LOCAL"}, "user": {"id": "U0KARI"}}
    read = payloads.submission(body, _view(values))
    assert read.text("text") == "x < y typed in a form", "form values arrive as typed: nothing decoded"
    assert (read.text("tags"), read.text("flag"), read.text("missing")) == ("", "", "")
    assert read.selected("options") == ["anonymous"]
    assert read.selected_one("capacity") == "2" and read.selected_one("text") is None
    assert (read.meta_id("c"), read.meta_row_id("p"), read.meta_str("nope")) == ("C0GENERAL", 4, None)
    for broken in (None, [], "x", 5):
        assert payloads.submission(body, _view(broken)).values == {}
    for metadata in (5, "not json", "[1, 2]", "null", "x" * 3001):
        assert payloads.submission(body, _view({}, metadata)).metadata == {}
    with pytest.raises(PayloadError):
        payloads.submission(body, "a view")


def test_a_message_shortcut_carries_the_message_as_slack_sent_it() -> None:
    body = {
        "type": "message_action",
        "team": {"id": "T0LOCAL", "domain": "local"},
        "user": {"id": "U0OLA"},
        "channel": {"id": "C0GENERAL"},
        "trigger_id": "1.2.abc",
        "message": {"ts": "1700000000.000100", "user": "U0KARI", "text": "x &lt; y <@U0KARI> <!here>"},
    }
    read = payloads.message_shortcut(body)
    assert read.text.raw == "x &lt; y <@U0KARI> <!here>"
    assert read.text.user_ids == ["U0KARI"]
    assert read.text.typed({"U0KARI": "kari"}) == "x < y @kari @here"
    assert (read.team_domain, read.message_ts, read.message_user) == ("local", "1700000000.000100", "U0KARI")
    assert payloads.message_shortcut({**body, "message": None}).text.raw == ""
    with pytest.raises(PayloadError):
        payloads.message_shortcut({**body, "channel": None})


def test_reactions_and_messages_are_read_defensively() -> None:
    body = {"team_id": "T0LOCAL", "event_id": "Ev1"}
    event = {
        "user": "U0OLA",
        "reaction": "+1::skin-tone-3",
        "item": {"type": "message", "channel": "C1", "ts": "1.5"},
    }
    read = payloads.reaction(body, event)
    assert read is not None and (read.name, read.channel_id, read.ts) == ("+1", "C1", "1.5")
    assert payloads.reaction(body, {**event, "item": {"type": "file", "file": "F1"}}) is None
    assert payloads.reaction(body, {**event, "item": "a string"}) is None
    for broken in ({**event, "user": None}, {**event, "item": {"type": "message", "channel": "C1"}}):
        with pytest.raises(PayloadError):
            payloads.reaction(body, broken)
    with pytest.raises(PayloadError):
        payloads.reaction(body, None)

    message = {
        "user": "U0OLA",
        "channel": "C1",
        "ts": "2.000001",
        "thread_ts": "1.000001",
        "text": "a &amp; b",
    }
    read_message = payloads.message(body, message)
    assert read_message.is_thread_reply and read_message.text.typed() == "a & b"
    assert not payloads.message(body, {**message, "thread_ts": "2.000001"}).is_thread_reply
    for broken in ({**message, "ts": None}, {**message, "channel": 5}, {**message, "text": {"a": 1}}):
        with pytest.raises(PayloadError):
            payloads.message(body, broken)
