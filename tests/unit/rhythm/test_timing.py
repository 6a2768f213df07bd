"""When weekly posts are due: wall-clock times in IANA zones across DST, ISO weeks, holidays, grace."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.rhythm import timing
from bot.rhythm.timing import Schedule

OSLO = ZoneInfo("Europe/Oslo")
NEW_YORK = ZoneInfo("America/New_York")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_an_ordinary_time_is_that_wall_clock_time_in_the_zone() -> None:
    # Winter: Oslo is UTC+1, New York UTC-5; summer: UTC+2 and UTC-4.
    assert timing.wall_clock(date(2026, 3, 2), 9, 0, OSLO) == utc(2026, 3, 2, 8, 0)
    assert timing.wall_clock(date(2026, 6, 1), 9, 0, OSLO) == utc(2026, 6, 1, 7, 0)
    assert timing.wall_clock(date(2026, 3, 2), 9, 0, NEW_YORK) == utc(2026, 3, 2, 14, 0)
    assert timing.wall_clock(date(2026, 6, 1), 9, 0, NEW_YORK) == utc(2026, 6, 1, 13, 0)


@pytest.mark.parametrize(
    ("day", "hour", "minute", "tz", "expected"),
    [
        # Oslo springs forward on 29 March 2026: 02:00 CET becomes 03:00 CEST (01:00 UTC).
        (date(2026, 3, 29), 2, 0, OSLO, utc(2026, 3, 29, 1, 0)),
        (date(2026, 3, 29), 2, 30, OSLO, utc(2026, 3, 29, 1, 0)),
        (date(2026, 3, 29), 2, 59, OSLO, utc(2026, 3, 29, 1, 0)),
        (date(2026, 3, 29), 3, 0, OSLO, utc(2026, 3, 29, 1, 0)),
        (date(2026, 3, 29), 3, 30, OSLO, utc(2026, 3, 29, 1, 30)),
        # New York springs forward on 8 March 2026: 02:00 EST becomes 03:00 EDT (07:00 UTC).
        (date(2026, 3, 8), 2, 30, NEW_YORK, utc(2026, 3, 8, 7, 0)),
        (date(2026, 3, 8), 1, 59, NEW_YORK, utc(2026, 3, 8, 6, 59)),
    ],
)
def test_a_time_in_the_spring_gap_is_due_at_the_first_instant_after_the_gap(
    day: date, hour: int, minute: int, tz: ZoneInfo, expected: datetime
) -> None:
    assert timing.wall_clock(day, hour, minute, tz) == expected


@pytest.mark.parametrize(
    ("day", "hour", "minute", "tz", "first"),
    [
        # Oslo falls back on 25 October 2026: 02:00-03:00 happens twice (CEST, then CET).
        (date(2026, 10, 25), 2, 30, OSLO, utc(2026, 10, 25, 0, 30)),
        # New York falls back on 1 November 2026: 01:00-02:00 happens twice.
        (date(2026, 11, 1), 1, 30, NEW_YORK, utc(2026, 11, 1, 5, 30)),
    ],
)
def test_a_repeated_fall_back_time_is_due_once_at_its_first_occurrence(
    day: date, hour: int, minute: int, tz: ZoneInfo, first: datetime
) -> None:
    assert timing.wall_clock(day, hour, minute, tz) == first
    schedule = Schedule(day.weekday(), hour, minute)
    # One slot in that week, however the hour repeats.
    slots = timing.due_between(first - timedelta(days=1), first + timedelta(days=1), schedule, tz)
    assert [slot.due_at for slot in slots] == [first]


def test_slots_keep_their_wall_clock_time_across_both_dst_changes() -> None:
    monday_nine = Schedule(0, 9, 0)
    slots = timing.due_between(utc(2026, 3, 1), utc(2026, 11, 10), monday_nine, OSLO)
    local_times = {slot.due_at.astimezone(OSLO).strftime("%a %H:%M") for slot in slots}
    assert local_times == {"Mon 09:00"}
    assert utc(2026, 3, 23, 8, 0) in [s.due_at for s in slots]  # before the change: CET
    assert utc(2026, 3, 30, 7, 0) in [s.due_at for s in slots]  # after it: CEST
    assert utc(2026, 10, 26, 8, 0) in [s.due_at for s in slots]  # back to CET
    weeks = [slot.week for slot in slots]
    assert len(weeks) == len(set(weeks)), "one slot per week"

    ny_friday = Schedule(4, 14, 0)
    ny_slots = timing.due_between(utc(2026, 3, 1), utc(2026, 11, 10), ny_friday, NEW_YORK)
    assert {s.due_at.astimezone(NEW_YORK).strftime("%a %H:%M") for s in ny_slots} == {"Fri 14:00"}


def test_a_wall_clock_week_back_is_167_or_169_hours_across_dst() -> None:
    after_spring = utc(2026, 4, 3, 12, 0)  # Friday 14:00 CEST
    start = timing.shift_wall_clock(after_spring, OSLO, -timing.WEEK)
    assert start.astimezone(OSLO).strftime("%a %H:%M") == "Fri 14:00"
    assert after_spring - start == timedelta(hours=167)
    after_fall = utc(2026, 10, 30, 13, 0)  # Friday 14:00 CET
    assert after_fall - timing.shift_wall_clock(after_fall, OSLO, -timing.WEEK) == timedelta(hours=169)
    bounds = timing.weeks_before(after_spring, OSLO, 8)
    assert len(bounds) == 9 and bounds[-1] == after_spring and bounds == sorted(bounds)


def test_last_and_next_due() -> None:
    monday_nine = Schedule(0, 9, 0)
    before = utc(2026, 3, 2, 7, 59)  # Monday 08:59 in Oslo
    at = utc(2026, 3, 2, 8, 0)
    assert timing.last_due(before, monday_nine, OSLO).due_at == utc(2026, 2, 23, 8, 0)
    assert timing.last_due(before, monday_nine, OSLO).week == "2026-W09"
    assert timing.last_due(at, monday_nine, OSLO).due_at == at
    assert timing.last_due(at, monday_nine, OSLO).week == "2026-W10"
    assert timing.next_due(before, monday_nine, OSLO).due_at == at
    assert timing.next_due(at, monday_nine, OSLO).due_at == utc(2026, 3, 9, 8, 0)


def test_week_keys_follow_the_channel_calendar() -> None:
    # 22:30 UTC on Sunday is 23:30 in Oslo (still week 9); an hour later it is Monday there (week 10).
    # 03:00 UTC on Monday is still Sunday evening in New York (week 9).
    assert timing.week_key(utc(2026, 3, 1, 22, 30), OSLO) == "2026-W09"
    assert timing.week_key(utc(2026, 3, 1, 23, 30), OSLO) == "2026-W10"
    assert timing.week_key(utc(2026, 3, 2, 3, 0), NEW_YORK) == "2026-W09"
    # ISO weeks across the year end: 1 January 2026 is a Thursday, so it is in 2026-W01;
    # 28 December 2026 starts 2026-W53.
    assert timing.week_key(utc(2025, 12, 29, 12, 0), OSLO) == "2026-W01"
    assert timing.week_key(utc(2026, 12, 31, 12, 0), OSLO) == "2026-W53"
    assert timing.monday_of_week_key("2026-W10") == date(2026, 3, 2)
    assert timing.week_key_of(timing.monday_of_week_key("2026-W53")) == "2026-W53"


def test_holidays_by_country() -> None:
    assert timing.holiday_name("NO", date(2026, 5, 17)) == "Constitution Day"
    assert timing.holiday_name("no", date(2026, 12, 25)) is not None
    assert timing.holiday_name("US", date(2026, 12, 25)) is not None
    assert timing.holiday_name("US", date(2026, 5, 17)) is None
    assert timing.holiday_name("NO", date(2026, 5, 18)) is None
    assert timing.holiday_name(None, date(2026, 12, 25)) is None
    assert timing.holiday_name("XX", date(2026, 12, 25)) is None  # unknown: no holidays, not no posts
    assert timing.known_country("NO") and not timing.known_country("XX")


def test_parse_time() -> None:
    assert timing.parse_time("09:00") == (9, 0)
    assert timing.parse_time("9:05") == (9, 5)
    assert timing.parse_time("23:59") == (23, 59)
    for bad in ("24:00", "12:60", "9", "9:5", "ab:cd", "", "-1:00"):
        with pytest.raises(ValueError):
            timing.parse_time(bad)


def test_a_missed_post_is_made_up_within_the_grace_period_and_not_after() -> None:
    due = utc(2026, 3, 2, 8, 0)
    grace = timedelta(hours=6)
    assert timing.within_grace(due, due, grace)
    assert timing.within_grace(due, due + timedelta(hours=5, minutes=59), grace)
    assert timing.within_grace(due, due + grace, grace)  # the edge itself still counts
    assert not timing.within_grace(due, due + grace + timedelta(seconds=1), grace)
    assert not timing.within_grace(due, due + timedelta(days=2), grace)
    assert not timing.within_grace(due, due - timedelta(minutes=1), grace)  # not due yet
