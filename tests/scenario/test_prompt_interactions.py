"""A weekly prompt in a channel, and the ways to answer it: a thread reply, the "Share a lesson"
button, and a :raised_hand: for a reminder DM. A reply becomes a lesson only when it reads as one,
with the visibility of the prompt's channel, and its author can take it back.

The weekly job (bot.rhythm.jobs, which claims and posts prompts on schedule) is simulated here: a
ScheduledPost row, the prompt view, and chat.postMessage, as the job does them.
"""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import select

import scheduler
from bot.core.i18n import translator
from bot.lessons.data import TEXT_MAX
from bot.lessons.ids import LessonBlock, LessonCallback, LessonOption
from bot.lessons.views import parse_metadata
from bot.rhythm import flows
from bot.rhythm.ids import RhythmAction, RhythmBlock
from bot.rhythm.prompts import next_prompt
from bot.rhythm.views import prompt_message
from localslack.standin import Ephemeral, Message
from localslack.workspace import LocalWorkspace
from storage.lessons.models import Lesson
from storage.lessons.visibility import CHANNEL, PENDING, WORKSPACE
from storage.rhythm.models import CustomPrompt, PromptReply, ScheduledPost
from tests.scenario.helpers import button_labels, everything_sent, last_bot_message

ABSENT = object()  # a field left out of a payload


def post_prompt(
    ws: LocalWorkspace, channel: str = "team-platform", language: str = "en", *, channel_id: str | None = None
) -> tuple[int, Message]:
    """What the weekly job does when a prompt is due: claim the week, pick the question, post, record."""
    channel_id = channel_id or ws.channel_id(channel)
    now = ws.deps.clock.now()
    with ws.deps.db.session() as session:
        choice = next_prompt(session, ws.standin.team_id, channel_id, language)
        post = ScheduledPost(
            team_id=ws.standin.team_id,
            channel_id=channel_id,
            kind="prompt",
            week="2026-W10",
            status="claimed",
            due_at=now,
            claimed_by="test-runner",
            claimed_at=now,
            attempts=1,
            prompt_key=choice.key,
        )
        session.add(post)
        session.flush()
        post_id = post.id
    rendered = prompt_message(translator(language), choice.text, post_id)
    response = ws.deps.slack.client(ws.standin.team_id).chat_postMessage(
        channel=channel_id, text=rendered.text, blocks=rendered.blocks
    )
    with ws.deps.db.session() as session:
        row = session.get(ScheduledPost, post_id)
        assert row is not None
        row.status, row.message_ts, row.posted_at = "posted", str(response["ts"]), now
    message = ws.standin.message(channel_id, str(response["ts"]))
    assert message is not None
    return post_id, message


def lessons_in_db(ws: LocalWorkspace) -> list[Lesson]:
    with ws.deps.db.session() as session:
        return list(session.scalars(select(Lesson).order_by(Lesson.id)))


def undo_button(note: Ephemeral) -> dict[str, object]:
    [button] = [
        element
        for block in note.blocks
        if block.get("block_id") == RhythmBlock.SAVED_ACTIONS
        for element in block["elements"]
    ]
    assert button["action_id"] == RhythmAction.UNDO_REPLY
    assert button["text"]["text"] == "Undo: don't keep this as a lesson"
    return dict(button)


def reply(ws: LocalWorkspace, user: str, prompt: Message, text: str) -> Message:
    message, responses = ws.driver.user_says(
        ws.user_id(user), prompt.channel, text, prompt.ts, send=("message",)
    )
    assert all(r.ok for r in responses)
    ws.settle()
    return message


def test_the_prompt_message_asks_the_question_and_offers_three_ways_to_answer(ws: LocalWorkspace) -> None:
    post_id, prompt = post_prompt(ws)
    question = "What worked well for you this week that others could try too?"
    assert prompt.text == f"This week's question: {question}"
    assert prompt.blocks[0]["type"] == "header"
    dumped = json.dumps(prompt.blocks)
    assert question in dumped and "Reply in this thread" in dumped and ":raised_hand:" in dumped
    assert button_labels(prompt) == ["Share a lesson"]
    [actions] = [b for b in prompt.blocks if b.get("block_id") == RhythmBlock.PROMPT_ACTIONS]
    assert actions["elements"][0]["value"] == str(post_id)
    assert actions["elements"][0]["action_id"] == RhythmAction.SHARE_FROM_PROMPT


