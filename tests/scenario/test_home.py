"""App Home end to end, for a member: published on app_home_opened (in the person's language, valid
Block Kit, within 100 blocks), its buttons, and refreshed after what changes it — only for people who
have opened it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.home.ids import HomeAction
from bot.lessons.ids import LessonCallback
from bot.mentoring.ids import MentorAction, MentorBlock, MentorCallback
from bot.mentoring.jobs import run_due_mentoring
from localslack.standin import OpenView
from localslack.workspace import LocalWorkspace
from storage.core.models import OutboxEffect
from storage.home.models import HomeView
from storage.mentoring.models import MentorRequest, Mentorship
from tests.scenario.helpers import last_bot_message

HOME_BLOCKS_MAX = 100


# --- reading a Home ---------------------------------------------------------------------------------------


def _texts(node: Any, out: list[str]) -> None:
    if isinstance(node, dict):
        if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
            out.append(node["text"])
        for key, value in node.items():
            if key != "text" or not isinstance(value, str):
                _texts(value, out)
    elif isinstance(node, list):
        for value in node:
            _texts(value, out)


def text_of(blocks: list[dict[str, Any]]) -> str:
    found: list[str] = []
    _texts(blocks, found)
    return "\n".join(found)


def open_home(ws: LocalWorkspace, user: str) -> OpenView:
    """`user` opens Erfaring's Home tab; the Home as published (after the outbox delivered it)."""
    response = ws.driver.open_home(ws.user_id(user))
    assert response.ok and response.elapsed < 3, response
    ws.settle()
    home = ws.standin.home_view(ws.user_id(user))
    assert home is not None, f"no Home was published for {user}"
    assert len(home.blocks) <= HOME_BLOCKS_MAX
    return home


def home(ws: LocalWorkspace, user: str) -> OpenView:
    found = ws.standin.home_view(ws.user_id(user))
    assert found is not None
    return found


def home_text(ws: LocalWorkspace, user: str) -> str:
    return text_of(home(ws, user).blocks)


