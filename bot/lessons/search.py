"""Lesson search: turns what a person typed into safe terms and ranked hits with vote counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.lessons.data import ListedLesson
from storage.lessons import queries
from storage.lessons.search import safe_terms, search_lesson_ids

SEARCH_LIMIT = 10


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
    """The person's words, NFC and case-folded, without duplicates: at most 8, each at most 40 chars.

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
    # Both lookups go by lesson id only (see queries.lesson_rows): the ids come from a team-filtered
    # search, and the team is checked again on each row below.
    rows = {
        lesson_id: row
        for lesson_id, row in queries.lesson_rows(session, ids).items()
        if row.team_id == team_id
    }
    counts = queries.vote_counts(session, rows)
    hits: list[SearchHit] = []
    for lesson_id, score in ranked:
        row = rows.get(lesson_id)
        if row is None:  # deleted meanwhile (or, impossibly, another team's)
            continue
        hits.append(
            SearchHit(
                lesson_id=lesson_id,
                score=score,
                text=row.text,
                tags=_tags(row.tags_text),
                anonymous=row.anonymous,
                # Never expose who wrote an anonymous lesson, whatever the row holds.
                author_id=None if row.anonymous else row.author_id,
                channel_id=row.channel_id,
                message_ts=row.message_ts,
                created_at=row.created_at,
                useful=counts[lesson_id].useful,
                applied=counts[lesson_id].applied,
            )
        )
    return hits


def search_lessons(session: Session, team_id: str, query: str) -> list[ListedLesson]:
    """Search results as a list shows them: the best SEARCH_LIMIT."""
    return [
        ListedLesson(
            id=hit.lesson_id,
            text=hit.text,
            tags=list(hit.tags),
            anonymous=hit.anonymous,
            channel_id=hit.channel_id,
            useful=hit.useful,
            applied=hit.applied,
        )
        for hit in search(session, team_id, query, limit=SEARCH_LIMIT)
    ]
