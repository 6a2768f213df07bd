"""/lesson end to end: signed requests into the real app, Web API calls into the stand-in."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.core.mrkdwn import escape
from bot.lessons.data import TEXT_MAX
from bot.lessons.ids import LessonAction, LessonBlock, LessonCallback, LessonOption
from bot.lessons.voting import DEBOUNCE
from localslack.clock import FakeClock
from localslack.workspace import LocalWorkspace
from storage.lessons.models import Lesson, Vote
from tests.scenario.helpers import (
    bot_messages,
    button_labels,
    deliver_retries,
    everything_sent,
    last_bot_message,
    texts,
)


def lessons_in_db(ws: LocalWorkspace) -> list[Lesson]:
    with ws.deps.db.session() as session:
        return list(session.scalars(select(Lesson).order_by(Lesson.id)))


def share(ws: LocalWorkspace, user: str, channel: str, text: str) -> None:
    response = ws.driver.command(ws.user_id(user), ws.channel_id(channel), "/lesson", text)
    assert response.ok, response
    ws.settle()


def confirm_delete(ws: LocalWorkspace, user: str) -> None:
    """Press "Delete it" on the delete confirmation `user` was shown last."""
    question = ws.standin.ephemerals(user=ws.user_id(user))[-1]
    assert ws.driver.click(ws.user_id(user), action_id=LessonAction.DELETE_CONFIRMED, message=question).ok
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
        counted = select(func.count()).select_from(Vote).where(Vote.active.is_(True), Vote.kind == "useful")
        assert session.scalar(counted) == 1


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
    assert len(lessons_in_db(ws)) == 1, "deleting asks first"
    confirm_delete(ws, "per")
    assert lessons_in_db(ws) == []
    assert bot_messages(ws, "general") == [], "the channel message goes with the lesson"


def test_admin_can_delete_any_lesson_and_unknown_ids_are_explained(ws: LocalWorkspace) -> None:
    share(ws, "ola", "general", "Timebox spikes to two days")
    [lesson] = lessons_in_db(ws)
    share(ws, "kari", "general", f"delete #{lesson.id}")
    assert len(lessons_in_db(ws)) == 1, "deleting asks first"
    confirm_delete(ws, "kari")
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
    # The outbox tries again with backoff; after the last attempt (over half an hour later: the
    # command's response_url has expired by then) the author is told by DM, in words.
    deliver_retries(ws)
    dm = ws.standin.messages(ws.standin.im_channel(ws.user_id("ola")))
    assert any("could not post it" in m.text for m in dm)


def test_rate_limited_post_is_retried_after_retry_after(ws: LocalWorkspace) -> None:
    ws.standin.fail("chat.postMessage", error="ratelimited", status=429, retry_after=1)
    share(ws, "ola", "general", "Back off when asked to")
    assert len(ws.standin.calls_to("chat.postMessage")) == 1, "not again before Retry-After"
    deliver_retries(ws, step_seconds=1.5)
    assert len(ws.standin.calls_to("chat.postMessage")) == 2
    assert last_bot_message(ws, "general").text.endswith("Back off when asked to")


def test_posting_in_a_private_channel_without_the_bot_tells_the_author(ws: LocalWorkspace) -> None:
    kari = ws.user_id("kari")
    response = ws.driver.command(kari, ws.channel_id("leaders"), "/lesson", "Say no to the fourth priority")
    assert response.ok
    ws.settle()
    assert len(lessons_in_db(ws)) == 1
    told = texts(ws, kari)
    assert "could not post it" in told and "/invite" in told
    assert "not_in_channel" not in told, "said in words, without Slack's error code"


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


# --- text reads as typed -----------------------------------------------------------------------------

TYPED = "x < y && y > z"
ONCE_ESCAPED = "x &lt; y &amp;&amp; y &gt; z"


def assert_escaped_once(dump: str) -> None:
    for twice in ("&amp;lt;", "&amp;gt;", "&amp;amp;"):
        assert twice not in dump, f"escaped twice: {twice}"


def test_slash_command_text_is_stored_as_typed_and_posted_escaped_once(ws: LocalWorkspace) -> None:
    ola = ws.user_id("ola")
    share(ws, "ola", "general", f"{TYPED} #math")
    [call] = [c for c in ws.standin.calls if c.method == "chat.postMessage"]
    [lesson] = lessons_in_db(ws)
    assert lesson.text == f"{TYPED} #math"
    assert lesson.tags_text == "math"
    message = last_bot_message(ws, "general")
    lesson_section = message.blocks[0]["text"]["text"]
    assert lesson_section == f":bulb: *Lesson learned*\n{ONCE_ESCAPED} #math"
    assert message.text == f"Lesson learned: {ONCE_ESCAPED} #math"
    assert json.dumps(message.blocks).count(ONCE_ESCAPED) == 1
    assert_escaped_once(json.dumps(call.args))
    # Search results and "mine" show it the same way.
    share(ws, "ola", "general", "search math")
    share(ws, "ola", "general", "mine")
    shown = texts(ws, ola)
    assert shown.count(ONCE_ESCAPED) == 2
    assert_escaped_once(shown)
    assert TYPED not in shown, "never raw: < and > would be markup"


def test_save_as_lesson_reads_slack_markup_as_the_person_sees_it_and_pings_nobody(ws: LocalWorkspace) -> None:
    ingrid, per, kari = ws.user_id("ingrid"), ws.user_id("per"), ws.user_id("kari")
    channel, platform = ws.channel_id("general"), ws.channel_id("team-platform")
    wire = f"{ONCE_ESCAPED} <@{per}> <#{platform}|team> <!here> <https://example.com|docs>"
    message, _ = ws.driver.user_says(ingrid, channel, wire, send=())
    ws.driver.message_shortcut(kari, channel, message, LessonCallback.SAVE_MESSAGE_SHORTCUT)
    ws.settle()
    [view] = ws.standin.views_for(kari)
    field = next(b for b in view.blocks if b.get("block_id") == LessonBlock.TEXT)
    expected = f"{TYPED} @per #team @here docs (https://example.com)"
    assert field["element"]["initial_value"] == expected
    ws.driver.submit_view(kari, view.id, {LessonBlock.OPTIONS: [LessonOption.POST_HERE]})
    ws.settle()
    [lesson] = lessons_in_db(ws)
    assert lesson.text == expected
    posted = last_bot_message(ws, "general")
    assert posted.blocks[0]["text"]["text"] == f":bulb: *Lesson learned*\n{escape(expected)}"
    sent = everything_sent(ws)
    assert_escaped_once(sent)
    for ping in (f"<@{per}>", f"<@{ingrid}>", "<!here>", f"<#{platform}"):
        assert ping not in sent
    assert "<!" not in sent
    # The only mention is the byline of whoever saved it.
    assert sent.count("<@") == sent.count(f"<@{kari}>")


def test_saving_the_bots_own_lesson_post_doubles_nothing(ws: LocalWorkspace) -> None:
    kari = ws.user_id("kari")
    share(ws, "ola", "general", f"{TYPED} #math")
    post = last_bot_message(ws, "general")
    assert post.text == f"Lesson learned: {ONCE_ESCAPED} #math", "the wire text of the bot's post"
    ws.driver.message_shortcut(kari, ws.channel_id("general"), post, LessonCallback.SAVE_MESSAGE_SHORTCUT)
    ws.settle()
    [view] = ws.standin.views_for(kari)
    field = next(b for b in view.blocks if b.get("block_id") == LessonBlock.TEXT)
    assert field["element"]["initial_value"] == f"Lesson learned: {TYPED} #math"
    ws.driver.submit_view(kari, view.id, {LessonBlock.OPTIONS: [LessonOption.POST_HERE]})
    ws.settle()
    first, second = lessons_in_db(ws)
    assert first.text == f"{TYPED} #math"
    assert second.text == f"Lesson learned: {first.text}", "the texts match: nothing doubled"
    again = last_bot_message(ws, "general")
    assert again.ts != post.ts
    assert again.blocks[0]["text"]["text"] == f":bulb: *Lesson learned*\nLesson learned: {ONCE_ESCAPED} #math"
    assert_escaped_once(everything_sent(ws))


# --- defensive payloads --------------------------------------------------------------------------------


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert errors == [], [r.getMessage() for r in errors]
    assert "Traceback" not in caplog.text


def vote_rows(ws: LocalWorkspace) -> int:
    with ws.deps.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Vote)) or 0)


@pytest.mark.parametrize("value", ["abc", "1.5e3", "1" * 23, "-1", "", "0", "99999"])
def test_a_vote_whose_value_is_no_lesson_id_is_answered_not_crashed(
    ws: LocalWorkspace, caplog: pytest.LogCaptureFixture, value: str
) -> None:
    share(ws, "ola", "general", "Write the rollback plan before the rollout")
    message = last_bot_message(ws, "general")
    kari = ws.user_id("kari")
    for action_id in (LessonAction.USEFUL, LessonAction.APPLIED):
        response = ws.driver.click(kari, action_id=action_id, value=value, message=message)
        assert response.status == 200 and response.ok
    ws.settle()
    assert vote_rows(ws) == 0
    told = [e.text for e in ws.standin.ephemerals(user=kari)]
    assert told == ["That lesson has been deleted."] * 2
    assert button_labels(last_bot_message(ws, "general")) == ["👍 Useful · 0", "✅ I applied this · 0"]
    no_tracebacks(caplog)


def test_a_vote_payload_of_the_wrong_shape_is_ignored_in_one_line(
    ws: LocalWorkspace, caplog: pytest.LogCaptureFixture
) -> None:
    share(ws, "ola", "general", "Write the rollback plan before the rollout")
    message = last_bot_message(ws, "general")
    kari = ws.user_id("kari")
    base = {
        "type": "block_actions",
        "user": ws.driver._user(kari),
        "team": ws.driver._team(),
        "api_app_id": ws.standin.app_id,
        "container": {"type": "message", "message_ts": message.ts, "channel_id": message.channel},
        "channel": {"id": message.channel},
    }
    for action in (
        {"action_id": LessonAction.USEFUL, "type": "button", "value": 1},  # a number, not text
        {"action_id": LessonAction.USEFUL, "type": "button", "value": ["1"]},
        {"action_id": LessonAction.APPLIED, "type": "button", "value": "x" * 3000},
    ):
        assert ws.driver._send_payload({**base, "actions": [action]}).status == 200
    assert ws.driver._send_payload(
        {**base, "user": "kari", "actions": [{"action_id": "lesson_vote_useful"}]}
    ).ok
    ws.settle()
    assert vote_rows(ws) == 0
    no_tracebacks(caplog)
    assert "could not be read" in caplog.text


def submission(ws: LocalWorkspace, user_id: str, view: dict[str, object]) -> dict[str, object]:
    return {
        "type": "view_submission",
        "team": ws.driver._team(),
        "user": ws.driver._user(user_id),
        "api_app_id": ws.standin.app_id,
        "view": {"id": "V0FORGED", "type": "modal", "callback_id": LessonCallback.MODAL, **view},
    }


def text_state(value: object) -> dict[str, object]:
    return {"values": {LessonBlock.TEXT: {LessonAction.TEXT: {"type": "plain_text_input", "value": value}}}}


@pytest.mark.parametrize(
    "view",
    [
        pytest.param({"state": {"values": "not an object"}}, id="values-a-string"),
        pytest.param({"state": {"values": ["x"]}}, id="values-a-list"),
        pytest.param({"state": "nothing"}, id="state-a-string"),
        pytest.param({"state": {"values": {LessonBlock.TEXT: "typed"}}}, id="block-a-string"),
        pytest.param({"state": text_state(["a lesson in a list"])}, id="text-a-list"),
        pytest.param({"state": text_state(True)}, id="text-a-bool"),
        pytest.param({"state": text_state(None), "private_metadata": 42}, id="metadata-a-number"),
        pytest.param({"state": text_state(""), "private_metadata": "{not json"}, id="metadata-not-json"),
    ],
)
def test_a_malformed_form_submission_stores_nothing_and_says_what_is_missing(
    ws: LocalWorkspace, caplog: pytest.LogCaptureFixture, view: dict[str, object]
) -> None:
    kari = ws.user_id("kari")
    response = ws.driver._send_payload(submission(ws, kari, view))
    assert response.status == 200
    assert response.json == {
        "response_action": "errors",
        "errors": {LessonBlock.TEXT: "Please write what happened and what you learned."},
    }
    ws.settle()
    assert lessons_in_db(ws) == []
    no_tracebacks(caplog)


@pytest.mark.parametrize(
    "metadata",
    [42, "{not json", "[1, 2]", '{"c": 5, "l": ["x"], "p": "x7"}', '{"c": "#general", "p": true}', None],
)
def test_a_form_with_unreadable_metadata_still_keeps_what_was_typed(
    ws: LocalWorkspace, caplog: pytest.LogCaptureFixture, metadata: object
) -> None:
    """Nothing typed is lost: without its metadata the lesson is saved, unlinked and not posted."""
    kari = ws.user_id("kari")
    view = {"state": text_state("Keep the typed lesson"), "private_metadata": metadata}
    response = ws.driver._send_payload(submission(ws, kari, view))
    assert response.status == 200 and not response.body.strip()
    ws.settle()
    [lesson] = lessons_in_db(ws)
    assert lesson.text == "Keep the typed lesson"
    assert (lesson.channel_id, lesson.source_link, lesson.prompt_post_id) == (None, None, None)
    assert bot_messages(ws, "general") == []
    assert f"Lesson #{lesson.id} is saved" in json.dumps(
        [c.args for c in ws.standin.calls_to("chat.postMessage")]
    ), "confirmed by DM"
    no_tracebacks(caplog)


@pytest.mark.parametrize(
    "item",
    [
        pytest.param("C0GENERAL/1700000000.000100", id="item-a-string"),
        pytest.param(None, id="no-item"),
        pytest.param({"type": "message", "channel": "C1", "ts": "soon"}, id="ts-not-a-ts"),
        pytest.param({"type": "message", "channel": ["C1"], "ts": "1700000000.000100"}, id="channel-a-list"),
        pytest.param({"type": "file", "file": "F1"}, id="on-a-file"),
    ],
)
def test_a_reaction_event_of_the_wrong_shape_is_ignored(
    ws: LocalWorkspace, caplog: pytest.LogCaptureFixture, item: object
) -> None:
    share(ws, "ola", "general", "Small pull requests get reviewed the same day")
    event = {"type": "reaction_added", "user": ws.user_id("per"), "reaction": "+1", "event_ts": "1.0"}
    if item is not None:
        event["item"] = item
    assert ws.driver.event(event).status == 200
    assert ws.driver.event({**event, "type": "reaction_removed", "user": "per"}).status == 200
    ws.settle()
    assert vote_rows(ws) == 0
    no_tracebacks(caplog)


@pytest.mark.parametrize("message", [None, "a message as a string", {"ts": "soon"}])
def test_a_shortcut_without_a_message_opens_nothing(
    ws: LocalWorkspace, caplog: pytest.LogCaptureFixture, message: object
) -> None:
    kari, channel = ws.user_id("kari"), ws.channel_id("general")
    payload: dict[str, object] = {
        "type": "message_action",
        "callback_id": LessonCallback.SAVE_MESSAGE_SHORTCUT,
        "team": ws.driver._team(),
        "user": ws.driver._user(kari),
        "channel": {"id": channel, "name": "general"},
        "trigger_id": ws.standin.new_trigger_id(kari),
    }
    if message is not None:
        payload["message"] = message
    assert ws.driver._send_payload(payload).status == 200
    ws.settle()
    assert ws.standin.views_for(kari) == []
    assert lessons_in_db(ws) == []
    no_tracebacks(caplog)
    assert "without a message" in caplog.text
