"""Lesson search on every backend of the `db` fixture (SQLite FTS5; PostgreSQL tsvector when configured)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, event, func, select, text, update
from sqlalchemy.exc import DBAPIError

import storage.lessons.search as storage_search
from bot.lessons.ids import SearchAction
from bot.lessons.search import SEARCH_LIMIT, SearchHit, parse_query, query_terms, search_lessons
from storage.db import Database
from storage.lessons.models import Lesson, LessonTag, Vote
from storage.lessons.search import like_search_lesson_ids, search_lesson_ids
from storage.lessons.visibility import AUTHOR, CHANNEL, PENDING, WORKSPACE, Audience

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


# --- stemming, folding, stop words, compounds (issue 9 §2) -------------------------------------------


def test_inflections_find_each_other_in_both_languages(db: Database) -> None:
    prosjekt = add(db, "Prosjektene våre sprekker på estimater")
    deploy = add(db, "We deployed the fix after lunch")
    review = add(db, "Two reviewers on every change")
    møte = add(db, "Møtet ble kortere med agenda")

    assert ids(db, "prosjektet") == [prosjekt]
    assert ids(db, "deploying") == [deploy]
    assert ids(db, "reviews") == [review]
    assert ids(db, "møtene") == [møte]
    assert ids(db, "estimat") == [prosjekt]  # prefixes still match


def test_ascii_typing_finds_æøå_but_not_the_other_way(db: Database) -> None:
    møte = add(db, "Møtene starter presis")
    læring = add(db, "Læring skjer i par")
    åpen = add(db, "Åpenhet om feil")
    mål = add(db, "Klare mål for kvartalet")
    plain = add(db, "Ovelse uten ø")

    for typed in ("mote", "moete", "møte"):
        assert ids(db, typed) == [møte], typed
    assert ids(db, "laering") == [læring]
    assert ids(db, "aapenhet") == [åpen]
    assert ids(db, "apenhet") == [åpen]
    assert ids(db, "maal") == [mål]
    assert ids(db, "øvelse") == []  # a search typed with ø means ø
    assert ids(db, "ovelse") == [plain]


def test_stop_words_are_not_required(db: Database) -> None:
    friday = add(db, "Never deploy late on Fridays")
    kunde = add(db, "Kundeservice og utviklerne satt sammen")

    assert ids(db, "deploy on friday") == [friday]
    assert ids(db, "kundeservice og utviklere") == [kunde]
    assert ids(db, "the") == []  # only stop words: nothing to look for


def test_a_compound_finds_its_parts_and_its_head(db: Database) -> None:
    whole = add(db, "Kundemøtet gikk bedre med agenda")
    split = add(db, "På møtet med kunden hadde vi med en utvikler")
    unrelated = add(db, "Kunden ringte om fakturaen")

    # The compound's tail: a customer meeting is a meeting (ranked below the word itself).
    assert ids(db, "møte") == [split, whole]
    assert ids(db, "kundemøte") == [whole]
    assert partial_ids(db, "kundemøte") == [split]  # both parts, written apart
    assert unrelated not in ids(db, "kundemøte") + partial_ids(db, "kundemøte")
    retro = add(db, "Retros got better with two action items")
    assert ids(db, "retrospectives") == []
    assert partial_ids(db, "retrospectives") == [retro]  # its head as a word of its own


def test_the_index_is_the_same_text_on_both_backends(db: Database) -> None:
    from storage.lessons import stemming

    lesson = add(db, "Kodegjennomgangen gikk fort", what_worked="Små endringer", tags=["code-review"])
    with db.session() as session:
        row = session.get(Lesson, lesson)
        assert row is not None
        assert row.search_body == stemming.index_text("Kodegjennomgangen gikk fort", "Små endringer", None)
        assert row.search_tags == stemming.tag_index_text("code-review")
        assert "gjennomgang" in row.search_tails.split()
        assert "sma" in row.search_body.split()  # små, folded


# --- the index follows every write ---------------------------------------------------------------------


def test_an_edited_lesson_is_found_by_its_new_words(db: Database) -> None:
    lesson = add(db, "Kodegjennomgang hver dag", tags=["review"])
    with db.session() as session:
        row = session.get(Lesson, lesson)
        assert row is not None
        row.text = "Parprogrammering hver fredag"  # as an edit through the ORM does
        row.what_worked = "Skjermdeling"
    assert ids(db, "kodegjennomgang") == []
    assert ids(db, "parprogrammeringen") == [lesson]
    assert ids(db, "skjermdelingen") == [lesson]
    assert ids(db, "#review") == [lesson]  # the tags were not touched and are still found
    with db.session() as session:
        row = session.get(Lesson, lesson)
        assert row is not None
        row.tags_text = "pairing"
    assert ids(db, "#review") == []
    assert ids(db, "#pairing") == [lesson]


def test_a_bulk_insert_is_indexed_too(db: Database) -> None:
    from sqlalchemy import insert

    with db.engine.begin() as conn:  # a Core executemany, as the benchmark fills
        conn.execute(
            insert(Lesson),
            [
                {
                    "team_id": T1,
                    "author_hash": "a" * 64,
                    "anonymous": False,
                    "text": text,
                    "tags_text": "",
                    "visibility": WORKSPACE,
                    "created_at": START,
                }
                for text in ("Bulk lessons get stemmed", "Møtene er indeksert")
            ],
        )
    assert [hit.text for hit in find(db, "stemmed")] == ["Bulk lessons get stemmed"]
    assert [hit.text for hit in find(db, "mote")] == ["Møtene er indeksert"]


# --- who may see what, inside the ranking (issue 9 §1) ----------------------------------------------------


def test_hidden_lessons_take_no_slot_and_change_no_count(db: Database) -> None:
    private = [add(db, "Canary notes", visibility=CHANNEL, channel_id="G1") for _ in range(12)]
    mine = add(db, "Canary of mine", visibility=AUTHOR, channel_id=None, author_hash="m" * 64)
    pending = add(db, "Canary pending", visibility=PENDING, author_hash="p" * 64)
    public = add(db, "Canary public", created_at=START - timedelta(days=1))  # the oldest

    outsider = find(db, "canary", audience=everyone())
    assert [hit.lesson_id for hit in outsider] == [public]
    with db.session() as session:
        page = search_lessons(session, everyone(), parse_query("canary"))
        assert not page.has_more
        member = search_lessons(session, everyone(channels=frozenset({"G1"})), parse_query("canary"))
        assert len(member.hits) == 10 and member.has_more
        assert {hit.lesson_id for hit in member.hits} <= {*private, public}
        assert all(hit.channel_shown for hit in member.hits)
        author = search_lessons(session, Audience.person(T1, "m" * 64, frozenset()), parse_query("canary"))
        assert {hit.lesson_id for hit in author.hits} == {mine, public}
        by_its_author = search_lessons(
            session, Audience.person(T1, "p" * 64, frozenset()), parse_query("canary")
        )
        assert {hit.lesson_id for hit in by_its_author.hits} == {pending, public}
        # The bound counts only what the searcher may see: with one candidate, still the public one.
        assert [
            i for i, _ in search_lesson_ids(session, T1, ["canary"], candidate_limit=1, audience=everyone())
        ] == [public]


def test_channel_is_shown_only_where_the_reader_may_see_it(db: Database) -> None:
    private = add(
        db, "Retro in the private channel", visibility=CHANNEL, channel_id="G1", author_hash="x" * 64
    )
    own = add(db, "Retro note to self", visibility=AUTHOR, channel_id="C7", author_hash=SEARCHER)
    public = add(db, "Retro in public", channel_id="C1")
    with db.session() as session:
        page = search_lessons(session, everyone(channels=frozenset({"G1"})), parse_query("retro"))
    shown = {hit.lesson_id: hit.channel_shown for hit in page.hits}
    assert shown == {private: True, own: False, public: True}


# --- filters ----------------------------------------------------------------------------------------------


def test_filters_narrow_inside_the_ranking(db: Database) -> None:
    tagged = add(db, "Deploy with a checklist", tags=["deploy"], channel_id="C1", author_id="U1")
    mentioned = add(db, "We deploy on Tuesdays", channel_id="C2", author_id="U2")
    anonymous = add(
        db, "Deploy anonymously", tags=["deploy"], anonymous=True, author_id="U2", channel_id="C2"
    )

    def found(query: str, **filters: Any) -> list[tuple[int, bool]]:
        with db.session() as session:
            page = search_lessons(session, everyone(), parse_query(query), **filters)
        return [(hit.lesson_id, hit.partial) for hit in page.hits]

    assert sorted(found("#deploy")) == sorted([(tagged, False), (anonymous, False), (mentioned, True)])
    assert found("deploy", channel_id="C1") == [(tagged, False)]
    assert sorted(found("deploy", channel_id="C2")) == sorted([(mentioned, False), (anonymous, False)])
    assert found("deploy", author_ids=("U2",)) == [(mentioned, False)]  # never the anonymous one
    assert found("", author_ids=("U1", "U2")) == [(mentioned, False), (tagged, False)]  # newest first
    assert found("", channel_id="C9") == []


@pytest.mark.parametrize(
    ("raw", "words", "tags", "channel", "person"),
    [
        ("deploy friday", ("deploy", "friday"), (), None, None),
        ("#Code-Review feedback", ("feedback",), ("code-review",), None, None),
        ("in:#team-platform deploy", ("deploy",), (), "team-platform", None),
        ("deploy in: #general", ("deploy",), (), "general", None),
        ("i:#generelt møte", ("møte",), (), "generelt", None),
        ("from:@ola retro", ("retro",), (), None, "ola"),
        ("fra:@kari", (), (), None, "kari"),
        ("in:<#C123|general> x", ("x",), (), "C123", None),
        ("from: @Ingrid Berg", ("ingrid", "berg")[1:], (), None, "Ingrid"),
        ("#", (), (), None, None),
        ('" OR 1=1 --', ("or", "1"), (), None, None),
    ],
)
def test_parse_query(
    raw: str, words: tuple[str, ...], tags: tuple[str, ...], channel: str | None, person: str | None
) -> None:
    query = parse_query(raw)
    assert (query.words, query.tags, query.channel, query.person) == (words, tags, channel, person)
    assert query.text == raw.strip()


# --- the results view ---------------------------------------------------------------------------------------


def result(i: int, **overrides: Any) -> Any:
    from bot.lessons.search_views import Result

    values: dict[str, Any] = {
        "id": i,
        "text": "Hi <!channel> <@U1> & <#C1> <https://evil.example|x>",
        "tags": ["ci", "blåbær"],
        "useful": i,
        "applied": 2 * i,
        "author": "Ola <@U9> & co",
        "channel_id": "C0123",
        "created_at": datetime(2026, 3, 1, 23, 30, tzinfo=UTC),  # 2 March in Oslo
        "link": "https://acme.slack.com/archives/C0123/p1700000000000100",
        "partial": False,
    }
    values.update(overrides)
    return Result(**values)


def page_of(results: list[Any], **overrides: Any) -> Any:
    from bot.lessons.search_views import ResultsPage

    values: dict[str, Any] = {
        "query": "<!here> flaky & <@U1>",
        "results": results,
        "page": 0,
        "has_more": False,
        "timezone": "Europe/Oslo",
    }
    values.update(overrides)
    return ResultsPage(**values)


@pytest.fixture(params=["en", "nb"])
def tr(request: pytest.FixtureRequest) -> Any:
    from bot.core.i18n import translator

    return translator(request.param)


def test_results_view_is_valid_block_kit_within_limits_and_escapes_everything(tr: Any) -> None:
    from bot.lessons.search_views import read_more_value, results
    from tests.unit.lessons.test_views import assert_no_mentions, assert_valid_message

    long_text = "word " * 1000
    items = [result(i, text=long_text if i == 3 else result(i).text) for i in range(1, 8)]
    items += [result(i, partial=True, author=None, channel_id=None, link=None) for i in range(8, 11)]
    rendered = results(tr, page_of(items, has_more=True))
    assert_valid_message(rendered)
    shown_blocks = [b for b in rendered.blocks if b["type"] != "actions"]  # a button's value is not shown
    dump = json.dumps(shown_blocks, ensure_ascii=False) + rendered.text
    allowed = dump.replace("<#C0123>", "").replace(
        "<https://acme.slack.com/archives/C0123/p1700000000000100|", ""
    )
    assert_no_mentions(allowed)
    assert dump.count("<#C0123>") == 7
    assert "&lt;@U9&gt;" in dump  # the author's name, escaped: never a mention
    assert ("Mar 2, 2026" if tr.language == "en" else "2. mars 2026") in dump
    notes = [
        b for b in rendered.blocks if b["type"] == "context" and not b["elements"][0]["text"].startswith("*#")
    ]
    assert len(notes) == 1  # "match only some of your words", once, before the first partial result
    [actions] = [b for b in rendered.blocks if b["type"] == "actions"]
    button = actions["elements"][0]
    assert button["action_id"] == SearchAction.MORE
    assert read_more_value(button["value"]) == ("<!here> flaky & <@U1>", 1)


def test_results_view_for_nothing_found_and_unknown_filters(tr: Any) -> None:
    from bot.lessons.search_views import results
    from tests.unit.lessons.test_views import assert_no_mentions, assert_valid_message

    rendered = results(tr, page_of([], unknown_channel="<!here>", unknown_person="x&y"))
    assert_valid_message(rendered)
    assert_no_mentions(json.dumps(rendered.blocks) + rendered.text)
    assert "&lt;!here&gt;" in rendered.text and "x&amp;y" in rendered.text
    assert len(rendered.blocks) == 1


def test_results_view_headings(tr: Any) -> None:
    from bot.lessons.search_views import results

    one = results(tr, page_of([result(1)], query="flaky"))
    ten = results(tr, page_of([result(i) for i in range(1, 11)], query="flaky"))
    only_partial = results(tr, page_of([result(1, partial=True)], query="flaky tests"))
    later = results(tr, page_of([result(11)], query="flaky", page=2))
    if tr.language == "en":
        assert one.text == "1 lesson matches *flaky*"
        assert ten.text == "Top 10 lessons matching *flaky*"
        assert only_partial.text == "No lesson has every word of *flaky tests*; these have some of them."
        assert later.text == "More lessons matching *flaky* (page 3)"
    notes = [
        b for b in only_partial.blocks if b["type"] == "context" and "*#" not in b["elements"][0]["text"]
    ]
    assert notes == []  # the heading says it already


@pytest.mark.parametrize(
    "value", ["", "x", "[]", '{"q": 1, "p": 0}', '{"q": "x", "p": -1}', '{"q": "x", "p": true}']
)
def test_a_more_value_that_is_not_ours_is_ignored(value: str) -> None:
    from bot.lessons.search_views import read_more_value

    assert read_more_value(value) is None


def test_postgresql_plans_each_search_for_its_own_words(db: Database) -> None:
    """psycopg prepares a statement the sixth time a connection runs it, and PostgreSQL then settles on
    a generic plan, made without the tsquery or the id window (4x slower for a common word). A search
    has every candidates statement planned for its values, with index tuples priced as what they cost
    (`storage_search._candidates`), and leaves the settings as it found them."""
    if not db.is_postgresql:
        pytest.skip("prepared statements and plan caching are PostgreSQL's")
    for n in range(40):
        add(db, f"Deploy lesson {n}", tags=["deploy"] if n % 3 == 0 else [])
    seen: list[tuple[str, ...]] = []

    def settings_of(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if "ts_rank(" in statement:  # a candidates statement: what it was planned with
            row = cursor.connection.execute(SETTINGS.text).fetchone()
            seen.append(tuple(row))

    event.listen(db.engine, "after_cursor_execute", settings_of)
    try:
        with db.session() as session:
            for query in ["deploy", "lesson", "deploy lesson", "dep"] * 4:
                assert search_lesson_ids(session, T1, query.split(), candidate_limit=8)
            plans = session.execute(
                text(
                    "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                    "WHERE statement LIKE '%ts_rank%'"
                )
            ).all()
            after = session.execute(SETTINGS).one()
    finally:
        event.remove(db.engine, "after_cursor_execute", settings_of)
    assert plans, "the candidates statements were prepared, as psycopg does after five runs"
    assert sum(generic for generic, _ in plans) == 0
    assert seen and set(seen) == {("force_custom_plan", "off", storage_search.INDEX_TUPLE_COST, "0", "off")}
    assert tuple(after) == ("auto", "on", "0.005", "2", "on")


SETTINGS = text(
    "SELECT current_setting('plan_cache_mode'), current_setting('enable_indexscan'), "
    "current_setting('cpu_index_tuple_cost'), current_setting('max_parallel_workers_per_gather'), "
    "current_setting('jit')"
)


def test_a_postgresql_search_sets_back_the_settings_it_found(db: Database) -> None:
    """What the request set before a search is what it has after it, not PostgreSQL's defaults."""
    if not db.is_postgresql:
        pytest.skip("planner settings are PostgreSQL's")
    for n in range(12):
        add(db, f"Deploy lesson {n}")
    ours = ("auto", "on", "0.01", "1", "off")
    with db.session() as session:
        session.execute(
            text(
                "SELECT set_config('cpu_index_tuple_cost', '0.01', true), "
                "set_config('max_parallel_workers_per_gather', '1', true), set_config('jit', 'off', true)"
            )
        )
        assert tuple(session.execute(SETTINGS).one()) == ours
        for query in (["deploy"], ["lesson", "deploy"], ["nothing"]):
            search_lesson_ids(session, T1, query, candidate_limit=8)
            assert tuple(session.execute(SETTINGS).one()) == ours


