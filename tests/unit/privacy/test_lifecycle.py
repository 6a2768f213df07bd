"""The lifecycle's small parts: reading user_change / tokens_revoked / the event envelope, what an
erasure says about leaders, and the help that names privacy's and insights' subcommands."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.i18n import translator
from bot.privacy import views
from bot.privacy.data import Erased, Preview
from bot.privacy.ids import TRACES, Lifecycle
from bot.rhythm.views import help_text
from handlers import payloads
from handlers.commands import ROUTES
from handlers.privacy import events


def test_a_user_change_is_read_with_its_deleted_flag() -> None:
    body = {"team_id": "T1", "type": "event_callback"}
    assert events.user_change(body, {"user": {"id": "U1", "deleted": True}}) == events.UserChange(
        "T1", "U1", True
    )
    assert events.user_change(body, {"user": {"id": "U1"}}).deleted is False
    assert events.user_change(body, {"user": {"id": "U1", "deleted": "yes"}}).deleted is False  # not a bool


@pytest.mark.parametrize(
    "event", [None, {}, {"user": "U1"}, {"user": {}}, {"user": {"id": 7}}, {"user": {"id": ""}}]
)
def test_a_user_change_that_is_not_one_is_a_payload_error(event: object) -> None:
    with pytest.raises(payloads.PayloadError):
        events.user_change({"team_id": "T1"}, event)


def test_a_user_change_without_a_workspace_is_a_payload_error() -> None:
    with pytest.raises(payloads.PayloadError):
        events.user_change({}, {"user": {"id": "U1", "deleted": True}})


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"tokens": {"bot": ["UBOT"], "oauth": []}}, True),
        ({"tokens": {"bot": [], "oauth": ["U1"]}}, False),
        ({"tokens": {"oauth": ["U1"]}}, False),
        ({"tokens": "bot"}, False),
        ({}, False),
        (None, False),
    ],
)
def test_only_a_revoked_bot_token_is_an_uninstall(event: object, expected: bool) -> None:
    assert events.revokes_the_bot(event) is expected


def test_the_envelope_says_which_event_and_when() -> None:
    kind, sent = events.event_of(
        {"type": "event_callback", "event": {"type": "message"}, "event_time": 1_800_000_000}
    )
    assert kind == "message" and sent == datetime.fromtimestamp(1_800_000_000, UTC)
    assert (
        events.event_of({"type": "event_callback", "event": {"type": "x"}, "event_time": "soon"})[1] is None
    )
    assert events.event_of({"command": "/lesson", "team_id": "T1"}) == (None, None)
    assert {"app_uninstalled", "tokens_revoked"} == events.GOODBYES


def test_the_lifecycle_effects_are_no_traces_for_the_sweep_to_wait_for() -> None:
    assert not set(Lifecycle) & set(TRACES)


def test_the_erasure_line_says_whether_the_person_was_a_leader() -> None:
    assert Erased(leader=True).line().endswith(", a leader")
    assert Erased().line().endswith(", not a leader")
    assert Erased(leader=True).anything and Erased(reports=1).anything and not Erased().anything


@pytest.mark.parametrize("language", ["en", "nb"])
def test_a_leader_with_nothing_else_stored_still_has_something_to_erase(language: str) -> None:
    tr = translator(language)
    shown = views.forget_confirmation(tr, Preview(leader=True))
    text = json.dumps(shown.blocks, ensure_ascii=False)
    assert tr._("your place among the leaders who get the monthly report") in text
    assert shown.blocks, "buttons to erase it"


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["stats", "leaders", "export", "my-data", "forget-me"]),
        ("nb", ["statistikk", "ledere", "eksport", "mine-data", "glem-meg"]),
    ],
)
def test_the_erfaring_help_names_the_subcommands_of_insights_and_privacy(
    language: str, words: list[str]
) -> None:
    shown = help_text(translator(language)).text
    for word in words:
        assert f"`/erfaring {word}" in shown, word
        assert word in ROUTES, word


ROOT = Path(__file__).resolve().parents[3]


def test_the_manifest_asks_for_the_lifecycle_events_and_its_usage_hint_names_the_subcommands() -> None:
    manifest = json.loads((ROOT / "manifest.json").read_text(encoding="utf-8"))
    events_ = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert {"user_change", "app_uninstalled", "tokens_revoked"} <= events_
    [erfaring] = [c for c in manifest["features"]["slash_commands"] if c["command"] == "/erfaring"]
    for word in ("stats", "leaders", "export", "my-data", "forget-me"):
        assert word in erfaring["usage_hint"], word


def test_the_readme_says_why_for_every_scope_the_manifest_asks_for() -> None:
    manifest = json.loads((ROOT / "manifest.json").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| `")]
    for scope in manifest["oauth_config"]["scopes"]["bot"]:
        assert any(f"`{scope}`" in row.split(" | ")[0] for row in rows), scope