def test_an_admins_own_question_is_escaped_in_the_prompt(ws: LocalWorkspace) -> None:
    with ws.deps.db.session() as session:
        session.add(
            CustomPrompt(
                team_id=ws.standin.team_id,
                language="en",
                text="Who saved the day? <!channel> <@U0KARI>",
                created_by=ws.user_id("kari"),
                created_at=ws.deps.clock.now(),
                removed=False,
            )
        )
    _, prompt = post_prompt(ws)
    assert "&lt;!channel&gt;" in prompt.text and "<!channel>" not in everything_sent(ws)


def test_a_thread_reply_becomes_a_lesson_linked_to_the_prompt_and_gets_a_reaction(ws: LocalWorkspace) -> None:
    post_id, prompt = post_prompt(ws)
    kari, ola = ws.user_id("kari"), ws.user_id("ola")
    answer = reply(
        ws, "ola", prompt, f"<@{kari}> showed me how to read the flame graph &amp; it paid off #perf"
    )
    [lesson] = lessons_in_db(ws)
    assert lesson.prompt_post_id == post_id
    assert lesson.channel_id == prompt.channel and lesson.message_ts is None
    assert lesson.author_id == ola and not lesson.anonymous
    assert lesson.text == "@kari showed me how to read the flame graph & it paid off #perf"
    assert lesson.tags_text == "perf"
    assert lesson.source_link and answer.ts.replace(".", "") in lesson.source_link
    assert lesson.visibility == WORKSPACE, "a public channel's answer is the workspace's"
    current = ws.standin.message(prompt.channel, answer.ts)
    assert current is not None and current.reactions.get("white_check_mark") == [ws.standin.bot_user_id]
    # Beside the ✅, a note only Ola sees: who can find the lesson, and a way to take it back.
    [note] = ws.standin.ephemerals(user=ola)
    assert note.thread_ts == prompt.ts and note.channel == prompt.channel
    assert f"I saved your reply as lesson #{lesson.id}." in note.text
    assert "Everyone in this workspace can find it with /lesson search." in note.text
    assert undo_button(note)["value"] == str(lesson.id)
    assert [e.user for e in ws.standin.ephemerals()] == [ola], "nobody else sees it"


def test_a_retried_or_repeated_reply_event_saves_one_lesson(ws: LocalWorkspace) -> None:
    _, prompt = post_prompt(ws)
    ola = ws.user_id("ola")
    answer = ws.standin.user_post_message(ola, prompt.channel, "Write the rollback plan first", prompt.ts)
    event = ws.driver.message_event(ola, prompt.channel, answer.text, answer.ts, prompt.ts)
    assert ws.driver.event(event, event_id="EvREPLY1").ok
    ws.settle()
    assert ws.driver.event(event, event_id="EvREPLY1", retry_num=1, retry_reason="http_timeout").ok
    # The same reply delivered again under another event id (say, a replayed delivery).
    assert ws.driver.event(event, event_id="EvREPLY2").ok
    ws.settle()
    assert [lesson.text for lesson in lessons_in_db(ws)] == ["Write the rollback plan first"]
    assert len(ws.standin.calls_to("reactions.add")) == 1


def test_other_messages_are_answered_and_ignored(ws: LocalWorkspace) -> None:
    _, prompt = post_prompt(ws)
    ola, channel = ws.user_id("ola"), prompt.channel
    top, responses = ws.driver.user_says(ola, channel, "Lunch at noon?", send=("message",))
    assert all(r.ok for r in responses)
    reply(ws, "kari", top, "Sure, see you there")  # a thread, but not a prompt's
    edited = {
        "type": "message",
        "subtype": "message_changed",
        "channel": channel,
        "ts": "1772438999.000100",
        "message": {"type": "message", "user": ola, "text": "edited", "ts": top.ts},
        "event_ts": "1772438999.000100",
        "channel_type": "channel",
    }
    assert ws.driver.event(edited).status == 200
    bot_reply = ws.driver.message_event(ola, channel, "a bot's reply", "1772439000.000100", prompt.ts)
    bot_reply["bot_id"] = "BOTHER01"
    assert ws.driver.event(bot_reply).status == 200
    ws.settle()
    assert lessons_in_db(ws) == []
    assert ws.standin.calls_to("reactions.add") == []


