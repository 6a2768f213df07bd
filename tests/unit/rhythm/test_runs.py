"""bot.rhythm.runs: which slot a run is about, why one is skipped, and which Slack errors pass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.rhythm import runs
from bot.rhythm.ids import DIGEST, PROMPT
from bot.rhythm.runs import Channel
from bot.rhythm.timing import Schedule

MONDAY_09_OSLO = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def channel(**changes: Any) -> Channel:
    values: dict[str, Any] = {
        "id": 1,
        "team_id": "T1",
        "channel_id": "C1",
        "timezone": "Europe/Oslo",
        "language": "en",
        "holiday_country": "NO",
        "paused_until": None,
        "created_by": "U1",
        "created_at": MONDAY_09_OSLO - timedelta(days=1),
        "schedules": {PROMPT: Schedule(0, 9, 0), DIGEST: Schedule(4, 14, 0)},
    }
    values.update(changes)
    return Channel(**values)


def slack_error(code: str, status: int = 200, headers: dict[str, Any] | None = None) -> SlackApiError:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": code},
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError(code, response)


def test_the_slot_is_the_latest_due_and_none_before_the_subscription() -> None:
    slot = runs.due_slot(channel(), PROMPT, MONDAY_09_OSLO + timedelta(hours=1), force=False)
    assert slot is not None and (slot.week, slot.due_at) == ("2026-W10", MONDAY_09_OSLO)
    new = channel(created_at=MONDAY_09_OSLO + timedelta(minutes=30))
    assert runs.due_slot(new, PROMPT, MONDAY_09_OSLO + timedelta(hours=1), force=False) is None
    forced = runs.due_slot(new, DIGEST, MONDAY_09_OSLO + timedelta(hours=1), force=True)
    assert forced is not None and forced.due_at == MONDAY_09_OSLO + timedelta(hours=1)
    with pytest.raises(runs.InvalidSchedule):
        runs.due_slot(channel(schedules={PROMPT: None, DIGEST: None}), PROMPT, MONDAY_09_OSLO, force=False)


def test_skip_reasons() -> None:
    slot = runs.due_slot(channel(), PROMPT, MONDAY_09_OSLO, force=False)
    assert slot is not None
    grace = runs.DEFAULT_GRACE
    assert runs.skip_reason(channel(), slot, MONDAY_09_OSLO, grace) is None
    paused = channel(paused_until=MONDAY_09_OSLO + timedelta(days=3))
    assert (runs.skip_reason(paused, slot, MONDAY_09_OSLO, grace) or "").startswith("paused until")
    late = runs.skip_reason(channel(), slot, MONDAY_09_OSLO + timedelta(hours=7), grace)
    assert (late or "").startswith("missed")
    easter_monday = datetime(2026, 4, 6, 7, 0, tzinfo=UTC)
    holiday_slot = runs.due_slot(channel(), PROMPT, easter_monday, force=False)
    assert holiday_slot is not None
    assert "Easter Monday" in (runs.skip_reason(channel(), holiday_slot, easter_monday, grace) or "")
    assert runs.skip_reason(channel(holiday_country=None), holiday_slot, easter_monday, grace) is None


def test_passing_errors_are_retried_waiting_at_least_retry_after() -> None:
    assert runs.transient(slack_error("ratelimited", 429))
    assert runs.transient(slack_error("whatever", 503))
    assert runs.transient(slack_error("internal_error"))
    assert runs.transient(ConnectionResetError())
    assert not runs.transient(slack_error("channel_not_found"))
    assert not runs.transient(ValueError())
    assert runs.retry_after(slack_error("ratelimited", 429, {"Retry-After": ["30"]})) == 30.0
    assert runs.retry_after(slack_error("ratelimited", 429, {"retry-after": "nonsense"})) == 0.0

    failures = [slack_error("ratelimited", 429, {"Retry-After": "7"}), slack_error("internal_error", 500)]
    sleeps: list[float] = []

    def call() -> str:
        if failures:
            raise failures.pop(0)
        return "posted"

    assert runs.with_retries(call, sleeps.append) == "posted"
    assert sleeps == [7.0, 2.0]

    def never() -> str:
        raise slack_error("not_in_channel")

    with pytest.raises(SlackApiError):
        runs.with_retries(never, sleeps.append)
    assert sleeps == [7.0, 2.0], "a lasting error is not retried"


def test_admins_are_the_configured_ones_else_who_subscribed() -> None:
    assert runs.admins_for(frozenset({"U2", "U1"}), channel(created_by="U9")) == ["U1", "U2"]
    assert runs.admins_for(frozenset(), channel(created_by="U9")) == ["U9"]
