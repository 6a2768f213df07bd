"""When a channel's next posts go out, as the admin's Home shows it: a pause and public holidays skipped,
right across summer time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.home.overview import next_post
from bot.rhythm.runs import Channel
from bot.rhythm.timing import Schedule

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # Monday 09:00 in Oslo


def channel(*, holidays: str | None = "NO", paused_until: datetime | None = None) -> Channel:
    return Channel(
        id=1,
        team_id="T0",
        channel_id="C0",
        timezone="Europe/Oslo",
        language="en",
        holiday_country=holidays,
        paused_until=paused_until,
        created_by="U0",
        created_at=NOW - timedelta(days=30),
        schedules={"prompt": Schedule(0, 9, 0), "digest": Schedule(3, 14, 0)},
    )


def test_the_next_slot_after_now() -> None:
    assert next_post(channel(), "prompt", NOW) == datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    assert next_post(channel(), "digest", NOW) == datetime(2026, 3, 5, 13, 0, tzinfo=UTC)


def test_a_pause_and_holidays_are_skipped_in_summer_time() -> None:
    paused = channel(paused_until=datetime(2026, 3, 30, 6, 0, tzinfo=UTC))
    # Thursday 2 April is Maundy Thursday, Monday 6 April Easter Monday; summer time from 29 March.
    assert next_post(paused, "digest", NOW) == datetime(2026, 4, 9, 12, 0, tzinfo=UTC)
    assert next_post(paused, "prompt", NOW) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    assert next_post(channel(holidays=None, paused_until=paused.paused_until), "digest", NOW) == datetime(
        2026, 4, 2, 12, 0, tzinfo=UTC
    )


def test_a_schedule_that_cannot_be_read_has_no_next_post() -> None:
    broken = channel()
    broken.schedules["digest"] = None
    assert next_post(broken, "digest", NOW) is None
