"""Queries on lessons and their votes. Every feature counts votes with `vote_counts`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.lessons.models import Vote

USEFUL, APPLIED = "useful", "applied"


@dataclass(frozen=True)
class Counts:
    """A lesson's active votes: how many people found it useful, and applied it."""

    useful: int = 0
    applied: int = 0


def vote_counts(session: Session, lesson_ids: Iterable[int]) -> dict[int, Counts]:
    """Active useful/applied votes per lesson: the one vote-count query. Every id asked for is in the
    answer (Counts() when it has no votes). Looked up by lesson id only: the ids' lessons were already
    checked to belong to the workspace."""
    ids = list(dict.fromkeys(lesson_ids))
    if not ids:
        return {}
    found: dict[int, dict[str, int]] = {}
    for lesson_id, kind, n in session.execute(
        select(Vote.lesson_id, Vote.kind, func.count())
        .where(Vote.lesson_id.in_(ids), Vote.kind.in_((USEFUL, APPLIED)), Vote.active.is_(True))
        .group_by(Vote.lesson_id, Vote.kind)
    ):
        found.setdefault(int(lesson_id), {})[str(kind)] = int(n)
    return {
        lesson_id: Counts(
            useful=found.get(lesson_id, {}).get(USEFUL, 0), applied=found.get(lesson_id, {}).get(APPLIED, 0)
        )
        for lesson_id in ids
    }