def test_a_failed_postgresql_search_statement_surfaces_as_itself(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A candidates statement that fails is the error the caller sees, not a later statement's
    "current transaction is aborted" (PostgreSQL refuses everything after a failure until rollback)."""
    if not db.is_postgresql:
        pytest.skip("an aborted transaction is PostgreSQL's")
    add(db, "Deploy on a friday")

    def failing(*_args: Any, **_kwargs: Any) -> Any:
        return select(text("no_such_column")).select_from(text("no_such_table"))

    monkeypatch.setattr(storage_search, "_pg_candidates", failing)
    with pytest.raises(DBAPIError) as raised, db.session() as session:
        search_lesson_ids(session, T1, ["deploy"], candidate_limit=None)
    assert "no_such_table" in str(raised.value)
    assert "current transaction is aborted" not in str(raised.value)


def test_searches_of_one_shape_each_run_with_their_own_audience(db: Database) -> None:
    """Every statement of a search is built once per shape of audience and filters and run with each
    search's values: searchers of the same shape, one after the other on one session, each see only
    what they may (another private channel, another author's note, another workspace)."""
    kari_room = add(db, "Canary deploys in the private room", visibility=CHANNEL, channel_id="GKARI")
    per_room = add(db, "Canary deploys in the other room", visibility=CHANNEL, channel_id="GPER")
    kari_note = add(db, "Canary note of Kari's", visibility=AUTHOR, author_hash="k" * 64)
    public = add(db, "Canary deploys for everyone")
    elsewhere = add(db, "Canary deploys in another workspace", team_id=T2)
    kari = Audience.person(T1, "k" * 64, frozenset({"GKARI"}))
    per = Audience.person(T1, "p" * 64, frozenset({"GPER"}))
    other = Audience.person(T2, "k" * 64, frozenset({"GKARI"}))
    with db.session() as session:
        for _ in range(3):  # and again, once psycopg has prepared the statements
            for who, expected in (
                (kari, {kari_room, kari_note, public}),
                (per, {per_room, public}),
                (other, {elsewhere}),
            ):
                for query in ("canary", "canary deploys"):  # the second: partly matching ones follow
                    found = {hit.lesson_id for hit in search_lessons(session, who, parse_query(query)).hits}
                    assert found == expected
            mine = search_lessons(session, kari, parse_query("canary"), channel_id="GKARI").hits
            assert [hit.lesson_id for hit in mine] == [kari_room]
            theirs = search_lessons(session, per, parse_query("canary"), channel_id="GKARI").hits
            assert theirs == []


# (words, tags) a strict match asks for, and the lessons it finds: on PostgreSQL its tags found
# through the tags' own index or the whole vector (`storage_search.DENSE_SHARE`).
PARTS_QUERIES = [
    ((("deploy",), ()), {"deploy", "deploys", "tagged"}),  # a word of the body (and a tag)
    ((("dep",), ()), {"deploy", "deploys", "tagged"}),  # a prefix
    ((("møte",), ()), {"meeting", "friday"}),  # the tail of a compound ("kundemøtet")
    ((("review",), ()), {"review"}),  # a word held only as a tag
    (((), ("retro",)), {"deploys", "tagged", "looked_back", "poker"}),  # a tag, also as a prefix
    (((), ("retro", "deploy")), {"tagged"}),  # two tags
    ((("deploy",), ("retro",)), {"deploys", "tagged"}),  # a word and a tag
    ((("planning",), ("retro",)), {"poker"}),  # a word most lessons hold, and a tag
    ((("kundemøte", "friday"), ()), {"friday"}),  # two words
    ((("nowhere",), ()), set()),  # nothing
]


def test_postgresql_finds_the_same_lessons_through_the_tags_index_as_through_the_whole_vector(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A strict search finds the tags few lessons hold through the tags' own index (migration 0018),
    unless one of its words is held by few lessons too, and the others by testing the whole vector:
    the same lessons either way, ranked alike, in one id window or over all of them."""
    if not db.is_postgresql:
        pytest.skip("the tags' index is PostgreSQL's")
    ids = {
        "deploy": add(db, "Deploy on a friday, never again"),
        "deploys": add(db, "Small deploys beat big ones", tags=["retro"]),
        "meeting": add(db, "Kundemøtet gikk bedre med agenda"),
        "review": add(db, "Pair on the hard parts", tags=["review"]),
        "tagged": add(db, "Write the runbook first", tags=["retro", "deploy"]),
        "friday": add(db, "Kundemøte på fredag: friday works"),
        "looked_back": add(db, "Look back every sprint", tags=["retrospektiv"]),  # '#retro' as a prefix
        "poker": add(db, "Planning poker settles it", tags=["retro"]),
    }
    for n in range(20):
        add(db, f"Filler lesson number {n} about planning")
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    def searched(share: float, candidate_limit: int | None) -> list[tuple[list[tuple[int, float]], bool]]:
        """Per query: what it found, and whether it read the tags' index."""
        monkeypatch.setattr(storage_search, "DENSE_SHARE", share)
        found = []
        with db.session() as session:
            for (words, tags), _ in PARTS_QUERIES:
                statements.clear()
                hits = storage_search.rank(
                    session,
                    T1,
                    words,
                    audience=None,
                    filters=storage_search.Filters(tags=tags),
                    limit=20,
                    candidate_limit=candidate_limit,
                    partial=False,
                )
                read = any("lesson_search_tags" in s for s in statements)
                found.append(([(hit.lesson_id, hit.score) for hit in hits], read))
        return found

    def reading(results: list[tuple[list[tuple[int, float]], bool]]) -> list[int]:
        return [n for n, (_, read) in enumerate(results) if read]

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        # 0.5: "planning" (20 of 28 lessons) counts as held by most, the tags do not.
        rare, most, every = (searched(share, 8) for share in (2.0, 0.5, 0.0))
        uncapped = searched(0.0, None)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert reading(rare) == [4, 5]  # tags alone: with any word, fewer lessons hold the word
    assert reading(most) == [4, 5, 7]  # and with a word most lessons hold
    assert reading(every) == []  # every tag held by most lessons
    assert reading(uncapped) == [4, 5, 6, 7]  # uncapped, nothing is sampled: every tag through it
    lists = [[hits for hits, _ in results] for results in (rare, most, every, uncapped)]
    assert lists[0] == lists[1] == lists[2] == lists[3]
    assert [{i for i, _ in hits} for hits in lists[0]] == [
        {ids[name] for name in e} for _, e in PARTS_QUERIES
    ]
