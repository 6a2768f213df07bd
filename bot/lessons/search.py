"""Lesson search: turns what a user typed into safe terms and ranked hits with vote counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.lessons.models import Lesson, Vote
from storage.lessons.search import safe_terms, search_lesson_ids

_VOTE_KINDS = ("useful", "applied")


@dataclass(frozen=True)
class SearchHit:
    lesson_id: int
    score: float
    text: str
    tags: list[str]
    anonymous: bool
    author_id: str | None  # always None for an anonymous lesson
    channel_id: str | None
    message_ts: str | None
    created_at: datetime
    useful: int
    applied: int


def query_terms(raw: str) -> list[str]:
    """The user's words, NFC and case-folded, without duplicates: at most 8, each at most 40 chars.

    Only runs of letters and digits (any script) count as words; everything else ('#', quotes, '*',
    ':', '&', '|', '!', brackets, '-', '^', '_') separates them, so "#testing" searches the word its
    tag is indexed as and no FTS5 or tsquery syntax gets through. NEAR/AND/OR/NOT stay plain words.
    """
    # storage.lessons.search re-applies the same rule to whatever it is given; one definition of a term.
    return safe_terms([raw or ""])


def _tags(tags_text: str) -> list[str]:
    return [tag.lstrip("#") for tag in tags_text.split() if tag.lstrip("#")]


def search(session: Session, team_id: str, raw_query: str, limit: int = 10) -> list[SearchHit]:
    """The team's lessons matching every word of `raw_query` (as prefixes), best first: the best
    among the newest 2,000 matching lessons (storage.lessons.search.CANDIDATE_LIMIT), which is all of them
    unless a word is very common."""
    terms = query_terms(raw_query)
    if not terms:
        return []
    ranked = search_lesson_ids(session, team_id, terms, limit)
    if not ranked:
        return []
    ids = [lesson_id for lesson_id, _ in ranked]
    # Both lookups go by lesson id only: with team_id in the WHERE clause SQLite picks the team index
    # and walks every lesson (and vote) of the team, ~10 ms at 40k lessons. The ids come from a
    # team-filtered search, and the team is checked again on each row below.
    # Plain columns, not entities: one query, no selectin load of LessonTag (tags_text holds them).
    rows = session.execute(
        select(
            Lesson.id,
            Lesson.team_id,
            Lesson.text,
            Lesson.tags_text,
            Lesson.anonymous,
            Lesson.author_id,
            Lesson.channel_id,
            Lesson.message_ts,
            Lesson.created_at,
        ).where(Lesson.id.in_(ids))
    ).all()
    lessons = {row.id: row for row in rows if row.team_id == team_id}
    counts: dict[tuple[int, str], int] = {}
    for lesson_id, kind, count in session.execute(
        select(Vote.lesson_id, Vote.kind, func.count())
        .where(Vote.lesson_id.in_(ids), Vote.kind.in_(_VOTE_KINDS), Vote.active.is_(True))
        .group_by(Vote.lesson_id, Vote.kind)
    ):
        counts[(lesson_id, kind)] = int(count)
    hits: list[SearchHit] = []
    for lesson_id, score in ranked:
        row = lessons.get(lesson_id)
        if row is None:  # deleted meanwhile (or, impossibly, another team's)
            continue
        hits.append(
            SearchHit(
                lesson_id=lesson_id,
                score=score,
                text=row.text,
                tags=_tags(row.tags_text),
                anonymous=bool(row.anonymous),
                # Never expose who wrote an anonymous lesson, whatever the row holds.
                author_id=None if row.anonymous else row.author_id,
                channel_id=row.channel_id,
                message_ts=row.message_ts,
                created_at=row.created_at,
                useful=counts.get((lesson_id, "useful"), 0),
                applied=counts.get((lesson_id, "applied"), 0),
            )
        )
    return hits