def test_a_reply_that_cannot_be_a_lesson_is_explained_in_the_thread_with_the_text(ws: LocalWorkspace) -> None:
    post_id, prompt = post_prompt(ws)
    ola = ws.user_id("ola")
    reply(ws, "ola", prompt, "CI")
    [note] = ws.standin.ephemerals(user=ola)
    assert note.thread_ts == prompt.ts
    assert "could not save your reply" in note.text and "at least 3 characters" in note.text
    long_text = "We learned a lot &lt;3 &amp; more. " * 100  # as Slack encodes "<3 & more"
    reply(ws, "ola", prompt, long_text)
    note = ws.standin.ephemerals(user=ola)[-1]
    assert "under 2000 characters" in note.text
    shown = "".join(b["text"]["text"] for b in note.blocks if b["type"] == "section")
    assert shown.count("We learned a lot &lt;3 &amp; more.") == 100, "every character comes back, escaped"
    assert len("We learned a lot <3 & more. " * 100) > TEXT_MAX
    assert lessons_in_db(ws) == []
    assert "Share a lesson" in json.dumps(note.blocks)
    [button] = [b for b in note.blocks if b.get("block_id") == RhythmBlock.NOTE_ACTIONS]
    assert button["elements"][0]["value"] == str(post_id)


def test_a_raised_hand_gets_a_reminder_dm_with_the_button(ws: LocalWorkspace) -> None:
    post_id, prompt = post_prompt(ws)
    per = ws.user_id("per")
    ws.standin.add_member(prompt.channel, per)
    assert ws.driver.user_reacts(per, prompt.channel, prompt.ts, "raised_hand").ok
    ws.settle()
    dm = ws.standin.im_channel(per)
    [reminder] = [m for m in ws.standin.messages(dm) if m.user == ws.standin.bot_user_id]
    assert f"<#{prompt.channel}>" in reminder.text
    assert "What worked well for you this week" in json.dumps(reminder.blocks)
    assert button_labels(reminder) == ["Share a lesson"]

    # Other reactions on the prompt, and a raised hand elsewhere, send nothing.
    ws.driver.user_reacts(per, prompt.channel, prompt.ts, "tada")
    other, _ = ws.driver.user_says(per, prompt.channel, "hello", send=())
    ws.driver.user_reacts(ws.user_id("ola"), prompt.channel, other.ts, "hand")
    ws.settle()
    assert len(ws.standin.calls_to("chat.postMessage")) == 2, "the prompt and one reminder"

    # The DM's button opens the form for that prompt; the lesson goes to the prompt's channel.
    ws.driver.click(per, action_id=RhythmAction.SHARE_FROM_NOTE, message=reminder)
    ws.settle()
    [view] = ws.standin.views_for(per)
    assert view.callback_id == LessonCallback.MODAL
    meta = parse_metadata(view.private_metadata)
    assert (meta.channel_id, meta.prompt_post_id) == (prompt.channel, post_id)
    ws.driver.submit_view(per, view.id, {LessonBlock.TEXT: "Ask the customer to show, not tell"})
    ws.settle()
    [lesson] = lessons_in_db(ws)
    assert lesson.prompt_post_id == post_id and lesson.channel_id == prompt.channel
    assert lesson.message_ts == last_bot_message(ws, "team-platform").ts


