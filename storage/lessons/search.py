"""Full-text search over lessons: FTS5 + bm25 on SQLite, tsvector + ts_rank on PostgreSQL.

Both read the same index, written in Python (storage.lessons.stemming) into `lessons.search_body` and
`lessons.search_tags`: every word, its ASCII fold and its Norwegian and English stems. So a search
finds the same lessons on both backends; only the scores differ (bm25 and ts_rank).

A search word matches a lesson when a token of the lesson starts with the word as typed (or with what
an ASCII word may stand for: "moete" → "mote", the index's fold of "møte") or with one of its stems,
or, for a long word, when the lesson holds both parts of one of its splits ("kodegjennomgang" →
"gjennomgang av koden"). Every word is required. When fewer lessons than asked for match every word,
lessons matching some of them follow, marked `partial` (the view says so).

Callers pass terms already split by bot.lessons.search; they are checked again here (`safe_terms`),
because the match expression is the one place where text reaches a query language, and storage must
not rely on its callers for that. Every value goes in as a bound parameter. Who may see a lesson is
the rule of `storage.lessons.visibility` (as `visible_template`, the statements being built once per
shape of audience and run with each searcher's values), applied inside the ranked statements: a
lesson the searcher may not see never takes a slot among the candidates or the results.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    Select,
    and_,
    bindparam,
    column,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
    true,
)

# Registers PostgreSQL's to_tsquery/ts_rank with SQLAlchemy before _TSQUERY below is built: built
# earlier, func.to_tsquery() is a generic function that the PostgreSQL compiler refuses.
from sqlalchemy.dialects import postgresql as _pg_functions  # noqa: F401
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.selectable import Join, Subquery

from storage.lessons import stemming
from storage.lessons.models import Lesson
from storage.lessons.visibility import Audience, visible_template, visible_values

MAX_TERMS = 8
MAX_TERM_LENGTH = stemming.MAX_WORD
MAX_LIMIT = 100
MAX_COMPOUND = 20  # longer words are not split (each split costs two lookups)

# Ranking is bounded by recency: a search ranks only the newest CANDIDATE_LIMIT matches the searcher
# may see (by id, which follows creation) and returns the best of those. Without the bound, a word
# found in a third of a 100k-lesson team costs bm25/ts_rank plus a row lookup for each of ~38k
# matches, and p95 misses 20 ms (docs/benchmarks-search.md). With fewer matches nothing changes.
CANDIDATE_LIMIT = 1000

# bm25 weights in FTS5 column order (search_body, search_tags, search_tails): a tag occurrence counts
# as 3 body occurrences, so a tag match outranks a body match unless the body repeats the word 3+
# times; a compound's tail (a "møte" inside "kundemøtet") counts half. bm25 is lower-is-better; it is
# negated so every score here is higher-is-better. On PostgreSQL the tags are weight A (1.0), the
# body B (0.4) and the tails C (0.2).
_BM25_WEIGHTS = "1.0, 3.0, 0.5"

_FTS = table(
    "lessons_fts",
    column("rowid", Integer),
    column("lessons_fts"),  # FTS5's hidden column named like the table: MATCH and bm25 take it
    column("search_body"),
    column("search_tags"),
    column("search_tails"),
)
_LESSONS = Lesson.__table__
_VECTOR: ColumnElement[Any] = literal_column("lessons.search_vector")
# The tags alone, with a GIN index of their own (migration 0018): `search_vector`'s lexemes of weight
# A exactly. GIN knows no weights, so on `search_vector` a tag's lexemes were looked up among every
# word of every lesson and each row fetched to learn whether it was a tag: 3,403 of the 3,821 rows
# `#estimering` fetched were not. Asked without weights this index needs no recheck, so its
# expression (a function of ours, priced in 0018) is never computed on a row it gives.
_TAGS_VECTOR: ColumnElement[Any] = literal_column("lesson_search_tags(lessons.search_tags)")
# The candidates statements' settings, local to the transaction (why each: `_candidates`). What
# they were is read in the round trip that sets them, and set back after the search, for what the
# request runs next.
INDEX_TUPLE_COST = "0.1"  # PostgreSQL's default is 0.005 (`_candidates` says why)
PLANNING = {
    "enable_indexscan": "off",
    "plan_cache_mode": "force_custom_plan",
    "cpu_index_tuple_cost": INDEX_TUPLE_COST,
    "max_parallel_workers_per_gather": "0",
    "jit": "off",
}
# OFFSET 0 keeps the subquery apart, so what a setting was is read before it is set.
_FOR_CANDIDATES = text(
    "SELECT before.*, "
    + ", ".join(f"set_config('{name}', '{value}', true)" for name, value in PLANNING.items())
    + " FROM (SELECT "
    + ", ".join(f"current_setting('{name}') AS {name}" for name in PLANNING)
    + " OFFSET 0) AS before"
)
_AFTER_CANDIDATES = text("SELECT " + ", ".join(f"set_config('{name}', :{name}, true)" for name in PLANNING))


def _to_tsquery(name: str) -> ColumnElement[Any]:
    """to_tsquery('simple', :name): the search's query (`_TSQUERY`), a tag's, a word's."""
    return func.to_tsquery(literal_column("'simple'::regconfig"), bindparam(name))


