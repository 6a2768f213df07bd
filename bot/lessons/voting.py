""" "Useful" and "I applied this": one vote per person and button; clicking again takes it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.lessons.ids import VoteKind
from storage.lessons import queries
from storage.lessons.models import Vote
from storage.lessons.queries import Counts

# Two clicks this close together are one double click, not "vote, then take it back".
DEBOUNCE = timedelta(seconds=2)


@dataclass(frozen=True)
class VoteResult:
    changed: bool
    active: bool
    counts: Counts


def counts(session: Session, lesson_id: int) -> Counts:
    """One lesson's active votes (storage.lessons.queries.vote_counts, the one vote-count query)."""
    return queries.vote_counts(session, [lesson_id])[lesson_id]


def _change(
    session: Session,
    *,
    team_id: str,
    lesson_id: int,
    user_id: str,
    kind: VoteKind,
    now: datetime,
    want: bool | None,
) -> VoteResult:
    """Set the vote to `want`, or flip it when `want` is None (a button click)."""
    vote = queries.vote_for_update(session, lesson_id, user_id, kind)
    if vote is None:
        if want is False:
            return VoteResult(False, False, counts(session, lesson_id))
        try:
            with session.begin_nested():
                session.add(
                    Vote(
                        team_id=team_id,
                        lesson_id=lesson_id,
                        user_id=user_id,
                        kind=kind,
                        active=True,
                        changed_at=now,
                    )
                )
        except IntegrityError:
            # A concurrent click inserted it first: that click was this one's twin.
            return VoteResult(False, True, counts(session, lesson_id))
        return VoteResult(True, True, counts(session, lesson_id))
    if want is None:
        if now - vote.changed_at < DEBOUNCE:
            return VoteResult(False, vote.active, counts(session, lesson_id))
        want = not vote.active
    if vote.active == want:
        return VoteResult(False, vote.active, counts(session, lesson_id))
    vote.active = want
    vote.changed_at = now
    session.flush()
    return VoteResult(True, want, counts(session, lesson_id))


def toggle_vote(
    session: Session, *, team_id: str, lesson_id: int, user_id: str, kind: VoteKind, now: datetime
) -> VoteResult:
    return _change(
        session, team_id=team_id, lesson_id=lesson_id, user_id=user_id, kind=kind, now=now, want=None
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
) -> VoteResult:
    return _change(
        session, team_id=team_id, lesson_id=lesson_id, user_id=user_id, kind=kind, now=now, want=active
    )
