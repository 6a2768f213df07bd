"""When the weekly posts are due: wall-clock times in the channel's IANA zone, right across DST.

A schedule is (weekday, HH:MM) on the channel's wall clock. Turning it into an instant:
- a time that does not exist (the spring-forward gap) is due at the first instant after the gap;
- a time that happens twice (fall-back) is due once, at its first occurrence.
Weeks are ISO weeks of the channel's local calendar ("2026-W10"); each (channel, kind, week) is one
post, so the week key is what makes a post happen once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from sqlalchemy.orm import Session

from bot.rhythm.ids import DIGEST, PROMPT
from storage.core import queries as core_queries
from storage.rhythm.models import Subscription

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Schedule:
    weekday: int  # Monday = 0, as date.weekday()
    hour: int
    minute: int


@dataclass(frozen=True)
class Slot:
    """One weekly post: which week (in the channel's zone) and the instant it is due."""

    kind: str
    week: str
    due_at: datetime


def parse_time(value: str) -> tuple[int, int]:
    """'09:00' → (9, 0); ValueError for anything that is not a valid HH:MM."""
    hours, sep, minutes = value.strip().partition(":")
    if not sep or not (hours.isdigit() and minutes.isdigit()) or len(minutes) != 2 or len(hours) > 2:
        raise ValueError(f"not a time of day: {value!r}")
    hour, minute = int(hours), int(minutes)
    if hour > 23 or minute > 59:
        raise ValueError(f"not a time of day: {value!r}")
    return hour, minute


def schedule_of(sub: Subscription, kind: str) -> Schedule:
    if kind == PROMPT:
        weekday, at = sub.prompt_weekday, sub.prompt_time
    elif kind == DIGEST:
        weekday, at = sub.digest_weekday, sub.digest_time
    else:
        raise ValueError(f"unknown kind {kind!r}")
    hour, minute = parse_time(at)
    return Schedule(weekday % 7, hour, minute)


# --- zones and languages --------------------------------------------------------------------------


def zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def effective_timezone(session: Session, sub: Subscription, default: str) -> str:
    """The channel's own zone, else the workspace's, else the deployment's (ERFARING_TIMEZONE)."""
    if zone(sub.timezone):
        return str(sub.timezone)
    workspace = core_queries.workspace(session, sub.team_id)
    if workspace is not None and zone(workspace.timezone):
        return str(workspace.timezone)
    return default if zone(default) else "UTC"


# --- wall clock → instants ------------------------------------------------------------------------


def wall_clock(day: date, hour: int, minute: int, tz: ZoneInfo) -> datetime:
    """The UTC instant at which the wall clock in `tz` first reads `day hour:minute` (or later)."""
    naive = datetime.combine(day, time(hour, minute))
    return resolve(naive, tz)


def resolve(naive: datetime, tz: ZoneInfo) -> datetime:
    # fold=0 is the first occurrence of a repeated (fall-back) time, which is the one we want.
    first = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == naive:
        return first
    # In a spring-forward gap: the two folds bracket the transition. Find the first instant whose
    # wall clock has reached `naive`: that is the transition itself (03:00 when 02:00-03:00 is skipped).
    other = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    low, high = min(first, other), max(first, other)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).replace(tzinfo=None) >= naive:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def shift_wall_clock(instant: datetime, tz: ZoneInfo, delta: timedelta) -> datetime:
    """`instant` moved by `delta` on the wall clock (a week back is 167 or 169 hours across DST)."""
    local = instant.astimezone(tz).replace(tzinfo=None)
    return resolve(local + delta, tz)


def week_monday(instant: datetime, tz: ZoneInfo) -> date:
    local = instant.astimezone(tz).date()
    return local - timedelta(days=local.weekday())


def week_key_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_key(instant: datetime, tz: ZoneInfo) -> str:
    """The ISO week `instant` falls in on the channel's calendar, e.g. '2026-W10'."""
    return week_key_of(instant.astimezone(tz).date())


def monday_of_week_key(key: str) -> date:
    year, _, week = key.partition("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def due_in_week(monday: date, schedule: Schedule, tz: ZoneInfo) -> datetime:
    return wall_clock(monday + timedelta(days=schedule.weekday), schedule.hour, schedule.minute, tz)


def last_due(now: datetime, schedule: Schedule, tz: ZoneInfo, kind: str = "") -> Slot:
    """The most recent slot that is due at `now` (its instant ≤ now)."""
    monday = week_monday(now, tz)
    due = due_in_week(monday, schedule, tz)
    if due > now:
        monday -= WEEK
        due = due_in_week(monday, schedule, tz)
    return Slot(kind, week_key_of(monday), due)


def next_due(now: datetime, schedule: Schedule, tz: ZoneInfo, kind: str = "") -> Slot:
    """The first slot due after `now`."""
    monday = week_monday(now, tz)
    due = due_in_week(monday, schedule, tz)
    if due <= now:
        monday += WEEK
        due = due_in_week(monday, schedule, tz)
    return Slot(kind, week_key_of(monday), due)


def due_between(
    start: datetime, end: datetime, schedule: Schedule, tz: ZoneInfo, kind: str = ""
) -> list[Slot]:
    """Every slot with start < due_at ≤ end, oldest first."""
    slots: list[Slot] = []
    slot = next_due(start, schedule, tz, kind)
    while slot.due_at <= end:
        slots.append(slot)
        slot = next_due(slot.due_at, schedule, tz, kind)
    return slots


def weeks_before(end: datetime, tz: ZoneInfo, weeks: int) -> list[datetime]:
    """Boundaries [end - weeks, ..., end - 1 week, end], each a whole wall-clock week apart."""
    return [shift_wall_clock(end, tz, -WEEK * back) for back in range(weeks, 0, -1)] + [end]


def within_grace(due_at: datetime, now: datetime, grace: timedelta) -> bool:
    """Due, and not so long ago that posting it now would be more confusing than useful."""
    return due_at <= now <= due_at + grace


# --- holidays and pauses --------------------------------------------------------------------------


@cache
def _country_holidays(country: str, year: int) -> dict[date, str]:
    try:
        found = holidays.country_holidays(country, years=year)
    except NotImplementedError:  # an unknown country code: no holidays rather than no posts
        return {}
    return {day: str(name) for day, name in found.items()}


def holiday_name(country: str | None, day: date) -> str | None:
    """The public holiday on `day` in `country` (ISO code, e.g. 'NO'), or None."""
    if not country:
        return None
    return _country_holidays(country.upper(), day.year).get(day)


def known_country(country: str) -> bool:
    try:
        holidays.country_holidays(country.upper())
    except NotImplementedError:
        return False
    return True


def is_paused(sub: Subscription, now: datetime) -> bool:
    return sub.paused_until is not None and now < sub.paused_until
