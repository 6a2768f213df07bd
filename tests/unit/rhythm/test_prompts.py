"""bot.rhythm.prompts: the built-in libraries, the rotation per channel, and a workspace's own questions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy import select

from bot.core.mrkdwn import escape
from bot.rhythm import prompts
from bot.rhythm.commands import Field, InvalidValue
from bot.rhythm.prompts import PromptChoice, next_prompt
from storage.db import Database
from storage.rhythm.models import CustomPrompt, ScheduledPost

T1, T2 = "T1", "T2"
C1, C2 = "C1", "C2"
ADMIN = "UADMIN01"
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
_weeks = count(1)


def posted(
    db: Database, choice: PromptChoice, team: str = T1, channel: str = C1, status: str = "posted"
) -> None:
    """What the weekly job leaves behind after posting a prompt."""
    week = next(_weeks)
    with db.session() as session:
        session.add(
            ScheduledPost(
                team_id=team,
                channel_id=channel,
                kind="prompt",
                week=f"W{week:07d}",  # unique per call: each post is its own week
                status=status,
                due_at=NOW + timedelta(weeks=week),
                claimed_by="test",
                claimed_at=NOW,
                attempts=1,
                posted_at=NOW + timedelta(weeks=week) if status == "posted" else None,
                message_ts=f"{1000 + week}.000100",
                prompt_key=choice.key,
            )
        )


def take(db: Database, language: str = "en", team: str = T1, channel: str = C1) -> PromptChoice:
    """The next prompt, posted (as the weekly job would)."""
    with db.session() as session:
        choice = next_prompt(session, team, channel, language)
    posted(db, choice, team, channel)
    return choice


def add(db: Database, text: str, language: str = "en", team: str = T1) -> CustomPrompt:
    with db.session() as session:
        return prompts.add_custom(session, team_id=team, language=language, text=text, user_id=ADMIN, now=NOW)


@pytest.mark.parametrize("language", ["en", "nb"])
def test_builtin_libraries_have_at_least_20_distinct_short_questions(language: str) -> None:
    questions = prompts.builtin_prompts(language)
    assert len(questions) >= 20
    assert len({q.casefold() for q in questions}) == len(questions), "no duplicates"
    for question in questions:
        assert question.endswith(("?", ".")), question
        assert len(question) <= prompts.CUSTOM_MAX
        assert escape(question) == question, "built-in questions need no escaping"


def test_the_two_languages_are_different_libraries() -> None:
    english, norwegian = prompts.builtin_prompts("en"), prompts.builtin_prompts("nb")
    assert not set(english) & set(norwegian)
    assert any("å" in q or "ø" in q or "æ" in q for q in norwegian)
    assert prompts.builtin_prompts("de") == english, "a language without a library falls back to English"


def test_keys_name_the_language_and_the_position(db: Database) -> None:
    with db.session() as session:
        first = next_prompt(session, T1, C1, "nb")
    assert first == PromptChoice("builtin:nb:0", prompts.builtin_prompts("nb")[0])
    with db.session() as session:
        assert prompts.prompt_text(session, T1, "builtin:nb:0") == first.text
        assert prompts.prompt_text(session, T1, "builtin:nb:999") is None
        assert prompts.prompt_text(session, T1, "builtin:xx:0") is None
        assert prompts.prompt_text(session, T1, None) is None


def test_no_repeat_until_the_library_is_used_up_then_it_cycles(db: Database) -> None:
    size = len(prompts.builtin_prompts("en"))
    first_cycle = [take(db) for _ in range(size)]
    assert len({c.key for c in first_cycle}) == size, "every question once"
    second_cycle = [take(db) for _ in range(size)]
    assert [c.key for c in second_cycle] == [c.key for c in first_cycle], "then the same order again"


def test_rotation_is_per_channel_and_per_workspace(db: Database) -> None:
    a, b = take(db), take(db)
    assert a != b
    with db.session() as session:
        assert next_prompt(session, T1, C2, "en") == a, "another channel starts at the beginning"
        assert next_prompt(session, T2, C1, "en") == a, "another workspace too"


def test_only_posted_prompts_count_as_asked(db: Database) -> None:
    with db.session() as session:
        first = next_prompt(session, T1, C1, "en")
    posted(db, first, status="failed")
    posted(db, first, status="claimed")
    with db.session() as session:
        assert next_prompt(session, T1, C1, "en") == first, "a prompt that never went out is asked again"


def test_a_language_switch_uses_the_other_library_and_its_own_history(db: Database) -> None:
    english = take(db, "en")
    norwegian = take(db, "nb")
    assert norwegian.key.startswith("builtin:nb:")
    with db.session() as session:
        assert next_prompt(session, T1, C1, "en").key != english.key
        assert next_prompt(session, T1, C1, "nb").key != norwegian.key


def test_custom_prompts_join_the_rotation_first_and_removed_ones_leave_it(db: Database) -> None:
    take(db)
    own = add(db, "  What did the last  on-call week teach you? ")
    assert own.text == "What did the last on-call week teach you?", "one line, single spaces"
    other = add(db, "Hva lærte du av siste vakt?", language="nb")
    add(db, "A question of another workspace?", team=T2)
    with db.session() as session:
        library = prompts.library(session, T1, "en")
    assert library[0] == PromptChoice(f"custom:{own.id}", own.text)
    assert f"custom:{other.id}" not in {c.key for c in library}, "each language has its own"
    assert len(library) == len(prompts.builtin_prompts("en")) + 1

    asked = [take(db) for _ in range(len(library) - 1)]
    assert asked[0].key == f"custom:{own.id}"
    assert len({c.key for c in asked}) == len(asked)
    with db.session() as session:
        # All asked (builtin:en:0 before the custom one was added): a new cycle, in library order.
        assert next_prompt(session, T1, C1, "en").key == f"custom:{own.id}"

    second = add(db, "Which checklist saved you this month?")
    with db.session() as session:
        prompts.remove_custom(session, T1, second.id)
        keys = [c.key for c in prompts.library(session, T1, "en")]
        assert f"custom:{second.id}" not in keys
        assert prompts.prompt_text(session, T1, f"custom:{second.id}") == second.text, (
            "past prompts still read"
        )
        assert prompts.prompt_text(session, T2, f"custom:{second.id}") is None, "not from another workspace"
        removed = session.scalar(select(CustomPrompt).where(CustomPrompt.id == second.id))
        assert removed is not None and removed.removed, "a soft delete"


def test_custom_prompt_validation(db: Database) -> None:
    for bad in ("", "   ", "x" * (prompts.CUSTOM_MAX + 1)):
        with pytest.raises(InvalidValue) as caught:
            add(db, bad)
        assert caught.value.field is Field.PROMPT_TEXT
    assert len(add(db, "y" * prompts.CUSTOM_MAX).text) == prompts.CUSTOM_MAX
    with pytest.raises(prompts.DuplicatePrompt):
        add(db, prompts.builtin_prompts("en")[3].upper())
    add(db, "Who made your week easier?")
    with pytest.raises(prompts.DuplicatePrompt):
        add(db, "who made your   week easier?")


def test_custom_prompts_have_a_limit_per_language(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prompts, "CUSTOM_LIMIT", 2)
    add(db, "First?")
    add(db, "Second?")
    with pytest.raises(prompts.TooManyPrompts):
        add(db, "Third?")
    add(db, "Første?", language="nb")


def test_removing_checks_the_workspace_and_only_removes_once(db: Database) -> None:
    own = add(db, "Who helped you this week?")
    with db.session() as session, pytest.raises(prompts.PromptNotFound):
        prompts.remove_custom(session, T2, own.id)
    with db.session() as session:
        prompts.remove_custom(session, T1, own.id)
    with db.session() as session, pytest.raises(prompts.PromptNotFound):
        prompts.remove_custom(session, T1, own.id)
    with db.session() as session, pytest.raises(prompts.PromptNotFound):
        prompts.remove_custom(session, T1, 424242)
    with db.session() as session:
        assert prompts.custom_prompts(session, T1) == []
