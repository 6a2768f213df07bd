""" "Useful" and "I applied this": one vote per person and kind, however they give it.

A person may say "useful" with the button, :+1: and :bulb:: that is one useful vote from them. The ways
they used are remembered (a row per way beside the vote's own row, storage.lessons.queries
.source_kind), so taking one back keeps the vote while another remains, and the button never counts
twice what a reaction already said. Clicking the button again takes the button's part back.

A vote given with the button alone needs no such row (the vote's own row says it); the button's part
is written down when a second way joins it. A vote from before ways were remembered counts as given
by whichever way the person now takes back, so taking it back works as it always did.

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
    """The person's vote of `kind`, which the caller found missing, created (not yet counting). None
    when a concurrent first vote created it meanwhile (that vote was this one's twin)."""
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
    """Set this way's part of the vote to `want`, or flip it when `want` is None (a button click)."""
    existing = queries.vote_for_update(session, lesson_id, user_id, kind)
    if existing is None and want is False:
        return VoteResult(False, False, counts(session, lesson_id))
    vote = existing or _vote_row(
        session, team_id=team_id, lesson_id=lesson_id, user_id=user_id, kind=kind, now=now
    )
    if vote is None:
        return VoteResult(False, True, counts(session, lesson_id))
    rows: dict[VoteSource, Vote] = {}
    for row in queries.vote_sources(session, lesson_id, user_id, kind):
        way = _source(row.kind)
        if way is not None:
            rows[way] = row
    if source is VoteSource.BUTTON and not rows:
        # The button alone: the vote's own row is all it needs, as before ways were remembered.
        return _set(session, vote, lesson_id, want, now, last=vote.changed_at if existing else None)
    if vote.active and not any(row.active for row in rows.values()):
        # Held one way that was not written down: the button's alone, or, for a vote from before ways
        # were remembered, whichever way is now taken back. Written down now, beside the new way.
        holder = source if want is False else VoteSource.BUTTON
        rows[holder] = _source_row(session, vote, holder, rows.get(holder), True, vote.changed_at)
    mine = rows.get(source)
    given = mine.active if mine is not None else False
    if want is None:
        if mine is not None and now - mine.changed_at < DEBOUNCE:
            return VoteResult(False, vote.active, counts(session, lesson_id))
        want = not given
    if given == want:
        session.flush()
        return VoteResult(False, vote.active, counts(session, lesson_id))
    rows[source] = _source_row(session, vote, source, mine, want, now)
    others = frozenset(way for way, row in rows.items() if row.active and way is not source)
    counted = want or bool(others)
    changed = vote.active != counted
    if changed:
        vote.active, vote.changed_at = counted, now
    session.flush()
    return VoteResult(changed, counted, counts(session, lesson_id), others if not want else frozenset())


def _set(
    session: Session, vote: Vote, lesson_id: int, want: bool | None, now: datetime, last: datetime | None
) -> VoteResult:
    """The vote's own row set to `want` (flipped when None, unless within DEBOUNCE of `last`)."""
    if want is None:
        if last is not None and now - last < DEBOUNCE:
            return VoteResult(False, vote.active, counts(session, lesson_id))
        want = not vote.active
    if vote.active == want:
        session.flush()
        return VoteResult(False, vote.active, counts(session, lesson_id))
    vote.active, vote.changed_at = want, now
    session.flush()
    return VoteResult(True, want, counts(session, lesson_id))


def _source_row(
    session: Session, vote: Vote, source: VoteSource, row: Vote | None, active: bool, when: datetime
) -> Vote:
    """The row that remembers one way of giving `vote`, set to `active` (made when missing)."""
    if row is None:
        row = Vote(
            team_id=vote.team_id,
            lesson_id=vote.lesson_id,
            user_id=vote.user_id,
            kind=queries.source_kind(vote.kind, source),
            active=active,
            changed_at=when,
        )
        session.add(row)
    else:
        row.active, row.changed_at = active, when
    return row


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
