"""Lesson search on every backend of the `db` fixture (SQLite FTS5; PostgreSQL tsvector when configured)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from bot.lessons.search import SEARCH_LIMIT, SearchHit, parse_query, query_terms, search_lessons
from storage.db import Database
from storage.lessons.models import Lesson, LessonTag, Vote
from storage.lessons.search import like_search_lesson_ids, search_lesson_ids
from storage.lessons.visibility import WORKSPACE, Audience

T1, T2 = "T1", "T2"
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
_clock = {"n": 0}


def add(
    db: Database,
    text: str,
    *,
    team_id: str = T1,
    tags: Sequence[str] = (),
    what_worked: str | None = None,
    to_improve: str | None = None,
    anonymous: bool = False,
    author_id: str | None = "U1",
    created_at: datetime | None = None,
    visibility: str = WORKSPACE,
    channel_id: str | None = "C1",
    author_hash: str = "a" * 64,
) -> int:
    """Insert a lesson; without `created_at` each one is a minute newer than the last."""
    _clock["n"] += 1
    with db.session() as session:
        lesson = Lesson(
            team_id=team_id,
            author_id=author_id,
            author_hash=author_hash,
            anonymous=anonymous,
            text=text,
            what_worked=what_worked,
            to_improve=to_improve,
            tags_text=" ".join(tags),
            channel_id=channel_id,
            visibility=visibility,
            message_ts=f"1700000000.{_clock['n']:06d}",
            created_at=created_at or START + timedelta(minutes=_clock["n"]),
            tags=[LessonTag(tag=tag, team_id=team_id) for tag in tags],
        )
        session.add(lesson)
        session.flush()
        return lesson.id


SEARCHER = "s" * 64  # nobody's author hash: sees the workspace's lessons only


def everyone(team_id: str = T1, channels: frozenset[str] = frozenset()) -> Audience:
    return Audience.person(team_id, SEARCHER, channels)


def find(
    db: Database, query: str, team_id: str = T1, limit: int = 10, audience: Audience | None = None
) -> list[SearchHit]:
    with db.session() as session:
        return search_lessons(
            session, audience or everyone(team_id), parse_query(query), page_size=limit
        ).hits


def ids(db: Database, query: str, team_id: str = T1, limit: int = 10) -> list[int]:
    """The lessons matching every word (partial matches, which follow them, left out)."""
    return [hit.lesson_id for hit in find(db, query, team_id, limit) if not hit.partial]


def partial_ids(db: Database, query: str, team_id: str = T1, limit: int = 10) -> list[int]:
    """The lessons matching only some of the words, shown after the others."""
    hits = find(db, query, team_id, limit)
    assert [hit.partial for hit in hits] == sorted(hit.partial for hit in hits), "partial matches come last"
    return [hit.lesson_id for hit in hits if hit.partial]


# --- query_terms ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", []),
        ("   ", []),
        ("Deploy", ["deploy"]),
        ("#testing", ["testing"]),
        ("ÆRLIG Tilbakemelding", ["ærlig", "tilbakemelding"]),
        ("Øvelse, år; læring!", ["øvelse", "år", "læring"]),
        ("café", ["café"]),
        ("cafe\u0301", ["café"]),  # decomposed input is recomposed (NFC)
        ("Straße", ["straße"]),  # folded the way the indexes fold, not to 'strasse'
        ('" OR 1=1 --', ["or", "1"]),
        ("NEAR(", ["near"]),
        ("foo*bar", ["foo", "bar"]),
        (":*", []),
        ("&|!", []),
        ("a AND b NOT c", ["a", "and", "b", "not", "c"]),
        ("x^y (z) 'q' -w", ["x", "y", "z", "q", "w"]),
        ("snake_case", ["snake", "case"]),
        ("deploy Deploy DEPLOY", ["deploy"]),
        (
            "one two three four five six seven eight nine ten",
            ["one", "two", "three", "four", "five", "six", "seven", "eight"],
        ),
        ("x" * 60, ["x" * 40]),
    ],
)
def test_query_terms(raw: str, expected: list[str]) -> None:
    assert query_terms(raw) == expected


# --- search ----------------------------------------------------------------------------------------


def test_english_words_and_prefixes(db: Database) -> None:
    deploy = add(db, "The deployment broke because nobody ran the migration first")
    testing = add(db, "Testing in production is cheaper than we thought", what_worked="Feature flags")
    add(db, "Retro notes: keep the standup short")

    assert ids(db, "migration") == [deploy]
    assert ids(db, "deploy") == [deploy]  # prefix: deploy → deployment
    assert ids(db, "test") == [testing]  # prefix: test → testing
    assert ids(db, "flags") == [testing]  # what_worked is searched too
    assert ids(db, "ployment") == []  # a prefix, not a substring
    assert ids(db, "cooking") == []


def test_norwegian_words(db: Database) -> None:
    laering = add(db, "Mye læring fra hendelsen i helgen")
    review = add(db, "Kodegjennomgang før fredag sparer oss for feil")
    feedback = add(db, "Vi trenger mer ærlig tilbakemelding i teamet")
    drill = add(db, "Beredskapsøvelse hvert kvartal", to_improve="Én øvelse til før jul")
    year = add(db, "Det beste vi gjorde i år")
    add(db, "Arbeid og ovelse uten diakritiske tegn")  # 'a'/'o' must not match 'å'/'ø'

    assert ids(db, "læring") == [laering]
    assert ids(db, "kodegjennomgang") == [review]
    assert ids(db, "ærlig tilbakemelding") == [feedback]
    assert ids(db, "øvelse") == [drill]  # found in to_improve
    assert ids(db, "år") == [year]
    assert ids(db, "lær") == [laering]


def test_case_insensitive(db: Database) -> None:
    upper = add(db, "ÆRLIG TILBAKEMELDING OG ØVELSE")
    lower = add(db, "deploy on friday")

    assert ids(db, "ærlig tilbakemelding") == [upper]
    assert ids(db, "Ærlig ØVELSE") == [upper]
    assert ids(db, "DEPLOY Friday") == [lower]


def test_tag_match_outranks_body_match(db: Database) -> None:
    tagged = add(db, "Ran the whole suite before merging", tags=["testing"], created_at=START)
    # Newer, so newest-first cannot be what puts the tagged lesson first.
    body = add(db, "We skipped testing this time", created_at=START + timedelta(days=30))
    add(db, "Unrelated lesson about coffee")

    for query in ("testing", "#testing", "test"):
        hits = find(db, query)
        assert [hit.lesson_id for hit in hits] == [tagged, body], query
        assert hits[0].score > hits[1].score
        assert hits[0].tags == ["testing"]


def test_all_terms_must_match(db: Database) -> None:
    friday = add(db, "Never deploy on a friday")
    monday = add(db, "Deploy on monday morning")

    assert ids(db, "deploy friday") == [friday]
    assert ids(db, "deploy monday") == [monday]
    assert sorted(ids(db, "deploy")) == sorted([friday, monday])
    assert ids(db, "friday monday") == []
    # After the lessons with every word, those with some of them, marked as such.
    assert partial_ids(db, "deploy friday") == [monday]
    assert sorted(partial_ids(db, "friday monday")) == sorted([friday, monday])
    with db.session() as session:  # the ranking itself requires every word
        assert [i for i, _ in search_lesson_ids(session, T1, ["deploy", "friday"])] == [friday]
        assert search_lesson_ids(session, T1, ["friday", "monday"]) == []


def test_team_isolation(db: Database) -> None:
    mine = add(db, "Kodegjennomgang hjelper", team_id=T1)
    theirs = add(db, "Kodegjennomgang hjelper", team_id=T2, tags=["kodegjennomgang"])

    assert ids(db, "kodegjennomgang", team_id=T1) == [mine]
    assert ids(db, "kodegjennomgang", team_id=T2) == [theirs]
    assert ids(db, "kodegjennomgang", team_id="T3") == []
    with db.session() as session:  # the SQL filters by team, not only the service on top of it
        assert [i for i, _ in search_lesson_ids(session, T1, ["kodegjennomgang"])] == [mine]
        assert like_search_lesson_ids(session, T1, ["kodegjennomgang"]) == [mine]


def test_anonymous_author_is_never_exposed(db: Database) -> None:
    # The row should not hold an author for an anonymous lesson; even if it does, search hides it.
    anonymous = add(db, "Anonymous retro lesson", anonymous=True, author_id="USECRET")
    named = add(db, "Named retro lesson", author_id="UNAMED")

    hits = {hit.lesson_id: hit for hit in find(db, "retro")}
    assert set(hits) == {anonymous, named}
    assert hits[anonymous].anonymous is True
    assert hits[anonymous].author_id is None
    assert hits[named].anonymous is False
    assert hits[named].author_id == "UNAMED"
    assert "USECRET" not in repr(list(hits.values()))


@pytest.mark.parametrize(
    ("raw", "expect_found"),
    [
        ('" OR 1=1 --', False),
        ("NEAR(", True),
        ("foo*bar", True),
        (":*", False),
        ("&|!", False),
        ("near' & !foo | (bar", True),
        ('foo" OR "x', False),
        ("'; DROP TABLE lessons; --", False),
        ("foo:* | 1", False),
        ("bar^ -foo", True),
    ],
)
def test_injection_attempts_are_just_words(db: Database, raw: str, expect_found: bool) -> None:
    target = add(db, "We met near the foo bar")
    add(db, "OR 1=1 is in another team's lesson", team_id=T2)

    hits = find(db, raw)  # partial matches too: every kind of statement runs
    assert isinstance(hits, list)
    assert ids(db, raw) == ([target] if expect_found else [])
    with db.session() as session:  # the table is still there and intact
        assert session.scalar(select(func.count()).select_from(Lesson)) == 2


def test_storage_sanitises_terms_itself(db: Database) -> None:
    target = add(db, "We met near the foo bar")
    hostile = ['foo"*bar', "near':*|'foo", "(bar)", "*", ")", ":*"]
    with db.session() as session:
        assert [lesson_id for lesson_id, _ in search_lesson_ids(session, T1, hostile)] == [target]
        assert search_lesson_ids(session, T1, ['"', "&|!", ":*"]) == []


def test_empty_query_returns_nothing(db: Database) -> None:
    add(db, "Something to find")
    assert find(db, "") == []
    assert find(db, "  #  !! ") == []


def test_limit_ten_newest_first_among_equals(db: Database) -> None:
    made = [add(db, "Identical postmortem lesson") for _ in range(15)]

    hits = find(db, "postmortem")
    assert [hit.lesson_id for hit in hits] == list(reversed(made))[:10]
    assert ids(db, "postmortem", limit=3) == list(reversed(made))[:3]
    assert len({hit.score for hit in hits}) == 1


def test_scores_are_descending(db: Database) -> None:
    add(db, "deploy", tags=["deploy"])
    add(db, "a long lesson that mentions deploy once among many other words about the week")
    add(db, "deploy deploy")
    scores = [hit.score for hit in find(db, "deploy")]
    assert len(scores) == 3
    assert scores == sorted(scores, reverse=True)


def test_vote_counts(db: Database) -> None:
    voted = add(db, "Pairing on incidents works")
    unvoted = add(db, "Pairing on reviews works")
    with db.session() as session:
        for user, kind, active in [
            ("U1", "useful", True),
            ("U2", "useful", True),
            ("U3", "useful", False),  # taken back
            ("U1", "applied", True),
            ("U4", "applied", False),
        ]:
            session.add(
                Vote(team_id=T1, lesson_id=voted, user_id=user, kind=kind, active=active, changed_at=START)
            )

    hits = {hit.lesson_id: hit for hit in find(db, "pairing")}
    assert (hits[voted].useful, hits[voted].applied) == (2, 1)
    assert (hits[unvoted].useful, hits[unvoted].applied) == (0, 0)


def test_search_lessons_lists_the_best_ten_as_plain_data(db: Database) -> None:
    anonymous = add(db, "Pairing keeps us honest", tags=["pairing"], anonymous=True, author_id=None)
    for n in range(SEARCH_LIMIT + 2):
        add(db, f"Pairing session {n}")
    with db.session() as session:
        session.add(
            Vote(team_id=T1, lesson_id=anonymous, user_id="U9", kind="applied", active=True, changed_at=START)
        )
    with db.session() as session:
        page = search_lessons(session, everyone(T1), parse_query("pairing"))
        assert search_lessons(session, everyone(T2), parse_query("pairing")).hits == []
    listed = page.hits
    assert len(listed) == SEARCH_LIMIT
    assert page.has_more
    first = listed[0]
    assert (first.lesson_id, first.text, first.tags, first.anonymous) == (
        anonymous,
        "Pairing keeps us honest",
        ["pairing"],
        True,
    )
    assert (first.useful, first.applied) == (0, 1)
    # An anonymous lesson never shows where it was shared, nor who wrote it (issue 9 §1).
    assert (first.author_id, first.channel_id, first.channel_shown, first.message_ts) == (
        None,
        None,
        False,
        None,
    )
    assert (listed[1].channel_id, listed[1].channel_shown) == ("C1", True)


def test_hit_fields(db: Database) -> None:
    when = START + timedelta(days=2, hours=3)
    lesson = add(db, "Fields come back intact", tags=["retro", "æøå-test"], created_at=when)

    (hit,) = find(db, "fields")
    assert hit.lesson_id == lesson
    assert hit.text == "Fields come back intact"
    assert hit.tags == ["retro", "æøå-test"]
    assert hit.channel_id == "C1"
    assert hit.message_ts is not None
    assert hit.created_at == when
    assert hit.score > 0
    assert ids(db, "#æøå-test") == [lesson]


def test_deleted_lesson_vanishes(db: Database) -> None:
    gone = add(db, "Kodegjennomgang av migreringer", tags=["review"])
    kept = add(db, "Kodegjennomgang av tester")
    assert sorted(ids(db, "kodegjennomgang")) == sorted([gone, kept])

    with db.session() as session:
        session.execute(delete(Lesson).where(Lesson.id == gone))

    assert ids(db, "kodegjennomgang") == [kept]
    assert ids(db, "migreringer") == []
    assert ids(db, "review") == []


def test_updated_text_is_reindexed(db: Database) -> None:
    lesson = add(db, "Kodegjennomgang hver dag")
    assert ids(db, "kodegjennomgang") == [lesson]

    with db.session() as session:
        session.execute(
            update(Lesson)
            .where(Lesson.id == lesson)
            .values(text="Parprogrammering hver dag", tags_text="par")
        )

    assert ids(db, "kodegjennomgang") == []
    assert ids(db, "parprogrammering") == [lesson]
    assert ids(db, "#par") == [lesson]
    assert ids(db, "dag") == [lesson]


def test_like_baseline_finds_substrings(db: Database) -> None:
    old = add(db, "The deployment broke")
    new = add(db, "Redeploy after lunch", tags=["deploy"])
    add(db, "The deployment broke", team_id=T2)
    with db.session() as session:
        assert like_search_lesson_ids(session, T1, ["deploy"]) == [new, old]
        assert like_search_lesson_ids(session, T1, ["deploy", "broke"]) == [old]
        assert like_search_lesson_ids(session, T1, []) == []


# --- the recency bound: only the newest `candidate_limit` matches are ranked ----------------------


def ranked(
    db: Database, terms: list[str], team_id: str = T1, *, limit: int = 10, cap: int | None
) -> list[int]:
    with db.session() as session:
        return [i for i, _ in search_lesson_ids(session, team_id, terms, limit, candidate_limit=cap)]


def test_bound_ranks_only_the_newest_matches(db: Database) -> None:
    tagged = [add(db, "Postmortem notes", tags=["postmortem"]) for _ in range(3)]  # best scores, oldest
    newer = [add(db, "We wrote a postmortem") for _ in range(5)]
    add(db, "Nothing to do with it")

    # Uncapped, the tagged lessons rank first although they are the oldest.
    assert ranked(db, ["postmortem"], cap=None) == list(reversed(tagged)) + list(reversed(newer))
    # Five candidates: the five newest matches, so none of the tagged ones, newest first among equals.
    assert ranked(db, ["postmortem"], cap=5) == list(reversed(newer))
    # One more candidate reaches the newest tagged lesson, which then outranks the rest.
    assert ranked(db, ["postmortem"], cap=6) == [tagged[-1], *reversed(newer)]
    assert ranked(db, ["postmortem"], cap=1) == [newer[-1]]
    assert ranked(db, ["postmortem"], cap=5, limit=2) == list(reversed(newer))[:2]


def test_bound_counts_only_the_teams_own_matches(db: Database) -> None:
    # Interleaved: every other lesson is another team's, with a better (tag) score.
    mine, theirs = [], []
    for _ in range(30):
        mine.append(add(db, "Retro lesson", team_id=T1))
        theirs.append(add(db, "Retro lesson", team_id=T2, tags=["retro"]))

    assert ranked(db, ["retro"], T1, cap=4) == list(reversed(mine))[:4]
    assert ranked(db, ["retro"], T2, cap=4) == list(reversed(theirs))[:4]
    assert ranked(db, ["retro"], T1, cap=25, limit=100) == list(reversed(mine))[:25]
    assert ranked(db, ["retro"], "T3", cap=4) == []


def test_bound_changes_nothing_when_matches_fit(db: Database) -> None:
    for n in range(12):
        add(db, "deploy " * (n % 4 + 1) + "friday", tags=["deploy"] if n % 5 == 0 else [])
    add(db, "Deploy on friday", team_id=T2, tags=["deploy"])

    for terms in (["deploy"], ["friday"], ["deploy", "friday"], ["dep"]):
        everything = ranked(db, terms, cap=None, limit=100)
        assert len(everything) == 12
        for cap in (12, 13, 2000):
            assert ranked(db, terms, cap=cap, limit=100) == everything
            assert ranked(db, terms, cap=cap) == everything[:10]


def _mixed_lessons(db: Database) -> None:
    """80 lessons, two teams interleaved (T1 twice as often), words of different densities, and
    repeats and tags so that scores differ and tie."""
    for n in range(80):
        words = ["alpha"] * (n % 4 + 1)
        words += ["beta"] if n % 3 == 0 else []
        words += ["gamma"] if n % 11 == 0 else []
        words += ["delta"] if n % 8 == 0 else []
        words += ["epsilon"] if n >= 72 or n % 13 == 0 else []  # dense lately, sparse before
        add(db, " ".join(words), team_id=T2 if n % 3 == 2 else T1, tags=["alpha"] if n % 7 == 0 else [])


@pytest.mark.parametrize(
    "terms", [["alpha"], ["beta"], ["gamma"], ["delta"], ["epsilon"], ["alpha", "delta"], ["al"]]
)
def test_bound_is_the_best_among_the_newest_matches(db: Database, terms: list[str]) -> None:
    _mixed_lessons(db)
    with db.session() as session:
        everything = search_lesson_ids(session, T1, terms, limit=100, candidate_limit=None)
    assert everything
    for cap in (1, 2, 3, 4, 5, 6, 8, 13, 30, 100):
        newest = set(sorted(i for i, _ in everything)[-cap:])
        expected = [(i, score) for i, score in everything if i in newest]
        for limit in (3, 10):
            with db.session() as session:
                got = search_lesson_ids(session, T1, terms, limit=limit, candidate_limit=cap)
            assert [i for i, _ in got] == [i for i, _ in expected[:limit]], (cap, limit)
            assert [s for _, s in got] == pytest.approx([s for _, s in expected[:limit]])


def test_bound_must_be_positive(db: Database) -> None:
    add(db, "Something to find")
    with db.session() as session, pytest.raises(ValueError):
        search_lesson_ids(session, T1, ["something"], candidate_limit=0)
