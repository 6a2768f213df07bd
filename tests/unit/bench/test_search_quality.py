"""The search-quality benchmark: the relevance set is well formed, the metrics are right on data whose answer
is known, and the whole benchmark runs on SQLite and writes its results."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bench import search_quality as sq
from storage.db import Database
from storage.lessons.models import Lesson, LessonTag
from storage.migrate import upgrade

LESSONS = sq.load_lessons()
QUERIES = sq.load_queries()


# --- the set ---------------------------------------------------------------------------------------


def test_relevance_set_is_well_formed() -> None:
    assert sq.validate(LESSONS, QUERIES) == []
    lesson_ids = [lesson.id for lesson in LESSONS]
    assert len(lesson_ids) == len(set(lesson_ids))
    assert len({query.id for query in QUERIES}) == len(QUERIES)
    assert len(LESSONS) >= 120
    assert len(QUERIES) >= 45
    per_category = Counter(query.category for query in QUERIES)
    assert set(per_category) == set(sq.CATEGORIES)
    assert min(per_category.values()) >= 5
    for query in QUERIES:
        assert query.relevant <= set(lesson_ids), query.id
        assert (query.category == "no_answer") == (not query.relevant), query.id


def test_relevance_set_is_bilingual() -> None:
    languages = Counter(lesson.lang for lesson in LESSONS)
    assert set(languages) == {"nb", "en", "mixed"}
    assert languages["nb"] + languages["mixed"] >= 0.4 * len(LESSONS)
    assert languages["en"] + languages["mixed"] >= 0.4 * len(LESSONS)


def test_validate_reports_each_kind_of_problem() -> None:
    lesson = sq.SetLesson("L1", "nb", "En leksjon.", None, None, ("Kode Review",))
    queries = [
        sq.JudgedQuery("q1", "leksjon", "exact", frozenset({"L1", "L9"})),
        sq.JudgedQuery("q1", "ingenting", "no_answer", frozenset({"L1"})),
        sq.JudgedQuery("q3", "leksjon", "synonyms", frozenset({"L1"})),
        sq.JudgedQuery("q4", "leksjon", "tag", frozenset()),
        sq.JudgedQuery("q5", "#!", "tag", frozenset({"L1"})),
    ]
    problems = "\n".join(sq.validate([lesson, lesson], queries))
    for expected in (
        "duplicate lesson ids: L1",
        "duplicate query ids: q1",
        "2 lessons, at least 120 wanted",
        "5 queries, at least 45 wanted",
        "L1: tag 'Kode Review' is not stored that way ('kode-review')",
        "q1: relevant ids not in the lessons: L9",
        "q1: a no_answer query with relevant lessons",
        "q3: unknown category 'synonyms'",
        "q4: no relevant lessons; use the no_answer category",
        "q5: '#!' has no searchable word",
        "category inflection_nb: 0 queries, at least 5 wanted",
    ):
        assert expected in problems


def test_lessons_get_the_tags_the_app_would_store() -> None:
    lesson = sq.SetLesson("L1", "nb", "Deploy på fredag #Deploy #retro", "Det gikk #bra", None, ("deploy",))
    assert lesson.all_tags() == ["deploy", "retro", "bra"]


# --- metrics on a hand-made example ----------------------------------------------------------------


def _query(query_id: str, category: str, relevant: Sequence[str]) -> sq.JudgedQuery:
    return sq.JudgedQuery(query_id, query_id, category, frozenset(relevant))


def _example() -> list[sq.Outcome]:
    return [
        # 1 of 2 relevant found, the first one at rank 2: recall 0.5, RR 0.5.
        sq.Outcome(_query("half", "exact", ["a", "b"]), ("x", "a", "y")),
        # The only relevant one at rank 1: recall 1, RR 1.
        sq.Outcome(_query("top", "exact", ["c"]), ("c", "x")),
        # Nothing back: recall 0, RR 0.
        sq.Outcome(_query("none", "tag", ["d", "e", "f", "g"]), ()),
        # The relevant one at rank 11 is past the top 10 and does not count; "e" at rank 4 does.
        sq.Outcome(
            _query("deep", "tag", ["e", "k"]),
            ("x1", "x2", "x3", "e", "x5", "x6", "x7", "x8", "x9", "x10", "k"),
        ),
        sq.Outcome(_query("empty", "no_answer", []), ()),
        sq.Outcome(_query("false hit", "no_answer", []), ("x",)),
    ]


def test_per_query_figures() -> None:
    half, top, none, deep, empty, false_hit = _example()
    assert (half.recall, half.reciprocal_rank, half.first_relevant_rank) == (0.5, 0.5, 2)
    assert half.relevant_returned == ["a"] and half.missed == ["b"]
    assert (top.recall, top.reciprocal_rank) == (1.0, 1.0)
    assert (none.recall, none.reciprocal_rank, none.first_relevant_rank) == (0.0, 0.0, None)
    assert none.missed == ["d", "e", "f", "g"]
    assert (deep.recall, deep.reciprocal_rank) == (0.5, 0.25)
    assert deep.missed == ["k"]
    assert (empty.recall, empty.reciprocal_rank) == (None, None)
    assert false_hit.relevant_returned == [] and false_hit.missed == []


def test_summary_per_category_and_overall() -> None:
    evaluation = sq.evaluate(_example())
    exact = evaluation["categories"]["exact"]
    assert exact["queries"] == 2
    assert exact["recall_at_10"] == pytest.approx(0.75)  # (0.5 + 1) / 2
    assert exact["mrr"] == pytest.approx(0.75)  # (1/2 + 1) / 2
    assert exact["no_results"] == 0.0
    assert exact["no_answer_empty"] is None and exact["no_answer_false_hits"] is None
    tag = evaluation["categories"]["tag"]
    assert tag["recall_at_10"] == pytest.approx(0.25)  # (0 + 0.5) / 2
    assert tag["mrr"] == pytest.approx(0.125)  # (0 + 1/4) / 2
    assert tag["no_results"] == 0.5
    no_answer = evaluation["categories"]["no_answer"]
    assert no_answer["answerable"] == 0
    assert no_answer["recall_at_10"] is None and no_answer["mrr"] is None and no_answer["no_results"] is None
    assert no_answer["no_answer_empty"] == 0.5
    assert no_answer["no_answer_false_hits"] == 0.5
    assert evaluation["categories"]["compound"]["queries"] == 0  # every category is reported
    overall = evaluation["overall"]
    # Each answerable query counts once, whatever its category: (0.5 + 1 + 0 + 0.5) / 4 and
    # (0.5 + 1 + 0 + 0.25) / 4.
    assert overall["answerable"] == 4
    assert overall["recall_at_10"] == pytest.approx(0.5)
    assert overall["mrr"] == pytest.approx(0.4375)
    assert overall["no_results"] == 0.25  # of the answerable queries, "none" found nothing
    assert overall["no_answer_false_hits"] == 0.5
    deep = next(query for query in evaluation["queries"] if query["id"] == "deep")
    assert deep["returned"][3] == "e" and deep["relevant_returned"] == ["e"] and deep["missed"] == ["k"]


def test_markdown_table() -> None:
    table = sq.markdown("app", sq.evaluate(_example()))
    assert "| exact | 2 | 0.750 | 0.750 | 0.000 | – | – |" in table
    assert "| no_answer | 2 | – | – | – | 0.500 | 0.500 |" in table
    assert "| **overall** | 6 | 0.500 | 0.438 | 0.250 | 0.500 | 0.500 |" in table


# --- searches plugged into the real set ------------------------------------------------------------


def _by_text(session: Session) -> dict[str, int]:
    return {text: lesson_id for lesson_id, text in session.execute(select(Lesson.id, Lesson.text))}


def oracle_search(session: Session, team_id: str, raw_query: str) -> list[int]:
    """The judged answer itself, found through the database ids the benchmark assigned."""
    ids = _by_text(session)
    query = next(query for query in QUERIES if query.query == raw_query)
    return [ids[lesson.text] for lesson in LESSONS if lesson.id in query.relevant]


def find_nothing(session: Session, team_id: str, raw_query: str) -> list[int]:
    return []


def test_pluggable_searches_are_scored_against_the_same_set(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path}/quality.db")
    try:
        upgrade(database.engine)
        results = sq.run(
            database,
            {"oracle": oracle_search, "nothing": find_nothing, "app": sq.app_search},
            LESSONS,
            QUERIES,
        )
        with database.session() as session:
            stored = session.scalars(select(Lesson)).all()
            assert len(stored) == len(LESSONS)
            assert {lesson.team_id for lesson in stored} == {sq.TEAM}
            tags = session.scalars(select(LessonTag.tag).where(LessonTag.lesson_id == stored[0].id)).all()
            assert sorted(tags) == sorted(stored[0].tags_text.split()) == sorted(LESSONS[0].tags)
    finally:
        database.dispose()
    oracle, nothing, app = results["oracle"], results["nothing"], results["app"]
    assert oracle["overall"]["recall_at_10"] == 1.0
    assert oracle["overall"]["mrr"] == 1.0
    assert oracle["categories"]["no_answer"]["no_answer_empty"] == 1.0
    assert nothing["overall"]["recall_at_10"] == 0.0
    assert nothing["overall"]["no_results"] == 1.0
    # Today's search finds exact words; it is somewhere in between overall.
    assert app["categories"]["exact"]["recall_at_10"] > 0.5
    assert 0.0 < app["overall"]["recall_at_10"] < 1.0


# --- the whole benchmark ---------------------------------------------------------------------------


def test_benchmark_runs_on_sqlite_and_writes_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "search_quality.json"
    plugged = "nothing=tests.unit.bench.test_search_quality:find_nothing"
    assert sq.main(["--output", str(output), "--search", plugged]) == 0
    results = json.loads(output.read_text(encoding="utf-8"))
    report = results["sqlite"]
    assert report["backend"] == "sqlite"
    assert report["lessons"] == len(LESSONS) and report["queries"] == len(QUERIES)
    assert report["k"] == 10 and report["measured_at"]
    assert set(report["searches"]) == {"app", "strict", "nothing"}  # strict: without partial matches
    app = report["searches"]["app"]
    assert list(app["categories"]) == list(sq.CATEGORIES)
    for category in sq.CATEGORIES:
        assert app["categories"][category]["queries"] >= 5
    assert [query["id"] for query in app["queries"]] == [query.id for query in QUERIES]
    first = app["queries"][0]
    assert set(first) >= {"returned", "relevant_returned", "missed", "recall_at_10", "reciprocal_rank"}
    assert set(first["relevant_returned"]) <= set(first["returned"])
    out = capsys.readouterr().out
    assert "| app: category | queries | recall@10 | MRR |" in out
    assert "| nothing: category |" in out


def test_a_broken_set_is_refused(tmp_path: Path) -> None:
    queries = tmp_path / "queries.json"
    queries.write_text(json.dumps([{"id": "q", "query": "x", "category": "exact", "relevant": ["L999"]}]))
    output = tmp_path / "out.json"
    assert sq.main(["--queries", str(queries), "--output", str(output)]) == 2
    assert not output.exists()


def test_search_spec_must_name_a_function() -> None:
    with pytest.raises(ValueError, match="expected NAME=module:function"):
        sq.load_search("nothing=tests.unit.bench.test_search_quality")
    name, search = sq.load_search("tests.unit.bench.test_search_quality:find_nothing")
    assert name == "find_nothing" and search is find_nothing
