"""What a channel's weekly digest says, read with a few indexed queries (storage.rhythm.queries).

The week is the wall-clock week that ends when the digest is due (Friday 14:00 to Friday 14:00 in
the channel's zone), so nothing shared after one digest is missed by the next, and a digest made up
late says what it would have said on time.

Other features add sections (mentoring figures, ...) with `register_section`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.lessons.service import author_hash
from bot.rhythm.data import DigestContext, DigestData, DigestLesson
from bot.rhythm.timing import weeks_before
from storage.rhythm import queries
from storage.rhythm.queries import AUTHOR, RankedLesson

__all__ = [
    "CHANNEL_LESSONS",
    "OTHER_LESSONS",
    "TREND_WEEKS",
    "DigestContext",
    "DigestData",
    "DigestLesson",
    "SectionHook",
    "applied_this_week",
    "build_digest",
    "channel_lessons",
    "contributor_trend",
    "other_lessons",
    "register_section",
    "registered_sections",
]

log = logging.getLogger(__name__)

TREND_WEEKS = 8
CHANNEL_LESSONS = 10  # shown in full; the rest are counted and pointed to search
OTHER_LESSONS = 3
# Candidates read for "top from other channels"; the channel filter (public channels only) picks from them.
OTHER_CANDIDATES = 20

# A hook returns mrkdwn lines (already translated and escaped), or nothing when it has nothing to say.
SectionHook = Callable[[Session, DigestContext], Sequence[str]]

_hooks: list[SectionHook] = []
_hooks_lock = threading.Lock()


def register_section(hook: SectionHook) -> None:
    """Add a section to every digest (e.g. mentoring figures). Registering the same hook twice is one."""
    with _hooks_lock:
        if hook not in _hooks:
            _hooks.append(hook)


def registered_sections() -> list[SectionHook]:
    with _hooks_lock:
        return list(_hooks)


def _lesson(row: RankedLesson) -> DigestLesson:
    return DigestLesson(
        id=row.id,
        text=row.text,
        author_id=None if row.anonymous else row.author_id,
        channel_id=row.channel_id,
        message_ts=row.message_ts,
        source_link=row.source_link,
        created_at=row.created_at,
        useful=row.useful,
        applied=row.applied,
    )


def channel_lessons(
    session: Session, team_id: str, channel_id: str, start: datetime, end: datetime, limit: int
) -> tuple[list[DigestLesson], int]:
    """The channel's lessons of the week, most useful first (votes and reactions), and their count."""
    count = queries.week_lesson_count(session, team_id, channel_id, start, end)
    if not count:
        return [], 0
    rows = queries.channel_top_lessons(session, team_id, channel_id, start, end, limit)
    return [_lesson(row) for row in rows], count


def other_lessons(
    session: Session,
    team_id: str,
    channel_id: str,
    start: datetime,
    end: datetime,
    limit: int,
    show_channel: Callable[[str], bool] | None = None,
) -> list[DigestLesson]:
    """The week's most useful lessons shared in the workspace's other channels (at least one vote)."""
    rows = queries.other_top_lessons(
        session, team_id, channel_id, start, end, OTHER_CANDIDATES if show_channel else limit
    )
    found = [_lesson(row) for row in rows]
    if show_channel is not None:
        found = [lesson for lesson in found if lesson.channel_id and show_channel(lesson.channel_id)]
    return found[:limit]


def applied_this_week(
    session: Session, team_id: str, channel_id: str, start: datetime, end: datetime
) -> tuple[int, int]:
    """(lessons, marks): the channel's lessons someone marked "I applied this" during the week."""
    return queries.applied_marks(session, team_id, channel_id, start, end)


def contributor_trend(
    session: Session, team_id: str, channel_id: str, bounds: list[datetime], secret_key: bytes
) -> list[int]:
    """People who shared a lesson in the channel or voted on one, per week between `bounds`.

    Authors are counted by their keyed hash, so anonymous authors count without being known; voters
    are hashed the same way here (a handful of distinct ids per week), so a person who both shared
    and voted counts once.
    """
    people: list[set[str]] = [set() for _ in range(len(bounds) - 1)]
    hashed: dict[str, str] = {}  # a voter active in several weeks is hashed once
    for bucket, kind, who in queries.contributions(session, team_id, channel_id, bounds):
        if not 0 <= bucket < len(people):
            continue
        if kind != AUTHOR:
            if who not in hashed:
                hashed[who] = author_hash(secret_key, team_id, who)
            who = hashed[who]
        people[bucket].add(who)
    return [len(week) for week in people]


def build_digest(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    week: str,
    end: datetime,
    tz: ZoneInfo,
    secret_key: bytes,
    language: str = "en",
    show_channel: Callable[[str], bool] | None = None,
    sections: Sequence[SectionHook] | None = None,
    channel_limit: int = CHANNEL_LESSONS,
    other_limit: int = OTHER_LESSONS,
) -> DigestData:
    """The digest for the wall-clock week ending at `end` (the digest's due time) in zone `tz`."""
    bounds = weeks_before(end, tz, TREND_WEEKS)
    start = bounds[-2]
    lessons, count = channel_lessons(session, team_id, channel_id, start, end, channel_limit)
    others = other_lessons(session, team_id, channel_id, start, end, other_limit, show_channel)
    applied_lessons, applied_marks = applied_this_week(session, team_id, channel_id, start, end)
    trend = contributor_trend(session, team_id, channel_id, bounds, secret_key)
    context = DigestContext(team_id, channel_id, start, end, language)
    extra: list[str] = []
    for hook in registered_sections() if sections is None else sections:
        try:
            with session.begin_nested():  # a failed query in a hook must not spoil the session
                extra.extend(line for line in hook(session, context) if line)
        except Exception:
            # Another feature's figures are a bonus: the digest goes out without them.
            log.exception("a digest section failed for %s in %s", channel_id, team_id)
    return DigestData(
        team_id=team_id,
        channel_id=channel_id,
        week=week,
        timezone=tz.key,
        start=start,
        end=end,
        lessons=lessons,
        lesson_count=count,
        others=others,
        applied_lessons=applied_lessons,
        applied_marks=applied_marks,
        contributors=trend[-1],
        trend=trend,
        extra=extra,
    )
