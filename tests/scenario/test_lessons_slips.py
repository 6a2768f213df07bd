"""What a slip of the keyboard does (issue 9 §3): a first word close to a subcommand asks what was
meant, and text with nothing to say is handed back. Signed requests, the stand-in, every backend."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.lessons.ids import LessonAction, LessonBlock
from localslack.standin import Ephemeral
from localslack.workspace import LocalWorkspace
from storage.lessons.models import Lesson
from tests.scenario.helpers import bot_messages, button_labels, last_bot_message


def lessons_in_db(ws: LocalWorkspace) -> list[Lesson]:
    with ws.deps.db.session() as session:
        return list(session.scalars(select(Lesson).order_by(Lesson.id)))


def lesson(ws: LocalWorkspace, user: str, text: str, channel: str = "general") -> Ephemeral | None:
    response = ws.driver.command(ws.user_id(user), ws.channel_id(channel), "/lesson", text)
    assert response.ok, response
    ws.settle()
    shown = ws.standin.ephemerals(user=ws.user_id(user))
    return shown[-1] if shown else None


def buttons(shown: Ephemeral) -> list[str]:
    return [
        e["text"]["text"] for b in shown.blocks for e in b.get("elements", []) if e.get("type") == "button"
    ]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("serach deploy", "search deploy"),
        ("mine lærdommer", "mine"),
        ("slet 3", "slett 3"),
        ("søke prosjekt", "søk prosjekt"),
        ("eidt 2", "edit 2"),
    ],
)
def test_a_slip_asks_what_was_meant_and_stores_nothing(ws: LocalWorkspace, typed: str, meant: str) -> None:
    question = lesson(ws, "ola", typed)
    assert question is not None
    assert f"Did you mean `/lesson {meant}`?" in question.text
    assert f"`/lesson {typed}`" in question.text
    assert buttons(question) == ["Run it", "Share it as a lesson"]
    assert lessons_in_db(ws) == [], "nothing is stored until they choose"
    assert bot_messages(ws, "general") == [], "and nothing is posted"


def test_run_it_runs_what_was_meant_in_place_of_the_question(ws: LocalWorkspace) -> None:
    ola = ws.user_id("ola")
    lesson(ws, "kari", "Deploy on Tuesdays, never on Fridays #deploy")
    question = lesson(ws, "ola", "serach deploy")
    assert question is not None
    assert ws.driver.click(ola, action_id=LessonAction.RUN_MEANT, message=question).ok
    ws.settle()
    answered = ws.standin.ephemeral(question.ts)
    assert answered is not None, "the question is replaced by the answer"
    assert "Deploy on Tuesdays" in json.dumps(answered.blocks)
    assert len(lessons_in_db(ws)) == 1, "searching stored nothing"


def test_run_it_for_a_delete_asks_to_confirm(ws: LocalWorkspace) -> None:
    ola = ws.user_id("ola")
    lesson(ws, "ola", "Timebox spikes to two days")
    [stored] = lessons_in_db(ws)
    question = lesson(ws, "ola", f"slet {stored.id}")
    assert question is not None
    ws.driver.click(ola, action_id=LessonAction.RUN_MEANT, message=question)
    ws.settle()
    confirm = ws.standin.ephemerals(user=ola)[-1]
    assert f"Delete lesson #{stored.id}?" in confirm.text
    assert len(lessons_in_db(ws)) == 1


def test_share_it_as_a_lesson_shares_the_text_as_typed(ws: LocalWorkspace) -> None:
    ola = ws.user_id("ola")
    question = lesson(ws, "ola", "mine lærdommer")
    assert question is not None
    ws.driver.click(ola, action_id=LessonAction.SHARE_TYPED, message=question)
    ws.settle()
    [stored] = lessons_in_db(ws)
    assert stored.text == "mine lærdommer" and stored.author_id == ola
    assert last_bot_message(ws, "general").ts == stored.message_ts
    answered = ws.standin.ephemeral(question.ts)
    assert answered is not None and f"Lesson #{stored.id} is saved" in answered.text


def test_a_slip_of_anon_asks_and_run_it_shares_anonymously(ws: LocalWorkspace) -> None:
    per = ws.user_id("per")
    question = lesson(ws, "per", "anno I shipped on a Friday and regretted it")
    assert question is not None
    assert "Did you mean `/lesson anon I shipped on a Friday and regretted it`?" in question.text
    assert lessons_in_db(ws) == []
    ws.driver.click(per, action_id=LessonAction.RUN_MEANT, message=question)
    ws.settle()
    [stored] = lessons_in_db(ws)
    assert stored.anonymous and stored.author_id is None
    assert stored.text == "I shipped on a Friday and regretted it"
    post = last_bot_message(ws, "general")
    assert per not in json.dumps(post.blocks)
    assert button_labels(post) == ["👍 Useful · 0", "✅ I applied this · 0"]


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("#deploy #ci", id="only-tags"),
        pytest.param("\ufffd\ufffd\ufffd\ufffd", id="replacement-characters"),
        pytest.param("\x07\x08\x1b\x7f", id="control-characters"),
        pytest.param("\u200b\u200b\u200b", id="zero-width-spaces"),
        pytest.param("#onboarding \ufffd \u200b #devops", id="tags-and-nothing"),
    ],
)
def test_a_text_with_nothing_to_say_is_refused_and_handed_back(ws: LocalWorkspace, typed: str) -> None:
    ola = ws.user_id("ola")
    response = ws.driver.command(ola, ws.channel_id("general"), "/lesson", typed)
    assert response.ok
    ws.settle()
    assert lessons_in_db(ws) == []
    assert bot_messages(ws, "general") == []
    [view] = ws.standin.views_for(ola)
    assert "#tags alone are not a lesson" in json.dumps(view.view)
    field = next(b for b in view.blocks if b.get("block_id") == LessonBlock.TEXT)
    assert field["element"]["initial_value"] == typed.strip(), "the text is handed back"


def test_the_form_refuses_tags_alone_on_the_field(ws: LocalWorkspace) -> None:
    kari = ws.user_id("kari")
    ws.driver.command(kari, ws.channel_id("general"), "/lesson", "")
    ws.settle()
    [view] = ws.standin.views_for(kari)
    response = ws.driver.submit_view(kari, view.id, {LessonBlock.TEXT: "#retro #followup"})
    assert response.errors and "#tags alone" in response.errors[LessonBlock.TEXT]
    assert lessons_in_db(ws) == []


def test_a_whitespace_only_lesson_opens_the_empty_form(ws: LocalWorkspace) -> None:
    ola = ws.user_id("ola")
    ws.driver.command(ola, ws.channel_id("general"), "/lesson", "   \u00a0  ")
    ws.settle()
    [view] = ws.standin.views_for(ola)
    assert lessons_in_db(ws) == []
    field = next(b for b in view.blocks if b.get("block_id") == LessonBlock.TEXT)
    assert "initial_value" not in field["element"]
