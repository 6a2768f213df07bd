"""/lesson in Norwegian all the way (issue 9 §7): Norwegian help, aliases and a plain answer where the
app is not in the channel. Signed requests into the real app, the stand-in, every database backend."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.core.mrkdwn import escape
from bot.lessons.ids import LessonAction, LessonBlock
from localslack.standin import Ephemeral
from localslack.workspace import LocalWorkspace
from storage.lessons.models import Lesson
from storage.lessons.visibility import WORKSPACE
from tests.scenario.helpers import last_bot_message, texts


def norwegian(ws: LocalWorkspace, name: str) -> str:
    user = ws.user_id(name)
    ws.standin.set_locale(user, "nb-NO")
    ws.deps.slack.forget_people()
    return user


def failed_post(ws: LocalWorkspace, user_id: str) -> Ephemeral:
    """The answer that a saved lesson could not be posted (it may arrive before the ack is shown)."""
    [answer] = [
        e for e in ws.standin.ephemerals(user=user_id) if LessonAction.SHARE_ELSEWHERE in json.dumps(e.blocks)
    ]
    return answer


def lessons_in_db(ws: LocalWorkspace) -> list[Lesson]:
    with ws.deps.db.session() as session:
        return list(session.scalars(select(Lesson).order_by(Lesson.id)))


def test_help_in_bokmal_shows_norwegian_subcommands_and_placeholders(ws: LocalWorkspace) -> None:
    ola = norwegian(ws, "ola")
    assert ws.driver.command(ola, ws.channel_id("general"), "/lesson", "hjelp").ok
    ws.settle()
    shown = ws.standin.ephemerals(user=ola)[-1].text
    for command in (
        "/lesson <tekst>",
        "/lesson anonym <tekst>",
        "/lesson søk <ord>",
        "/lesson endre <nr>",
        "/lesson slett <nr>",
        "/lesson mine",
    ):
        assert f"`{escape(command)}`" in shown, command
    for english in ("/lesson search", "/lesson delete", "/lesson edit", "&lt;text&gt;", "&lt;words&gt;"):
        assert english not in shown, english


def test_the_norwegian_aliases_work(ws: LocalWorkspace) -> None:
    ola = norwegian(ws, "ola")
    general = ws.channel_id("general")
    ws.driver.command(ola, general, "/lesson", "Pin avhengighetene #ci")
    ws.settle()
    [stored] = lessons_in_db(ws)
    ws.driver.command(ola, general, "/lesson", f"endre {stored.id}")
    ws.settle()
    [view] = ws.standin.views_for(ola)
    assert "Endre lærdommen" in json.dumps(view.view, ensure_ascii=False)
    ws.driver.close_view(ola, view.id)
    ws.driver.command(ola, general, "/lesson", f"slett {stored.id}")
    ws.settle()
    question = ws.standin.ephemerals(user=ola)[-1]
    assert f"Slette lærdom #{stored.id}?" in question.text
    ws.driver.command(ola, general, "/lesson", "slet 3")
    ws.settle()
    assert "Mente du `/lesson slett 3`?" in ws.standin.ephemerals(user=ola)[-1].text


def test_a_quick_lesson_where_the_app_is_not_is_answered_in_words(ws: LocalWorkspace) -> None:
    kari = norwegian(ws, "kari")
    leaders, general = ws.channel_id("leaders"), ws.channel_id("general")
    assert ws.driver.command(kari, leaders, "/lesson", "Si nei til den fjerde prioriteten").ok
    ws.settle()
    [stored] = lessons_in_db(ws)
    answer = failed_post(ws, kari)
    said = answer.text
    assert f"Lærdom #{stored.id} er lagret" in said, "it says the lesson is stored"
    assert "jeg er ikke med i" in said and "/invite @Erfaring" in said
    for code in ("not_in_channel", "channel_not_found", "("):
        assert code not in said, "no raw error code"
    labels = [
        e["text"]["text"] for b in answer.blocks for e in b.get("elements", []) if e.get("type") == "button"
    ]
    assert labels == ["Legg den ut i en annen kanal"]

    ws.driver.click(kari, action_id=LessonAction.SHARE_ELSEWHERE, message=answer)
    ws.settle()
    [view] = ws.standin.views_for(kari)
    assert "Legg ut en lærdom" in json.dumps(view.view, ensure_ascii=False)
    ws.driver.submit_view(kari, view.id, {LessonBlock.WHERE: general})
    ws.settle()
    [posted] = lessons_in_db(ws)
    assert posted.visibility == WORKSPACE and posted.message_ts == last_bot_message(ws, "general").ts
    assert "Alle i arbeidsområdet kan finne den." in texts(ws, kari)
