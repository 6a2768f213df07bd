"""Search quality: how well `/lesson search` finds what people mean, on a judged relevance set.

    python -m bench.search_quality [--database-url URL] [--output PATH] [--search NAME=module:function]

The lessons in bench/relevance/lessons.json are stored in a fresh, migrated database, as the app stores them
(one team; tags_text plus lesson_tags rows). Then every query in bench/relevance/queries.json goes through
the search as `/lesson search` runs it: `safe_terms` on what was typed, then `search_lesson_ids(...,
limit=10)`. Figures, per category and overall:

- recall@10: over the queries that have relevant lessons, the mean share of those lessons in the top 10;
- MRR: the mean reciprocal rank of the first relevant lesson (0 when none is in the top 10);
- no results: the share of the queries with relevant lessons that return nothing at all;
- for `no_answer` queries (no lesson is relevant): "empty" is the share that return nothing, and "false hits"
  the share that return something, all of it irrelevant.

Without --database-url the database is a temporary SQLite file. A PostgreSQL URL gets a schema of its own,
`bench_search_quality` (dropped and recreated, migrated, dropped again at the end), so `public` is never
touched. The search is pluggable: `run(...)` takes any number of named search callables, and --search
(repeatable) adds one from the command line. A callable gets (session, team_id, raw query) and returns
lesson ids, best first, so a new search is measured against the same set in the same run as today's.
Results go to stdout as Markdown and to bench/results/search_quality.json, with one entry per backend. For
each query the entry lists what came back, which of it was relevant, and which relevant lessons were
missed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import fmean
from typing import Any

from sqlalchemy.orm import Session

from bench.common import bench_database, server_version, write_result
from bot.core import tags as tagging
from bot.lessons.search import parse_query
from storage.db import Database
from storage.lessons.models import Lesson, LessonTag
from storage.lessons.search import Filters, safe_terms
from storage.lessons.search import rank as rank_lessons
from storage.lessons.visibility import WORKSPACE, Audience

RELEVANCE_DIR = Path(__file__).parent / "relevance"
LESSONS = RELEVANCE_DIR / "lessons.json"
QUERIES = RELEVANCE_DIR / "queries.json"
RESULTS = Path(__file__).parent / "results" / "search_quality.json"
SCHEMA = "bench_search_quality"
TEAM = "TQUALITY01"
K = 10  # what /lesson search shows
START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

CATEGORIES = (
    "exact",
    "inflection_nb",
    "inflection_en",
    "compound",
    "tag",
    "ascii_folding",
    "multi_word",
    "no_answer",
)
NO_ANSWER = "no_answer"
LANGUAGES = ("nb", "en", "mixed")
MIN_LESSONS = 120
MIN_QUERIES = 45
MIN_PER_CATEGORY = 5

# (session, team_id, what the person typed) -> the team's lesson ids, best first, at most K of them.
SearchFunction = Callable[[Session, str, str], Sequence[int]]


# --- the set ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetLesson:
    id: str
    lang: str
    text: str
    what_worked: str | None
    to_improve: str | None
    tags: tuple[str, ...]

    def all_tags(self) -> list[str]:
        """The tags the app stores (bot.lessons.service.LessonDraft.all_tags): the given tags, then the
        #tags written in the text fields, normalised, without duplicates, at most MAX_TAGS."""
        found: list[str] = []
        for tag in self.tags:
            normal = tagging.normalize(tag)
            if normal and normal not in found:
                found.append(normal)
        for value in (self.text, self.what_worked or "", self.to_improve or ""):
            for tag in tagging.extract(value):
                if tag not in found:
                    found.append(tag)
        return found[: tagging.MAX_TAGS]


@dataclass(frozen=True)
class JudgedQuery:
    id: str
    query: str
    category: str
    relevant: frozenset[str]


def _optional_text(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key} must be a string")
    return value or None


def load_lessons(path: Path = LESSONS) -> list[SetLesson]:
    lessons: list[SetLesson] = []
    for raw in json.loads(path.read_text(encoding="utf-8")):
        lessons.append(
            SetLesson(
                id=str(raw["id"]),
                lang=str(raw["lang"]),
                text=str(raw["text"]),
                what_worked=_optional_text(raw, "what_worked"),
                to_improve=_optional_text(raw, "to_improve"),
                tags=tuple(str(tag) for tag in raw.get("tags", [])),
            )
        )
    return lessons