_TSQUERY = _to_tsquery("tsquery")


class _CrossJoin(Join):
    """FROM lessons_fts CROSS JOIN lessons: SQLite keeps the left table of a CROSS JOIN as the outer
    loop, so it walks the full-text matches and looks each lesson up by id, and never walks the team's
    lessons probing the full-text index once per row (which the visibility index would tempt it to)."""

    inherit_cache = True


@compiles(_CrossJoin)
def _compile_cross_join(element: _CrossJoin, compiler: SQLCompiler, **kw: Any) -> str:
    # Each match's lesson is looked up in the narrow ix_lessons_search_scope (id first, then what
    # visible() and the ordering read) rather than in the wide row: half the cost of a walk.
    joined = str(compiler.visit_join(element, **kw))  # type: ignore[no-untyped-call]
    return joined.replace(
        " JOIN lessons ON ", " CROSS JOIN lessons INDEXED BY ix_lessons_search_scope ON ", 1
    )


_SQLITE_FROM = _CrossJoin(_FTS, _LESSONS, _LESSONS.c.id == _FTS.c.rowid)


# --- terms and match expressions ---------------------------------------------------------------------


def safe_terms(terms: Sequence[str]) -> list[str]:
    """Terms reduced to lowercased NFC words (letters and digits of any script only), without
    duplicates, at most 8 of at most 40 characters each."""
    found: list[str] = []
    for term in terms:
        for word in stemming.words(term):
            if word not in found:
                found.append(word)
                if len(found) == MAX_TERMS:
                    return found
    return found


def _safe_tags(tags: Sequence[str]) -> list[list[str]]:
    """Each tag as its words ("code-review" → [code, review]), at most MAX_TERMS tags."""
    found: list[list[str]] = []
    for tag in tags:
        words = safe_terms([tag])
        if words and words not in found:
            found.append(words)
    return found[:MAX_TERMS]


@dataclass(frozen=True)
class Match:
    """What a lesson must contain: every word (anywhere) and every tag's words (in its tags)."""

    words: tuple[stemming.SearchWord, ...] = ()
    tags: tuple[tuple[stemming.Alternatives, ...], ...] = ()

    @classmethod
    def of(cls, terms: Sequence[str], tags: Sequence[str] = ()) -> Match:
        required = stemming.required(safe_terms(terms))
        return cls(
            tuple(stemming.search_word(w, compounds=len(w) <= MAX_COMPOUND) for w in required),
            tuple(tuple(stemming.alternatives(w) for w in words) for words in _safe_tags(tags)),
        )

    def __bool__(self) -> bool:
        return bool(self.words or self.tags)

    def relaxed(self) -> Match | None:
        """The same words and tag words, any one of them enough, a long word's splits or head enough
        for it (see `fts5(any_of=True)`); None when there is nothing to relax."""
        loose = any(w.splits or w.heads.prefixes or w.heads.exact for w in self.words)
        return self if len(self.words) > 1 or self.tags or loose else None

    # FTS5: a token prefix is "word"*; a group is (a OR b); words are ANDed.
    def fts5(self, *, any_of: bool = False) -> str:
        return _combine(self, any_of, _Fts5Syntax)

    # to_tsquery: 'word':* ; tags only in weight A: 'word':*A.
    def tsquery(self, *, any_of: bool = False) -> str:
        return _combine(self, any_of, _TsquerySyntax)

    def word_queries(self) -> tuple[str, ...]:
        """Each word as `tsquery()` asks for it (the sample counts who holds which)."""
        return tuple(_word(w, _TsquerySyntax) for w in self.words)

    def tag_parts(self) -> tuple[TagPart, ...]:
        """Each tag as `tsquery()` asks for it, and as the tags' own index is asked: a lesson holds
        the one where it holds the other."""
        return tuple(TagPart(_tag(t, _TsquerySyntax), _tag(t, _TagsVectorSyntax)) for t in self.tags)


