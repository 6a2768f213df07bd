"""Who may see a lesson: the one rule (storage.lessons.visibility) and where it comes from
(bot.lessons.visibility.place), on every backend."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from bot.core.slack import Conversation, ConversationInfo
from bot.lessons.visibility import place
from storage.db import Database
from storage.lessons import queries
from storage.lessons.models import Lesson
from storage.lessons.visibility import (
    AUTHOR,
    CHANNEL,
    PENDING,
    WORKSPACE,
    Audience,
    visible,
    visible_template,
    visible_values,
)

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def lesson(team: str, visibility: str, channel: str | None, author: str, text: str) -> Lesson:
    return Lesson(
        team_id=team,
        author_id=None,
        author_hash=author,
        anonymous=False,
        text=text,
        tags_text="",
        channel_id=channel,
        visibility=visibility,
        created_at=NOW,
    )


@pytest.fixture
def shown(db: Database) -> dict[str, int]:
    rows = {
        "public": lesson("T1", WORKSPACE, "CPUB", "hash-ola", "public"),
        "private": lesson("T1", CHANNEL, "GPRIV", "hash-kari", "private"),
        "other-private": lesson("T1", CHANNEL, "GOTHER", "hash-per", "other private"),
        "ola-note": lesson("T1", AUTHOR, "CPUB", "hash-ola", "ola's note"),
        "per-note": lesson("T1", AUTHOR, None, "hash-per", "per's note"),
        "pending": lesson("T1", PENDING, "CNEW", "hash-per", "pending"),
        "other-team": lesson("T2", WORKSPACE, "CPUB", "hash-ola", "another workspace"),
    }
    with db.session() as session:
        session.add_all(rows.values())
        session.flush()
        return {name: row.id for name, row in rows.items()}


def seen(db: Database, audience: Audience, ids: dict[str, int]) -> set[str]:
    """What the rule lets `audience` see, asked both ways: with its values in the clause and as the
    parameterised template search builds once per shape; both must say the same."""
    names = {v: k for k, v in ids.items()}
    shape, values = visible_values(audience)
    with db.read_session() as session:
        found = {names[i] for i in session.scalars(select(Lesson.id).where(visible(audience)))}
        templated = session.scalars(select(Lesson.id).where(visible_template(shape)), values)
        assert {names[i] for i in templated} == found
    return found


def test_the_template_refuses_to_run_without_an_audiences_values(db: Database, shown: dict[str, int]) -> None:
    """A statement built once from the template never falls back to values it was built with: it has
    none, and running it without them fails."""
    with db.read_session() as session, pytest.raises(StatementError, match="visible_team"):
        session.scalars(select(Lesson.id).where(visible_template((True, True))), {}).all()


def test_a_person_sees_the_workspace_their_private_channels_and_their_own(
    db: Database, shown: dict[str, int]
) -> None:
    ola = Audience.person("T1", "hash-ola", frozenset({"GPRIV"}))
    assert seen(db, ola, shown) == {"public", "private", "ola-note"}
    per = Audience.person("T1", "hash-per", frozenset({"GOTHER"}))
    assert seen(db, per, shown) == {"public", "other-private", "per-note", "pending"}, (
        "pending: its author only"
    )
    left = Audience.person("T1", "hash-ola", frozenset())  # Ola left the private channel
    assert seen(db, left, shown) == {"public", "ola-note"}


def test_a_channel_sees_the_workspace_and_its_own_and_the_workspace_only_what_is_public(
    db: Database, shown: dict[str, int]
) -> None:
    assert seen(db, Audience.channel("T1", "GPRIV"), shown) == {"public", "private"}
    assert seen(db, Audience.channel("T1", "CPUB"), shown) == {"public"}, "a note stays a note in its channel"
    assert seen(db, Audience.workspace("T1"), shown) == {"public"}
    assert seen(db, Audience.workspace("T2"), shown) == {"other-team"}


def test_pending_lessons_are_settled_per_channel(db: Database, shown: dict[str, int]) -> None:
    with db.session() as session:
        assert queries.pending_visibility(session, 10) == [(shown["pending"], "T1", "CNEW")]
        assert queries.settle_visibility(session, "T1", "CNEW", WORKSPACE) == 1
        assert queries.pending_visibility(session, 10) == []
        with pytest.raises(ValueError):
            queries.settle_visibility(session, "T1", "CNEW", "everyone")


class Channels:
    def __init__(self, infos: dict[str, ConversationInfo]) -> None:
        self.infos = infos

    def conversation(
        self, team_id: str, channel_id: str, *, fresh: bool = False, cached_only: bool = False
    ) -> ConversationInfo:
        return self.infos[channel_id]


@pytest.mark.parametrize(
    ("info", "only_me", "expected"),
    [
        (ConversationInfo(Conversation.PUBLIC, 40), False, (WORKSPACE, "C1", False)),
        (ConversationInfo(Conversation.PUBLIC, 40), True, (AUTHOR, "C1", False)),
        (ConversationInfo(Conversation.PRIVATE, 5), False, (CHANNEL, "C1", False)),
        (ConversationInfo(Conversation.PRIVATE, 2), False, (CHANNEL, "C1", True)),
        (ConversationInfo(Conversation.GROUP_DM, 3), False, (CHANNEL, "C1", False)),
        (ConversationInfo(Conversation.DM, 2), False, (AUTHOR, None, False)),
        (ConversationInfo(Conversation.UNKNOWN, error="channel_not_found"), False, (AUTHOR, "C1", False)),
        (ConversationInfo(Conversation.UNKNOWN, error="internal_error"), False, (PENDING, "C1", False)),
    ],
)
def test_where_a_lesson_was_shared_decides_who_may_find_it(
    info: ConversationInfo, only_me: bool, expected: tuple[str, str | None, bool]
) -> None:
    placement = place(Channels({"C1": info}), "T1", "C1", only_me=only_me)  # type: ignore[arg-type]
    assert (placement.visibility, placement.channel_id, placement.small) == expected
    assert place(Channels({}), "T1", None).visibility == AUTHOR  # type: ignore[arg-type]


def test_a_pending_dm_lesson_settles_as_a_note_that_forgets_the_dm(
    db: Database, shown: dict[str, int]
) -> None:
    with db.session() as session:
        dm_lesson = lesson("T1", PENDING, "D0PER", "hash-per", "written in the DM")
        session.add(dm_lesson)
        session.flush()
        assert queries.settle_visibility(session, "T1", "D0PER", AUTHOR, keep_channel=False) == 1
        session.refresh(dm_lesson)
        assert (dm_lesson.visibility, dm_lesson.channel_id) == (AUTHOR, None)
        assert queries.lesson(session, "T1", shown["pending"]).channel_id == "CNEW"  # type: ignore[union-attr]


def test_an_authors_lessons_go_through_the_rule(db: Database, shown: dict[str, int]) -> None:
    with db.read_session() as session:
        ola = Audience.person("T1", "hash-ola", frozenset())
        found = queries.lessons_by_author_hash(session, "T1", "hash-ola", 10, ola)
        assert {row.text for row in found} == {"public", "ola's note"}
        stranger = Audience.person("T1", "hash-kari", frozenset())
        assert queries.lessons_by_author_hash(session, "T1", "hash-per", 10, stranger) == []