def load_queries(path: Path = QUERIES) -> list[JudgedQuery]:
    return [
        JudgedQuery(
            id=str(raw["id"]),
            query=str(raw["query"]),
            category=str(raw["category"]),
            relevant=frozenset(str(lesson_id) for lesson_id in raw["relevant"]),
        )
        for raw in json.loads(path.read_text(encoding="utf-8"))
    ]


def validate(
    lessons: Sequence[SetLesson],
    queries: Sequence[JudgedQuery],
    *,
    min_lessons: int = MIN_LESSONS,
    min_queries: int = MIN_QUERIES,
    min_per_category: int = MIN_PER_CATEGORY,
) -> list[str]:
    """What is wrong with the set, one line per problem; [] for a usable set."""
    problems: list[str] = []
    lesson_ids = [lesson.id for lesson in lessons]
    query_ids = [query.id for query in queries]
    for kind, ids in (("lesson", lesson_ids), ("query", query_ids)):
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            problems.append(f"duplicate {kind} ids: {', '.join(duplicates)}")
    if len(lessons) < min_lessons:
        problems.append(f"{len(lessons)} lessons, at least {min_lessons} wanted")
    if len(queries) < min_queries:
        problems.append(f"{len(queries)} queries, at least {min_queries} wanted")
    for lesson in lessons:
        if lesson.lang not in LANGUAGES:
            problems.append(f"{lesson.id}: unknown lang {lesson.lang!r}")
        if not lesson.text.strip():
            problems.append(f"{lesson.id}: empty text")
        for tag in lesson.tags:
            if tagging.normalize(tag) != tag:
                problems.append(
                    f"{lesson.id}: tag {tag!r} is not stored that way ({tagging.normalize(tag)!r})"
                )
    known = set(lesson_ids)
    for query in queries:
        if query.category not in CATEGORIES:
            problems.append(f"{query.id}: unknown category {query.category!r}")
        if not safe_terms([query.query]):
            problems.append(f"{query.id}: {query.query!r} has no searchable word")
        unknown = sorted(query.relevant - known)
        if unknown:
            problems.append(f"{query.id}: relevant ids not in the lessons: {', '.join(unknown)}")
        if query.category == NO_ANSWER and query.relevant:
            problems.append(f"{query.id}: a no_answer query with relevant lessons")
        if query.category != NO_ANSWER and not query.relevant:
            problems.append(f"{query.id}: no relevant lessons; use the no_answer category")
        if len(query.relevant) > K:
            problems.append(
                f"{query.id}: {len(query.relevant)} relevant lessons, recall@{K} could not reach 1"
            )
    for category in CATEGORIES:
        count = sum(1 for query in queries if query.category == category)
        if count < min_per_category:
            problems.append(f"category {category}: {count} queries, at least {min_per_category} wanted")
    return problems


# --- metrics ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One query's result under one search: set ids, best first."""

    query: JudgedQuery
    returned: tuple[str, ...]

    @property
    def answerable(self) -> bool:
        return bool(self.query.relevant)

    @property
    def relevant_returned(self) -> list[str]:
        return [lesson_id for lesson_id in self.returned[:K] if lesson_id in self.query.relevant]

    @property
    def missed(self) -> list[str]:
        found = set(self.returned[:K])
        return sorted(self.query.relevant - found)

    @property
    def recall(self) -> float | None:
        """|relevant ∩ top K| / |relevant|; None when nothing is relevant."""
        if not self.query.relevant:
            return None
        return len(self.relevant_returned) / len(self.query.relevant)

    @property
    def first_relevant_rank(self) -> int | None:
        for rank, lesson_id in enumerate(self.returned[:K], start=1):
            if lesson_id in self.query.relevant:
                return rank
        return None

    @property
    def reciprocal_rank(self) -> float | None:
        """1 / rank of the first relevant lesson in the top K, 0 if none is; None when nothing is relevant."""
        if not self.query.relevant:
            return None
        rank = self.first_relevant_rank
        return 1.0 / rank if rank else 0.0


def _mean(values: Sequence[float]) -> float | None:
    return round(fmean(values), 4) if values else None