@dataclass(frozen=True)
class TagPart:
    """A tag a strict match requires, as to_tsquery input for the whole vector (`weighted`, weight A)
    and for the tags' own index (`tags`, no weight)."""

    weighted: str
    tags: str


class _Fts5Syntax:
    AND, OR = " AND ", " OR "

    @staticmethod
    def group(prefixes: Sequence[str], exact: Sequence[str], tails: Sequence[str], tag: bool) -> str:
        tokens = [f'"{p}"*' for p in prefixes] + [f'"{t}"' for t in exact]
        where = "{search_tags}" if tag else "{search_body search_tags}"
        parts = [f"{where} : ({' OR '.join(tokens)})"] if tokens else []
        if tails and not tag:
            parts.append("{search_tails} : (" + " OR ".join(f'"{t}"' for t in tails) + ")")
        return "(" + " OR ".join(parts) + ")"

    @staticmethod
    def but_not(expression: str, excluded: str) -> str:
        return f"{expression} NOT {excluded}"


class _TsquerySyntax:
    AND, OR = " & ", " | "

    @staticmethod
    def group(prefixes: Sequence[str], exact: Sequence[str], tails: Sequence[str], tag: bool) -> str:
        weights = "A" if tag else "AB"
        tokens = [f"'{p}':*{weights}" for p in prefixes] + [f"'{t}':{weights}" for t in exact]
        if not tag:
            tokens += [f"'{t}':C" for t in tails]
        return "(" + " | ".join(tokens) + ")"

    @staticmethod
    def but_not(expression: str, excluded: str) -> str:
        return f"{expression} & !{excluded}"


class _TagsVectorSyntax(_TsquerySyntax):
    """A tag group against the tags' own vector: the tags are all it holds, no weight to ask."""

    @staticmethod
    def group(prefixes: Sequence[str], exact: Sequence[str], tails: Sequence[str], tag: bool) -> str:
        return "(" + " | ".join([f"'{p}':*" for p in prefixes] + [f"'{t}'" for t in exact]) + ")"


Syntax = type[_Fts5Syntax | _TsquerySyntax]


def _alternatives(alts: stemming.Alternatives, syntax: Syntax, tag: bool) -> str:
    return syntax.group(alts.tokens(), alts.exact_tokens(), sorted(set(alts.tails)), tag)


def _word(word: stemming.SearchWord, syntax: Syntax, *, loose: bool = False) -> str:
    """The word itself; loosely also as both parts of a split, or as its head. The loose forms cost
    the most (a dozen splits of a long word) and find the least, so they run only when the word
    itself found fewer lessons than asked for."""
    options = [_alternatives(word.whole, syntax, False)]
    if loose:
        for head, tail in word.splits:
            options.append(
                f"({_alternatives(head, syntax, False)}{syntax.AND}{_alternatives(tail, syntax, False)})"
            )
        if word.heads.prefixes or word.heads.exact:
            options.append(_alternatives(word.heads, syntax, False))
    return options[0] if len(options) == 1 else "(" + syntax.OR.join(options) + ")"


def _tag(tag: tuple[stemming.Alternatives, ...], syntax: Syntax) -> str:
    return "(" + syntax.AND.join(_alternatives(a, syntax, True) for a in tag) + ")"


def _combine(match: Match, any_of: bool, syntax: Syntax) -> str:
    strict = [_word(w, syntax) for w in match.words] + [_tag(t, syntax) for t in match.tags]
    every = "(" + syntax.AND.join(strict) + ")"
    if not any_of:
        return every
    # Some of the words: each word anywhere, each tag's words as words (mentioned, if not tagged).
    loose = [_word(w, syntax, loose=True) for w in match.words] + [
        _alternatives(a, syntax, False) for tag in match.tags for a in tag
    ]
    return syntax.but_not("(" + syntax.OR.join(loose) + ")", every)


def fts5_match(terms: Sequence[str]) -> str:
    """FTS5 query requiring every term (kept for callers and tests of the expression)."""
    match = Match.of(terms)
    return match.fts5() if match else ""


def tsquery(terms: Sequence[str]) -> str:
    """to_tsquery input requiring every term."""
    match = Match.of(terms)
    return match.tsquery() if match else ""


