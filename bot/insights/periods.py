"""Weeks and months on a workspace's (or channel's) wall clock, and when the monthly report is due.

Weeks are calendar weeks, Monday 00:00 to Monday 00:00 in the zone, named by ISO week ("2026-W09");
the last one may be cut short by the end asked for (the end of a month, or a week still going on).
Months run from the 1st 00:00 local. The report for a month is due on the first working day of the next
month at 09:00 local: Monday to Friday, and not a public holiday of the workspace's holiday country.
Instants come from bot.rhythm.timing's wall clock, right across daylight-saving changes.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.rhythm.timing import holiday_name, wall_clock, week_key_of

REPORT_HOUR = 9
WEEK = timedelta(days=7)
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return wall_clock(day, 0, 0, tz)


def week_bounds(end: datetime, tz: ZoneInfo, weeks: int) -> list[datetime]:
    """The bounds of `weeks` calendar weeks, oldest first, the last one the week holding the instant
    just before `end`, cut at `end`: [Monday₀ 00:00, Monday₁ 00:00, …, end]."""
    if weeks < 1:
        raise ValueError("at least one week")
    last = (end - timedelta(microseconds=1)).astimezone(tz).date()
    monday = last - timedelta(days=last.weekday())
    mondays = [monday - WEEK * back for back in range(weeks - 1, -1, -1)]
    return [local_midnight(day, tz) for day in mondays] + [end]


def end_of_this_week(now: datetime, tz: ZoneInfo) -> datetime:
    """Next Monday 00:00 in the zone: the end of the week `now` is in."""
    today = now.astimezone(tz).date()
    return local_midnight(today + timedelta(days=7 - today.weekday()), tz)


def week_labels(bounds: list[datetime], tz: ZoneInfo) -> tuple[str, ...]:
    return tuple(week_key_of(start.astimezone(tz).date()) for start in bounds[:-1])


# --- months ---------------------------------------------------------------------------------------------


def parse_month(raw: str) -> tuple[int, int]:
    """'2026-02' → (2026, 2); ValueError for anything else."""
    match = _MONTH.match(raw.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1970:
        raise ValueError(f"not a month (YYYY-MM): {raw!r}")
    return int(match.group(1)), int(match.group(2))


def month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def shift_month(key: str, months: int) -> str:
    year, month = parse_month(key)
    index = year * 12 + (month - 1) + months
    return month_key(index // 12, index % 12 + 1)


def month_of(instant: datetime, tz: ZoneInfo) -> str:
    local = instant.astimezone(tz)
    return month_key(local.year, local.month)


def month_start(key: str, tz: ZoneInfo) -> datetime:
    year, month = parse_month(key)
    return local_midnight(date(year, month, 1), tz)


def month_bounds(key: str, tz: ZoneInfo, months: int = 1) -> list[datetime]:
    """[start of the month `months - 1` before `key`, …, start of `key`, start of the month after]."""
    return [month_start(shift_month(key, back), tz) for back in range(1 - months, 2)]


def covered_month(now: datetime, tz: ZoneInfo) -> str:
    """The month a report sent at `now` covers: the one before the current month."""
    return shift_month(month_of(now, tz), -1)


def first_working_day(year: int, month: int, country: str | None) -> date:
    """The month's first day that is Monday to Friday and not a public holiday in `country`."""
    day = date(year, month, 1)
    while day.weekday() >= 5 or holiday_name(country, day):
        day += timedelta(days=1)
    return day


def report_due(covered: str, tz: ZoneInfo, country: str | None) -> datetime:
    """When the report on month `covered` is due: 09:00 on the next month's first working day."""
    year, month = parse_month(shift_month(covered, 1))
    return wall_clock(first_working_day(year, month, country), REPORT_HOUR, 0, tz)
