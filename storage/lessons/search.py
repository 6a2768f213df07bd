"""Full-text search over lessons: FTS5 + bm25 on SQLite, tsvector + ts_rank on PostgreSQL.

Callers pass terms already split by bot.lessons.search.query_terms; they are checked again here, because
the match expression is the one place where text reaches a query language, and storage must not
rely on its callers for that. Every value goes in as a bound parameter.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, and_, func, or_, select, text
from sqlalchemy.orm import Session

from storage.lessons.models import Lesson

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
MAX_LIMIT = 100

# A run of letters or digits of any script: no quote, '*', ':', '&', '|', '!', '(', '-', '^' or space
# survives, so the expressions below can only ever be "word"* AND ... / 'word':* & ...
_WORD = re.compile(r"[^\W_]+")

# Ranking is bounded by recency: a search ranks only the team's newest CANDIDATE_LIMIT matches (by id,
# which follows creation) and returns the best of those. Without the bound, a word found in a third of
# a 100k-lesson team costs bm25/ts_rank plus a row lookup for each of ~38k matches, and p95 misses
# 20 ms (docs/benchmarks-search.md). With fewer matches than the bound nothing changes: all are ranked.
CANDIDATE_LIMIT = 2000

# bm25 weights in FTS5 column order (text, what_worked, to_improve, tags_text): a tag occurrence
# counts as 3 body occurrences (FTS5 sums the weighted counts, then saturates), so a tag match
# outranks a body match unless the body repeats the word 3+ times. bm25 is lower-is-better; it is
# negated so every score here is higher-is-better.
# CROSS JOIN pins the FTS table as the outer loop, so SQLite never walks the team's lessons probing
# the index once per row. The bound costs one walk down the match list from the newest rowid (FTS5
# reads a doclist in rowid order cheaply), checking each match's team in the covering (team_id, id)
# index rather than the wide lessons row, until the team's N-th newest match; ranking then gets
# `rowid >= cutoff`, which FTS5 applies as a rowid range. Other teams' matches in that range are
# dropped by the team join, so interleaved teams neither count towards N nor leak in.
_SQLITE_RANK = """
    SELECT l.id AS id, -bm25(lessons_fts, 1.0, 1.0, 1.0, 3.0) AS score
    FROM lessons_fts CROSS JOIN lessons AS l ON l.id = lessons_fts.rowid
    WHERE lessons_fts MATCH :match AND l.team_id = :team_id {newest}
    ORDER BY score DESC, l.created_at DESC, l.id DESC
    LIMIT :limit
"""
_SQLITE_NEWEST = """
    AND lessons_fts.rowid >= coalesce((
        SELECT f.rowid FROM lessons_fts AS f
        CROSS JOIN lessons AS t INDEXED BY ix_lessons_team_id ON t.id = f.rowid
        WHERE f.lessons_fts MATCH :match AND t.team_id = :team_id
        ORDER BY f.rowid DESC LIMIT 1 OFFSET :skip
    ), 0)
"""
_SQLITE_SEARCH = text(_SQLITE_RANK.format(newest=_SQLITE_NEWEST))
_SQLITE_SEARCH_ALL = text(_SQLITE_RANK.format(newest=""))

# ts_rank rather than ts_rank_cd: with the default weights (A = 1.0 for tags, B = 0.4 for the body)
# ts_rank damps repeated occurrences, so a body that repeats a word still ranks below a tag match;
# ts_rank_cd adds occurrences up linearly.
# GIN cannot hand out the newest matches first, and every match it yields is fetched from the heap
# (team, id, rank). So the newest N are looked for in an id window: the GIN bitmap ANDed with an id
# range (pk or (team_id, id)), so that only matches inside the window are fetched. Each GIN scan
# costs as much as the word's whole posting list (~10 ms for a prefix in 38% of 100k lessons), so
# the first window is sized to hold N matches at once, from the share of matches among the team's
# newest lessons (one short walk down the (team_id, id) index). If it falls short, the next window
# is sized from what the windows found; when a window would cover most of what is left, or nothing
# matched recently, one statement ranks the newest N of all matches instead. Each window returns its
# best `limit` among its newest `candidates` and how many matches that is, so merging the windows'
# best gives exactly the best among the newest N.
_POSTGRESQL_RECENT = text(
    """
    SELECT count(*) AS walked, min(r.id) AS oldest, max(r.id) AS newest,
           count(*) FILTER (WHERE r.search_vector @@ q.query) AS matches
    FROM (
        SELECT id, search_vector FROM lessons WHERE team_id = :team_id ORDER BY id DESC LIMIT :sample
    ) AS r, to_tsquery('simple', :tsquery) AS q(query)
    """
)
_POSTGRESQL_RANK = """
    SELECT c.id AS id, c.score AS score, c.created_at AS created_at, count(*) OVER () AS matches
    FROM (
        SELECT l.id, l.created_at, ts_rank(l.search_vector, q.query) AS score
        FROM lessons AS l, to_tsquery('simple', :tsquery) AS q(query)
        WHERE l.team_id = :team_id AND l.search_vector @@ q.query {window}
        {newest}
    ) AS c
    ORDER BY c.score DESC, c.created_at DESC, c.id DESC
    LIMIT :limit