def test_the_share_button_opens_the_form_and_posts_the_lesson_in_the_channel(ws: LocalWorkspace) -> None:
    post_id, prompt = post_prompt(ws)
    ola = ws.user_id("ola")
    response = ws.driver.click(ola, action_id=RhythmAction.SHARE_FROM_PROMPT, message=prompt)
    assert response.ok
    ws.settle()
    [view] = ws.standin.views_for(ola)
    options = next(b for b in view.blocks if b.get("block_id") == LessonBlock.OPTIONS)
    ticked = [o["value"] for o in options["element"]["initial_options"]]
    assert ticked == [LessonOption.POST_HERE], "posting in the prompt's channel is the default"
    ws.driver.submit_view(
        ola,
        view.id,
        {LessonBlock.TEXT: "Small pull requests get reviewed the same day", LessonBlock.TAGS: "review"},
    )
    ws.settle()
    [lesson] = lessons_in_db(ws)
    assert lesson.prompt_post_id == post_id
    message = last_bot_message(ws, "team-platform")
    assert message.ts == lesson.message_ts and "Small pull requests" in json.dumps(message.blocks)


def test_a_button_for_a_prompt_that_is_gone_says_so(ws: LocalWorkspace) -> None:
    post_id, prompt = post_prompt(ws)
    with ws.deps.db.session() as session:
        row = session.get(ScheduledPost, post_id)
        assert row is not None
        session.delete(row)
    ola = ws.user_id("ola")
    assert ws.driver.click(ola, action_id=RhythmAction.SHARE_FROM_PROMPT, message=prompt).ok
    ws.settle()
    assert ws.standin.views_for(ola) == []
    dm = [m for m in ws.standin.messages(ws.standin.im_channel(ola)) if m.user == ws.standin.bot_user_id]
    assert dm and "cannot find that weekly question" in dm[-1].text


def test_a_reply_is_stored_as_typed_whatever_slack_sends_on_the_wire(ws: LocalWorkspace) -> None:
    _, prompt = post_prompt(ws)
    # What Slack sends when someone types `Check that x < y && y > z before the loop`.
    reply(ws, "ola", prompt, "Check that x &lt; y &amp;&amp; y &gt; z before the loop")
    [lesson] = lessons_in_db(ws)
    assert lesson.text == "Check that x < y && y > z before the loop"
    assert "x &amp;lt;" not in everything_sent(ws), "never escaped twice"


# --- only what reads as a lesson is kept, and it can be taken back -------------------------------------


@pytest.mark.parametrize(
    "chatter",
    [
        "Great question!",
        "Takk!",
        "+1",
        "Enig",
        ":+1:",
        "👍👍",
        "Thanks a lot!",
        "Tusen takk for et godt spørsmål!",
    ],
)
def test_thanks_and_agreement_in_the_thread_are_left_alone(ws: LocalWorkspace, chatter: str) -> None:
    _, prompt = post_prompt(ws)
    ws.driver.user_types(ws.user_id("ola"), prompt.channel, chatter, prompt.ts, send=("message",))
    ws.settle()
    assert lessons_in_db(ws) == []
    assert ws.standin.calls_to("reactions.add") == []
    assert ws.standin.ephemerals() == [], "conversation is not nagged about"


def test_a_reply_that_is_not_yet_a_sentence_is_explained_with_the_text_back(ws: LocalWorkspace) -> None:
    post_id, prompt = post_prompt(ws)
    ola = ws.user_id("ola")
    reply(ws, "ola", prompt, "Test in prod")
    assert lessons_in_db(ws) == [] and ws.standin.calls_to("reactions.add") == []
    [note] = ws.standin.ephemerals(user=ola)
    assert note.thread_ts == prompt.ts
    assert "A lesson needs at least a short sentence (3 words or more)." in note.text
    assert "Test in prod" in json.dumps(note.blocks)
    [button] = [b for b in note.blocks if b.get("block_id") == RhythmBlock.NOTE_ACTIONS]
    assert button["elements"][0]["value"] == str(post_id)
    # A sentence, with thanks around it, is a lesson.
    reply(ws, "ola", prompt, "Great question! Pairing on the deploy made it far less scary")
    assert [lesson.text for lesson in lessons_in_db(ws)] == [
        "Great question! Pairing on the deploy made it far less scary"
    ]


