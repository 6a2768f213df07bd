"""What a channel's weekly digest says, read with a few indexed queries (no Python scans).

The week is the wall-clock week that ends when the digest is due (Friday 14:00 to Friday 14:00 in
the channel's zone), so nothing shared after one digest is missed by the next, and a digest made up
late says what it would have said on time.

Other features add sections (mentoring figures, ...) with `register_section`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, literal, select, union
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.lessons.service import author_hash
from bot.rhythm.timing import weeks_before
from storage.lessons.models import Lesson, Vote

log = logging.getLogger(__name__)

TREND_WEEKS = 8
CHANNEL_LESSONS = 10  # shown in full; the rest are counted and pointed to search
OTHER_LESSONS = 3
# Candidates read for "top from other channels"; the channel filter (public channels only) picks from them.
OTHER_CANDIDATES = 20
USEFUL = "useful"
APPLIED = "applied"


@dataclass(frozen=True)
class DigestLesson:
    id: int
    text: str
    author_id: str | None  # None for an anonymous lesson, whatever the row holds
    channel_id: str | None
    message_ts: str | None
    source_link: str | None  # e.g. the thread reply a prompt answer came from
    created_at: datetime
    useful: int
    applied: int


@dataclass(frozen=True)
class DigestContext:
    """What a section hook gets: the workspace, the channel, the week and the digest's language."""

    team_id: str
    channel_id: str
    start: datetime
    end: datetime
    language: str


# A hook returns mrkdwn lines (already translated and escaped), or nothing when it has nothing to say.
SectionHook = Callable[[Session, DigestContext], Sequence[str]]


@dataclass(frozen=True)
class DigestData:
    team_id: str
    channel_id: str
    week: str
    timezone: str
    start: datetime
    end: datetime
    lessons: list[DigestLesson]  # the channel's best, at most CHANNEL_LESSONS
    lesson_count: int  # all the channel's lessons this week
    others: list[DigestLesson]  # the week's top lessons from other channels
    applied_lessons: int  # the channel's lessons marked applied this week
    applied_marks: int  # how many times
    contributors: int  # people who shared or voted in the channel this week (anonymous authors too)
    trend: list[int]  # contributors per week, oldest first; the last is this week
    extra: list[str] = field(default_factory=list)

    @property
    def quiet(self) -> bool:
        return self.lesson_count == 0

    @property
    def more(self) -> int:
        return max(0, self.lesson_count - len(self.lessons))


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


def _votes(kind: str) -> ColumnElement[int]:
    return (
        select(func.count(Vote.id))
        .where(Vote.lesson_id == Lesson.id, Vote.kind == kind, Vote.active.is_(True))
        .correlate(Lesson)
        .scalar_subquery()
    )


def _lessons(session: Session, where: list[ColumnElement[bool]], limit: int) -> list[DigestLesson]:
    useful, applied = _votes(USEFUL), _votes(APPLIED)
    rows = session.execute(
        select(
            Lesson.id,
            Lesson.text,
            Lesson.anonymous,
            Lesson.author_id,
            Lesson.channel_id,
            Lesson.message_ts,
            Lesson.source_link,
            Lesson.created_at,
            useful.label("useful"),
            applied.label("applied"),
        )
        .where(*where)
        .order_by(useful.desc(), applied.desc(), Lesson.created_at, Lesson.id)
        .limit(limit)
    ).all()
    return [
        DigestLesson(
            id=row.id,
            text=row.text,
            author_id=None if row.anonymous else row.author_id,
            channel_id=row.channel_id,
            message_ts=row.message_ts,
            source_link=row.source_link,
            created_at=row.created_at,
            useful=int(row.useful or 0),
            applied=int(row.applied or 0),
        )
        for row in rows
    ]


def _in_week(team_id: str, start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    return [Lesson.team_id == team_id, Lesson.created_at >= start, Lesson.created_at < end]


def channel_lessons(
    session: Session, team_id: str, channel_id: str, start: datetime, end: datetime, limit: int
) -> tuple[list[DigestLesson], int]:
    """The channel's lessons of the week, most useful first (votes and reactions), and their count."""
    where = [*_in_week(team_id, start, end), Lesson.channel_id == channel_id]
    count = session.scalar(select(func.count(Lesson.id)).where(*where)) or 0
    return (_lessons(session, where, limit) if count else []), int(count)


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
    where = [
        *_in_week(team_id, start, end),
        Lesson.channel_id.is_not(None),
        Lesson.channel_id != channel_id,
        _votes(USEFUL) > 0,
    ]
    found = _lessons(session, where, OTHER_CANDIDATES if show_channel else limit)
    if show_channel is not None:
        found = [lesson for lesson in found if lesson.channel_id and show_channel(lesson.channel_id)]
    return found[:limit]


def applied_this_week(
    session: Session, team_id: str, channel_id: str, start: datetime, end: datetime
) -> tuple[int, int]:
    """(lessons, marks): the channel's lessons someone marked "I applied this" during the week."""
    row = session.execute(
        select(func.count(func.distinct(Vote.lesson_id)), func.count(Vote.id))
        .join(Lesson, Lesson.id == Vote.lesson_id)
        .where(
            Vote.team_id == team_id,
            Vote.kind == APPLIED,
            Vote.active.is_(True),
            Vote.changed_at >= start,
            Vote.changed_at < end,
            Lesson.team_id == team_id,
            Lesson.channel_id == channel_id,
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def _bucket(
    column: ColumnElement[datetime] | InstrumentedAttribute[datetime], bounds: list[datetime]
) -> ColumnElement[int]:
    # Week boundaries are computed in Python (wall-clock weeks, DST-correct) and compared in SQL.
    return case(
        *((and_(column >= bounds[i], column < bounds[i + 1]), literal(i)) for i in range(len(bounds) - 1)),
        else_=literal(-1),
    )


def contributor_trend(
    session: Session,
    team_id: str,
    channel_id: str,
    bounds: list[datetime],
    secret_key: bytes,
) -> list[int]:
    """People who shared a lesson in the channel or voted on one, per week between `bounds`.

    Authors are counted by their keyed hash, so anonymous authors count without being known; voters
    are hashed the same way in Python (a handful of distinct ids per week), so a person who both
    shared and voted counts once.
    """
    start, end = bounds[0], bounds[-1]
    authors = (
        select(
            _bucket(Lesson.created_at, bounds).label("bucket"),
            literal("a").label("kind"),
            Lesson.author_hash.label("who"),
        )
        .where(*_in_week(team_id, start, end), Lesson.channel_id == channel_id)
        .distinct()
    )
    voters = (
        select(
            _bucket(Vote.changed_at, bounds).label("bucket"),
            literal("v").label("kind"),
            Vote.user_id.label("who"),
        )
        .join(Lesson, Lesson.id == Vote.lesson_id)
        .where(
            Vote.team_id == team_id,
            Vote.active.is_(True),
            Vote.changed_at >= start,
            Vote.changed_at < end,
            Lesson.team_id == team_id,
            Lesson.channel_id == channel_id,
        )
        .distinct()
    )
    people: list[set[str]] = [set() for _ in range(len(bounds) - 1)]
    hashed: dict[str, str] = {}  # a voter active in several weeks is hashed once
    for bucket, kind, who in session.execute(union(authors, voters)).all():  # fetchall: one round trip
        if not 0 <= bucket < len(people):
            continue
        if kind != "a":
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