"""
_NEWEST_FIRST = "ORDER BY l.id DESC LIMIT :candidates"
_POSTGRESQL_WINDOW = text(
    _POSTGRESQL_RANK.format(window="AND l.id > :low AND l.id <= :high", newest=_NEWEST_FIRST)
)
_POSTGRESQL_NEWEST = text(_POSTGRESQL_RANK.format(window="", newest=_NEWEST_FIRST))
_POSTGRESQL_ALL = text(_POSTGRESQL_RANK.format(window="", newest=""))
SAMPLE_PER_CANDIDATE = 0.25  # newest lessons walked to guess the density: 500 for N = 2000, ~1 ms
WINDOW_MARGIN = 1.3  # windows cover 30% more ids than the density asks for
MOST_OF_THE_REST = 0.75  # a window over more than this share of the ids left: rank all matches
MAX_WINDOWS = 3


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
    session: Session,
    team_id: str,
    terms: list[str],
    limit: int = 10,
    candidate_limit: int | None = CANDIDATE_LIMIT,
) -> list[tuple[int, float]]:
    """(lesson id, score) of the team's lessons containing every term as a word prefix: the best
    among the newest `candidate_limit` such lessons (all of them if None), best first, newest first
    among equal scores. No usable term gives []."""
    if not safe_terms(terms):
        return []
    if candidate_limit is not None and candidate_limit < 1:
        raise ValueError("candidate_limit must be at least 1")
    limit = _clamp(limit)
    if session.get_bind().dialect.name == "postgresql":
        return _postgresql_search(session, team_id, tsquery(terms), limit, candidate_limit)
    params = {"match": fts5_match(terms), "team_id": team_id, "limit": limit}
    if candidate_limit is None:
        rows = session.execute(_SQLITE_SEARCH_ALL, params)
    else:
        rows = session.execute(_SQLITE_SEARCH, {**params, "skip": candidate_limit - 1})
    return [(int(row.id), float(row.score)) for row in rows]


def _postgresql_search(
    session: Session, team_id: str, query: str, limit: int, candidate_limit: int | None
) -> list[tuple[int, float]]:
    params: dict[str, object] = {"tsquery": query, "team_id": team_id, "limit": limit}
    if candidate_limit is None:
        return _best(list(session.execute(_POSTGRESQL_ALL, params)), limit)
    sample = math.ceil(candidate_limit * SAMPLE_PER_CANDIDATE)
    recent = session.execute(_POSTGRESQL_RECENT, {**params, "sample": sample}).one()
    if not recent.walked:
        return []
    ranked: list[Row[Any]] = []
    found, newest = 0, int(recent.newest)
    high, density = newest, recent.matches / (newest - recent.oldest + 1)  # team matches per id
    # A team with fewer lessons than the sample falls through: it has few matches, rank them all.
    for _ in range(MAX_WINDOWS if recent.walked == sample else 0):
        if density == 0:
            break
        low = high - math.ceil((candidate_limit - found) / density * WINDOW_MARGIN)
        if low <= high * (1 - MOST_OF_THE_REST):
            break
        window = {"low": low, "high": high, "candidates": candidate_limit - found}
        rows = list(session.execute(_POSTGRESQL_WINDOW, {**params, **window}))
        ranked += rows
        found += int(rows[0].matches) if rows else 0
        if found >= candidate_limit:
            return _best(ranked, limit)
        high, density = low, found / (newest - low)
    rows = list(session.execute(_POSTGRESQL_NEWEST, {**params, "candidates": candidate_limit}))
    return _best(rows, limit)


def _best(rows: list[Row[Any]], limit: int) -> list[tuple[int, float]]:
    rows.sort(key=lambda row: (row.score, row.created_at, row.id), reverse=True)
    return [(int(row.id), float(row.score)) for row in rows[:limit]]


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
