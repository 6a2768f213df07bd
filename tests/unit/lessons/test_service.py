"""bot.lessons.service on every backend of the `db` fixture: validate, create, find by author, delete,
and the plain data the views get."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from bot.core.slack import Conversation
from bot.lessons.data import (
    OPTIONAL_MAX,
    TEXT_MAX,
    TEXT_MIN,
    Deletion,
    LessonCard,
    ListedLesson,
    Placement,
    Posting,
    Problem,
)
from bot.lessons.ids import VoteKind
from bot.lessons.service import (
    Field,
    LessonDraft,
    LessonInvalid,
    NotAllowed,
    NotFound,
    author_hash,
    card_of,
    create_lesson,
    delete_lesson,
    deletion,
    edit_lesson,
    editable,
    find_by_message,
    get_lesson,
    is_author,
    lesson_card,
    lessons_by_author,
    list_mine,
    posting,
    record_message,
    set_placement,
    validate,
    vote_target,
)
from bot.lessons.voting import set_vote
from storage.db import Database
from storage.lessons.models import Lesson, LessonTag, Vote
from storage.lessons.queries import Counts
from storage.lessons.visibility import AUTHOR, CHANNEL, PENDING, WORKSPACE

T1, T2 = "T1", "T2"
ALICE, BOB, ADMIN = "UALICE01", "UBOB0001", "UADMIN01"
KEY = b"k" * 32
OTHER_KEY = b"o" * 32
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def add(
    db: Database,
    text: str = "We learned to pin our dependencies",
    *,
    team_id: str = T1,
    user_id: str = ALICE,
    anonymous: bool = False,
    tags: list[str] | None = None,
    what_worked: str | None = None,
    to_improve: str | None = None,
    minutes: int = 0,
    key: bytes = KEY,
) -> int:
    draft = LessonDraft(
        text=text, anonymous=anonymous, tags=tags or [], what_worked=what_worked, to_improve=to_improve
    )
    with db.session() as session:
        lesson = create_lesson(
            session,
            team_id=team_id,
            user_id=user_id,
            draft=draft,
            secret_key=key,
            now=START + timedelta(minutes=minutes),
            channel_id="C1",
        )
        return lesson.id


def stored_tags(db: Database, lesson_id: int) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(LessonTag.tag).where(LessonTag.lesson_id == lesson_id)))


def count(db: Database, model: type[Lesson] | type[LessonTag] | type[Vote]) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


# --- validate ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("", [Problem(Field.TEXT, "required")]),
        ("   \n ", [Problem(Field.TEXT, "required")]),
        ("ab", [Problem(Field.TEXT, "too_short", TEXT_MIN, 2)]),
        ("  ab  ", [Problem(Field.TEXT, "too_short", TEXT_MIN, 2)]),
        ("abc", []),
        ("x" * TEXT_MAX, []),
        ("  " + "x" * TEXT_MAX + "  ", []),
        ("x" * (TEXT_MAX + 1), [Problem(Field.TEXT, "too_long", TEXT_MAX, TEXT_MAX + 1)]),
    ],
)
def test_validate_text(text: str, problems: list[Problem]) -> None:
    assert validate(LessonDraft(text=text)) == problems


@pytest.mark.parametrize("name", [Field.WHAT_WORKED, Field.TO_IMPROVE])
def test_validate_optional_fields(name: str) -> None:
    ok = LessonDraft(text="a fine lesson", **{name: "y" * OPTIONAL_MAX})
    too_long = LessonDraft(text="a fine lesson", **{name: "y" * (OPTIONAL_MAX + 1)})
    assert validate(ok) == []
    assert validate(too_long) == [Problem(name, "too_long", OPTIONAL_MAX, OPTIONAL_MAX + 1)]


def test_validate_reports_every_problem() -> None:
    draft = LessonDraft(text="", what_worked="w" * (OPTIONAL_MAX + 1), to_improve="i" * (OPTIONAL_MAX + 5))
    assert [(p.field, p.code) for p in validate(draft)] == [
        (Field.TEXT, "required"),
        (Field.WHAT_WORKED, "too_long"),
        (Field.TO_IMPROVE, "too_long"),
    ]


# --- create_lesson ----------------------------------------------------------------------------------


def test_create_lesson_stores_the_fields(db: Database) -> None:
    lesson_id = add(db, "  Pin the versions  ", what_worked="  lockfiles ", to_improve="   ")
    with db.session() as session:
        lesson = get_lesson(session, T1, lesson_id)
        assert lesson is not None
        assert lesson.text == "Pin the versions"
        assert lesson.what_worked == "lockfiles"
        assert lesson.to_improve is None
        assert lesson.author_id == ALICE
        assert lesson.anonymous is False
        assert lesson.channel_id == "C1"
        assert lesson.created_at == START


def test_create_lesson_stores_tags_from_text_and_list(db: Database) -> None:
    lesson_id = add(
        db,
        "Flaky #Testing hurts, #CI too",
        tags=["onboarding", "ci"],
        what_worked="#pairing #testing",
        to_improve="#Blåbær",
    )
    expected = ["onboarding", "ci", "testing", "pairing", "blåbær"]
    assert sorted(stored_tags(db, lesson_id)) == sorted(expected)
    with db.session() as session:
        lesson = get_lesson(session, T1, lesson_id)
        assert lesson is not None
        assert lesson.tags_text.split() == expected
        assert {tag.team_id for tag in lesson.tags} == {T1}


def test_create_lesson_normalises_the_tags_list(db: Database) -> None:
    lesson_id = add(db, "a lesson about #testing", tags=["Onboarding", "#CI", "Testing", "code review"])
    assert sorted(stored_tags(db, lesson_id)) == ["ci", "code-review", "onboarding", "testing"]


def test_create_lesson_with_a_repeated_tag_in_the_list(db: Database) -> None:
    lesson_id = add(db, "a lesson without inline tags", tags=["ci", "ci"])
    assert stored_tags(db, lesson_id) == ["ci"]


def test_create_lesson_nfd_tag_is_stored_nfc(db: Database) -> None:
    lesson_id = add(db, "Plukk #bla\u030abær i skogen, #blåbær igjen")
    assert stored_tags(db, lesson_id) == ["bl\u00e5bær"]


@pytest.mark.parametrize(
    "draft",
    [
        LessonDraft(text=""),
        LessonDraft(text="ab"),
        LessonDraft(text="x" * (TEXT_MAX + 1) + " #tag"),
        LessonDraft(text="fine text #tag", what_worked="w" * (OPTIONAL_MAX + 1)),
        LessonDraft(text="fine text #tag", to_improve="i" * (OPTIONAL_MAX + 1)),
    ],
)
def test_create_lesson_rejects_invalid_drafts_and_stores_nothing(db: Database, draft: LessonDraft) -> None:
    with pytest.raises(LessonInvalid) as info, db.session() as session:
        create_lesson(session, team_id=T1, user_id=ALICE, draft=draft, secret_key=KEY, now=START)
    assert info.value.problems == validate(draft)
    assert info.value.problems
    assert count(db, Lesson) == 0
    assert count(db, LessonTag) == 0


# --- anonymity --------------------------------------------------------------------------------------


def test_anonymous_lesson_keeps_only_a_keyed_hash(db: Database) -> None:
    lesson_id = add(db, anonymous=True)
    with db.session() as session:
        lesson = get_lesson(session, T1, lesson_id)
        assert lesson is not None
        assert lesson.anonymous is True
        assert lesson.author_id is None
        assert lesson.author_hash
        assert lesson.author_hash != ALICE
        assert ALICE not in lesson.author_hash
        assert ALICE.lower() not in lesson.author_hash
        assert lesson.author_hash == author_hash(KEY, T1, ALICE)
        assert lesson.author_hash != author_hash(OTHER_KEY, T1, ALICE)


def test_author_hash_depends_on_key_team_and_user() -> None:
    base = author_hash(KEY, T1, ALICE)
    assert base == author_hash(KEY, T1, ALICE)
    assert len(base) == 64
    assert base != author_hash(OTHER_KEY, T1, ALICE)
    assert base != author_hash(KEY, T2, ALICE)
    assert base != author_hash(KEY, T1, BOB)


def test_lessons_by_author_finds_named_and_anonymous_lessons(db: Database) -> None:
    named = add(db, "named lesson by alice", minutes=1)
    anonymous = add(db, "anonymous lesson by alice", anonymous=True, minutes=2)
    add(db, "lesson by bob", user_id=BOB, minutes=3)
    add(db, "anonymous lesson by bob", user_id=BOB, anonymous=True, minutes=4)
    with db.session() as session:
        mine = [lesson.id for lesson in lessons_by_author(session, T1, ALICE, KEY)]
        bobs = [lesson.id for lesson in lessons_by_author(session, T1, BOB, KEY)]
    assert mine == [anonymous, named]  # newest first
    assert len(bobs) == 2
    assert not set(mine) & set(bobs)


def test_lessons_by_author_with_another_key_finds_nothing(db: Database) -> None:
    add(db, anonymous=True)
    with db.session() as session:
        assert lessons_by_author(session, T1, ALICE, OTHER_KEY) == []


def test_lessons_by_author_limit(db: Database) -> None:
    for minute in range(5):
        add(db, f"lesson number {minute}", minutes=minute)
    with db.session() as session:
        found = lessons_by_author(session, T1, ALICE, KEY, limit=3)
        assert [lesson.text for lesson in found] == ["lesson number 4", "lesson number 3", "lesson number 2"]


# --- team isolation ---------------------------------------------------------------------------------


def test_team_isolation(db: Database) -> None:
    in_t1 = add(db, "lesson in team one", team_id=T1)
    in_t2 = add(db, "lesson in team two", team_id=T2)
    with db.session() as session:
        assert get_lesson(session, T1, in_t1) is not None
        assert get_lesson(session, T2, in_t1) is None
        assert get_lesson(session, T1, in_t2) is None
        assert [lesson.id for lesson in lessons_by_author(session, T1, ALICE, KEY)] == [in_t1]
        assert [lesson.id for lesson in lessons_by_author(session, T2, ALICE, KEY)] == [in_t2]
    with pytest.raises(NotFound), db.session() as session:
        delete_lesson(session, team_id=T2, lesson_id=in_t1, user_id=ALICE, secret_key=KEY, is_admin=True)
    assert count(db, Lesson) == 2


# --- delete_lesson ----------------------------------------------------------------------------------


@pytest.mark.parametrize("anonymous", [False, True])
def test_author_can_delete(db: Database, anonymous: bool) -> None:
    lesson_id = add(db, anonymous=anonymous)
    with db.session() as session:
        deleted = delete_lesson(
            session, team_id=T1, lesson_id=lesson_id, user_id=ALICE, secret_key=KEY, is_admin=False
        )
    assert deleted.id == lesson_id
    assert deleted.channel_id == "C1"
    with db.session() as session:
        assert get_lesson(session, T1, lesson_id) is None


@pytest.mark.parametrize("anonymous", [False, True])
def test_other_user_cannot_delete(db: Database, anonymous: bool) -> None:
    lesson_id = add(db, anonymous=anonymous)
    with pytest.raises(NotAllowed), db.session() as session:
        delete_lesson(session, team_id=T1, lesson_id=lesson_id, user_id=BOB, secret_key=KEY, is_admin=False)
    with db.session() as session:
        assert get_lesson(session, T1, lesson_id) is not None


def test_author_with_another_key_cannot_delete(db: Database) -> None:
    lesson_id = add(db)
    with pytest.raises(NotAllowed), db.session() as session:
        delete_lesson(
            session, team_id=T1, lesson_id=lesson_id, user_id=ALICE, secret_key=OTHER_KEY, is_admin=False
        )
    assert count(db, Lesson) == 1


def test_admin_can_delete(db: Database) -> None:
    lesson_id = add(db, anonymous=True)
    with db.session() as session:
        delete_lesson(session, team_id=T1, lesson_id=lesson_id, user_id=ADMIN, secret_key=KEY, is_admin=True)
    assert count(db, Lesson) == 0


def test_delete_missing_lesson(db: Database) -> None:
    add(db)
    with pytest.raises(NotFound), db.session() as session:
        delete_lesson(session, team_id=T1, lesson_id=9999, user_id=ALICE, secret_key=KEY, is_admin=True)
    assert count(db, Lesson) == 1


def _vote(db: Database, lesson_id: int, user_id: str, kind: VoteKind) -> None:
    with db.session() as session:
        set_vote(session, team_id=T1, lesson_id=lesson_id, user_id=user_id, kind=kind, active=True, now=START)


def test_delete_removes_tags_and_votes(db: Database) -> None:
    doomed = add(db, "doomed #alpha #beta")
    kept = add(db, "kept #alpha")
    for lesson_id in (doomed, kept):
        _vote(db, lesson_id, ALICE, VoteKind.USEFUL)
        _vote(db, lesson_id, BOB, VoteKind.APPLIED)
    with db.session() as session:
        delete_lesson(session, team_id=T1, lesson_id=doomed, user_id=ALICE, secret_key=KEY, is_admin=False)
    with db.session() as session:
        assert session.scalars(select(LessonTag.lesson_id)).all() == [kept]
        assert set(session.scalars(select(Vote.lesson_id))) == {kept}
        # The kept lesson keeps its two votes (each beside the row remembering how it was given).
        counted = (
            select(func.count()).select_from(Vote).where(Vote.kind.in_([VoteKind.USEFUL, VoteKind.APPLIED]))
        )
        assert session.scalar(counted) == 2


def test_database_cascades_without_the_orm(db: Database) -> None:
    """The foreign keys themselves cascade (SQLite needs PRAGMA foreign_keys=ON for that)."""
    lesson_id = add(db, "cascade #alpha")
    _vote(db, lesson_id, ALICE, VoteKind.USEFUL)
    with db.session() as session:
        session.execute(delete(Lesson).where(Lesson.id == lesson_id))
    assert count(db, LessonTag) == 0
    assert count(db, Vote) == 0


def test_module_limits_are_consistent() -> None:
    assert 0 < TEXT_MIN < OPTIONAL_MAX < TEXT_MAX <= 3000


# --- plain data for the views -----------------------------------------------------------------------


def test_card_of_an_anonymous_lesson_never_holds_the_author() -> None:
    lesson = Lesson(
        id=42,
        team_id=T1,
        author_id=ALICE,  # even if a row kept it, the card must drop it
        author_hash="f" * 64,
        anonymous=True,
        text="An anonymous lesson",
        what_worked=None,
        to_improve=None,
        tags_text="ci testing",
        source_link=None,
        created_at=START,
    )
    anonymous = card_of(lesson, Counts(useful=2, applied=1))
    assert anonymous == LessonCard(
        id=42,
        text="An anonymous lesson",
        what_worked=None,
        to_improve=None,
        tags=["ci", "testing"],
        author_id=None,
        source_link=None,
        useful=2,
        applied=1,
    )
    assert "f" * 64 not in repr(anonymous)
    lesson.anonymous = False
    assert card_of(lesson, Counts()).author_id == ALICE


def test_lesson_card_has_the_current_counts_and_only_the_teams_lesson(db: Database) -> None:
    lesson_id = add(db, "Counted lesson #ci", what_worked="It worked")
    _vote(db, lesson_id, ALICE, VoteKind.USEFUL)
    _vote(db, lesson_id, BOB, VoteKind.USEFUL)
    _vote(db, lesson_id, BOB, VoteKind.APPLIED)
    with db.session() as session:
        card = lesson_card(session, T1, lesson_id)
        assert lesson_card(session, T2, lesson_id) is None
        assert lesson_card(session, T1, 9999) is None
    assert card is not None
    assert (card.id, card.text, card.what_worked, card.tags) == (
        lesson_id,
        "Counted lesson #ci",
        "It worked",
        ["ci"],
    )
    assert (card.author_id, card.useful, card.applied) == (ALICE, 2, 1)


def test_posting_is_where_the_lesson_was_posted(db: Database) -> None:
    lesson_id = add(db)
    with db.session() as session:
        assert posting(session, T1, lesson_id) is None, "stored, not posted yet"
        record_message(session, T2, lesson_id, "C8", "1700000000.000099")  # another team's: nothing
        assert posting(session, T1, lesson_id) is None
        record_message(session, T1, lesson_id, "C9", "1700000000.000100")
        assert posting(session, T1, lesson_id) == Posting("C9", "1700000000.000100")
        record_message(session, T1, lesson_id, "C7", "1700000000.000200")  # a second post: the first stays
    with db.session() as session:
        assert posting(session, T1, lesson_id) == Posting("C9", "1700000000.000100")
        assert posting(session, T2, lesson_id) is None
        assert find_by_message(session, T1, "C9", "1700000000.000100") is not None
        assert find_by_message(session, T2, "C9", "1700000000.000100") is None
        assert find_by_message(session, T1, "C9", "1700000000.000101") is None


@pytest.mark.parametrize("anonymous", [False, True])
def test_vote_target_is_the_author_and_the_post_of_the_teams_lesson(db: Database, anonymous: bool) -> None:
    lesson_id = add(db, anonymous=anonymous)
    with db.session() as session:
        target = vote_target(session, T1, lesson_id)
        assert target is not None
        assert (target.author_id, target.anonymous) == (None if anonymous else ALICE, anonymous)
        assert is_author(target, KEY, T1, ALICE) and not is_author(target, KEY, T1, "U0BOB")
        assert (target.channel_id, target.message_ts) == ("C1", None), "not posted yet"
        record_message(session, T1, lesson_id, "C9", "1700000000.000100")
        posted = vote_target(session, T1, lesson_id)
        assert posted is not None and (posted.channel_id, posted.message_ts) == ("C9", "1700000000.000100")
        assert vote_target(session, T2, lesson_id) is None, "another team's lesson is none of its business"
        assert vote_target(session, T1, lesson_id + 1000) is None


def test_list_mine_lists_the_authors_lessons_with_votes(db: Database) -> None:
    named = add(db, "named lesson #ci", minutes=1)
    anonymous = add(db, "anonymous lesson", anonymous=True, minutes=2)
    add(db, "lesson by bob", user_id=BOB, minutes=3)
    _vote(db, named, BOB, VoteKind.APPLIED)
    with db.session() as session:
        mine = list_mine(session, T1, ALICE, KEY)
        assert list_mine(session, T1, ALICE, OTHER_KEY) == []
    # An anonymous lesson never shows where it was shared; each shows who can find it (stored without
    # a placement, a lesson waits for Slack's answer: "pending").
    assert mine == [
        ListedLesson(anonymous, "anonymous lesson", [], True, None, 0, 0, "pending"),
        ListedLesson(named, "named lesson #ci", ["ci"], False, "C1", 0, 1, "pending"),
    ]


# --- nothing to say -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["#deploy #ci", "\ufffd\ufffd\ufffd", "\x00\x01\x02\x03", "\u200b\u200b\u200b", "#a \ufffd #b", "🎉🎉🎉"],
)
def test_a_text_with_no_words_besides_tags_is_no_lesson(text: str) -> None:
    assert validate(LessonDraft(text=text)) == [Problem(Field.TEXT, "no_words")]


@pytest.mark.parametrize("text", ["ok #x", "#x ok", "42 is the answer", "Kodegjennomgang #læring", "a#b c"])
def test_a_word_beside_the_tags_is_enough(text: str) -> None:
    assert validate(LessonDraft(text=text)) == []


# --- placement ------------------------------------------------------------------------------------------


def test_create_lesson_keeps_its_placement(db: Database) -> None:
    draft = LessonDraft(text="Placed where it was shared")
    with db.session() as session:
        public = create_lesson(
            session,
            team_id=T1,
            user_id=ALICE,
            draft=draft,
            secret_key=KEY,
            now=START,
            channel_id="CIGNORED",
            placement=Placement(WORKSPACE, "CPUB", Conversation.PUBLIC),
        )
        dm = create_lesson(
            session,
            team_id=T1,
            user_id=ALICE,
            draft=draft,
            secret_key=KEY,
            now=START,
            channel_id="D0ALICE",
            placement=Placement(AUTHOR, None, Conversation.DM),
        )
        waiting = create_lesson(
            session, team_id=T1, user_id=ALICE, draft=draft, secret_key=KEY, now=START, channel_id="CNEW"
        )
        assert (public.visibility, public.channel_id) == (WORKSPACE, "CPUB")
        assert (dm.visibility, dm.channel_id) == (AUTHOR, None)
        assert (waiting.visibility, waiting.channel_id) == (PENDING, "CNEW"), "today's callers: settled later"
        with pytest.raises(ValueError):
            create_lesson(
                session,
                team_id=T1,
                user_id=ALICE,
                draft=draft,
                secret_key=KEY,
                now=START,
                placement=Placement("everyone", "C1", Conversation.PUBLIC),
            )


def test_set_placement_settles_a_waiting_lesson(db: Database) -> None:
    lesson_id = add(db)
    with db.session() as session:
        assert set_placement(session, T1, lesson_id, Placement(PENDING, "C1", Conversation.UNKNOWN))
        assert get_lesson(session, T1, lesson_id).visibility == PENDING  # type: ignore[union-attr]
        assert set_placement(session, T1, lesson_id, Placement(AUTHOR, None, Conversation.DM))
        lesson = get_lesson(session, T1, lesson_id)
        assert lesson is not None and (lesson.visibility, lesson.channel_id) == (AUTHOR, None)
        assert set_placement(session, T2, lesson_id, Placement(WORKSPACE, "C1", Conversation.PUBLIC)) is False


def test_list_mine_goes_through_the_visibility_rule(db: Database) -> None:
    """Whatever its visibility, an author's own lesson is theirs to see; nobody else's ever is."""
    ids = [add(db, f"lesson {n}", minutes=n) for n in range(4)]
    with db.session() as session:
        for lesson_id, visibility in zip(ids, (WORKSPACE, CHANNEL, AUTHOR, PENDING), strict=True):
            lesson = get_lesson(session, T1, lesson_id)
            assert lesson is not None
            lesson.visibility = visibility
    with db.session() as session:
        shown = list_mine(session, T1, ALICE, KEY)
        assert [item.visibility for item in shown] == [PENDING, AUTHOR, CHANNEL, WORKSPACE]
        assert list_mine(session, T1, BOB, KEY) == []


# --- editing and deleting -----------------------------------------------------------------------------------


def test_the_author_edits_text_fields_and_tags(db: Database) -> None:
    lesson_id = add(db, "Old text #alpha #beta", what_worked="old", tags=["gamma"])
    draft = LessonDraft(text="  New text #beta #delta ", to_improve="next time", tags=["gamma"])
    with db.session() as session:
        shown = editable(session, team_id=T1, lesson_id=lesson_id, user_id=ALICE, secret_key=KEY)
        assert shown.text == "Old text #alpha #beta" and shown.tags == ["gamma", "alpha", "beta"]
        edit_lesson(session, team_id=T1, lesson_id=lesson_id, user_id=ALICE, secret_key=KEY, draft=draft)
    with db.session() as session:
        lesson = get_lesson(session, T1, lesson_id)
        assert lesson is not None
        assert (lesson.text, lesson.what_worked, lesson.to_improve) == (
            "New text #beta #delta",
            None,
            "next time",
        )
        assert lesson.tags_text == "gamma beta delta"
    assert sorted(stored_tags(db, lesson_id)) == ["beta", "delta", "gamma"]


@pytest.mark.parametrize("anonymous", [False, True])
def test_only_the_author_edits(db: Database, anonymous: bool) -> None:
    lesson_id = add(db, anonymous=anonymous)
    draft = LessonDraft(text="Taken over")
    with db.session() as session:
        for user, key in ((BOB, KEY), (ADMIN, KEY), (ALICE, OTHER_KEY)):
            with pytest.raises(NotAllowed):
                editable(session, team_id=T1, lesson_id=lesson_id, user_id=user, secret_key=key)
            with pytest.raises(NotAllowed):
                edit_lesson(
                    session, team_id=T1, lesson_id=lesson_id, user_id=user, secret_key=key, draft=draft
                )
        with pytest.raises(NotFound):
            edit_lesson(session, team_id=T2, lesson_id=lesson_id, user_id=ALICE, secret_key=KEY, draft=draft)
        with pytest.raises(LessonInvalid):
            edit_lesson(
                session,
                team_id=T1,
                lesson_id=lesson_id,
                user_id=ALICE,
                secret_key=KEY,
                draft=LessonDraft(text="#only #tags"),
            )


def test_deletion_says_whose_lesson_it_is(db: Database) -> None:
    named = add(db, "named")
    anonymous = add(db, "anonymous", anonymous=True)
    with db.session() as session:
        own = deletion(session, team_id=T1, lesson_id=named, user_id=ALICE, secret_key=KEY, is_admin=False)
        assert own == Deletion(named, "named", False, ALICE, by_author=True)
        by_admin = deletion(
            session, team_id=T1, lesson_id=named, user_id=ADMIN, secret_key=KEY, is_admin=True
        )
        assert by_admin.by_author is False and by_admin.author_id == ALICE
        hidden = deletion(
            session, team_id=T1, lesson_id=anonymous, user_id=ADMIN, secret_key=KEY, is_admin=True
        )
        assert hidden.author_id is None and hidden.anonymous
        with pytest.raises(NotAllowed):
            deletion(session, team_id=T1, lesson_id=named, user_id=BOB, secret_key=KEY, is_admin=False)
        with pytest.raises(NotFound):
            deletion(session, team_id=T1, lesson_id=9999, user_id=ALICE, secret_key=KEY, is_admin=True)
        deleted = delete_lesson(
            session, team_id=T1, lesson_id=named, user_id=ADMIN, secret_key=KEY, is_admin=True
        )
        assert (deleted.text, deleted.author_id, deleted.by_author) == ("named", ALICE, False)
