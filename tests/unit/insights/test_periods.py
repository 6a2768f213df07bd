"""Weeks and months on the wall clock, and when the monthly report is due."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.insights import periods

OSLO = ZoneInfo("Europe/Oslo")
NEW_YORK = ZoneInfo("America/New_York")


def test_weeks_run_from_monday_midnight_and_the_last_is_cut_at_the_end() -> None:
    end = datetime(2026, 3, 4, 11, 30, tzinfo=UTC)  # a Wednesday
    bounds = periods.week_bounds(end, OSLO, 3)
    shown = [b.astimezone(OSLO).strftime("%a %d %b %H:%M") for b in bounds]
    assert shown == ["Mon 16 Feb 00:00", "Mon 23 Feb 00:00", "Mon 02 Mar 00:00", "Wed 04 Mar 12:30"]
    assert periods.week_labels(bounds, OSLO) == ("2026-W08", "2026-W09", "2026-W10")


def test_an_end_at_monday_midnight_closes_the_week_before() -> None:
    end = periods.local_midnight(date(2026, 3, 2), OSLO)
    assert periods.week_labels(periods.week_bounds(end, OSLO, 2), OSLO) == ("2026-W08", "2026-W09")
    with pytest.raises(ValueError):
        periods.week_bounds(end, OSLO, 0)


def test_this_week_ends_next_monday_and_weeks_keep_their_wall_clock_across_dst() -> None:
    now = datetime(2026, 3, 30, 6, 0, tzinfo=UTC)  # Monday after Oslo moved to summer time
    end = periods.end_of_this_week(now, OSLO)
    assert end.astimezone(OSLO).strftime("%a %d %b %H:%M %Z") == "Mon 06 Apr 00:00 CEST"
    bounds = periods.week_bounds(end, OSLO, 2)
    assert [b.astimezone(OSLO).hour for b in bounds] == [0, 0, 0]
    assert (bounds[1] - bounds[0]).total_seconds() == 167 * 3600  # the week of 23 March lost an hour


def test_months() -> None:
    assert periods.parse_month("2026-02") == (2026, 2)
    for wrong in ("2026-13", "2026-2", "26-02", "February", "2026-00", ""):
        with pytest.raises(ValueError):
            periods.parse_month(wrong)
    assert periods.shift_month("2026-01", -1) == "2025-12"
    assert periods.shift_month("2026-12", 1) == "2027-01"
    assert periods.month_of(datetime(2026, 2, 28, 23, 30, tzinfo=UTC), OSLO) == "2026-03"
    bounds = periods.month_bounds("2026-02", OSLO, 2)
    assert [b.astimezone(OSLO).strftime("%d %b %H:%M") for b in bounds] == [
        "01 Jan 00:00",
        "01 Feb 00:00",
        "01 Mar 00:00",
    ]
    assert periods.covered_month(datetime(2026, 3, 2, 8, 0, tzinfo=UTC), OSLO) == "2026-02"
    assert periods.covered_month(datetime(2026, 1, 5, 8, 0, tzinfo=UTC), OSLO) == "2025-12"


@pytest.mark.parametrize(
    ("year", "month", "country", "first"),
    [
        (2026, 3, "NO", date(2026, 3, 2)),  # 1 March 2026 is a Sunday
        (2026, 3, None, date(2026, 3, 2)),
        (2026, 5, "NO", date(2026, 5, 4)),  # Friday 1 May is Labour Day in Norway
        (2026, 5, None, date(2026, 5, 1)),  # without holidays, it is a working day
        (2027, 1, "NO", date(2027, 1, 4)),  # New Year's Day is a Friday
        (2026, 4, "NO", date(2026, 4, 1)),  # a Wednesday (Easter is later)
        (2027, 3, "NO", date(2027, 3, 1)),  # a Monday
        (2026, 3, "XX", date(2026, 3, 2)),  # an unknown country: no holidays
    ],
)
def test_the_first_working_day(year: int, month: int, country: str | None, first: date) -> None:
    assert periods.first_working_day(year, month, country) == first


def test_the_report_is_due_at_nine_on_the_first_working_day_in_the_zone() -> None:
    assert periods.report_due("2026-02", OSLO, "NO") == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert periods.report_due("2026-04", OSLO, "NO") == datetime(2026, 5, 4, 7, 0, tzinfo=UTC)  # summer time
    assert periods.report_due("2026-02", NEW_YORK, "US") == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