def actions_in(view: OpenView) -> list[tuple[str, str | None]]:
    """(action_id, value) of every button on a view."""
    found: list[tuple[str, str | None]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "button":
                found.append((str(node.get("action_id")), node.get("value")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(view.blocks)
    return found


def click_home(ws: LocalWorkspace, user: str, action_id: str, value: str | None = None) -> None:
    """Click a button on the person's Home (the one with `value`, when given)."""
    view = home(ws, user)
    buttons = [(a, v) for a, v in actions_in(view) if a == action_id and (value is None or v == value)]
    assert buttons, f"no {action_id} button on {user}'s Home: {actions_in(view)}"
    response = ws.driver.click(ws.user_id(user), action_id=action_id, view_id=view.id, value=buttons[0][1])
    assert response.ok and response.elapsed < 3, response
    ws.settle()


def top_modal(ws: LocalWorkspace, user: str) -> OpenView:
    stack = ws.standin.views_for(ws.user_id(user))
    assert stack, f"no modal is open for {user}"
    return stack[-1]


def share(ws: LocalWorkspace, user: str, text: str, channel: str = "general") -> None:
    assert ws.driver.command(ws.user_id(user), ws.channel_id(channel), "/lesson", text).ok
    ws.settle()


def home_refreshes(ws: LocalWorkspace) -> list[dict[str, Any]]:
    with ws.deps.db.read_session() as session:
        rows = session.scalars(select(OutboxEffect).where(OutboxEffect.kind == "home.refresh")).all()
        return [json.loads(row.payload) for row in rows]


# --- a member's Home --------------------------------------------------------------------------------------


def test_a_member_sees_what_to_do_their_contribution_and_lessons_to_read(ws: LocalWorkspace) -> None:
    share(ws, "ola", "Write the rollback plan before the rollout #deploy")
    share(ws, "kari", "Pair on the first on-call shift #oncall")
    shown = open_home(ws, "ola")
    text = text_of(shown.blocks)
    assert "Erfaring keeps what your colleagues learned" in text
    assert (HomeAction.SHARE_LESSON, None) in actions_in(shown) and (
        HomeAction.FIND_MENTOR,
        None,
    ) in actions_in(shown)
    assert "/lesson search &lt;words&gt;" in text, "the search hint"
    assert "Your contribution" in text and "You shared 1 lesson" in text
    assert "Your mentoring" in text and "Nothing here yet" in text
    # Recent lessons: others' (hers are in her contribution), with the lessons' own 👍 button.
    assert "Pair on the first on-call shift" in text and "Write the rollback plan" not in text
    assert ("lesson_vote_useful", "2") in actions_in(shown)
    assert "Your workspace" not in text and (HomeAction.EDIT_CHANNEL, None) not in actions_in(shown)
    assert shown.view["type"] == "home"


def test_the_home_is_in_the_persons_slack_language(ws: LocalWorkspace) -> None:
    ws.standin.set_locale(ws.user_id("ola"), "nb-NO")
    ws.deps.slack.forget_people()
    text = text_of(open_home(ws, "ola").blocks)
    assert "Erfaring tar vare på det kollegene dine har lært" in text
    assert "Ditt bidrag" in text and "Del en lærdom" in text and "Finn en mentor" in text


def test_only_the_home_tab_is_published_and_only_for_who_opened_it(ws: LocalWorkspace) -> None:
    ola = ws.user_id("ola")
    event = ws.driver.app_home_opened(ola)
    event["tab"] = "messages"
    assert ws.driver.event(event).ok
    ws.settle()
    assert ws.standin.home_view(ola) is None
    # Nobody has opened a Home: a lesson and a vote store no refresh for anyone.
    share(ws, "ola", "Keep the runbook next to the alert #oncall")
    assert ws.driver.click(
        ws.user_id("kari"),
        action_id="lesson_vote_useful",
        message=last_bot_message(ws, ws.channel_id("general")),
    ).ok
    ws.settle()
    assert home_refreshes(ws) == [] and ws.standin.home_view(ola) is None
    with ws.deps.db.read_session() as session:
        assert session.scalars(select(HomeView)).all() == []


def test_a_vote_on_my_lesson_refreshes_my_home(ws: LocalWorkspace) -> None:
    share(ws, "ola", "Keep the runbook next to the alert #oncall")
    assert "👍 0 useful" in text_of(open_home(ws, "ola").blocks)
    post = last_bot_message(ws, ws.channel_id("general"))
    assert ws.driver.click(ws.user_id("kari"), action_id="lesson_vote_useful", message=post).ok
    ws.settle()
    assert "👍 1 useful" in home_text(ws, "ola")
    # The refresh of a Home is one coalesced effect per person, delivered.
    assert {"user": ws.user_id("ola")} in home_refreshes(ws)


def test_my_home_shows_my_new_lesson_once_it_is_posted_or_kept_as_mine(ws: LocalWorkspace) -> None:
    ola, kari = ws.user_id("ola"), ws.user_id("kari")
    assert "You shared 0 lessons" in text_of(open_home(ws, "ola").blocks)
    before = home_refreshes(ws)
    assert ws.driver.command(ola, ws.channel_id("general"), "/lesson", "Rehearse the demo the day before").ok
    # Before the ack only the lesson and its publication are stored; the Home follows the post.
    assert home_refreshes(ws) == before
    ws.settle()
    assert "You shared 1 lesson" in home_text(ws, "ola")
    assert {"user": ola} in home_refreshes(ws)
    # Where the app cannot post (it is not in #leaders) the lesson is kept as its author's, and
    # their Home shows it all the same.
    assert "You shared 0 lessons" in text_of(open_home(ws, "kari").blocks)
    assert ws.driver.command(kari, ws.channel_id("leaders"), "/lesson", "Say no to the fourth priority").ok
    ws.settle()
    assert "You shared 1 lesson" in home_text(ws, "kari")


def test_voting_from_the_home_counts_and_refreshes_both_homes(ws: LocalWorkspace) -> None:
    share(ws, "kari", "Pair on the first on-call shift #oncall")
    open_home(ws, "kari")
    open_home(ws, "ola")
    click_home(ws, "ola", "lesson_vote_useful")
    assert "👍 1 · ✅ 0" in home_text(ws, "ola")
    assert "👍 1 useful" in home_text(ws, "kari")


def test_an_anonymous_lesson_is_counted_for_its_author_and_never_ties_them_to_an_effect(
    ws: LocalWorkspace,
) -> None:
    open_home(ws, "ola")
    open_home(ws, "kari")
    before = home_refreshes(ws)
    share(ws, "ola", "anon Ask for help after thirty minutes, not three hours #help")
    assert home_refreshes(ws) == before, "sharing anonymously stores no refresh with the author's id"
    assert "(1 of them anonymously: only you see this)" in text_of(open_home(ws, "ola").blocks)
    seen = text_of(open_home(ws, "kari").blocks)
    assert "Ask for help after thirty minutes" in seen
    line = next(line for line in seen.splitlines() if "#help" in line and "👍" in line)
    assert "anonymous" in line and "<@" not in line and "<#" not in line


def test_find_a_mentor_then_cancel_the_request_from_the_home(ws: LocalWorkspace) -> None:
    open_home(ws, "ola")
    click_home(ws, "ola", HomeAction.FIND_MENTOR)
    form = top_modal(ws, "ola")
    assert form.callback_id == MentorCallback.REQUEST_MODAL
    assert ws.driver.submit_view(ws.user_id("ola"), form.id, {MentorBlock.REQUEST_TOPIC: "kubernetes"}).ok
    ws.settle()
    text = home_text(ws, "ola")
    assert "You asked for a mentor in *kubernetes*: waiting for a mentor with room" in text
    click_home(ws, "ola", HomeAction.CANCEL_REQUEST)
    text = home_text(ws, "ola")
    assert "Your request for a mentor in *kubernetes* is cancelled." in text
    assert "You asked for a mentor" not in text
    with ws.deps.db.read_session() as session:
        assert session.scalars(select(MentorRequest.status)).all() == ["cancelled"]


def test_share_a_lesson_opens_the_lesson_form(ws: LocalWorkspace) -> None:
    open_home(ws, "ola")
    click_home(ws, "ola", HomeAction.SHARE_LESSON)
    assert top_modal(ws, "ola").callback_id == LessonCallback.MODAL


def test_someone_elses_request_cannot_be_cancelled_from_a_crafted_click(ws: LocalWorkspace) -> None:
    assert ws.driver.command(ws.user_id("ingrid"), ws.channel_id("general"), "/mentor", "request design").ok
    ws.settle()
    open_home(ws, "ola")
    with ws.deps.db.read_session() as session:
        request_id = session.scalars(select(MentorRequest.id)).one()
    view = home(ws, "ola")
    response = ws.driver._send_payload(
        {
            "type": "block_actions",
            "user": {"id": ws.user_id("ola"), "team_id": ws.standin.team_id},
            "team": {"id": ws.standin.team_id},
            "api_app_id": ws.standin.app_id,
            "trigger_id": ws.standin.new_trigger_id(ws.user_id("ola")),
            "container": {"type": "view", "view_id": view.id},
            "view": view.view,
            "actions": [
                {
                    "action_id": HomeAction.CANCEL_REQUEST,
                    "block_id": "x",
                    "type": "button",
                    "value": str(request_id),
                }
            ],
        }
    )
    assert response.ok
    ws.settle()
    assert "That request is no longer open." in home_text(ws, "ola")
    with ws.deps.db.read_session() as session:
        assert session.scalars(select(MentorRequest.status)).all() != ["cancelled"]


def test_a_mentor_answers_an_offer_and_follow_ups_from_the_home(ws: LocalWorkspace) -> None:
    assert ws.driver.command(ws.user_id("kari"), ws.channel_id("general"), "/mentor", "offer testing").ok
    ws.settle()
    open_home(ws, "kari")
    open_home(ws, "ola")
    assert ws.driver.command(ws.user_id("ola"), ws.channel_id("general"), "/mentor", "request testing").ok
    ws.settle()
    text = home_text(ws, "kari")
    assert f"<@{ws.user_id('ola')}> asks you to mentor them in *testing*" in text
    assert f"waiting for <@{ws.user_id('kari')}> to answer" in home_text(ws, "ola")
    click_home(ws, "kari", MentorAction.ACCEPT)
    assert f"You mentor <@{ws.user_id('ola')}> in *testing*" in home_text(ws, "kari")
    assert f"<@{ws.user_id('kari')}> mentors you in *testing*" in home_text(ws, "ola")
    assert all(a != MentorAction.ACCEPT for a, _ in actions_in(home(ws, "kari")))
    # The first check-in (mentoring's job) puts its answers on the Home too; "We're done" ends it.
    ws.clock.advance(timedelta(days=15))  # type: ignore[attr-defined]
    run_due_mentoring(ws.deps, ws.clock.now())
    ws.settle()
    assert (MentorAction.DONE.value, f"{mentorship_id(ws)}:1") in actions_in(home(ws, "ola"))
    click_home(ws, "ola", MentorAction.DONE)
    assert "mentors you in" not in home_text(ws, "ola") and "You mentor" not in home_text(ws, "kari")


def mentorship_id(ws: LocalWorkspace) -> int:
    with ws.deps.db.read_session() as session:
        return int(session.scalars(select(Mentorship.id)).one())


def test_a_crowded_home_stays_within_100_blocks_and_says_how_many_more(ws: LocalWorkspace) -> None:
    for n in range(12):
        share(ws, "kari", f"Lesson number {n} about testing things well #testing")
    for topic in ("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"):
        assert ws.driver.command(
            ws.user_id("kari"), ws.channel_id("general"), "/mentor", f"request topic-{topic}"
        ).ok
    ws.settle()
    for n in range(24):
        channel = ws.standin.add_channel(f"room-{n}", members=[ws.user_id("kari"), ws.standin.bot_user_id])
        assert ws.driver.command(ws.user_id("kari"), channel.id, "/erfaring", "subscribe").ok
    ws.settle()
    shown = open_home(ws, "kari")
    text = text_of(shown.blocks)
    assert len(shown.blocks) <= HOME_BLOCKS_MAX
    assert "and 4 more channels" in text
    assert text.count("You asked for a mentor") == 8 and "and 2 more: `/mentor status` lists them all" in text
