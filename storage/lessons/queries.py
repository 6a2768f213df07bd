"""Queries on lessons and their votes: every select of the lessons feature lives here. Every feature
counts votes with `vote_counts`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from storage.db import rowcount
from storage.lessons import visibility
from storage.lessons.models import Lesson, Vote

USEFUL, APPLIED = "useful", "applied"


@dataclass(frozen=True)
class Counts:
    """A lesson's active votes: how many people found it useful, and applied it."""

    useful: int = 0
    applied: int = 0


def source_kind(kind: str, source: str) -> str:
    """The kind of the row that remembers one way a person voted (`useful:+1`, `useful:button`).

    A person's vote of a kind is one row of that kind (what every count counts); beside it, one row
    per way they gave it (the button, :+1:, :bulb:), so that taking one back keeps the vote while
    another remains. Those rows have kinds no count counts, and fit the kind column (16)."""
    return f"{kind}:{source}"


# Built once: every search result, digest and Home asks for counts, and building the statement and its
# cache key each time cost as much as running it (the ids are an expanding parameter).
_VOTE_COUNTS = (
    select(Vote.lesson_id, Vote.kind, func.count())
    .where(
        Vote.lesson_id.in_(bindparam("ids", expanding=True)),
        Vote.kind.in_((USEFUL, APPLIED)),
        Vote.active.is_(True),
    )
    .group_by(Vote.lesson_id, Vote.kind)
)


def vote_counts(session: Session, lesson_ids: Iterable[int]) -> dict[int, Counts]:
    """Active useful/applied votes per lesson: the one vote-count query. Every id asked for is in the
    answer (Counts() when it has no votes). Looked up by lesson id only: the ids' lessons were already
    checked to belong to the workspace. An author's vote on their own lesson is never stored
    (bot.lessons.flows refuses it, anonymous authors included), so no count includes the author."""
    ids = list(dict.fromkeys(lesson_ids))
    if not ids:
        return {}
    found: dict[int, dict[str, int]] = {}
    for lesson_id, kind, n in session.execute(_VOTE_COUNTS, {"ids": ids}):
        found.setdefault(int(lesson_id), {})[str(kind)] = int(n)
    return {
        lesson_id: Counts(
            useful=found.get(lesson_id, {}).get(USEFUL, 0), applied=found.get(lesson_id, {}).get(APPLIED, 0)
        )
        for lesson_id in ids
    }


def lesson(session: Session, team_id: str, lesson_id: int) -> Lesson | None:
    """The team's lesson with this id, or None (another team's lesson is none of its business). From
    the session's identity map when this transaction has it already (a vote reads it, then where
    it was posted): no second SELECT of the row and its tags."""
    found = session.get(Lesson, lesson_id)
    return found if found is not None and found.team_id == team_id else None


@dataclass(frozen=True)
class VoteTarget:
    """What a vote needs of its lesson: who wrote it (the keyed hash; the id of named authors only)
    and where it was posted."""

    author_hash: str
    author_id: str | None
    anonymous: bool
    channel_id: str | None
    message_ts: str | None


# A click reads five columns of one row: loading the whole lesson and its tags was nearly half of a
# click's listener under load (py-spy, docs/benchmarks.md, stop 19).
_VOTE_TARGET = select(
    Lesson.author_hash, Lesson.author_id, Lesson.anonymous, Lesson.channel_id, Lesson.message_ts
).where(Lesson.id == bindparam("lesson_id"), Lesson.team_id == bindparam("team_id"))


def vote_target(session: Session, team_id: str, lesson_id: int) -> VoteTarget | None:
    """The team's lesson with this id as a vote sees it, or None (gone, or another team's)."""
    row = session.execute(_VOTE_TARGET, {"lesson_id": lesson_id, "team_id": team_id}).one_or_none()
    return None if row is None else VoteTarget(*row)


def record_post(session: Session, team_id: str, lesson_id: int, channel_id: str, message_ts: str) -> None:
    """Where the lesson was posted, unless a post of it is recorded already: one UPDATE, no load of
    the lesson."""
    session.execute(
        update(Lesson)
        .where(Lesson.team_id == team_id, Lesson.id == lesson_id, Lesson.message_ts.is_(None))
        .values(channel_id=channel_id, message_ts=message_ts)
    )


def lesson_at(session: Session, team_id: str, channel_id: str, message_ts: str) -> Lesson | None:
    """The lesson posted as this message (ix_lessons_message)."""
    return session.scalar(
        select(Lesson).where(
            Lesson.team_id == team_id, Lesson.channel_id == channel_id, Lesson.message_ts == message_ts
        )
    )


def lessons_by_author_hash(
    session: Session, team_id: str, digest: str, limit: int, audience: visibility.Audience
) -> list[Lesson]:
    """An author's lessons, named and anonymous (by the keyed hash), that `audience` may see, newest
    first."""
    query = (
        select(Lesson)
        .where(Lesson.team_id == team_id, Lesson.author_hash == digest, visibility.visible(audience))
        .order_by(Lesson.created_at.desc(), Lesson.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def vote_for_update(session: Session, lesson_id: int, user_id: str, kind: str) -> Vote | None:
    """A person's vote of one kind on a lesson, locked for the rest of the transaction (PostgreSQL:
    SELECT ... FOR UPDATE; SQLite serialises writers anyway)."""
    query = select(Vote).where(Vote.lesson_id == lesson_id, Vote.user_id == user_id, Vote.kind == kind)
    return session.scalar(query.with_for_update())


def vote_sources(session: Session, lesson_id: int, user_id: str, kind: str) -> list[Vote]:
    """The rows that remember how a person gave their vote of `kind` (source_kind), active or not.
    Read after vote_for_update locked the vote itself, so two changes of one vote never interleave."""
    prefix = source_kind(kind, "")
    query = select(Vote).where(
        Vote.lesson_id == lesson_id, Vote.user_id == user_id, Vote.kind.startswith(prefix, autoescape=True)
    )
    return list(session.scalars(query))


def pending_visibility(session: Session, limit: int) -> list[tuple[int, str, str]]:
    """(id, team, channel) of lessons whose visibility is not settled yet, oldest first."""
    rows = session.execute(
        select(Lesson.id, Lesson.team_id, Lesson.channel_id)
        .where(Lesson.visibility == visibility.PENDING, Lesson.channel_id.is_not(None))
        .order_by(Lesson.id)
        .limit(limit)
    ).all()
    return [(int(row.id), str(row.team_id), str(row.channel_id)) for row in rows]


def settle_visibility(
    session: Session, team_id: str, channel_id: str, to: str, *, keep_channel: bool = True
) -> int:
    """Every still-pending lesson shared in `channel_id` gets visibility `to` (and, unless
    `keep_channel`, forgets the conversation: a DM's id would name its author); how many did."""
    if to not in visibility.VISIBILITIES:
        raise ValueError(to)
    values: dict[str, str | None] = {"visibility": to}
    if not keep_channel:
        values["channel_id"] = None
    result = session.execute(
        update(Lesson)
        .where(
            Lesson.team_id == team_id,
            Lesson.channel_id == channel_id,
            Lesson.visibility == visibility.PENDING,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result)