def summarize(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Figures over a group of queries. recall@10, MRR and no results average over the answerable ones
    (each query weighs the same); empty and false hits are shares of the no-answer ones. A figure without
    queries to average is None."""
    answerable = [outcome for outcome in outcomes if outcome.answerable]
    unanswerable = [outcome for outcome in outcomes if not outcome.answerable]
    return {
        "queries": len(outcomes),
        "answerable": len(answerable),
        f"recall_at_{K}": _mean([outcome.recall or 0.0 for outcome in answerable]),
        "mrr": _mean([outcome.reciprocal_rank or 0.0 for outcome in answerable]),
        "no_results": _mean([0.0 if outcome.returned else 1.0 for outcome in answerable]),
        "no_answer_queries": len(unanswerable),
        "no_answer_empty": _mean([0.0 if outcome.returned else 1.0 for outcome in unanswerable]),
        "no_answer_false_hits": _mean([1.0 if outcome.returned else 0.0 for outcome in unanswerable]),
    }


def evaluate(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Per category and overall figures, and each query's outcome."""
    return {
        "categories": {
            category: summarize([outcome for outcome in outcomes if outcome.query.category == category])
            for category in CATEGORIES
        },
        "overall": summarize(outcomes),
        "queries": [_query_report(outcome) for outcome in outcomes],
    }


def _query_report(outcome: Outcome) -> dict[str, Any]:
    query = outcome.query
    rr = outcome.reciprocal_rank
    recall = outcome.recall
    return {
        "id": query.id,
        "query": query.query,
        "category": query.category,
        "terms": safe_terms([query.query]),
        "returned": list(outcome.returned),
        "relevant_returned": outcome.relevant_returned,
        "missed": outcome.missed,
        f"recall_at_{K}": None if recall is None else round(recall, 4),
        "reciprocal_rank": None if rr is None else round(rr, 4),
    }


# --- running ---------------------------------------------------------------------------------------


SEARCHER = "f" * 64  # the searcher's author hash: nobody's in the set, so they see workspace lessons


def _search(session: Session, team_id: str, raw_query: str, *, partial: bool) -> list[int]:
    query = parse_query(raw_query)
    found = rank_lessons(
        session,
        team_id,
        list(query.words),
        audience=Audience.person(team_id, SEARCHER, frozenset()),
        filters=Filters(tags=query.tags),
        limit=K,
        partial=partial,
    )
    return [hit.lesson_id for hit in found]


def app_search(session: Session, team_id: str, raw_query: str) -> list[int]:
    """Today's search, as `/lesson search` runs it: the query parsed (words, #tags), the top 10 ids the
    searcher may see, lessons matching some of the words after those matching all."""
    return _search(session, team_id, raw_query, partial=True)


def strict_search(session: Session, team_id: str, raw_query: str) -> list[int]:
    """The same without partial matches: only lessons matching every word and #tag."""
    return _search(session, team_id, raw_query, partial=False)


def store_lessons(database: Database, lessons: Sequence[SetLesson], team_id: str = TEAM) -> dict[int, str]:
    """The lessons stored as the app stores them, in file order a minute apart; database id -> set id."""
    rows: list[tuple[Lesson, str]] = []
    with database.session() as session:
        for index, item in enumerate(lessons):
            tags = item.all_tags()
            lesson = Lesson(
                team_id=team_id,
                author_id=f"UQUALITY{index % 17:02d}",
                author_hash=f"{index:064x}",
                anonymous=False,
                text=item.text.strip(),
                what_worked=(item.what_worked or "").strip() or None,
                to_improve=(item.to_improve or "").strip() or None,
                tags_text=" ".join(tags),
                visibility=WORKSPACE,
                created_at=START + timedelta(minutes=index),
            )
            lesson.tags = [LessonTag(tag=tag, team_id=team_id) for tag in tags]
            session.add(lesson)
            rows.append((lesson, item.id))
        session.flush()
        return {lesson.id: set_id for lesson, set_id in rows}


def run_queries(
    database: Database,
    queries: Sequence[JudgedQuery],
    search: SearchFunction,
    id_map: Mapping[int, str],
    team_id: str = TEAM,
) -> list[Outcome]:
    """Each query in its own session, as a request handler runs it; the top K kept."""
    outcomes: list[Outcome] = []
    for query in queries:
        with database.session() as session:
            found = list(search(session, team_id, query.query))[:K]
        unknown = [lesson_id for lesson_id in found if lesson_id not in id_map]
        if unknown:
            raise RuntimeError(f"{query.id}: the search returned ids not in the set: {unknown}")
        outcomes.append(Outcome(query, tuple(id_map[lesson_id] for lesson_id in found)))
    return outcomes


def run(
    database: Database,
    searches: Mapping[str, SearchFunction],
    lessons: Sequence[SetLesson],
    queries: Sequence[JudgedQuery],
) -> dict[str, dict[str, Any]]:
    """Store the lessons once, then evaluate every search on every query: name -> evaluate(...)."""
    id_map = store_lessons(database, lessons)
    return {
        name: evaluate(run_queries(database, queries, search, id_map)) for name, search in searches.items()
    }


# --- report ----------------------------------------------------------------------------------------


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def markdown(name: str, evaluation: Mapping[str, Any]) -> str:
    lines = [
        f"| {name}: category | queries | recall@{K} | MRR | no results | no-answer empty | false hits |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    rows = [*evaluation["categories"].items(), ("**overall**", evaluation["overall"])]
    for category, figures in rows:
        cells = [
            str(figures["queries"]),
            _cell(figures[f"recall_at_{K}"]),
            _cell(figures["mrr"]),
            _cell(figures["no_results"]),
            _cell(figures["no_answer_empty"]),
            _cell(figures["no_answer_false_hits"]),
        ]
        lines.append(f"| {category} | {' | '.join(cells)} |")
    return "\n".join(lines)


def misses(evaluation: Mapping[str, Any]) -> str:
    """The answerable queries that found none of their relevant lessons, and the no-answer ones that found
    something: where to look first."""
    lines: list[str] = []
    for query in evaluation["queries"]:
        if query["category"] == NO_ANSWER:
            if query["returned"]:
                lines.append(f"- `{query['query']}` ({NO_ANSWER}): returned {', '.join(query['returned'])}")
        elif not query["relevant_returned"]:
            got = ", ".join(query["returned"]) or "nothing"
            lines.append(f"- `{query['query']}` ({query['category']}): returned {got}")
    return "\n".join(lines)


def git_commit() -> tuple[str | None, bool | None]:
    """(commit, whether the work tree has changes), or (None, None) outside a git checkout."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None, None
    return commit or None, bool(status.strip())


def load_search(spec: str) -> tuple[str, SearchFunction]:
    """NAME=module:function (or module:function, named after the function) from --search."""
    name, _, target = spec.rpartition("=")
    module_name, _, function_name = target.partition(":")
    if not module_name or not function_name:
        raise ValueError(f"--search {spec!r}: expected NAME=module:function")
    function = getattr(importlib.import_module(module_name), function_name)
    if not callable(function):
        raise ValueError(f"--search {spec!r}: {target} is not callable")
    search: SearchFunction = function
    return name or function_name, search


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--lessons", type=Path, default=LESSONS, help="lessons file (default: the set)")
    parser.add_argument("--queries", type=Path, default=QUERIES, help="judged queries (default: the set)")
    parser.add_argument(
        "--search",
        action="append",
        default=[],
        metavar="NAME=module:function",
        help="also measure this search (repeatable); today's search always runs, as 'app'",
    )
    parser.add_argument("--keep", action="store_true", help="keep the filled database (file or schema)")
    args = parser.parse_args(argv)

    lessons, queries = load_lessons(args.lessons), load_queries(args.queries)
    problems = validate(lessons, queries)
    if problems:
        print("The relevance set is not usable:", *problems, sep="\n  ", file=sys.stderr)
        return 2
    searches: dict[str, SearchFunction] = {"app": app_search, "strict": strict_search}
    for spec in args.search:
        name, search = load_search(spec)
        if name in searches:
            parser.error(f"--search: the name {name!r} is taken")
        searches[name] = search

    with bench_database(
        args.database_url,
        args.keep,
        schema=SCHEMA,
        temp_prefix="erfaring-quality-",
        sqlite_name="quality.db",
        say_kept=True,
    ) as database:
        backend = "postgresql" if database.is_postgresql else "sqlite"
        print(
            f"{len(lessons)} lessons, {len(queries)} queries, {len(searches)} search(es) on {backend} …",
            file=sys.stderr,
            flush=True,
        )
        evaluations = run(database, searches, lessons, queries)
        version = server_version(database)

    commit, dirty = git_commit()
    print(f"\n## Search quality — {backend} ({version})\n")
    print(f"{len(lessons)} lessons, {len(queries)} judged queries, top {K}; commit {commit or 'unknown'}.\n")
    for name, evaluation in evaluations.items():
        print(markdown(name, evaluation))
        found_nothing = misses(evaluation)
        if found_nothing:
            print(f"\n{name}: queries without a relevant lesson in the top {K}, and no-answer false hits:\n")
            print(found_nothing)
        print()

    report = {
        "backend": backend,
        "server": version,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": commit,
        "git_dirty": dirty,
        "python": platform.python_version(),
        "k": K,
        "lessons": len(lessons),
        "queries": len(queries),
        "searches": evaluations,
    }
    write_result(args.output, backend, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
