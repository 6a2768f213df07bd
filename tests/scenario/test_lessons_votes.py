"""Votes that mean what they say (issue 9 §4): one Useful per person however they give it, and none
from the author. Signed requests into the real app, the stand-in, every database backend."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import event, select

from bot.lessons.ids import LessonAction
from bot.lessons.voting import DEBOUNCE
from localslack.clock import FakeClock
from localslack.workspace import LocalWorkspace
from storage.lessons.models import Lesson
from tests.scenario.helpers import button_labels, last_bot_message, texts

LATER = DEBOUNCE + timedelta(seconds=1)


def share(ws: LocalWorkspace, user: str, text: str) -> None:
    assert ws.driver.command(ws.user_id(user), ws.channel_id("general"), "/lesson", text).ok
    ws.settle()


def useful(ws: LocalWorkspace) -> str:
    return button_labels(last_bot_message(ws, "general"))[0]


def test_the_button_and_both_reactions_are_one_useful_from_a_person(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    share(ws, "ola", "Small pull requests get reviewed the same day")
    post = last_bot_message(ws, "general")
    kari, channel = ws.user_id("kari"), ws.channel_id("general")

    ws.driver.click(kari, action_id=LessonAction.USEFUL, message=post)
    ws.settle()
    ws.driver.user_reacts(kari, channel, post.ts, "+1")
    ws.driver.user_reacts(kari, channel, post.ts, "bulb")
    ws.settle()
    assert useful(ws) == "👍 Useful · 1", "one person, one useful"

    ws.driver.user_reacts(kari, channel, post.ts, "+1", added=False)
    ws.settle()
    assert useful(ws) == "👍 Useful · 1", "the button and :bulb: remain"
    ws.driver.user_reacts(kari, channel, post.ts, "bulb", added=False)
    ws.settle()
    assert useful(ws) == "👍 Useful · 1", "the button remains"
    clock.advance(LATER)
    ws.driver.click(kari, action_id=LessonAction.USEFUL, message=last_bot_message(ws, "general"))
    ws.settle()
    assert useful(ws) == "👍 Useful · 0", "the last way taken back takes the vote back"


def test_clicking_again_while_a_reaction_remains_keeps_the_vote_and_says_why(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    share(ws, "ola", "Write the rollback plan before the rollout")
    post = last_bot_message(ws, "general")
    per, channel = ws.user_id("per"), ws.channel_id("general")
    ws.driver.user_reacts(per, channel, post.ts, "thumbsup")
    ws.settle()
    ws.driver.click(per, action_id=LessonAction.USEFUL, message=last_bot_message(ws, "general"))
    ws.settle()
    assert useful(ws) == "👍 Useful · 1"
    clock.advance(LATER)
    ws.driver.click(per, action_id=LessonAction.USEFUL, message=last_bot_message(ws, "general"))
    ws.settle()
    assert useful(ws) == "👍 Useful · 1"
    assert "Your :+1: reaction still counts as Useful; remove it to take your vote back." in texts(ws, per)
    ws.driver.user_reacts(per, channel, post.ts, "thumbsup", added=False)
    ws.settle()
    assert useful(ws) == "👍 Useful · 0"


def test_authors_cannot_vote_on_their_own_lessons(ws: LocalWorkspace) -> None:
    share(ws, "ola", "Decide who owns the follow-up")
    post = last_bot_message(ws, "general")
    ola, channel = ws.user_id("ola"), ws.channel_id("general")
    ws.driver.click(ola, action_id=LessonAction.USEFUL, message=post)
    ws.driver.click(ola, action_id=LessonAction.APPLIED, message=post)
    ws.driver.user_reacts(ola, channel, post.ts, "+1")
    ws.settle()
    assert button_labels(last_bot_message(ws, "general")) == ["👍 Useful · 0", "✅ I applied this · 0"]
    assert "This is your own lesson, so your vote does not count." in texts(ws, ola)


def test_anonymous_authors_cannot_vote_either_and_stay_anonymous(ws: LocalWorkspace) -> None:
    share(ws, "per", "anon I skipped the tests and paid for it")
    post = last_bot_message(ws, "general")
    per, channel = ws.user_id("per"), ws.channel_id("general")
    users_info_before = len(ws.standin.calls_to("users.info"))
    ws.driver.click(per, action_id=LessonAction.USEFUL, message=post)
    ws.driver.user_reacts(per, channel, post.ts, "bulb")
    ws.settle()
    assert useful(ws) == "👍 Useful · 0"
    assert "This is your own lesson" in texts(ws, per)
    asked_about_per = [
        c for c in ws.standin.calls_to("users.info")[users_info_before:] if c.args.get("user") == per
    ]
    assert asked_about_per == [], "telling the author asks Slack nothing about them"
    with ws.deps.db.session() as session:
        stored = session.scalars(select(Lesson)).one()
        assert stored.author_id is None


def test_others_count_once_each(ws: LocalWorkspace) -> None:
    share(ws, "ola", "Keep the incident channel for facts only")
    post = last_bot_message(ws, "general")
    channel = ws.channel_id("general")
    for name in ("kari", "ingrid", "per"):
        ws.driver.click(ws.user_id(name), action_id=LessonAction.USEFUL, message=post)
        ws.driver.user_reacts(ws.user_id(name), channel, post.ts, "+1")
    ws.settle()
    assert useful(ws) == "👍 Useful · 3"


def test_a_click_reads_its_lessons_row_once_and_not_its_tags(ws: LocalWorkspace) -> None:
    share(ws, "ola", "Pair on the first on-call shift #oncall #onboarding")
    post = last_bot_message(ws, "general")
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(ws.deps.db.engine, "before_cursor_execute", record)
    try:
        ws.driver.click(ws.user_id("kari"), action_id=LessonAction.USEFUL, message=post)
        ws.executor.drain(5)  # the click's own work, before its refresh is delivered
    finally:
        event.remove(ws.deps.db.engine, "before_cursor_execute", record)
    reads = [s for s in statements if s.startswith("SELECT") and " FROM lessons " in s]
    assert len(reads) == 1, reads  # who wrote it and where it was posted, with the refresh
    assert not any("lesson_tags" in s for s in statements), "a vote needs none of the lesson's tags"
    ws.settle()
    assert useful(ws) == "👍 Useful · 1"
