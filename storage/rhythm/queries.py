"""Every query of the weekly rhythm: subscriptions, custom prompts, scheduled posts (the claims),
prompt replies, and the digest's aggregates over lessons and votes.

Services in bot/rhythm call these with a session and plain values; nothing else writes SQL for the
rhythm. The digest's queries are indexed aggregates (bench/digest_bench.py: p95 ≤ 100 ms at 100k
lessons): ranking, counting and bucketing happen in the database, never in Python scans.

Who may see a lesson is storage.lessons.visibility's rule, never written again here: a channel's own
section, its counts and its contributors are about the lessons its readers may see
(`Audience.channel`); the lessons that cross into other channels' digests are those the whole
workspace may see (`Audience.workspace`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, literal, select, union, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.db import rowcount
from storage.lessons.models import Lesson, Vote
from storage.lessons.queries import APPLIED, USEFUL
from storage.lessons.visibility import Audience, visible
from storage.rhythm.models import CustomPrompt, PromptReply, ScheduledPost, Subscription

# --- subscriptions -----------------------------------------------------------------------------------------


def subscription(session: Session, team_id: str, channel_id: str) -> Subscription | None:
    return session.scalar(
        select(Subscription).where(Subscription.team_id == team_id, Subscription.channel_id == channel_id)
    )


def active_subscriptions(
    session: Session, *, team_id: str | None = None, channel_id: str | None = None
) -> list[Subscription]:
    """Active subscriptions (of one workspace, or one channel), by workspace and channel."""
    query = select(Subscription).where(Subscription.active.is_(True))
    if team_id is not None:
        query = query.where(Subscription.team_id == team_id)
    if channel_id is not None:
        query = query.where(Subscription.channel_id == channel_id)
    return list(session.scalars(query.order_by(Subscription.team_id, Subscription.channel_id)))


# --- custom prompts -----------------------------------------------------------------------------------------


def custom_prompts(session: Session, team_id: str, language: str | None = None) -> list[CustomPrompt]:
    """The workspace's own questions that are not removed (of one language), oldest first."""
    query = select(CustomPrompt).where(CustomPrompt.team_id == team_id, CustomPrompt.removed.is_(False))
    if language is not None:
        query = query.where(CustomPrompt.language == language)
    return list(session.scalars(query.order_by(CustomPrompt.id)))


# --- scheduled posts: the claims ---------------------------------------------------------------------------


def scheduled_post(
    session: Session, team_id: str, channel_id: str, kind: str, week: str
) -> ScheduledPost | None:
    """The row of one (workspace, channel, kind, week) slot."""
    return session.scalar(
        select(ScheduledPost).where(
            ScheduledPost.team_id == team_id,
            ScheduledPost.channel_id == channel_id,
            ScheduledPost.kind == kind,
            ScheduledPost.week == week,
        )
    )


def post_by_message(
    session: Session, team_id: str, channel_id: str, ts: str, kind: str
) -> ScheduledPost | None:
    """The post of `kind` whose message is (channel_id, ts)."""
    return session.scalar(
        select(ScheduledPost).where(
            ScheduledPost.team_id == team_id,
            ScheduledPost.channel_id == channel_id,
            ScheduledPost.message_ts == ts,
            ScheduledPost.kind == kind,
        )
    )


