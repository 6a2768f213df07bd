""" "Useful" and "I applied this": one vote per person and button; clicking again takes it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.lessons.models import Vote

# Two clicks this close together are one double click, not "vote, then take it back".
DEBOUNCE = timedelta(seconds=2)


class VoteKind(StrEnum):
    USEFUL = "useful"
    APPLIED = "applied"


@dataclass(frozen=True)
class Counts:
    useful: int = 0
    applied: int = 0


@dataclass(frozen=True)
class VoteResult:
    changed: bool
    active: bool
    counts: Counts


def counts(session: Session, lesson_id: int) -> Counts:
    rows = session.execute(
        select(Vote.kind, func.count())
        .where(Vote.lesson_id == lesson_id, Vote.active.is_(True))
        .group_by(Vote.kind)
    ).all()
    by_kind = {kind: int(n) for kind, n in rows}
    return Counts(useful=by_kind.get(VoteKind.USEFUL, 0), applied=by_kind.get(VoteKind.APPLIED, 0))


def counts_for(session: Session, lesson_ids: list[int]) -> dict[int, Counts]:
    if not lesson_ids:
        return {}
    rows = session.execute(
        select(Vote.lesson_id, Vote.kind, func.count())
        .where(Vote.lesson_id.in_(lesson_ids), Vote.active.is_(True))
        .group_by(Vote.lesson_id, Vote.kind)
    ).all()
    found: dict[int, dict[str, int]] = {}
    for lesson_id, kind, n in rows:
        found.setdefault(lesson_id, {})[kind] = int(n)
    return {
        lesson_id: Counts(
            useful=found.get(lesson_id, {}).get(VoteKind.USEFUL, 0),
            applied=found.get(lesson_id, {}).get(VoteKind.APPLIED, 0),
        )
        for lesson_id in lesson_ids
    }


def _locked_vote(session: Session, lesson_id: int, user_id: str, kind: VoteKind) -> Vote | None:
    query = select(Vote).where(Vote.lesson_id == lesson_id, Vote.user_id == user_id, Vote.kind == kind)
    return session.scalar(query.with_for_update())


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
    vote = _locked_vote(session, lesson_id, user_id, kind)
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
