"""Editing and deleting lessons (issue 9 §3): an author edits in a form and the channel post follows;
deleting asks first, and an admin's delete is told to the author. Signed requests, every backend."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.lessons.ids import LessonAction, LessonBlock, LessonCallback, ManageOption
from localslack.workspace import LocalWorkspace
from storage.lessons.models import Lesson, LessonTag
from tests.scenario.helpers import bot_messages, everything_sent, last_bot_message, texts


def lessons_in_db(ws: LocalWorkspace) -> list[Lesson]:
    with ws.deps.db.session() as session:
        return list(session.scalars(select(Lesson).order_by(Lesson.id)))


def lesson(ws: LocalWorkspace, user: str, text: str, channel: str = "general") -> None:
    response = ws.driver.command(ws.user_id(user), ws.channel_id(channel), "/lesson", text)
    assert response.ok, response
    ws.settle()


def dms_to(ws: LocalWorkspace, user_id: str) -> list[str]:
    return [
        str(c.args.get("text"))
        for c in ws.standin.calls_to("chat.postMessage")
        if c.args.get("channel") == user_id
    ]


def test_an_author_edits_a_lesson_and_its_post_follows(ws: LocalWorkspace) -> None:
    ola = ws.user_id("ola")
    lesson(ws, "ola", "Pair on the first deploy #onboarding")
    [stored] = lessons_in_db(ws)
    lesson(ws, "ola", f"edit {stored.id}")
    [view] = ws.standin.views_for(ola)
    assert view.callback_id == LessonCallback.EDIT
    field = next(b for b in view.blocks if b.get("block_id") == LessonBlock.TEXT)
    assert field["element"]["initial_value"] == "Pair on the first deploy #onboarding"
    response = ws.driver.submit_view(
        ola,
        view.id,
        {
            LessonBlock.TEXT: "Pair on the first two deploys #onboarding #pairing",
            LessonBlock.WHAT_WORKED: "A checklist",
            LessonBlock.TAGS: "devops",
        },
    )
    assert response.ok and response.errors is None
    ws.settle()
    [edited] = lessons_in_db(ws)
    assert edited.text == "Pair on the first two deploys #onboarding #pairing"
    assert edited.what_worked == "A checklist"
    assert edited.tags_text == "devops onboarding pairing"
    with ws.deps.db.session() as session:
        assert sorted(session.scalars(select(LessonTag.tag))) == ["devops", "onboarding", "pairing"]
    post = last_bot_message(ws, "general")
    assert post.ts == stored.message_ts, "the same message, updated"
    assert "Pair on the first two deploys" in json.dumps(post.blocks) and "A checklist" in json.dumps(
        post.blocks
    )
    assert ws.standin.calls_to("chat.update")
    assert f"Lesson #{stored.id} is updated." in texts(ws, ola)

    lesson(ws, "kari", "search pairing")
    assert "Pair on the first two deploys" in texts(ws, ws.user_id("kari")), "search finds the new text"


def test_only_the_author_may_edit_and_the_form_checks_again(ws: LocalWorkspace) -> None:
    kari, ola = ws.user_id("kari"), ws.user_id("ola")
    lesson(ws, "ola", "Write the agenda first")
    [stored] = lessons_in_db(ws)
    lesson(ws, "kari", f"endre {stored.id}")  # an admin, but not the author
    assert ws.standin.views_for(kari) == []
    assert f"Only the author of lesson #{stored.id} can edit it." in texts(ws, kari)
    lesson(ws, "kari", "edit 999")
    assert "There is no lesson #999." in texts(ws, kari)
    lesson(ws, "kari", "edit")
    assert "Which lesson? Use /lesson edit" in texts(ws, kari)

    # The author opens the form; the lesson is deleted before they submit.
    lesson(ws, "ola", f"edit {stored.id}")
    [view] = ws.standin.views_for(ola)
    with ws.deps.db.session() as session:
        session.delete(session.get(Lesson, stored.id))
    response = ws.driver.submit_view(ola, view.id, {LessonBlock.TEXT: "Write the agenda first, always"})
    assert response.errors == {LessonBlock.TEXT: "That lesson has been deleted."}


def test_an_anonymous_author_edits_through_the_keyed_hash(ws: LocalWorkspace) -> None:
    per = ws.user_id("per")
    lesson(ws, "per", "anon I missed the deadline twice")
    [stored] = lessons_in_db(ws)
    lesson(ws, "per", f"edit {stored.id}")
    [view] = ws.standin.views_for(per)
    ws.driver.submit_view(per, view.id, {LessonBlock.TEXT: "I missed the deadline twice: ask early"})
    ws.settle()
    [edited] = lessons_in_db(ws)
    assert edited.anonymous and edited.author_id is None and edited.text.endswith("ask early")
    post = last_bot_message(ws, "general")
    assert per not in json.dumps(post.blocks) and "ask early" in json.dumps(post.blocks)


def test_my_lessons_menu_edits_and_deletes(ws: LocalWorkspace) -> None:
    ola = ws.user_id("ola")
    lesson(ws, "ola", "Keep the retro short")
    lesson(ws, "ola", "Invite the customer to the demo")
    first, second = lessons_in_db(ws)
    lesson(ws, "ola", "mine")
    mine = ws.standin.ephemerals(user=ola)[-1]
    assert "everyone can find it" in json.dumps(mine.blocks)

    ws.driver.click(
        ola,
        action_id=LessonAction.MANAGE,
        value=f"{ManageOption.EDIT}:{first.id}",
        message=mine,
        block_id=f"mine_{first.id}",
    )
    ws.settle()
    [view] = ws.standin.views_for(ola)
    assert view.callback_id == LessonCallback.EDIT
    ws.driver.close_view(ola, view.id)

    ws.driver.click(
        ola,
        action_id=LessonAction.MANAGE,
        value=f"{ManageOption.DELETE}:{second.id}",
        message=mine,
        block_id=f"mine_{second.id}",
    )
    ws.settle()
    question = ws.standin.ephemerals(user=ola)[-1]
    assert f"Delete lesson #{second.id}? It cannot be undone." in question.text
    assert "Invite the customer to the demo" in json.dumps(question.blocks)
    assert ws.standin.ephemeral(mine.ts) is not None, "the list stays"
    ws.driver.click(ola, action_id=LessonAction.DELETE_CONFIRMED, message=question)
    ws.settle()
    assert [stored.id for stored in lessons_in_db(ws)] == [first.id]
    answered = ws.standin.ephemeral(question.ts)
    assert answered is not None and answered.text == f"Lesson #{second.id} is deleted."
    assert [m.ts for m in bot_messages(ws, "general")] == [first.message_ts], "its post went with it"


def test_keep_it_keeps_the_lesson(ws: LocalWorkspace) -> None:
    ola = ws.user_id("ola")
    lesson(ws, "ola", "Ask why five times")
    [stored] = lessons_in_db(ws)
    lesson(ws, "ola", f"slett {stored.id}")
    question = ws.standin.ephemerals(user=ola)[-1]
    assert [
        e["text"]["text"] for b in question.blocks for e in b.get("elements", []) if e.get("type") == "button"
    ] == ["Delete it", "Keep it"]
    ws.driver.click(ola, action_id=LessonAction.DELETE_KEPT, message=question)
    ws.settle()
    assert len(lessons_in_db(ws)) == 1
    answered = ws.standin.ephemeral(question.ts)
    assert answered is not None and answered.text == f"Lesson #{stored.id} is kept."


def test_an_admins_delete_asks_and_tells_the_author(ws: LocalWorkspace) -> None:
    kari, ola = ws.user_id("kari"), ws.user_id("ola")
    lesson(ws, "ola", "Timebox spikes to two days")
    [stored] = lessons_in_db(ws)
    lesson(ws, "kari", f"delete {stored.id}")
    question = ws.standin.ephemerals(user=kari)[-1]
    assert f"Delete lesson #{stored.id} by <@{ola}>?" in question.text and "I will tell them" in question.text
    assert dms_to(ws, ola) == []
    ws.driver.click(kari, action_id=LessonAction.DELETE_CONFIRMED, message=question)
    ws.settle()
    assert lessons_in_db(ws) == []
    [note] = dms_to(ws, ola)
    assert f"<@{kari}> deleted your lesson #{stored.id}:" in note and "Timebox spikes" in note

    # Someone who is neither the author nor an admin is refused before and after the question.
    lesson(ws, "ola", "Another lesson")
    [other] = lessons_in_db(ws)
    lesson(ws, "per", f"delete {other.id}")
    assert f"Only the author of lesson #{other.id} or an admin can delete it." in texts(ws, ws.user_id("per"))


def test_an_admins_delete_of_an_anonymous_lesson_tells_nobody(ws: LocalWorkspace) -> None:
    kari, per = ws.user_id("kari"), ws.user_id("per")
    lesson(ws, "per", "anon I hid a bug from the team")
    [stored] = lessons_in_db(ws)
    lesson(ws, "kari", f"delete {stored.id}")
    question = ws.standin.ephemerals(user=kari)[-1]
    assert "Nobody knows who wrote it, so nobody will be told." in question.text
    ws.driver.click(kari, action_id=LessonAction.DELETE_CONFIRMED, message=question)
    ws.settle()
    assert lessons_in_db(ws) == []
    assert dms_to(ws, per) == []
    assert per not in everything_sent(ws).replace(f'"user": "{per}"', "")


def test_the_menu_of_a_lesson_deleted_meanwhile_says_so(ws: LocalWorkspace) -> None:
    ola = ws.user_id("ola")
    lesson(ws, "ola", "Keep the retro short")
    [stored] = lessons_in_db(ws)
    lesson(ws, "ola", "mine")
    mine = ws.standin.ephemerals(user=ola)[-1]
    with ws.deps.db.session() as session:
        session.delete(session.get(Lesson, stored.id))
    for option in (ManageOption.EDIT, ManageOption.DELETE):
        ws.driver.click(
            ola,
            action_id=LessonAction.MANAGE,
            value=f"{option}:{stored.id}",
            message=mine,
            block_id=f"mine_{stored.id}",
        )
        ws.settle()
        assert ws.standin.ephemerals(user=ola)[-1].text == f"There is no lesson #{stored.id}."
    assert ws.standin.views_for(ola) == []
