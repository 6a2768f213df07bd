""" "Useful" and "I applied this": one vote per person and kind, however they give it.

A person may say "useful" with the button, :+1: and :bulb:: that is one useful vote from them. Each way
they used is remembered (a row per source beside the vote's own row, storage.lessons.queries
.source_kind), so taking one back keeps the vote while another remains, and the button never counts
twice what a reaction already said. Clicking the button again takes the button's part back.

Votes given before sources were remembered have no source rows: such a vote counts as given by
whichever way the person now takes back (so taking it back works as it always did).

Only the vote's own row (kind "useful"/"applied") is counted, by storage.lessons.queries.vote_counts.
The vote's row is locked first (SELECT ... FOR UPDATE on PostgreSQL; SQLite serialises writers), so
two changes of one person's vote never interleave.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.lessons.ids import VoteKind, VoteSource
from storage.lessons import queries
from storage.lessons.models import Vote
from storage.lessons.queries import Counts

# Two clicks this close together are one double click, not "vote, then take it back".
DEBOUNCE = timedelta(seconds=2)


@dataclass(frozen=True)
class VoteResult:
    changed: bool  # the counted vote changed (the counts moved)
    active: bool  # the person's vote of this kind counts now
    counts: Counts
    # Taken back this way, but the vote remains through another (e.g. a :+1: reaction after the
    # button was clicked again): the person may want to know why nothing moved.
    held_by: frozenset[VoteSource] = frozenset()


_SOURCES = {source.value: source for source in VoteSource}


def _source(kind: str) -> VoteSource | None:
    """The way a source row's vote was given (its kind is `<kind>:<source>`)."""
    return _SOURCES.get(kind.partition(":")[2])


def counts(session: Session, lesson_id: int) -> Counts:
    """One lesson's active votes (storage.lessons.queries.vote_counts, the one vote-count query)."""
    return queries.vote_counts(session, [lesson_id])[lesson_id]


def _vote_row(
    session: Session, *, team_id: str, lesson_id: int, user_id: str, kind: str, now: datetime
) -> Vote | None:
    """The person's vote of `kind`, locked; created (not yet counting) when missing. None when a
    concurrent first vote created it meanwhile (that vote was this one's twin)."""
    vote = queries.vote_for_update(session, lesson_id, user_id, kind)
    if vote is not None:
        return vote
    try:
        with session.begin_nested():
            vote = Vote(
                team_id=team_id, lesson_id=lesson_id, user_id=user_id, kind=kind, active=False, changed_at=now
            )
            session.add(vote)
    except IntegrityError:
        return None
    return vote


def _change(
    session: Session,
    *,
    team_id: str,
    lesson_id: int,
    user_id: str,
    kind: VoteKind,
    source: VoteSource,
    now: datetime,
    want: bool | None,
) -> VoteResult:
    """Set this source's part of the vote to `want`, or flip it when `want` is None (a button click)."""
    existing = queries.vote_for_update(session, lesson_id, user_id, kind)
    if existing is None and want is False:
        return VoteResult(False, False, counts(session, lesson_id))
    vote = existing or _vote_row(
        session, team_id=team_id, lesson_id=lesson_id, user_id=user_id, kind=kind, now=now
    )
    if vote is None:
        return VoteResult(False, True, counts(session, lesson_id))
    rows = {row.kind: row for row in queries.vote_sources(session, lesson_id, user_id, kind)}
    mine = rows.get(queries.source_kind(kind, source))
    # A vote from before sources were remembered counts as given this way.
    legacy = vote.active and not rows
    given = mine.active if mine is not None else legacy
    if want is None:
        last = mine.changed_at if mine is not None else vote.changed_at if legacy else None
        if last is not None and now - last < DEBOUNCE:
            return VoteResult(False, vote.active, counts(session, lesson_id))
        want = not given
    if given == want:
        return VoteResult(False, vote.active, counts(session, lesson_id))
    if mine is None:
        mine = Vote(
            team_id=team_id,
            lesson_id=lesson_id,
            user_id=user_id,
            kind=queries.source_kind(kind, source),
            active=want,
            changed_at=now,
        )
        session.add(mine)
    else:
        mine.active, mine.changed_at = want, now
    others = frozenset(
        source
        for row in rows.values()
        if row.active and row is not mine
        for source in (_source(row.kind),)
        if source is not None
    )
    counted = want or bool(others)
    changed = vote.active != counted
    if changed:
        vote.active, vote.changed_at = counted, now
    session.flush()
    held = others if not want and counted else frozenset()
    return VoteResult(changed, counted, counts(session, lesson_id), held)


def toggle_vote(
    session: Session,
    *,
    team_id: str,
    lesson_id: int,
    user_id: str,
    kind: VoteKind,
    now: datetime,
    source: VoteSource = VoteSource.BUTTON,
) -> VoteResult:
    """A click: give this way's part of the vote, or take it back (a double click counts once)."""
    return _change(
        session,
        team_id=team_id,
        lesson_id=lesson_id,
        user_id=user_id,
        kind=kind,
        source=source,
        now=now,
        want=None,
    )


def set_vote(
    session: Session,
    *,
    team_id: str,
    lesson_id: int,
    user_id: str,
    kind: VoteKind,
    active: bool,
    now: datetime,
    source: VoteSource = VoteSource.THUMBS_UP,
) -> VoteResult:
    """A reaction added (`active`) or removed: this way's part of the vote, not debounced."""
    return _change(
        session,
        team_id=team_id,
        lesson_id=lesson_id,
        user_id=user_id,
        kind=kind,
        source=source,
        now=now,
        want=active,
    )