# --- filters -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What narrows a search besides its words: lessons with these #tags, shared in one channel, or
    written by one person (never an anonymous lesson: its author is nobody's to find)."""

    tags: tuple[str, ...] = ()
    channel_id: str | None = None
    author_ids: tuple[str, ...] = ()  # one person may answer to a name shared with others

    @property
    def narrows(self) -> bool:
        """A filter that makes sense without words: in: or from:."""
        return self.channel_id is not None or bool(self.author_ids)

    def values(self) -> tuple[tuple[bool, bool], dict[str, object]]:
        """Which filters apply, and their values for `_filtered(shape)`."""
        values: dict[str, object] = {}
        if self.channel_id is not None:
            values["filter_channel"] = self.channel_id
        if self.author_ids:
            values["filter_authors"] = sorted(set(self.author_ids))
        return (self.channel_id is not None, bool(self.author_ids)), values


def _filtered(shape: tuple[bool, bool]) -> ColumnElement[bool]:
    channel, authors = shape
    conditions: list[ColumnElement[bool]] = []
    if channel:
        conditions.append(Lesson.channel_id == bindparam("filter_channel"))
    if authors:
        in_authors = Lesson.author_id.in_(bindparam("filter_authors", expanding=True))
        conditions.append(and_(in_authors, Lesson.anonymous.is_(False)))
    return and_(true(), *conditions)


# Which lessons a search may rank: the shape of its audience (None: the whole team) and of its filters.
ScopeShape = tuple[tuple[bool, bool] | None, tuple[bool, bool]]


@dataclass(frozen=True)
class _Scope:
    """The team's lessons an audience may see, narrowed by filters, as the shape of the clause and its
    values. Every statement of a search is built once per shape (`functools.cache` below) and run with
    the values: building each statement and its cache key per search cost as much as the statements
    took to run. Every value is a required parameter, so a statement never runs with another
    search's values."""

    shape: ScopeShape
    values: dict[str, object]


def _scope(team_id: str, audience: Audience | None, filters: Filters) -> _Scope:
    """The team's lessons the audience may see, narrowed by the filters. `audience` None: every
    lesson of the team (benchmarks and tests of ranking only; nothing shown to a person passes None)."""
    if audience is not None and audience.team_id != team_id:
        raise ValueError("the audience is of another workspace")
    filter_shape, filter_values = filters.values()
    if audience is None:
        return _Scope((None, filter_shape), {"visible_team": team_id, **filter_values})
    audience_shape, audience_values = visible_values(audience)
    return _Scope((audience_shape, filter_shape), {**audience_values, **filter_values})


@cache
def _clause(shape: ScopeShape) -> ColumnElement[bool]:
    audience, filters = shape
    seen = visible_template(audience) if audience is not None else Lesson.team_id == bindparam("visible_team")
    return and_(seen, _filtered(filters))


@dataclass(frozen=True)
class Ranked:
    lesson_id: int
    score: float
    partial: bool = False  # matches some of the words only


def _clamp(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


def rank(
    session: Session,
    team_id: str,
    terms: Sequence[str],
    *,
    audience: Audience | None,
    filters: Filters = Filters(),  # frozen, never mutated
    limit: int = 10,
    offset: int = 0,
    candidate_limit: int | None = CANDIDATE_LIMIT,
    partial: bool = True,
) -> list[Ranked]:
    """The lessons `audience` may see that match every term (and the filters), best first, newest
    first among equal scores: the best among the newest `candidate_limit` such lessons (all if None).
    When fewer than offset + limit match every term, lessons matching some of them follow (`partial`).
    Without terms or tags, the filtered lessons newest first. Nothing to search for gives []."""
    if candidate_limit is not None and candidate_limit < 1:
        raise ValueError("candidate_limit must be at least 1")
    limit, offset = _clamp(limit), max(0, min(offset, MAX_LIMIT))
    match = Match.of(terms, filters.tags)
    scope = _scope(team_id, audience, filters)
    if not match:
        if not filters.narrows:
            return []
        return _newest(session, scope, limit, offset)
    wanted = offset + limit
    found = [Ranked(i, s) for i, s in _ranked(session, team_id, match, False, scope, wanted, candidate_limit)]
    relaxed = match.relaxed() if partial else None
    if len(found) < wanted and relaxed is not None:
        more = _ranked(session, team_id, relaxed, True, scope, wanted - len(found), candidate_limit)
        found += [Ranked(i, s, partial=True) for i, s in more]
    return found[offset:wanted]


def search_lesson_ids(
    session: Session,
    team_id: str,
    terms: list[str],
    limit: int = 10,
    candidate_limit: int | None = CANDIDATE_LIMIT,
    *,
    audience: Audience | None = None,
) -> list[tuple[int, float]]:
    """(lesson id, score) of the team's lessons matching every term, best first: `rank` without
    partial matches. `audience` None ranks every lesson of the team (benchmarks, tests)."""
    found = rank(
        session,
        team_id,
        terms,
        audience=audience,
        limit=limit,
        candidate_limit=candidate_limit,
        partial=False,
    )
    return [(hit.lesson_id, hit.score) for hit in found]


def _newest(session: Session, scope: _Scope, limit: int, offset: int) -> list[Ranked]:
    params = {**scope.values, "limit": limit, "offset": offset}
    return [
        Ranked(int(lesson_id), 0.0) for lesson_id in session.scalars(_newest_statement(scope.shape), params)
    ]


@cache
def _newest_statement(shape: ScopeShape) -> Select[Any]:
    return (
        select(Lesson.id)
        .where(_clause(shape))
        .order_by(Lesson.id.desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


def _ranked(
    session: Session,
    team_id: str,
    match: Match,
    any_of: bool,
    scope: _Scope,
    limit: int,
    candidate_limit: int | None,
) -> list[tuple[int, float]]:
    if session.get_bind().dialect.name == "postgresql":
        return _postgresql(session, team_id, match, any_of, scope, limit, candidate_limit)
    return _sqlite(session, match.fts5(any_of=any_of), scope, limit, candidate_limit)


# --- SQLite --------------------------------------------------------------------------------------------


def _sqlite(
    session: Session, expression: str, scope: _Scope, limit: int, candidate_limit: int | None
) -> list[tuple[int, float]]:
    params = {**scope.values, "match": expression, "limit": limit, "candidates": candidate_limit}
    statement = _sqlite_statement(scope.shape, capped=candidate_limit is not None)
    return [(int(row.id), float(row.score)) for row in session.execute(statement, params)]


@cache
def _sqlite_statement(shape: ScopeShape, *, capped: bool) -> Select[Any]:
    matches = and_(_FTS.c.lessons_fts.op("MATCH")(bindparam("match")), _clause(shape))
    score = (-func.bm25(_FTS.c.lessons_fts, literal_column(_BM25_WEIGHTS))).label("score")
    candidates = select(_LESSONS.c.id, _LESSONS.c.created_at, score).select_from(_SQLITE_FROM).where(matches)
    if capped:
        # The newest N matches the searcher may see, scored as they are found: FTS5 walks a doclist in
        # rowid order cheaply, newest first, each lesson looked up by id; the best of those N win. One
        # full-text query (it used to be two: one to find the N-th match's rowid, one to rank above it).
        candidates = candidates.order_by(_FTS.c.rowid.desc()).limit(bindparam("candidates"))
    c = candidates.subquery("c")
    return (
        select(c.c.id, c.c.score)
        .order_by(c.c.score.desc(), c.c.created_at.desc(), c.c.id.desc())
        .limit(bindparam("limit"))
    )


# --- PostgreSQL ----------------------------------------------------------------------------------------

# ts_rank rather than ts_rank_cd: with the default weights (A = 1.0 for tags, B = 0.4 for the body)
# ts_rank damps repeated occurrences, so a body that repeats a word still ranks below a tag match.
# GIN cannot hand out the newest matches first, and every match it yields is fetched from the heap
# (team, id, rank). So the newest N are looked for in an id window: the GIN bitmap ANDed with an id
# range (pk or (team_id, id)), so that only matches inside the window are fetched. Each GIN scan
# costs as much as the word's whole posting list, so the first window is sized to hold N matches at
# once, from the share of matches among the team's newest lessons (one short walk down the
# (team_id, id) index). If it falls short, the next window is sized from what the windows found;
# when a window would cover most of what is left, or nothing matched recently, one statement ranks
# the newest N of all matches instead. Each window returns its best `limit` among its newest
# `candidates` and how many matches that is, so merging the windows' best gives exactly the best
# among the newest N.
SAMPLE_PER_CANDIDATE = 0.25  # newest lessons walked to guess the density: 500 for N = 2000, ~1 ms
WINDOW_MARGIN = 1.3  # windows cover 30% more ids than the density asks for
MOST_OF_THE_REST = 0.75  # a window over more than this share of the ids left: rank all matches
MAX_WINDOWS = 3
# A tag a fifth or more of the team's newest lessons hold (`#testing`: a quarter in the benchmark)
# is found by testing the whole vector on the window's rows, as a word is: its posting list in the
# tags' index is then a good part of the table (31,449 entries for 'test':*, 8.9 ms of 13.4). A word
# that fewer lessons hold makes the same choice for every tag of its search (`_postgresql_windows`).
DENSE_SHARE = 0.2


@dataclass
class _Window:
    rows: list[Row[Any]] = field(default_factory=list)
    found: int = 0


# The tags (`TagPart`, by index) a candidates statement finds through the tags' index. The statement
# then tests the whole vector on the rows it gives; with none (no tags, a search relaxed to some of
# its words, tags most lessons hold: `DENSE_SHARE`) it matches the whole vector, GIN and all.
Asks = tuple[int, ...]


def _matching(asks: Asks) -> list[ColumnElement[bool]]:
    if not asks:
        return [_VECTOR.op("@@")(_TSQUERY)]
    # ts_match_vq is the function behind @@, which no index serves: as an index condition the whole
    # vector would be rechecked (it has weights), and a recheck computes every condition again, the
    # tags' expression too.
    tags = [_TAGS_VECTOR.op("@@")(_to_tsquery(f"tags_{i}")) for i in asks]
    return [func.ts_match_vq(_VECTOR, _TSQUERY), *tags]


@cache
def _pg_candidates(shape: ScopeShape, asks: Asks, *, window: bool, newest: bool) -> Select[Any]:
    seen: list[ColumnElement[bool]] = [_clause(shape)]
    if asks:
        # Read through the tags' index, the rows are priced as if each computed its expression (a
        # bitmap heap scan prices its recheck, needed or not), so the planner would AND in any bitmap
        # that spares a few: the visibility index's 33,000 entries (2.5 ms) to spare the recheck of a
        # hundred rows. Visibility is checked on the rows fetched (coalesce: no index serves it), the
        # workspace stays a condition the (team_id, id) index serves.
        seen = [Lesson.team_id == bindparam("visible_team"), func.coalesce(_clause(shape), false())]
    conditions = [*seen, *_matching(asks)]
    if window:
        conditions += [Lesson.id > bindparam("low"), Lesson.id <= bindparam("high")]
    inner = select(Lesson.id, Lesson.created_at, func.ts_rank(_VECTOR, _TSQUERY).label("score")).where(
        *conditions
    )
    if newest:
        # `id + 0`: ordered by id, but not by walking the primary key backwards and testing every
        # row's vector (the planner's choice for plain `id DESC`, ~100 ms): the GIN bitmap, ANDed
        # with the id window, finds the matches, and only those are sorted.
        inner = inner.order_by((Lesson.id + 0).desc()).limit(bindparam("candidates"))
    c = inner.subquery("c")
    return (
        select(c.c.id, c.c.score, c.c.created_at, func.count().over().label("matches"))
        .order_by(c.c.score.desc(), c.c.created_at.desc(), c.c.id.desc())
        .limit(bindparam("limit"))
    )


def _postgresql(
    session: Session,
    team_id: str,
    match: Match,
    any_of: bool,
    scope: _Scope,
    limit: int,
    candidate_limit: int | None,
) -> list[tuple[int, float]]:
    # Ranked by ts_rank over the whole vector; required tags are found through their own index
    # (`TagPart`). A relaxed search ("some of the words, not all") requires no tag.
    params: dict[str, object] = {**scope.values, "tsquery": match.tsquery(any_of=any_of), "limit": limit}
    parts = () if any_of else match.tag_parts()
    params.update({f"tags_{i}": part.tags for i, part in enumerate(parts)})
    words = match.word_queries() if parts else ()
    planning = _Planning(session)
    found = _postgresql_windows(planning, team_id, params, scope, parts, words, limit, candidate_limit)
    # Not in a `finally`: after a failed statement PostgreSQL refuses every other one until the
    # rollback (which ends the settings with the transaction), and a reset there would hide the
    # failure behind "current transaction is aborted".
    planning.restore()
    return found


@dataclass
class _Planning:
    """A search's statements on one session, the candidates statements with their settings: set
    before the first (`_candidates`), as they were after the last (`restore`)."""

    session: Session
    before: dict[str, str] | None = None

    def candidates(self, statement: Select[Any], params: dict[str, object]) -> list[Row[Any]]:
        if self.before is None:
            row = self.session.execute(_FOR_CANDIDATES).one()._mapping
            self.before = {name: str(row[name]) for name in PLANNING}
        return _candidates(self.session, statement, params)

    def restore(self) -> None:
        if self.before is not None:
            self.session.execute(_AFTER_CANDIDATES, self.before)
            self.before = None


def _candidates(session: Session, statement: Select[Any], params: dict[str, object]) -> list[Row[Any]]:
    """The planner prices the GIN bitmap far above its cost for these statements (large vectors,
    weight restrictions) and walks the primary key instead, testing every row's vector in the id
    window: ~100 ms where the BitmapAnd of GIN and the id range takes ~10 (docs/benchmarks-search.md).
    So plain index scans are off while a candidates statement runs (bitmap scans are not).

    And each execution is planned for its own values. psycopg prepares a statement the sixth time a
    connection runs it, and PostgreSQL then settles on a generic plan, made without knowing the
    tsquery or the id window: for `testing` that plan took 18 ms where the plan for its values took
    4.5 (one statement run 12 times on one connection); planning costs ~0.2 ms.

    And index tuples are priced at 0.1, not PostgreSQL's 0.005 (a two-hundredth of a page read). At
    the default the planner thinks a bitmap over a workspace's 33,000 visibility entries nearly free
    and ANDs it into every search, rare words included: 2.5-2.9 ms measured, most of a rare word's
    3.6 ms. Priced as they cost, it ANDs the GIN bitmap with the (team_id, id) window instead, or
    none, and checks visibility on the rows it fetches anyway: on the 100k benchmark's 210
    candidates statements (docs/benchmarks-search.md) 12-16% less in all, the 34 rare words
    178-192 -> 55-72 ms; 0.2 and above start to price GIN out of common words (x1.5-4).

    And no parallel workers or JIT compilation: an indexed expression with a price (the tags',
    migration 0018) can lift a statement's estimate above the thresholds of both, though GIN spares
    computing it. Two workers made `kunde` 14.5 -> 22 ms (starting them costs more than they share,
    on two cores), JIT compilation added ~7 ms to a 12 ms statement (both measured with an
    expression index of the words, tried and not kept: docs/benchmarks-search.md)."""
    return list(session.execute(statement, params))


def _postgresql_windows(
    planning: _Planning,
    team_id: str,
    params: dict[str, object],
    scope: _Scope,
    parts: tuple[TagPart, ...],
    words: tuple[str, ...],
    limit: int,
    candidate_limit: int | None,
) -> list[tuple[int, float]]:
    asks: Asks = tuple(range(len(parts)))
    if candidate_limit is None:
        statement = _pg_candidates(scope.shape, asks, window=False, newest=False)
        return _best(planning.candidates(statement, params), limit)
    sample = math.ceil(candidate_limit * SAMPLE_PER_CANDIDATE)
    # How dense the matches are among the team's newest ids. Index scans are on here: it runs before
    # the first candidates statement.
    held_by = {f"weighted_{i}": part.weighted for i, part in enumerate(parts)}
    held_by |= {f"word_{i}": word for i, word in enumerate(words)}
    recent = planning.session.execute(
        _pg_sample(scope.shape, len(parts), len(words)),
        {**params, **held_by, "sample": sample, "team_id": team_id},
    ).one()
    if not recent.walked:
        return []
    dense = DENSE_SHARE * recent.walked
    held = recent._mapping
    tags_held = [held[f"tag_{i}"] for i in range(len(parts))]
    words_held = [held[f"word_{i}"] for i in range(len(words))]
    # A tag most of the newest lessons hold is found by testing the whole vector (`DENSE_SHARE`);
    # so is every tag of a search with a word fewer lessons hold: GIN's own AND of that word and
    # the tags over the whole vector then reads fewer rows than all those with the tags
    # (`kunde #retro` 16 ms against 27-37 through the tags' index).
    if any(held < dense for held in words_held):
        asks = ()
    asks = tuple(ask for ask in asks if tags_held[ask] < dense)
    ranked: list[Row[Any]] = []
    found, newest = 0, int(recent.newest)
    high, density = newest, recent.matches / (newest - recent.oldest + 1)  # matches per id
    # A team with fewer lessons than the sample falls through: it has few matches, rank them all.
    for _ in range(MAX_WINDOWS if recent.walked == sample else 0):
        if density == 0:
            break
        low = high - math.ceil((candidate_limit - found) / density * WINDOW_MARGIN)
        if low <= high * (1 - MOST_OF_THE_REST):
            break
        window = {"low": low, "high": high, "candidates": candidate_limit - found}
        statement = _pg_candidates(scope.shape, asks, window=True, newest=True)
        rows = planning.candidates(statement, {**params, **window})
        ranked += rows
        found += int(rows[0].matches) if rows else 0
        if found >= candidate_limit:
            return _best(ranked, limit)
        high, density = low, found / (newest - low)
    statement = _pg_candidates(scope.shape, asks, window=False, newest=True)
    return _best(planning.candidates(statement, {**params, "candidates": candidate_limit}), limit)


@cache
def _pg_sample(shape: ScopeShape, tags: int, words: int) -> Select[*tuple[Any, ...]]:
    """The team's newest lessons, which of them the searcher may see and match, and how many of them
    hold each of `tags` required tags and `words` words: how dense the matches are among the newest
    ids, and which tags and words most lessons hold."""
    recent_rows = (
        select(Lesson.id, _VECTOR.label("search_vector"), _clause(shape).label("seen"))
        .where(Lesson.team_id == bindparam("team_id"))
        .order_by(Lesson.id.desc())
        .limit(bindparam("sample"))
        .subquery("r")
    )
    return select(
        func.count().label("walked"),
        func.min(recent_rows.c.id).label("oldest"),
        func.max(recent_rows.c.id).label("newest"),
        func.count()
        .filter(and_(recent_rows.c.seen, recent_rows.c.search_vector.op("@@")(_TSQUERY)))
        .label("matches"),
        *(_held_by(recent_rows, f"weighted_{i}").label(f"tag_{i}") for i in range(tags)),
        *(_held_by(recent_rows, f"word_{i}").label(f"word_{i}") for i in range(words)),
    )


def _held_by(recent_rows: Subquery, tsquery: str) -> ColumnElement[int]:
    """How many of the sampled lessons hold what the tsquery parameter `tsquery` asks for."""
    return func.count().filter(recent_rows.c.search_vector.op("@@")(_to_tsquery(tsquery)))


def _best(rows: list[Row[Any]], limit: int) -> list[tuple[int, float]]:
    rows.sort(key=lambda row: (row.score, row.created_at, row.id), reverse=True)
    return [(int(row.id), float(row.score)) for row in rows[:limit]]


@dataclass(frozen=True)
class ResultRow:
    """The columns a search result shows, without the ORM entity."""

    id: int
    team_id: str
    text: str
    tags_text: str
    anonymous: bool
    author_id: str | None
    channel_id: str | None
    message_ts: str | None
    source_link: str | None
    visibility: str
    created_at: datetime


# Built once (the ids are an expanding parameter): building it and its cache key per search cost as
# much as running it.
_RESULT_ROWS = select(
    Lesson.id,
    Lesson.team_id,
    Lesson.text,
    Lesson.tags_text,
    Lesson.anonymous,
    Lesson.author_id,
    Lesson.channel_id,
    Lesson.message_ts,
    Lesson.source_link,
    Lesson.visibility,
    Lesson.created_at,
).where(Lesson.id.in_(bindparam("ids", expanding=True)))


def result_rows(session: Session, lesson_ids: Sequence[int]) -> dict[int, ResultRow]:
    """The lessons with these ids by id, whichever team they belong to: the caller checks the team.
    By lesson id only: with team_id in the WHERE clause SQLite picks the team index and walks every
    lesson of the team. Plain columns: one query, no selectin load of LessonTag."""
    if not lesson_ids:
        return {}
    return {
        int(row.id): ResultRow(
            id=int(row.id),
            team_id=row.team_id,
            text=row.text,
            tags_text=row.tags_text,
            anonymous=bool(row.anonymous),
            author_id=row.author_id,
            channel_id=row.channel_id,
            message_ts=row.message_ts,
            source_link=row.source_link,
            visibility=row.visibility,
            created_at=row.created_at,
        )
        for row in session.execute(_RESULT_ROWS, {"ids": list(lesson_ids)})
    }


def like_search_lesson_ids(session: Session, team_id: str, terms: list[str], limit: int = 10) -> list[int]:
    """Naive baseline for the benchmark only: substring LIKE over every searched column, newest
    first, no ranking, no index. (SQLite's LOWER folds ASCII only.)"""
    words = safe_terms(terms)
    if not words:
        return []
    columns = (Lesson.text, Lesson.what_worked, Lesson.to_improve, Lesson.tags_text)
    # safe_terms leaves no '%' or '_', so the pattern needs no escaping.
    conditions = [or_(*(func.lower(col).like(f"%{word}%") for col in columns)) for word in words]
    statement = (
        select(Lesson.id)
        .where(Lesson.team_id == team_id, and_(*conditions))
        .order_by(Lesson.created_at.desc(), Lesson.id.desc())
        .limit(_clamp(limit))
    )
    return [int(lesson_id) for lesson_id in session.scalars(statement)]
