"""/lesson end to end: signed requests into the real app, Web API calls into the stand-in."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.lessons.service import TEXT_MAX
from bot.lessons.views import LessonAction, LessonBlock, LessonCallback, LessonOption
from bot.lessons.voting import DEBOUNCE
from localslack.clock import FakeClock
from localslack.workspace import LocalWorkspace
from storage.lessons.models import Lesson, Vote
from tests.scenario.helpers import bot_messages, button_labels, everything_sent, last_bot_message, texts


def lessons_in_db(ws: LocalWorkspace) -> list[Lesson]:
    with ws.deps.db.session() as session:
        return list(session.scalars(select(Lesson).order_by(Lesson.id)))


def share(ws: LocalWorkspace, user: str, channel: str, text: str) -> None:
    response = ws.driver.command(ws.user_id(user), ws.channel_id(channel), "/lesson", text)
    assert response.ok, response
    ws.settle()


def test_quick_lesson_is_saved_confirmed_and_posted_with_vote_buttons(ws: LocalWorkspace) -> None:
    response = ws.driver.command(
        ws.user_id("ola"), ws.channel_id("general"), "/lesson", "Pair on the first deploy #Onboarding #DevOps"
    )
    assert response.ok and response.elapsed < 3
    ws.settle()
    [lesson] = lessons_in_db(ws)
    assert lesson.text == "Pair on the first deploy #Onboarding #DevOps"
    assert lesson.tags_text == "onboarding devops"
    assert lesson.author_id == ws.user_id("ola")
    assert f"Lesson #{lesson.id} is saved" in texts(ws, ws.user_id("ola"))
    message = last_bot_message(ws, "general")
    assert lesson.message_ts == message.ts and lesson.channel_id == ws.channel_id("general")
    dumped = json.dumps(message.blocks)
    assert "Pair on the first deploy" in dumped and "#onboarding #devops" in dumped
    assert f"<@{ws.user_id('ola')}>" in dumped
    assert button_labels(message) == ["👍 Useful · 0", "✅ I applied this · 0"]
    assert message.text.startswith("Lesson learned: Pair on the first deploy")


def test_votes_count_once_per_person_and_button_and_a_second_click_takes_it_back(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    share(ws, "ola", "general", "Write the rollback plan before the rollout")
    message = last_bot_message(ws, "general")
    kari, per = ws.user_id("kari"), ws.user_id("per")

    ws.driver.click(kari, action_id=LessonAction.USEFUL, message=message)
    ws.settle()
    ws.driver.click(per, action_id=LessonAction.USEFUL, message=message)
    ws.driver.click(per, action_id=LessonAction.APPLIED, message=message)
    ws.settle()
    message = last_bot_message(ws, "general")
    assert button_labels(message) == ["👍 Useful · 2", "✅ I applied this · 1"]
    assert ws.standin.calls_to("chat.update"), "counts are refreshed with chat.update"

    # A double click (two payloads within the debounce window) is one click.
    ws.driver.click(kari, action_id=LessonAction.USEFUL, message=message)
    ws.settle()
    assert button_labels(last_bot_message(ws, "general"))[0] == "👍 Useful · 2"

    clock.advance(DEBOUNCE + timedelta(seconds=1))
    ws.driver.click(kari, action_id=LessonAction.USEFUL, message=message)
    ws.settle()
    assert button_labels(last_bot_message(ws, "general")) == ["👍 Useful · 1", "✅ I applied this · 1"]


def test_reactions_count_as_useful_and_removing_takes_it_back(ws: LocalWorkspace) -> None:
    share(ws, "ola", "general", "Small pull requests get reviewed the same day")
    message = last_bot_message(ws, "general")
    ingrid, per = ws.user_id("ingrid"), ws.user_id("per")
    channel = ws.channel_id("general")

    assert ws.driver.user_reacts(ingrid, channel, message.ts, "+1").ok
    assert ws.driver.user_reacts(per, channel, message.ts, "bulb").ok
    ws.settle()
    assert button_labels(last_bot_message(ws, "general"))[0] == "👍 Useful · 2"

    ws.driver.user_reacts(per, channel, message.ts, "bulb", added=False)
    ws.settle()
    assert button_labels(last_bot_message(ws, "general"))[0] == "👍 Useful · 1"

    # Other reactions, and reactions on other messages, change nothing.
    ws.driver.user_reacts(per, channel, message.ts, "tada")
    person_message, _ = ws.driver.user_says(per, channel, "hello", send=())
    ws.driver.user_reacts(ingrid, channel, person_message.ts, "+1")
    ws.settle()
    with ws.deps.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Vote).where(Vote.active.is_(True))) == 1


def test_concurrent_votes_leave_the_latest_count_even_when_an_update_lands_late(ws: LocalWorkspace) -> None:
    share(ws, "ola", "general", "Decide who owns the follow-up before the meeting ends")
    message = last_bot_message(ws, "general")
    channel = ws.channel_id("general")
    # The first vote's chat.update is slow; the second vote's refresh must not be overwritten by it.
    ws.standin.delay("chat.update", 1.0)
    assert ws.driver.user_reacts(ws.user_id("ingrid"), channel, message.ts, "+1").ok
    assert ws.driver.user_reacts(ws.user_id("per"), channel, message.ts, "bulb").ok
    ws.settle()
    assert button_labels(last_bot_message(ws, "general"))[0] == "👍 Useful · 2"


def test_a_retried_event_has_its_effect_once(ws: LocalWorkspace) -> None:
    share(ws, "ola", "general", "Keep the incident channel for facts only")
    message = last_bot_message(ws, "general")
    ingrid, channel = ws.user_id("ingrid"), ws.channel_id("general")
    added = ws.driver.reaction_event(True, ingrid, "+1", channel, message.ts)
    removed = ws.driver.reaction_event(False, ingrid, "+1", channel, message.ts)
    assert ws.driver.event(added, event_id="Ev0001").ok
    ws.settle()
    assert ws.driver.event(removed, event_id="Ev0002").ok
    ws.settle()
    # Slack retries the first delivery (say it timed out): it must not add the vote back.
    retry = ws.driver.event(added, event_id="Ev0001", retry_num=1, retry_reason="http_timeout")
    assert retry.status == 200
    ws.settle()
    assert button_labels(last_bot_message(ws, "general"))[0] == "👍 Useful · 0"


def test_modal_validates_on_the_field_and_keeps_the_form(ws: LocalWorkspace) -> None:
    kari = ws.user_id("kari")
    ws.driver.command(kari, ws.channel_id("team-platform"), "/lesson", "")
    ws.settle()
    [view] = ws.standin.views_for(kari)
    assert view.callback_id == LessonCallback.MODAL

    too_long = "x" * (TEXT_MAX + 1)
    response = ws.driver.submit_view(kari, view.id, {LessonBlock.TEXT: too_long})
    assert response.errors and LessonBlock.TEXT in response.errors
    assert "2000" in response.errors[LessonBlock.TEXT]
    assert ws.standin.views_for(kari), "the modal stays open with the text in it"
    assert lessons_in_db(ws) == []

    response = ws.driver.submit_view(
        kari,
        view.id,
        {
            LessonBlock.TEXT: "Retros work when we pick one action and follow it up",
            LessonBlock.WHAT_WORKED: "One owner per action",
            LessonBlock.TO_IMPROVE: "Check last week's action first",
            LessonBlock.TAGS: "#Retro, follow-up",
            LessonBlock.OPTIONS: [LessonOption.POST_HERE],
        },
    )
    assert response.ok and response.errors is None
    ws.settle()
    assert ws.standin.views_for(kari) == []
    [lesson] = lessons_in_db(ws)
    assert lesson.what_worked == "One owner per action"
    assert lesson.tags_text == "retro follow-up"
    message = last_bot_message(ws, "team-platform")
    assert "One owner per action" in json.dumps(message.blocks)
    assert f"Lesson #{lesson.id} is saved" in texts(ws, kari)


def test_modal_without_post_here_saves_without_posting(ws: LocalWorkspace) -> None:
    kari = ws.user_id("kari")
    ws.driver.command(kari, ws.channel_id("general"), "/lesson", "")
    ws.settle()
    [view] = ws.standin.views_for(kari)
    # "Post it in this channel" starts ticked; the person unticks it.
    ws.driver.submit_view(
        kari, view.id, {LessonBlock.TEXT: "Write it down while it is fresh", LessonBlock.OPTIONS: []}
    )
    ws.settle()
    assert len(lessons_in_db(ws)) == 1
    assert bot_messages(ws, "general") == []


def test_anonymous_lesson_leaves_no_trace_of_its_author(
    ws: LocalWorkspace, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    per = ws.user_id("per")
    share(ws, "per", "general", "anon I shipped on a Friday and regretted it #deploy")
    [lesson] = lessons_in_db(ws)
    assert lesson.anonymous and lesson.author_id is None
    assert per not in lesson.author_hash and len(lesson.author_hash) == 64
    message = last_bot_message(ws, "general")
    assert per not in json.dumps(message.blocks) and per not in message.text
    assert "anonymously" in json.dumps(message.blocks)

    # Search results, as seen by someone else, never name the author.
    share(ws, "kari", "general", "search friday")
    assert f"#{lesson.id}" in texts(ws, ws.user_id("kari"))
    channel_output = json.dumps(
        [c.args for c in ws.standin.calls if c.method in ("chat.postMessage", "chat.update")]
    )
    assert per not in channel_output
    assert per not in caplog.text

    # Its author still finds it and can delete it; nobody else can.
    ws.driver.command(ws.user_id("ola"), ws.channel_id("general"), "/lesson", f"delete {lesson.id}")
    ws.settle()
    assert "Only the author" in texts(ws, ws.user_id("ola"))
    share(ws, "per", "general", "mine")
    assert "I shipped on a Friday" in texts(ws, per)
    share(ws, "per", "general", f"delete {lesson.id}")
    assert lessons_in_db(ws) == []
    assert bot_messages(ws, "general") == [], "the channel message goes with the lesson"


def test_admin_can_delete_any_lesson_and_unknown_ids_are_explained(ws: LocalWorkspace) -> None:
    share(ws, "ola", "general", "Timebox spikes to two days")
    [lesson] = lessons_in_db(ws)
    share(ws, "kari", "general", f"delete #{lesson.id}")
    assert lessons_in_db(ws) == []
    share(ws, "kari", "general", "delete 999")
    assert "There is no lesson #999" in texts(ws, ws.user_id("kari"))
    share(ws, "kari", "general", "delete soon")
    assert "Which lesson?" in texts(ws, ws.user_id("kari"))


def test_search_finds_norwegian_and_english_words_and_shows_the_best_ten(ws: LocalWorkspace) -> None:
    share(ws, "ola", "general", "Kodegjennomgang går raskere med små endringer #læring")
    share(ws, "ingrid", "general", "Code review is faster with small changes #review")
    for n in range(12):
        share(ws, "per", "general", f"Customer call {n}: listen first, then answer #support")
    kari = ws.user_id("kari")
    share(ws, "kari", "general", "search kodegjennomgang")
    assert "Kodegjennomgang går raskere" in texts(ws, kari)
    share(ws, "kari", "general", "søk læring")
    found = ws.standin.ephemerals(user=kari)[-1]
    assert "Kodegjennomgang" in json.dumps(found.blocks, ensure_ascii=False)
    share(ws, "kari", "general", "search review")
    assert "Code review is faster" in json.dumps(ws.standin.ephemerals(user=kari)[-1].blocks)
    share(ws, "kari", "general", "search customer")
    blocks = ws.standin.ephemerals(user=kari)[-1].blocks
    shown = [b for b in blocks if b["type"] == "section" and "Customer call" in b["text"]["text"]]
    assert len(shown) == 10
    share(ws, "kari", "general", "search zzzqqq")
    assert "No lessons match" in ws.standin.ephemerals(user=kari)[-1].text


def test_help_and_unknown_subcommand(ws: LocalWorkspace) -> None:
    share(ws, "ola", "general", "help")
    assert "/lesson search" in ws.standin.ephemerals(user=ws.user_id("ola"))[-1].text
    share(ws, "ola", "general", "serch")
    last = ws.standin.ephemerals(user=ws.user_id("ola"))[-1].text
    assert "serch" in last and "/lesson search" in last
    assert lessons_in_db(ws) == []


def test_save_as_lesson_shortcut_prefills_the_form_with_the_message_and_a_link(ws: LocalWorkspace) -> None:
    ingrid, channel = ws.user_id("ingrid"), ws.channel_id("general")
    message, _ = ws.driver.user_says(
        ingrid, channel, "Tip: record the demo before the meeting #demo", send=()
    )
    kari = ws.user_id("kari")
    ws.driver.message_shortcut(kari, channel, message, LessonCallback.SAVE_MESSAGE_SHORTCUT)
    ws.settle()
    [view] = ws.standin.views_for(kari)
    dumped = json.dumps(view.view)
    assert "Tip: record the demo before the meeting #demo" in dumped
    assert f"/archives/{channel}/p{message.ts.replace('.', '')}" in dumped
    ws.driver.submit_view(kari, view.id, {LessonBlock.OPTIONS: [LessonOption.POST_HERE]})
    ws.settle()
    [lesson] = lessons_in_db(ws)
    assert lesson.source_link and lesson.source_link.endswith(message.ts.replace(".", ""))
    assert lesson.tags_text == "demo"
    assert "Original message" in json.dumps(last_bot_message(ws, "general").blocks)


def test_too_long_text_is_refused_and_given_back_in_a_prefilled_form(ws: LocalWorkspace) -> None:
    ola = ws.user_id("ola")
    text = "Lessons from the migration. " * 180  # about 5000 characters
    response = ws.driver.command(ola, ws.channel_id("general"), "/lesson", text)
    assert response.ok
    ws.settle()
    assert lessons_in_db(ws) == []
    [view] = ws.standin.views_for(ola)
    shown = json.dumps(view.view)
    assert "limit" in shown or "under" in shown
    # Every character typed is in the form: the first 3000 in the field, the rest beside it.
    field = next(b for b in view.blocks if b.get("block_id") == LessonBlock.TEXT)
    rest = "".join(b["text"]["text"] for b in view.blocks if b["type"] == "section")
    assert field["element"]["initial_value"] + rest.split("*The rest of your text*")[-1] == text.strip()


def test_too_short_text_is_refused_with_the_form(ws: LocalWorkspace) -> None:
    ola = ws.user_id("ola")
    ws.driver.command(ola, ws.channel_id("general"), "/lesson", "ok fine")
    ws.settle()
    assert len(lessons_in_db(ws)) == 1  # seven characters is a (short) lesson
    ws.driver.command(ola, ws.channel_id("general"), "/lesson", "anon x")
    ws.settle()
    [view] = ws.standin.views_for(ola)
    assert "at least" in json.dumps(view.view)
    options = next(b for b in view.blocks if b.get("block_id") == LessonBlock.OPTIONS)
    assert options["element"]["initial_options"][0]["value"] == LessonOption.ANONYMOUS


def test_user_text_cannot_ping_anyone(ws: LocalWorkspace) -> None:
    hostile = "Ping <!channel> <!here> <!everyone> <@U0KARI> <#C0GEN> <!subteam^S1> & more #tag"
    share(ws, "ola", "general", hostile)
    share(ws, "ola", "general", "search ping")
    sent = everything_sent(ws)
    for raw in ("<!channel>", "<!here>", "<!everyone>", "<@U0KARI>", "<#C0GEN>", "<!subteam^S1>"):
        assert raw not in sent
    assert "&lt;!channel&gt;" in sent
    ack_texts = texts(ws, ws.user_id("ola"))
    assert "<!channel>" not in ack_texts


def test_ack_is_fast_and_the_lesson_stored_even_when_slack_is_slow_or_failing(ws: LocalWorkspace) -> None:
    ws.standin.delay("chat.postMessage", 4.0)
    response = ws.driver.command(
        ws.user_id("ola"), ws.channel_id("general"), "/lesson", "Slow Slack is no excuse"
    )
    assert response.ok and response.elapsed < 3.0
    assert len(lessons_in_db(ws)) == 1, "stored before the ack"
    ws.settle()
    assert last_bot_message(ws, "general").text.startswith("Lesson learned: Slow Slack")

    ws.standin.fail("chat.postMessage", error="internal_error", status=500, times=10)
    response = ws.driver.command(ws.user_id("ola"), ws.channel_id("general"), "/lesson", "Failing Slack too")
    assert response.ok
    ws.settle()
    assert [lesson.text for lesson in lessons_in_db(ws)][-1] == "Failing Slack too"
    assert "could not post it" in texts(ws, ws.user_id("ola"))


def test_rate_limited_post_is_retried_after_retry_after(ws: LocalWorkspace) -> None:
    ws.standin.fail("chat.postMessage", error="ratelimited", status=429, retry_after=1)
    share(ws, "ola", "general", "Back off when asked to")
    assert len(ws.standin.calls_to("chat.postMessage")) == 2
    assert last_bot_message(ws, "general").text.endswith("Back off when asked to")


def test_posting_in_a_private_channel_without_the_bot_tells_the_author(ws: LocalWorkspace) -> None:
    kari = ws.user_id("kari")
    response = ws.driver.command(kari, ws.channel_id("leaders"), "/lesson", "Say no to the fourth priority")
    assert response.ok
    ws.settle()
    assert len(lessons_in_db(ws)) == 1
    told = texts(ws, kari)
    assert "could not post it" in told and "not_in_channel" in told and "/invite" in told


def test_bad_or_stale_signature_is_rejected_and_changes_nothing(ws: LocalWorkspace) -> None:
    from localslack.driver import SlackDriver, wsgi_poster

    forged = SlackDriver("not-the-secret", ws.standin, ws.driver._post)
    response = forged.command(ws.user_id("ola"), ws.channel_id("general"), "/lesson", "forged lesson")
    assert response.status == 401
    stale = SlackDriver(
        "local-signing-secret-not-for-slack", ws.standin, ws.driver._post, clock=lambda: 1_000_000.0
    )
    response = stale.command(ws.user_id("ola"), ws.channel_id("general"), "/lesson", "replayed lesson")
    assert response.status == 401
    ws.settle()
    assert lessons_in_db(ws) == []
    assert bot_messages(ws, "general") == []
    assert wsgi_poster  # the same poster the real driver uses