def take_over_post(
    session: Session,
    post_id: int,
    *,
    seen_status: str,
    seen_attempts: int,
    seen_claimed_at: datetime,
    status: str,
    replica: str,
    now: datetime,
    due_at: datetime | None = None,
) -> bool:
    """Move the row from the attempt a process saw to its own claim. Only one writer can: the WHERE
    clause names the attempt seen, so every other writer matches no row. True for the winner.
    `due_at` moves the slot's due time (a post asked for by hand is due when it is asked for)."""
    values: dict[str, object] = {
        "status": status,
        "claimed_by": replica,
        "claimed_at": now,
        "attempts": seen_attempts + 1,
    }
    if due_at is not None:
        values["due_at"] = due_at
    result = session.execute(
        update(ScheduledPost)
        .where(
            ScheduledPost.id == post_id,
            ScheduledPost.status == seen_status,
            ScheduledPost.attempts == seen_attempts,
            ScheduledPost.claimed_at == seen_claimed_at,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def finish_post(
    session: Session, post_id: int, *, replica: str, attempts: int, values: Mapping[str, object]
) -> bool:
    """Record how a claimed post ended, only while the claim (replica, attempt) is still ours."""
    result = session.execute(
        update(ScheduledPost)
        .where(
            ScheduledPost.id == post_id,
            ScheduledPost.claimed_by == replica,
            ScheduledPost.attempts == attempts,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def set_prompt_key(session: Session, post_id: int, prompt_key: str) -> None:
    session.execute(
        update(ScheduledPost)
        .where(ScheduledPost.id == post_id)
        .values(prompt_key=prompt_key)
        .execution_options(synchronize_session=False)
    )


def post_keys(session: Session, team_id: str, channel_id: str, *, kind: str, status: str) -> list[str]:
    """The prompt keys of the channel's posts of `kind` in `status`, oldest first (the rotation)."""
    query = (
        select(ScheduledPost.prompt_key)
        .where(
            ScheduledPost.team_id == team_id,
            ScheduledPost.channel_id == channel_id,
            ScheduledPost.kind == kind,
            ScheduledPost.status == status,
            ScheduledPost.prompt_key.is_not(None),
        )
        .order_by(ScheduledPost.id)
    )
    return [key for key in session.scalars(query) if key]


def last_posted(
    session: Session, team_id: str, channel_id: str, kind: str, until: datetime
) -> tuple[str, datetime] | None:
    """(week, due time) of the channel's latest post of `kind` that went out, due at or before
    `until`; None when there was none. A digest's due time is where its range ends."""
    row = session.execute(
        select(ScheduledPost.week, ScheduledPost.due_at)
        .where(
            ScheduledPost.team_id == team_id,
            ScheduledPost.channel_id == channel_id,
            ScheduledPost.kind == kind,
            ScheduledPost.status == "posted",
            ScheduledPost.due_at <= until,
        )
        .order_by(ScheduledPost.due_at.desc(), ScheduledPost.id.desc())
        .limit(1)
    ).first()
    return None if row is None else (str(row.week), row.due_at)


# --- prompt replies ---------------------------------------------------------------------------------------


def reply_of_lesson(session: Session, team_id: str, lesson_id: int) -> PromptReply | None:
    """The thread reply a lesson was saved from, if it was."""
    return session.scalar(
        select(PromptReply).where(PromptReply.team_id == team_id, PromptReply.lesson_id == lesson_id)
    )


# --- the digest ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedLesson:
    """A lesson with its active votes, as the digest ranks them. `author_id` is the row's; the caller
    hides it for an anonymous lesson."""

    id: int
    text: str
    anonymous: bool
    author_id: str | None
    channel_id: str | None
    message_ts: str | None
    source_link: str | None
    created_at: datetime
    useful: int
    applied: int


def _votes(kind: str) -> ColumnElement[int]:
    return (
        select(func.count(Vote.id))
        .where(Vote.lesson_id == Lesson.id, Vote.kind == kind, Vote.active.is_(True))
        .correlate(Lesson)
        .scalar_subquery()
    )


def _in_week(team_id: str, start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    return [Lesson.team_id == team_id, Lesson.created_at >= start, Lesson.created_at < end]


def _channels_own(team_id: str, channel_id: str) -> list[ColumnElement[bool]]:
    """The lessons shared in `channel_id` that its readers may see (not someone's private note)."""
    return [Lesson.channel_id == channel_id, visible(Audience.channel(team_id, channel_id))]


def _ranked(session: Session, where: Sequence[ColumnElement[bool]], limit: int) -> list[RankedLesson]:
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
        RankedLesson(
            id=row.id,
            text=row.text,
            anonymous=bool(row.anonymous),
            author_id=row.author_id,
            channel_id=row.channel_id,
            message_ts=row.message_ts,
            source_link=row.source_link,
            created_at=row.created_at,
            useful=int(row.useful or 0),
            applied=int(row.applied or 0),
        )
        for row in rows
    ]


def week_lesson_count(session: Session, team_id: str, channel_id: str, start: datetime, end: datetime) -> int:
    """How many lessons its readers may see were shared in the channel in [start, end)."""
    where = [*_in_week(team_id, start, end), *_channels_own(team_id, channel_id)]
    return int(session.scalar(select(func.count(Lesson.id)).where(*where)) or 0)


def channel_top_lessons(
    session: Session, team_id: str, channel_id: str, start: datetime, end: datetime, limit: int
) -> list[RankedLesson]:
    """The channel's lessons of [start, end) its readers may see, most useful first (votes and reactions)."""
    where = [*_in_week(team_id, start, end), *_channels_own(team_id, channel_id)]
    return _ranked(session, where, limit)


def other_top_lessons(
    session: Session, team_id: str, channel_id: str, start: datetime, end: datetime, limit: int
) -> list[RankedLesson]:
    """The most useful lessons of [start, end) from the workspace's other channels (at least one vote)
    that the whole workspace may see: nothing private crosses into another channel."""
    where = [
        *_in_week(team_id, start, end),
        visible(Audience.workspace(team_id)),
        Lesson.channel_id.is_not(None),
        Lesson.channel_id != channel_id,
        _votes(USEFUL) > 0,
    ]
    return _ranked(session, where, limit)


def applied_marks(
    session: Session, team_id: str, channel_id: str, start: datetime, end: datetime
) -> tuple[int, int]:
    """(lessons, marks): the channel's lessons (those its readers may see) someone marked "I applied
    this" in [start, end)."""
    row = session.execute(
        select(func.count(func.distinct(Vote.lesson_id)), func.count(Vote.id))
        .join(Lesson, Lesson.id == Vote.lesson_id)
        .where(
            Vote.team_id == team_id,
            Vote.kind == APPLIED,
            Vote.active.is_(True),
            Vote.changed_at >= start,
            Vote.changed_at < end,
            *_channels_own(team_id, channel_id),
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def _bucket(
    column: ColumnElement[datetime] | InstrumentedAttribute[datetime], bounds: Sequence[datetime]
) -> ColumnElement[int]:
    # Week boundaries are computed by the caller (wall-clock weeks, DST-correct) and compared in SQL.
    return case(
        *((and_(column >= bounds[i], column < bounds[i + 1]), literal(i)) for i in range(len(bounds) - 1)),
        else_=literal(-1),
    )


AUTHOR, VOTER = "a", "v"
# Someone who took part in a week: (the week's index between the bounds, -1 outside them; AUTHOR or
# VOTER; an author's keyed hash or a voter's id). Plain tuples: a busy channel has thousands.
Contribution = tuple[int, str, str]


def contributions(
    session: Session, team_id: str, channel_id: str, bounds: Sequence[datetime]
) -> list[Contribution]:
    """Distinct authors and voters of the channel's lessons (those its readers may see) per week between
    `bounds`, in one query (one round trip)."""
    start, end = bounds[0], bounds[-1]
    authors = (
        select(
            _bucket(Lesson.created_at, bounds).label("bucket"),
            literal(AUTHOR).label("kind"),
            Lesson.author_hash.label("who"),
        )
        .where(*_in_week(team_id, start, end), *_channels_own(team_id, channel_id))
        .distinct()
    )
    voters = (
        select(
            _bucket(Vote.changed_at, bounds).label("bucket"),
            literal(VOTER).label("kind"),
            Vote.user_id.label("who"),
        )
        .join(Lesson, Lesson.id == Vote.lesson_id)
        .where(
            Vote.team_id == team_id,
            Vote.active.is_(True),
            Vote.changed_at >= start,
            Vote.changed_at < end,
            *_channels_own(team_id, channel_id),
        )
        .distinct()
    )
    rows: list[Contribution] = list(session.execute(union(authors, voters)).all())  # one round trip
    return rows
