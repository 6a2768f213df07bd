"""When mentoring's follow-ups reach people: in working hours of each person's own time zone.

A check-in, a reminder or the note that a mentorship was closed is no reason to wake anyone: one that
falls due at night or at the weekend waits for the next working morning where its reader is. The
job that sends them runs every ten minutes, so a follow-up goes out within ten minutes of 09:00.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WORKDAYS = frozenset(range(5))  # Monday to Friday
DAY_STARTS = time(9, 0)
DAY_ENDS = time(16, 0)  # the last follow-up of the day goes out before this


def zone(name: str | None, fallback: str) -> ZoneInfo:
    """The IANA zone `name` (Slack's users.info tz), else `fallback` (the deployment's ERFARING_TIMEZONE)."""
    for candidate in (name, fallback):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def working(at: datetime, tz: ZoneInfo) -> bool:
    """Whether `at` is in working hours (weekdays 09:00–16:00) where the clock reads `tz`."""
    local = at.astimezone(tz)
    return local.weekday() in WORKDAYS and DAY_STARTS <= local.time() < DAY_ENDS


def next_working(at: datetime, tz: ZoneInfo) -> datetime:
    """`at` itself when it is in working hours in `tz`, else the next working morning there (in UTC)."""
    if working(at, tz):
        return at
    local = at.astimezone(tz)
    day: date = local.date()
    if local.time() >= DAY_STARTS:
        day += timedelta(days=1)  # today's working hours are over
    while day.weekday() not in WORKDAYS:
        day += timedelta(days=1)
    return datetime.combine(day, DAY_STARTS, tzinfo=tz).astimezone(UTC)