def test_undo_deletes_the_lesson_and_takes_the_check_mark_off(ws: LocalWorkspace) -> None:
    _, prompt = post_prompt(ws)
    ola = ws.user_id("ola")
    answer = ws.standin.user_post_message(
        ola, prompt.channel, "Rotate the on-call pager every week", prompt.ts
    )
    event = ws.driver.message_event(ola, prompt.channel, answer.text, answer.ts, prompt.ts)
    assert ws.driver.event(event, event_id="EvUNDO1").ok
    ws.settle()
    [lesson] = lessons_in_db(ws)
    [note] = ws.standin.ephemerals(user=ola)
    assert ws.driver.click(ola, action_id=RhythmAction.UNDO_REPLY, message=note).ok
    ws.settle()
    assert lessons_in_db(ws) == []
    current = ws.standin.message(prompt.channel, answer.ts)
    assert current is not None and "white_check_mark" not in current.reactions
    assert current.text == "Rotate the on-call pager every week", "the reply itself stays in the thread"
    [replaced] = ws.standin.ephemerals(user=ola)
    assert replaced.text == "Done: your reply is no longer kept as a lesson. It stays in the thread."
    assert RhythmAction.UNDO_REPLY not in json.dumps(replaced.blocks), "nothing left to click"
    # Slack delivering the reply again does not bring the lesson back.
    assert ws.driver.event(event, event_id="EvUNDO2").ok
    ws.settle()
    assert lessons_in_db(ws) == []
    with ws.deps.db.session() as session:
        marker = session.get(PromptReply, (ws.standin.team_id, prompt.channel, answer.ts))
        assert marker is not None and marker.lesson_id is None
    assert lesson.id not in [row.id for row in lessons_in_db(ws)]


def test_only_the_replier_can_take_a_reply_back(ws: LocalWorkspace) -> None:
    _, prompt = post_prompt(ws)
    reply(ws, "ola", prompt, "Rotate the on-call pager every week")
    [lesson] = lessons_in_db(ws)
    team = ws.standin.team_id
    said = flows.undo_reply(ws.deps, team_id=team, user_id=ws.user_id("kari"), lesson_id=lesson.id)
    assert said == "Only the person who wrote a reply can take it back."
    assert [row.id for row in lessons_in_db(ws)] == [lesson.id]
    # A lesson that did not come from a reply, or is gone, is no reply to take back.
    assert flows.undo_reply(ws.deps, team_id=team, user_id=ws.user_id("ola"), lesson_id=lesson.id + 99) == (
        "That lesson is already gone."
    )
    assert flows.undo_reply(ws.deps, team_id=team, user_id=ws.user_id("ola"), lesson_id=None) == (
        "That lesson is already gone."
    )


def test_a_reply_in_a_private_channel_is_for_its_members(ws: LocalWorkspace) -> None:
    kari, ola = ws.user_id("kari"), ws.user_id("ola")
    # A private channel with a C… id, as new private channels have: Slack says what it is.
    secret = ws.standin.add_channel(
        "incident-review", id="C0PRIVATE1", is_private=True, members=[kari, ola, ws.standin.bot_user_id]
    )
    _, prompt = post_prompt(ws, channel_id=secret.id)
    reply(ws, "ola", prompt, "Write the timeline while people still remember it")
    [lesson] = lessons_in_db(ws)
    assert (lesson.visibility, lesson.channel_id) == (CHANNEL, secret.id)
    [note] = ws.standin.ephemerals(user=ola)
    assert f"Members of <#{secret.id}> can find it with /lesson search." in note.text


def test_a_reply_slack_cannot_place_yet_is_the_authors_until_it_is_settled(ws: LocalWorkspace) -> None:
    _, prompt = post_prompt(ws)
    ola = ws.user_id("ola")
    ws.standin.fail("conversations.info", error="fatal_error", status=200)  # Slack cannot say, once
    reply(ws, "ola", prompt, "Keep the status page in the incident channel topic")
    [lesson] = lessons_in_db(ws)
    assert lesson.visibility == PENDING
    [note] = ws.standin.ephemerals(user=ola)
    assert (
        f"For now only you can find it: Slack could not tell me yet who reads <#{prompt.channel}>."
        in note.text
    )
    scheduler.run_maintenance(ws.deps)  # every ten minutes, and at start-up
    [lesson] = lessons_in_db(ws)
    assert lesson.visibility == WORKSPACE


