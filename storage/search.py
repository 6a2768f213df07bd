"""Full-text search over lessons: FTS5 + bm25 on SQLite, tsvector + ts_rank on PostgreSQL.

Callers pass terms already split by bot.search.query_terms; they are checked again here, because
the match expression is the one place where text reaches a query language, and storage must not
rely on its callers for that. Every value goes in as a bound parameter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.orm import Session

from storage.models import Lesson

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
MAX_LIMIT = 100

# A run of letters or digits of any script: no quote, '*', ':', '&', '|', '!', '(', '-', '^' or space
# survives, so the expressions below can only ever be "word"* AND ... / 'word':* & ...
_WORD = re.compile(r"[^\W_]+")

# bm25 weights in FTS5 column order (text, what_worked, to_improve, tags_text): a tag occurrence
# counts as 3 body occurrences (FTS5 sums the weighted counts, then saturates), so a tag match
# outranks a body match unless the body repeats the word 3+ times. bm25 is lower-is-better; it is
# negated so every score here is higher-is-better.
# CROSS JOIN pins the FTS table as the outer loop, so SQLite never walks the team's lessons probing
# the index once per row. Cost grows with the number of matches in the whole index: bm25 and the
# primary-key join run for each (about 30 ms for a word in 38% of 100k lessons; bench/search_bench.py).
# Filtering with `+rowid IN (SELECT id FROM lessons WHERE team_id = ...)` instead was faster for a big
# team among many, but building that set costs ~10 ms on a single-team database, the usual install.
_SQLITE_SEARCH = text(
    """
    SELECT l.id AS id, -bm25(lessons_fts, 1.0, 1.0, 1.0, 3.0) AS score
    FROM lessons_fts CROSS JOIN lessons AS l ON l.id = lessons_fts.rowid
    WHERE lessons_fts MATCH :match AND l.team_id = :team_id
    ORDER BY score DESC, l.created_at DESC, l.id DESC
    LIMIT :limit
    """
)

# ts_rank rather than ts_rank_cd: with the default weights (A = 1.0 for tags, B = 0.4 for the body)
# ts_rank damps repeated occurrences, so a body that repeats a word still ranks below a tag match;
# ts_rank_cd adds occurrences up linearly. The GIN index finds the matches of all teams; each is
# then fetched from the heap to check team_id and compute the rank.
_POSTGRESQL_SEARCH = text(
    """
    SELECT l.id AS id, ts_rank(l.search_vector, q.query) AS score
    FROM lessons AS l, to_tsquery('simple', :tsquery) AS q(query)
    WHERE l.team_id = :team_id AND l.search_vector @@ q.query
    ORDER BY score DESC, l.created_at DESC, l.id DESC
    LIMIT :limit
    """
)


def _fold(word: str) -> str:
    # Simple, one-character-at-a-time lowercasing, as FTS5's unicode61 and PostgreSQL's parser do:
    # str.casefold would turn 'straße' into 'strasse', which neither index contains.
    return "".join(ch if len(low := ch.lower()) != 1 else low for ch in word)


def safe_terms(terms: Sequence[str]) -> list[str]:
    """Terms reduced to case-folded NFC words (letters and digits of any script only), without
    duplicates, at most 8 of at most 40 characters each."""
    found: list[str] = []
    for term in terms:
        for match in _WORD.finditer(unicodedata.normalize("NFC", term)):
            word = _fold(match.group())[:MAX_TERM_LENGTH]
            if word not in found:
                found.append(word)
                if len(found) == MAX_TERMS:
                    return found
    return found


def fts5_match(terms: Sequence[str]) -> str:
    """FTS5 query: every term a quoted prefix ("word"*), implicitly ANDed."""
    return " ".join(f'"{term}"*' for term in safe_terms(terms))


def tsquery(terms: Sequence[str]) -> str:
    """to_tsquery input: every term a quoted prefix ('word':*), ANDed."""
    return " & ".join(f"'{term}':*" for term in safe_terms(terms))


def _clamp(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


def search_lesson_ids(
    session: Session, team_id: str, terms: list[str], limit: int = 10
) -> list[tuple[int, float]]:
    """(lesson id, score) of the team's lessons containing every term as a word prefix, best first,
    newest first among equal scores. No usable term gives []."""
    if not safe_terms(terms):
        return []
    if session.get_bind().dialect.name == "postgresql":
        statement, params = _POSTGRESQL_SEARCH, {"tsquery": tsquery(terms)}
    else:
        statement, params = _SQLITE_SEARCH, {"match": fts5_match(terms)}
    rows = session.execute(statement, {**params, "team_id": team_id, "limit": _clamp(limit)})
    return [(int(row.id), float(row.score)) for row in rows]


def like_search_lesson_ids(session: Session, team_id: str, terms: list[str], limit: int = 10) -> list[int]:
    """Naive baseline for the benchmark only: substring LIKE over every searched column, newest
    first, no ranking, no index. (SQLite's LOWER folds ASCII only.)"""
    words = safe_terms(terms)
    if not words:
        return []
    columns = (Lesson.text, Lesson.what_worked, Lesson.to_improve, Lesson.tags_text)
    # safe_terms leaves no '%' or '_', so the pattern needs no escaping.
    conditions = [or_(*(func.lower(column).like(f"%{word}%") for column in columns)) for word in words]
    statement = (
        select(Lesson.id)
        .where(Lesson.team_id == team_id, and_(*conditions))
        .order_by(Lesson.created_at.desc(), Lesson.id.desc())
        .limit(_clamp(limit))
    )
    return [int(lesson_id) for lesson_id in session.scalars(statement)]
