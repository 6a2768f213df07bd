"""Who can find a lesson follows where it was shared (issue 9 §1), end to end: signed requests into the
real app, Slack's answers from the stand-in, on every database backend."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.lessons.ids import LessonAction, LessonBlock, LessonCallback, LessonOption
from bot.lessons.visibility import audience_of, settle_pending
from localslack.standin import Ephemeral
from localslack.workspace import LocalWorkspace
from storage.lessons.models import Lesson
from storage.lessons.visibility import AUTHOR, CHANNEL, PENDING, WORKSPACE, visible
from tests.scenario.helpers import bot_messages, everything_sent, last_bot_message, texts


def failed_post(ws: LocalWorkspace, user_id: str) -> Ephemeral:
    """The answer that a saved lesson could not be posted (it may arrive before the ack is shown)."""
    [answer] = [
        e for e in ws.standin.ephemerals(user=user_id) if LessonAction.SHARE_ELSEWHERE in json.dumps(e.blocks)
    ]
    return answer


def lessons_in_db(ws: LocalWorkspace) -> list[Lesson]:
    with ws.deps.db.session() as session:
        return list(session.scalars(select(Lesson).order_by(Lesson.id)))


def command(ws: LocalWorkspace, user_id: str, channel_id: str, text: str) -> None:
    response = ws.driver.command(user_id, channel_id, "/lesson", text)
    assert response.ok, response
    ws.settle()


def private_channel(ws: LocalWorkspace, name: str, *people: str) -> str:
    """A private channel the app is in, whose members the stand-in knows."""
    members = [ws.user_id(person) for person in people] + [ws.standin.bot_user_id]
    return ws.standin.add_channel(name, is_private=True, members=members).id


def options(view: dict[str, object]) -> list[str]:
    blocks = view["blocks"]
    assert isinstance(blocks, list)
    (block,) = [b for b in blocks if b.get("block_id") == LessonBlock.OPTIONS]
    return [o["value"] for o in block["element"]["options"]]


def test_a_lesson_in_a_public_channel_is_for_the_whole_workspace(ws: LocalWorkspace) -> None:
    ola, general = ws.user_id("ola"), ws.channel_id("general")
    command(ws, ola, general, "Write the rollback plan first #deploy")
    [lesson] = lessons_in_db(ws)
    assert (lesson.visibility, lesson.channel_id) == (WORKSPACE, general)
    assert lesson.message_ts == last_bot_message(ws, "general").ts, "message_ts stays the post"
    told = texts(ws, ola)
    assert f"Lesson #{lesson.id} is saved" in told
    assert "Everyone in the workspace can find it." in told


def test_a_lesson_in_a_private_channel_is_for_its_members_and_says_so(ws: LocalWorkspace) -> None:
    kari, ola = ws.user_id("kari"), ws.user_id("ola")
    secret = private_channel(ws, "secret-project", "kari", "ola")
    command(ws, kari, secret, "Agree on the launch date before telling customers")
    [lesson] = lessons_in_db(ws)
    assert (lesson.visibility, lesson.channel_id) == (CHANNEL, secret)
    assert bot_messages(ws, "secret-project"), "posted in the private channel"
    assert f"Only members of <#{secret}> can find it." in texts(ws, kari)

    # Who can find it is decided by Slack's answer, never by the id: a private channel with a C id.
    hidden = ws.standin.add_channel(
        "c-but-private", id="C0PRIVATE", is_private=True, members=[ola, ws.standin.bot_user_id]
    )
    command(ws, ola, hidden.id, "Private channels can have C ids too")
    assert lessons_in_db(ws)[-1].visibility == CHANNEL


def test_in_the_dm_with_the_app_a_lesson_is_a_private_note_and_keeps_no_dm_id(ws: LocalWorkspace) -> None:
    per = ws.user_id("per")
    dm = ws.standin.im_channel(per)
    command(ws, per, dm, "Note to self: ask for the budget in writing")
    [lesson] = lessons_in_db(ws)
    assert (lesson.visibility, lesson.channel_id, lesson.message_ts) == (AUTHOR, None, None)
    assert ws.standin.calls_to("chat.postMessage") == [], "a private note is not posted, not even here"
    told = texts(ws, per)
    assert "Only you can find it." in told and "/lesson mine lists it." in told

    # Anonymous in the DM too: nothing stored or sent names the DM.
    command(ws, per, dm, "anon I was wrong about the estimate")
    anonymous = lessons_in_db(ws)[-1]
    assert (anonymous.visibility, anonymous.channel_id, anonymous.author_id) == (AUTHOR, None, None)
    command(ws, per, dm, "mine")
    shown = texts(ws, per)
    assert "only you can find it" in shown
    assert f"<#{dm}" not in everything_sent(ws) + shown


def test_an_anonymous_lesson_in_a_private_channel_of_two_never_names_the_channel(ws: LocalWorkspace) -> None:
    kari = ws.user_id("kari")
    duo = private_channel(ws, "kari-and-ola", "kari", "ola")
    command(ws, kari, duo, "anon I froze in the demo and nobody noticed")
    [lesson] = lessons_in_db(ws)
    assert lesson.anonymous and lesson.author_id is None
    assert (lesson.visibility, lesson.channel_id) == (CHANNEL, duo)
    command(ws, kari, duo, "mine")
    sent = everything_sent(ws) + texts(ws, kari)
    assert f"<#{duo}" not in sent, "no channel reference anywhere beside an anonymous lesson"
    assert "Only the members of this conversation can find it." in texts(ws, kari)
    assert "its channel's members can find it" in texts(ws, kari)


def test_the_form_says_who_can_find_it_and_offers_only_me(ws: LocalWorkspace) -> None:
    kari, general = ws.user_id("kari"), ws.channel_id("general")
    command(ws, kari, general, "")
    [view] = ws.standin.views_for(kari)
    shown = json.dumps(view.view)
    assert "Everyone in the workspace can find it." in shown
    assert options(view.view) == [LessonOption.ANONYMOUS, LessonOption.ONLY_ME, LessonOption.POST_HERE]
    ws.driver.submit_view(
        kari,
        view.id,
        {
            LessonBlock.TEXT: "Keep a list of what I would do differently",
            LessonBlock.OPTIONS: [LessonOption.ONLY_ME, LessonOption.POST_HERE],
        },
    )
    ws.settle()
    [lesson] = lessons_in_db(ws)
    assert (lesson.visibility, lesson.channel_id, lesson.message_ts) == (AUTHOR, general, None)
    assert bot_messages(ws, "general") == [], "Only me wins over Post it in this channel"
    told = texts(ws, kari)
    assert "Only you can find it." in told and "private note, so I have not posted it" in told


def test_unticking_post_keeps_who_can_find_it(ws: LocalWorkspace) -> None:
    kari, general = ws.user_id("kari"), ws.channel_id("general")
    command(ws, kari, general, "")
    [view] = ws.standin.views_for(kari)
    ws.driver.submit_view(kari, view.id, {LessonBlock.TEXT: "Write it down", LessonBlock.OPTIONS: []})
    ws.settle()
    [lesson] = lessons_in_db(ws)
    assert (lesson.visibility, lesson.channel_id, lesson.message_ts) == (WORKSPACE, general, None)
    assert "Everyone in the workspace can find it." in texts(ws, kari)


def test_the_form_in_a_private_channel_and_in_the_dm(ws: LocalWorkspace) -> None:
    ola = ws.user_id("ola")
    secret = private_channel(ws, "secret-project", "kari", "ola")
    command(ws, ola, secret, "")
    [view] = ws.standin.views_for(ola)
    assert f"Only members of <#{secret}> can find it." in json.dumps(view.view)
    ws.driver.submit_view(
        ola,
        view.id,
        {LessonBlock.TEXT: "Small rooms speak freely", LessonBlock.OPTIONS: [LessonOption.POST_HERE]},
    )
    ws.settle()
    assert lessons_in_db(ws)[-1].visibility == CHANNEL

    dm = ws.standin.im_channel(ola)
    command(ws, ola, dm, "")
    [view] = ws.standin.views_for(ola)
    assert "Only you can find it." in json.dumps(view.view)
    assert options(view.view) == [LessonOption.ANONYMOUS], "a private note already: nothing to post"
    ws.driver.submit_view(ola, view.id, {LessonBlock.TEXT: "Only for me"})
    ws.settle()
    note = lessons_in_db(ws)[-1]
    assert (note.visibility, note.channel_id) == (AUTHOR, None)


def test_save_as_lesson_takes_the_visibility_of_the_messages_channel(ws: LocalWorkspace) -> None:
    kari, ola = ws.user_id("kari"), ws.user_id("ola")
    secret = private_channel(ws, "secret-project", "kari", "ola")
    message, _ = ws.driver.user_says(ola, secret, "Tip: test the restore, not the backup", send=())
    ws.driver.message_shortcut(kari, secret, message, LessonCallback.SAVE_MESSAGE_SHORTCUT)
    ws.settle()
    [view] = ws.standin.views_for(kari)
    assert f"Only members of <#{secret}> can find it." in json.dumps(view.view)
    ws.driver.submit_view(kari, view.id, {LessonBlock.OPTIONS: []})
    ws.settle()
    [lesson] = lessons_in_db(ws)
    assert (lesson.visibility, lesson.channel_id) == (CHANNEL, secret)


def test_a_member_who_leaves_stops_seeing_the_channels_lessons(ws: LocalWorkspace) -> None:
    kari, ola = ws.user_id("kari"), ws.user_id("ola")
    secret = private_channel(ws, "secret-project", "kari", "ola")
    command(ws, kari, secret, "Kari's lesson in the private channel")
    command(ws, ola, secret, "Ola's lesson in the private channel")
    karis, olas = lessons_in_db(ws)
    assert karis.visibility == olas.visibility == CHANNEL

    def seen_by(user_id: str) -> set[int]:
        audience = audience_of(ws.deps, ws.standin.team_id, user_id)
        with ws.deps.db.read_session() as session:
            return set(session.scalars(select(Lesson.id).where(visible(audience))))

    assert seen_by(ola) == {karis.id, olas.id}
    ws.standin.remove_member(secret, ola)
    ws.deps.slack.forget_people()  # the gateway remembers memberships for a minute
    assert seen_by(ola) == {olas.id}, "only their own lesson is left to them"
    assert seen_by(kari) == {karis.id, olas.id}
    command(ws, ola, ws.channel_id("general"), "mine")
    assert "Ola's lesson in the private channel" in texts(ws, ola)


def test_when_slack_cannot_say_the_lesson_waits_as_its_authors(ws: LocalWorkspace) -> None:
    ola, general = ws.user_id("ola"), ws.channel_id("general")
    # Slack cannot say, neither before the ack nor when the lesson is posted just after it.
    ws.standin.fail("conversations.info", error="fatal_error", status=200, times=2)
    command(ws, ola, general, "Outages teach patience")
    [lesson] = lessons_in_db(ws)
    assert (lesson.visibility, lesson.channel_id) == (PENDING, general)
    assert "Only you can find it until Slack tells me" in texts(ws, ola)
    assert last_bot_message(ws, "general").ts == lesson.message_ts, "posted all the same"
    assert settle_pending(ws.deps) == 1  # the job asks again
    assert lessons_in_db(ws)[0].visibility == WORKSPACE


def test_a_quick_lesson_where_the_app_is_not_can_be_posted_elsewhere(ws: LocalWorkspace) -> None:
    kari, leaders, general = ws.user_id("kari"), ws.channel_id("leaders"), ws.channel_id("general")
    command(ws, kari, leaders, "Say no to the fourth priority")
    [lesson] = lessons_in_db(ws)
    assert lesson.visibility == AUTHOR, "Slack will not tell the app about #leaders: its author's alone"
    answer = failed_post(ws, kari)
    assert "is saved, but I am not in" in answer.text and "not_in_channel" not in answer.text
    ws.driver.click(kari, action_id=LessonAction.SHARE_ELSEWHERE, message=answer)
    ws.settle()
    [view] = ws.standin.views_for(kari)
    assert view.callback_id == LessonCallback.SHARE_ELSEWHERE
    assert "Say no to the fourth priority" in json.dumps(view.view)
    ws.driver.submit_view(kari, view.id, {LessonBlock.WHERE: general})
    ws.settle()
    [lesson] = lessons_in_db(ws)
    assert (lesson.visibility, lesson.channel_id) == (WORKSPACE, general)
    assert lesson.message_ts == last_bot_message(ws, "general").ts
    assert len(lessons_in_db(ws)) == 1, "the stored lesson is posted, not a copy"
    told = texts(ws, kari)
    assert f"Lesson #{lesson.id} is posted in <#{general}>." in told
    assert "Everyone in the workspace can find it." in told

    # A posted lesson is not posted again (its votes live on that message).
    ws.driver.click(kari, action_id=LessonAction.SHARE_ELSEWHERE, message=answer)
    ws.settle()
    assert ws.standin.views_for(kari) == []
    assert "only while it is not posted yet" in everything_sent(ws), (
        "told (by DM: the app is not in #leaders)"
    )


def test_the_lookups_before_an_ack_wait_for_slack_once_between_them(ws: LocalWorkspace) -> None:
    ola, general = ws.user_id("ola"), ws.channel_id("general")
    # Slack answers neither the author's locale nor what the channel is in time: the ack waits for
    # them together at most once (QUICK_TIMEOUT_SECONDS, 0.4 s), not once each.
    ws.standin.delay("users.info", 2.0, times=1)
    ws.standin.delay("conversations.info", 2.0, times=1)
    response = ws.driver.command(ola, general, "/lesson", "Two slow answers cost one wait")
    assert response.ok and "is saved" in response.body
    assert response.elapsed < 0.7, response.elapsed
    assert "Only you can find it until Slack tells me" in response.body
    ws.settle()
    [lesson] = lessons_in_db(ws)
    assert (lesson.visibility, lesson.channel_id) == (WORKSPACE, general), "settled after the ack"
    assert lesson.message_ts == last_bot_message(ws, "general").ts


def test_a_slow_slack_gets_an_honest_ack_and_the_answer_after(ws: LocalWorkspace) -> None:
    ola, general = ws.user_id("ola"), ws.channel_id("general")
    ws.standin.delay("conversations.info", 2.0)
    response = ws.driver.command(ola, general, "/lesson", "Slow answers still get an answer")
    assert response.ok and response.elapsed < 3
    assert "Only you can find it until Slack tells me" in response.body, "true when the ack is sent"
    ws.settle()
    [lesson] = lessons_in_db(ws)
    assert (lesson.visibility, lesson.channel_id) == (WORKSPACE, general)
    assert f"Lesson #{lesson.id}: Everyone in the workspace can find it." in texts(ws, ola)
    assert lesson.message_ts == last_bot_message(ws, "general").ts
