"""Every query of insights: the figures (read from lessons, votes, weekly prompts and mentoring), the
leaders, and the monthly report's claims.

The figures are aggregates in the database, bucketed by the caller's week (or month) boundaries in
one pass per table: a CASE on the timestamp picks the bucket, GROUP BY counts it (bench/insights_bench.py:
p95 ≤ 200 ms for one workspace at 100,000 lessons and 500 channels). Which lessons count is the one
visibility rule (storage.lessons.visibility.visible): a channel's figures count what that channel's
readers may see, the workspace's what the whole workspace may see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, delete, distinct, func, literal, select, union, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.core.models import Workspace
from storage.db import rowcount
from storage.insights.models import Leader, ReportClaim
from storage.lessons.models import Lesson, LessonTag, Vote
from storage.lessons.queries import APPLIED, USEFUL
from storage.lessons.visibility import Audience, visible
from storage.mentoring.models import MentorOffer, MentorProfile, MentorRequest, Mentorship
from storage.mentoring.states import EndReason
from storage.rhythm.models import ScheduledPost, Subscription

__all__ = [
    "APPLIED",
    "USEFUL",
    "Highlight",
    "LessonWeek",
    "Match",
    "Received",
]

# The weekly rhythm's values for a posted prompt (bot.rhythm.ids.PROMPT, bot.rhythm.claims.Status.POSTED;
# tests/unit/insights/test_queries.py checks they agree).
PROMPT_KIND = "prompt"
POSTED = "posted"

# Report claims: claimed (its effect is in the outbox), sent, failed (the outbox gave up).
CLAIMED, SENT, FAILED = "claimed", "sent", "failed"


Instant = ColumnElement[datetime] | InstrumentedAttribute[datetime] | InstrumentedAttribute[datetime | None]


def _bucket(column: Instant, bounds: Sequence[datetime]) -> ColumnElement[int]:
    """Which period between `bounds` a timestamp falls in (0, 1, …), as a binary search written as
    nested CASEs: about log2(periods) comparisons a row, not one per period. Only for rows the query's
    WHERE keeps within [bounds[0], bounds[-1]) (every query here does)."""

    def between(low: int, high: int) -> ColumnElement[int]:
        if high - low == 1:
            return literal(low)
        middle = (low + high) // 2
        return case((column < bounds[middle], between(low, middle)), else_=between(middle, high))

    return between(0, len(bounds) - 1)


def _seen(team_id: str, channel_id: str | None) -> list[ColumnElement[bool]]:
    """The lessons a scope counts: shared in `channel_id` and visible to its readers, or (None) visible
    to the whole workspace."""
    if channel_id is None:
        return [visible(Audience.workspace(team_id))]
    return [visible(Audience.channel(team_id, channel_id)), Lesson.channel_id == channel_id]


def _per_bucket(rows: Sequence[tuple[int, int]], size: int) -> list[int]:
    found = [0] * size
    for bucket, n in rows:
        if 0 <= bucket < size:
            found[bucket] = int(n or 0)
    return found


# --- lessons --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonWeek:
    """One period's lessons: how many, and by how many distinct people (keyed author hashes, so
    anonymous authors count once each without being known)."""

    lessons: int = 0
    contributors: int = 0


def lesson_periods(
    session: Session, team_id: str, channel_id: str | None, bounds: Sequence[datetime]
) -> list[LessonWeek]:
    """Lessons and distinct contributors per period between `bounds`, in one query."""
    bucket = _bucket(Lesson.created_at, bounds).label("bucket")
    rows = session.execute(
        select(
            bucket,
            func.count(Lesson.id),
            func.count(distinct(Lesson.author_hash)),
        )
        .where(
            Lesson.team_id == team_id,
            Lesson.created_at >= bounds[0],
            Lesson.created_at < bounds[-1],
            *_seen(team_id, channel_id),
        )
        .group_by(bucket)
    ).all()
    found = [LessonWeek() for _ in range(len(bounds) - 1)]
    for index, lessons, contributors in rows:
        if 0 <= index < len(found):
            found[index] = LessonWeek(int(lessons), int(contributors))
    return found


def contributors_between(
    session: Session, team_id: str, channel_id: str | None, start: datetime, end: datetime
) -> int:
    """Distinct people who shared a lesson the scope may see in [start, end) (a person active in
    several weeks counts once)."""
    found = session.scalar(
        select(func.count(distinct(Lesson.author_hash))).where(
            Lesson.team_id == team_id,
            Lesson.created_at >= start,
            Lesson.created_at < end,
            *_seen(team_id, channel_id),
        )
    )
    return int(found or 0)


def mark_periods(
    session: Session, team_id: str, channel_id: str | None, bounds: Sequence[datetime]
) -> dict[str, list[int]]:
    """Useful and applied marks made per period (active votes, by when they were made) on lessons the
    scope may see: {"useful": […], "applied": […]}."""
    bucket = _bucket(Vote.changed_at, bounds).label("bucket")
    rows = session.execute(
        # count(*), not count(votes.id): every column read is in ix_votes_insights (an index-only scan)
        select(bucket, Vote.kind, func.count())
        .select_from(Vote)
        .join(Lesson, Lesson.id == Vote.lesson_id)
        .where(
            Vote.team_id == team_id,
            Vote.active.is_(True),
            Vote.kind.in_((USEFUL, APPLIED)),
            Vote.changed_at >= bounds[0],
            Vote.changed_at < bounds[-1],
            *_seen(team_id, channel_id),
        )
        .group_by(bucket, Vote.kind)
    ).all()
    found = {USEFUL: [0] * (len(bounds) - 1), APPLIED: [0] * (len(bounds) - 1)}
    for index, kind, n in rows:
        if 0 <= index < len(bounds) - 1:
            found[str(kind)][index] = int(n)
    return found


def top_tags(
    session: Session, team_id: str, channel_id: str | None, start: datetime, end: datetime, limit: int
) -> list[tuple[str, int]]:
    """The tags of the most lessons the scope may see in [start, end), most used first."""
    rows = session.execute(
        select(LessonTag.tag, func.count(LessonTag.lesson_id))
        .join(Lesson, Lesson.id == LessonTag.lesson_id)
        .where(
            Lesson.team_id == team_id,
            Lesson.created_at >= start,
            Lesson.created_at < end,
            *_seen(team_id, channel_id),
        )
        .group_by(LessonTag.tag)
        .order_by(func.count(LessonTag.lesson_id).desc(), LessonTag.tag)
        .limit(limit)
    ).all()
    return [(str(tag), int(n)) for tag, n in rows]


# --- weekly questions -----------------------------------------------------------------------------------


def prompt_periods(
    session: Session,
    team_id: str,
    channel_id: str | None,
    prompt_channels: Sequence[str],
    bounds: Sequence[datetime],
) -> tuple[list[int], list[int]]:
    """(questions posted, answers to them) per period between `bounds`, for the weekly questions posted
    in `prompt_channels`. Answers are the prompt-thread lessons the scope (`channel_id`, or None: the
    workspace) may see, counted in the period their question was posted (Tuesday's answer to Monday's
    question is Monday's)."""
    size = len(bounds) - 1
    if not prompt_channels:
        return [0] * size, [0] * size
    posted_in = [
        ScheduledPost.team_id == team_id,
        ScheduledPost.kind == PROMPT_KIND,
        ScheduledPost.status == POSTED,
        ScheduledPost.channel_id.in_(sorted(set(prompt_channels))),
        ScheduledPost.posted_at >= bounds[0],
        ScheduledPost.posted_at < bounds[-1],
    ]
    bucket = _bucket(ScheduledPost.posted_at, bounds).label("bucket")
    posted = session.execute(select(bucket, func.count(ScheduledPost.id)).where(*posted_in).group_by(bucket))
    answer_bucket = _bucket(ScheduledPost.posted_at, bounds).label("bucket")
    answers = session.execute(
        select(answer_bucket, func.count(Lesson.id))
        .join(ScheduledPost, ScheduledPost.id == Lesson.prompt_post_id)
        .where(
            Lesson.team_id == team_id,
            Lesson.created_at >= bounds[0],  # no answer predates its question
            Lesson.prompt_post_id.is_not(None),
            *posted_in,
            *_seen(team_id, channel_id),
        )
        .group_by(answer_bucket)
    )
    return (
        _per_bucket([(int(b), int(n)) for b, n in posted], size),
        _per_bucket([(int(b), int(n)) for b, n in answers], size),
    )


def subscribed_channels(session: Session, team_id: str) -> list[str]:
    """Channels that get (or got) the weekly question: every subscription, active or not."""
    return [
        str(c)
        for c in session.scalars(
            select(Subscription.channel_id)
            .where(Subscription.team_id == team_id)
            .order_by(Subscription.channel_id)
        )
    ]


# --- mentoring ------------------------------------------------------------------------------------------


def request_periods(session: Session, team_id: str, bounds: Sequence[datetime]) -> list[int]:
    """Mentoring requests made per period."""
    bucket = _bucket(MentorRequest.created_at, bounds).label("bucket")
    rows = session.execute(
        select(bucket, func.count(MentorRequest.id))
        .where(
            MentorRequest.team_id == team_id,
            MentorRequest.created_at >= bounds[0],
            MentorRequest.created_at < bounds[-1],
        )
        .group_by(bucket)
    )
    return _per_bucket([(int(b), int(n)) for b, n in rows], len(bounds) - 1)


def offer_periods(session: Session, team_id: str, bounds: Sequence[datetime]) -> list[int]:
    """Requests offered to a mentor per period (a request asked of three mentors in a week is one)."""
    bucket = _bucket(MentorOffer.offered_at, bounds).label("bucket")
    rows = session.execute(
        select(bucket, func.count(distinct(MentorOffer.request_id)))
        .where(
            MentorOffer.team_id == team_id,
            MentorOffer.offered_at >= bounds[0],
            MentorOffer.offered_at < bounds[-1],
        )
        .group_by(bucket)
    )
    return _per_bucket([(int(b), int(n)) for b, n in rows], len(bounds) - 1)


def completed_periods(session: Session, team_id: str, bounds: Sequence[datetime]) -> list[int]:
    """Mentorships the two ended as done ("We're done") per period."""
    bucket = _bucket(Mentorship.ended_at, bounds).label("bucket")
    rows = session.execute(
        select(bucket, func.count(Mentorship.id))
        .where(
            Mentorship.team_id == team_id,
            Mentorship.ended_reason == EndReason.DONE,
            Mentorship.ended_at >= bounds[0],
            Mentorship.ended_at < bounds[-1],
        )
        .group_by(bucket)
    )
    return _per_bucket([(int(b), int(n)) for b, n in rows], len(bounds) - 1)


@dataclass(frozen=True)
class Match:
    """A mentorship that began: when it was asked for and matched, on what, and the two people's units
    (the mentor's team or department, the requester's), when known."""

    started_at: datetime
    requested_at: datetime
    topic: str
    mentor_unit: str | None
    requester_unit: str | None


def matches_between(session: Session, team_id: str, start: datetime, end: datetime) -> list[Match]:
    """Mentorships that began in [start, end), oldest first (a workspace has dozens a month, not more)."""
    rows = session.execute(
        select(
            Mentorship.started_at,
            MentorRequest.created_at,
            Mentorship.topic,
            MentorProfile.team_or_department,
            MentorRequest.requester_unit,
        )
        .join(MentorRequest, MentorRequest.id == Mentorship.request_id)
        .outerjoin(
            MentorProfile,
            and_(MentorProfile.team_id == Mentorship.team_id, MentorProfile.user_id == Mentorship.mentor_id),
        )
        .where(Mentorship.team_id == team_id, Mentorship.started_at >= start, Mentorship.started_at < end)
        .order_by(Mentorship.started_at, Mentorship.id)
    ).all()
    return [Match(row[0], row[1], str(row[2]), row[3], row[4]) for row in rows]


# --- one person's contribution --------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """What one author's lessons (named and anonymous) have had: marks from others, and how many
    distinct other people applied one."""

    named: int = 0
    anonymous: int = 0
    useful: int = 0
    applied: int = 0
    appliers: int = 0


def received(session: Session, team_id: str, digest: str, user_id: str) -> Received:
    """The lessons whose keyed author hash is `digest`, and the active marks others gave them."""
    named, anonymous = session.execute(
        select(
            func.count(Lesson.id).filter(Lesson.anonymous.is_(False)),
            func.count(Lesson.id).filter(Lesson.anonymous.is_(True)),
        ).where(Lesson.team_id == team_id, Lesson.author_hash == digest)
    ).one()
    marks = session.execute(
        select(Vote.kind, func.count(Vote.id), func.count(distinct(Vote.user_id)))
        .join(Lesson, Lesson.id == Vote.lesson_id)
        .where(
            Lesson.team_id == team_id,
            Lesson.author_hash == digest,
            Vote.active.is_(True),
            Vote.user_id != user_id,  # marking one's own lesson is not something received
        )
        .group_by(Vote.kind)
    ).all()
    counts = {str(kind): (int(n), int(people)) for kind, n, people in marks}
    return Received(
        named=int(named or 0),
        anonymous=int(anonymous or 0),
        useful=counts.get(USEFUL, (0, 0))[0],
        applied=counts.get(APPLIED, (0, 0))[0],
        appliers=counts.get(APPLIED, (0, 0))[1],
    )


# --- the report's highlights ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Highlight:
    """A lesson the whole workspace may see, with the marks of one kind it got in a period.
    `author_id` is None for an anonymous lesson, whatever the row holds."""

    id: int
    text: str
    author_id: str | None
    channel_id: str | None
    marks: int


def most_marked(
    session: Session, team_id: str, kind: str, start: datetime, end: datetime, limit: int
) -> list[Highlight]:
    """The workspace-visible lessons that got the most active `kind` marks in [start, end)."""
    marks = func.count().label("marks")
    ranked = (
        select(Vote.lesson_id.label("lesson_id"), marks)
        .select_from(Vote)
        .join(Lesson, Lesson.id == Vote.lesson_id)
        .where(
            Vote.team_id == team_id,
            Vote.kind == kind,
            Vote.active.is_(True),
            Vote.changed_at >= start,
            Vote.changed_at < end,
            visible(Audience.workspace(team_id)),
        )
        .group_by(Vote.lesson_id)
        .order_by(marks.desc(), Vote.lesson_id)
        .limit(limit)
        .subquery()
    )
    rows = session.execute(
        select(Lesson.id, Lesson.text, Lesson.anonymous, Lesson.author_id, Lesson.channel_id, ranked.c.marks)
        .join(ranked, ranked.c.lesson_id == Lesson.id)
        .order_by(ranked.c.marks.desc(), Lesson.id)
    ).all()
    return [
        Highlight(
            id=int(row[0]),
            text=str(row[1]),
            author_id=None if row[2] else row[3],
            channel_id=row[4],
            marks=int(row[5]),
        )
        for row in rows
    ]


# --- leaders --------------------------------------------------------------------------------------------


def leaders(session: Session, team_id: str) -> list[Leader]:
    return list(
        session.scalars(
            select(Leader).where(Leader.team_id == team_id).order_by(Leader.added_at, Leader.user_id)
        )
    )


def add_leader(session: Session, team_id: str, user_id: str, added_by: str, now: datetime) -> bool:
    """True when `user_id` became a leader; False when they were one already."""
    if session.get(Leader, (team_id, user_id)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(Leader(team_id=team_id, user_id=user_id, added_by=added_by, added_at=now))
    except IntegrityError:
        return False  # added at the same moment by another request
    return True


def remove_leader(session: Session, team_id: str, user_id: str) -> bool:
    result = session.execute(delete(Leader).where(Leader.team_id == team_id, Leader.user_id == user_id))
    return rowcount(result) > 0


def teams_with_leaders(session: Session) -> list[str]:
    return [str(t) for t in session.scalars(select(Leader.team_id).distinct().order_by(Leader.team_id))]


def known_teams(session: Session) -> list[str]:
    """Every workspace the database knows of (ERFARING_LEADERS names leaders without naming one)."""
    found = session.scalars(
        union(
            select(Workspace.team_id),
            select(Leader.team_id),
            select(Subscription.team_id),
            select(MentorProfile.team_id),
            select(Lesson.team_id).distinct(),
        )
    )
    return sorted({str(t) for t in found})


def holiday_country(session: Session, team_id: str) -> str | None:
    """The public-holiday country most of the workspace's subscribed channels keep (`/erfaring
    holidays`), or None when none does."""
    found = session.execute(
        select(Subscription.holiday_country, func.count(Subscription.id))
        .where(Subscription.team_id == team_id, Subscription.holiday_country.is_not(None))
        .group_by(Subscription.holiday_country)
        .order_by(func.count(Subscription.id).desc(), Subscription.holiday_country)
        .limit(1)
    ).first()
    return str(found[0]) if found else None


# --- report claims --------------------------------------------------------------------------------------


def claim_report(
    session: Session, team_id: str, month: str, leader_id: str, replica: str, now: datetime
) -> ReportClaim | None:
    """Insert the (team, month, leader) claim in the caller's transaction; None when it exists already
    (another process, a restart or an earlier run has it)."""
    existing = report_claim_of(session, team_id, month, leader_id)
    if existing is not None:
        return None
    claim = ReportClaim(
        team_id=team_id,
        month=month,
        leader_id=leader_id,
        status=CLAIMED,
        claimed_by=replica[:64],
        claimed_at=now,
        attempts=1,
    )
    try:
        with session.begin_nested():
            session.add(claim)
    except IntegrityError:
        return None  # claimed at the same moment elsewhere: that one sends it
    return claim


def report_claim_of(session: Session, team_id: str, month: str, leader_id: str) -> ReportClaim | None:
    return session.scalar(
        select(ReportClaim).where(
            ReportClaim.team_id == team_id, ReportClaim.month == month, ReportClaim.leader_id == leader_id
        )
    )


def report_claim(session: Session, claim_id: int) -> ReportClaim | None:
    """The claim as the database has it now (not as this session last saw it)."""
    return session.get(ReportClaim, claim_id, populate_existing=True)


def month_claims(session: Session, team_id: str, month: str) -> list[ReportClaim]:
    return list(
        session.scalars(
            select(ReportClaim)
            .where(ReportClaim.team_id == team_id, ReportClaim.month == month)
            .order_by(ReportClaim.leader_id)
        )
    )


def retake_failed(session: Session, claim_id: int, seen_attempts: int, replica: str, now: datetime) -> bool:
    """A failed report is claimed again (by the CLI, by hand): only one writer can, the one that saw
    this attempt. The parts that did arrive (the text, the chart) stay recorded and are not sent again."""
    result = session.execute(
        update(ReportClaim)
        .where(
            ReportClaim.id == claim_id, ReportClaim.status == FAILED, ReportClaim.attempts == seen_attempts
        )
        .values(
            status=CLAIMED, claimed_by=replica[:64], claimed_at=now, attempts=seen_attempts + 1, detail=None
        )
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def record_progress(
    session: Session,
    claim_id: int,
    *,
    channel_id: str | None = None,
    message_ts: str | None = None,
    file_id: str | None = None,
) -> None:
    """What has arrived so far (the DM, its text message, the chart), so nothing is sent twice."""
    values = {
        key: value
        for key, value in (("channel_id", channel_id), ("message_ts", message_ts), ("file_id", file_id))
        if value is not None
    }
    if values:
        session.execute(
            update(ReportClaim)
            .where(ReportClaim.id == claim_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def finish_claim(
    session: Session, claim_id: int, status: str, now: datetime, detail: str | None = None
) -> bool:
    """Sent, or failed (with why); only a claim still being sent changes."""
    values: dict[str, object] = {"status": status, "detail": detail[:200] if detail else None}
    if status == SENT:
        values["sent_at"] = now
    result = session.execute(
        update(ReportClaim)
        .where(ReportClaim.id == claim_id, ReportClaim.status == CLAIMED)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


# --- a person erased (bot.privacy) ----------------------------------------------------------------------


ERASED = "erased"


def forget_person(session: Session, team_id: str, user_id: str) -> int:
    """Erase `user_id` from insights' rows: no longer a leader, their reports' claims gone, and the
    leaders they added keep being leaders without their name. How many rows changed."""
    changed = rowcount(
        session.execute(delete(Leader).where(Leader.team_id == team_id, Leader.user_id == user_id))
    )
    changed += rowcount(
        session.execute(
            delete(ReportClaim).where(ReportClaim.team_id == team_id, ReportClaim.leader_id == user_id)
        )
    )
    changed += rowcount(
        session.execute(
            update(Leader)
            .where(Leader.team_id == team_id, Leader.added_by == user_id)
            .values(added_by=ERASED)
            .execution_options(synchronize_session=False)
        )
    )
    return changed