# --- payloads that are not what Slack sends: a 200, nothing stored, no traceback -------------------------


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert errors == [], [r.getMessage() for r in errors]


def test_share_buttons_with_values_that_are_no_prompt_id(
    ws: LocalWorkspace, caplog: pytest.LogCaptureFixture
) -> None:
    _, prompt = post_prompt(ws)
    ola = ws.user_id("ola")
    for value in ("abc", "1.5e3", "1" * 23, "-1", "", "0"):
        for action_id in (RhythmAction.SHARE_FROM_PROMPT, RhythmAction.SHARE_FROM_NOTE):
            if action_id is RhythmAction.SHARE_FROM_NOTE:
                continue  # the prompt carries only the prompt's button; the note's is checked below
            response = ws.driver.click(ola, action_id=action_id, message=prompt, value=value)
            assert response.status == 200, (value, response)
    ws.settle()
    assert ws.standin.views_for(ola) == [], "no form for a prompt that is not one"
    assert lessons_in_db(ws) == []
    dm = [m for m in ws.standin.messages(ws.standin.im_channel(ola)) if m.user == ws.standin.bot_user_id]
    assert dm and all("cannot find that weekly question" in m.text for m in dm)
    # A click without a user or team is no click at all.
    payload = {
        "type": "block_actions",
        "team": {"id": ws.standin.team_id},
        "user": {"id": "not an id"},
        "actions": [{"action_id": RhythmAction.SHARE_FROM_NOTE, "value": "1"}],
    }
    assert ws.driver._send_payload(payload).status == 200
    ws.settle()
    assert ws.executor.errors == []
    no_tracebacks(caplog)


def test_message_events_that_cannot_be_read_are_ignored(
    ws: LocalWorkspace, caplog: pytest.LogCaptureFixture
) -> None:
    _, prompt = post_prompt(ws)
    ola = ws.user_id("ola")

    def reply_event(**changes: object) -> dict[str, object]:
        event = ws.driver.message_event(
            ola, prompt.channel, "A reply worth keeping", "1772440000.000100", prompt.ts
        )
        event.update(changes)
        return {k: v for k, v in event.items() if v is not ABSENT}

    for event in (
        reply_event(ts=None),
        reply_event(ts=ABSENT),
        reply_event(ts="yesterday"),
        reply_event(channel="general"),
        reply_event(channel=None),
        reply_event(text=["not", "a", "string"]),
        reply_event(text={"type": "rich_text"}),
        reply_event(thread_ts=12345),
    ):
        assert ws.driver.event(event).status == 200, event
    ws.settle()
    assert lessons_in_db(ws) == []
    assert ws.standin.calls_to("reactions.add") == []
    assert ws.executor.errors == []
    no_tracebacks(caplog)
    assert any("could not be read" in r.getMessage() for r in caplog.records), "said in one line"


def test_reactions_that_are_not_on_a_message_are_ignored(
    ws: LocalWorkspace, caplog: pytest.LogCaptureFixture
) -> None:
    _, prompt = post_prompt(ws)
    per = ws.user_id("per")
    for item in ("a string", None, 7, {"type": "message", "channel": prompt.channel, "ts": None}):
        event = ws.driver.reaction_event(True, per, "raised_hand", prompt.channel, prompt.ts)
        event["item"] = item
        assert ws.driver.event(event).status == 200, item
    event = ws.driver.reaction_event(True, per, "raised_hand", prompt.channel, prompt.ts)
    event["user"] = None
    assert ws.driver.event(event).status == 200
    ws.settle()
    assert [
        m for m in ws.standin.messages(ws.standin.im_channel(per)) if m.user == ws.standin.bot_user_id
    ] == []
    assert ws.executor.errors == []
    no_tracebacks(caplog)
