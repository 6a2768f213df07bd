"""App Home for an admin: the workspace's figures and settings, each changed in a modal with the same
validation and admin checks as `/erfaring`; a non-admin who crafts the requests is refused."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.home.ids import STOP_OPTION, HomeAction, HomeBlock, HomeCallback
from bot.mentoring.followups import followup_days
from localslack.workspace import LocalWorkspace
from storage.core import queries as core_queries
from storage.insights.models import Leader
from storage.rhythm.models import CustomPrompt, Subscription
from tests.scenario.test_home import actions_in, click_home, home, home_text, open_home, text_of, top_modal


def erfaring(ws: LocalWorkspace, user: str, channel: str, text: str) -> None:
    assert ws.driver.command(ws.user_id(user), ws.channel_id(channel), "/erfaring", text).ok
    ws.settle()


def subscription(ws: LocalWorkspace, channel: str) -> Subscription | None:
    with ws.deps.db.session() as session:
        return session.scalar(select(Subscription).where(Subscription.channel_id == ws.channel_id(channel)))


def submit(ws: LocalWorkspace, user: str, values: dict[str, object]) -> Any:
    form = top_modal(ws, user)
    response = ws.driver.submit_view(ws.user_id(user), form.id, values)
    assert response.ok and response.elapsed < 3, response
    ws.settle()
    return response


def test_an_admin_sees_the_workspace_each_channel_and_its_next_posts(ws: LocalWorkspace) -> None:
    erfaring(ws, "kari", "general", "subscribe")
    erfaring(ws, "kari", "general", "holidays off")
    shown = open_home(ws, "kari")
    text = text_of(shown.blocks)
    assert "Your workspace" in text and "The workspace: the last 12 weeks" in text
    general = ws.channel_id("general")
    line = next(line for line in text.split("\n\n") if f"<#{general}>" in line)
    assert "question Monday 09:00, digest Friday 14:00 (Europe/Oslo)" in text
    assert "English (workspace default)" in text and "holidays: off" in text
    # Now is Monday 2 March 09:00 in Oslo: the question of this week is out, the digest is Friday's.
    assert "next question Monday 9 March at 09:00, next digest Friday 6 March at 14:00" in text, line
    assert (HomeAction.EDIT_CHANNEL, general) in actions_in(shown)
    assert "Mentoring check-ins: 14 days after a match" in text
    assert "The monthly report goes to: nobody yet" in text


def test_next_posts_skip_a_pause_and_public_holidays(ws: LocalWorkspace) -> None:
    erfaring(ws, "kari", "general", "subscribe")
    erfaring(ws, "kari", "general", "schedule digest thursday 14:00")
    erfaring(ws, "kari", "general", "pause 5")
    text = text_of(open_home(ws, "kari").blocks)
    # Five weeks from now (08:00 UTC): 6 April, 10:00 in Oslo by then (summer time). Thursday 2 April is
    # Maundy Thursday and Monday 6 April Easter Monday in Norway: the next posts are after both.
    assert "Paused until Monday 6 April at 10:00" in text
    assert "next question Monday 13 April at 09:00, next digest Thursday 9 April at 14:00" in text


def test_an_admin_changes_a_channels_settings_in_a_modal(ws: LocalWorkspace) -> None:
    erfaring(ws, "kari", "general", "subscribe")
    open_home(ws, "kari")
    click_home(ws, "kari", HomeAction.EDIT_CHANNEL, ws.channel_id("general"))
    form = top_modal(ws, "kari")
    assert form.callback_id == HomeCallback.CHANNEL
    submit(
        ws,
        "kari",
        {
            HomeBlock.DIGEST_DAY: "3",
            HomeBlock.DIGEST_TIME: "15:30",
            HomeBlock.TIMEZONE: "europe/london",
            HomeBlock.LANGUAGE: "nb",
            HomeBlock.HOLIDAYS: "se",
        },
    )
    sub = subscription(ws, "general")
    assert sub is not None
    assert (sub.digest_weekday, sub.digest_time, sub.timezone, sub.holiday_country) == (
        3,
        "15:30",
        "Europe/London",
        "SE",
    )
    assert (sub.prompt_weekday, sub.prompt_time) == (0, "09:00"), "what was left as it was is unchanged"
    assert ws.deps.languages.channel_own(ws.standin.team_id, ws.channel_id("general")) == "nb"
    text = home_text(ws, "kari")
    assert "The weekly digest now comes every Thursday at 15:30 (Europe/London)." in text
    assert "follows the clock in Europe/London" in text and "No posts on public holidays in SE." in text
    assert "digest Thursday 15:30 (Europe/London)" in text and "holidays: SE" in text
    # Opening the tab again drops the line about the last change.
    assert "The weekly digest now comes" not in text_of(open_home(ws, "kari").blocks)


def test_a_wrong_value_is_refused_on_its_field_and_nothing_changes(ws: LocalWorkspace) -> None:
    erfaring(ws, "kari", "general", "subscribe")
    open_home(ws, "kari")
    click_home(ws, "kari", HomeAction.EDIT_CHANNEL, ws.channel_id("general"))
    response = submit(
        ws, "kari", {HomeBlock.TIMEZONE: "Mars/Olympus", HomeBlock.HOLIDAYS: "xx", HomeBlock.PAUSE: "99"}
    )
    assert response.errors is not None
    assert set(response.errors) == {HomeBlock.TIMEZONE, HomeBlock.HOLIDAYS, HomeBlock.PAUSE}
    assert "Europe/Oslo" in response.errors[HomeBlock.TIMEZONE]
    assert top_modal(ws, "kari").callback_id == HomeCallback.CHANNEL, "the modal stays open"
    sub = subscription(ws, "general")
    assert (
        sub is not None and sub.timezone is None and sub.holiday_country == "NO" and sub.paused_until is None
    )


def test_pausing_and_unsubscribing_in_the_modal(ws: LocalWorkspace) -> None:
    erfaring(ws, "kari", "general", "subscribe")
    open_home(ws, "kari")
    click_home(ws, "kari", HomeAction.EDIT_CHANNEL, ws.channel_id("general"))
    submit(ws, "kari", {HomeBlock.PAUSE: "2"})
    sub = subscription(ws, "general")
    assert sub is not None and sub.paused_until is not None
    assert "Paused for 2 weeks" in home_text(ws, "kari")
    click_home(ws, "kari", HomeAction.EDIT_CHANNEL, ws.channel_id("general"))
    submit(ws, "kari", {HomeBlock.STOP: [STOP_OPTION]})
    sub = subscription(ws, "general")
    assert sub is not None and not sub.active
    text = home_text(ws, "kari")
    assert "is unsubscribed: no more weekly questions or digests here" in text
    assert (HomeAction.EDIT_CHANNEL, ws.channel_id("general")) not in actions_in(home(ws, "kari"))


def test_adding_a_channel_with_the_picker_joins_and_subscribes_it(ws: LocalWorkspace) -> None:
    open_home(ws, "kari")
    click_home(ws, "kari", HomeAction.ADD_CHANNEL)
    assert top_modal(ws, "kari").callback_id == HomeCallback.ADD_CHANNEL
    submit(ws, "kari", {HomeBlock.CHANNEL: ws.channel_id("team-product")})
    assert subscription(ws, "team-product") is not None
    joined = [str(call.args.get("channel")) for call in ws.standin.calls_to("conversations.join")]
    assert ws.channel_id("team-product") in joined
    text = home_text(ws, "kari")
    assert "is subscribed to the weekly rhythm" in text
    assert (HomeAction.EDIT_CHANNEL, ws.channel_id("team-product")) in actions_in(home(ws, "kari"))
    # A private channel the app is not in: the same answer as /erfaring subscribe there.
    click_home(ws, "kari", HomeAction.ADD_CHANNEL)
    submit(ws, "kari", {HomeBlock.CHANNEL: ws.channel_id("leaders")})
    assert subscription(ws, "leaders") is None
    assert "I cannot join" in home_text(ws, "kari") and "/invite @Erfaring" in home_text(ws, "kari")


def test_the_workspace_modal_sets_language_check_ins_and_leaders(ws: LocalWorkspace) -> None:
    open_home(ws, "kari")
    click_home(ws, "kari", HomeAction.WORKSPACE)
    assert top_modal(ws, "kari").callback_id == HomeCallback.WORKSPACE
    response = submit(ws, "kari", {HomeBlock.FOLLOWUP_DAYS: "500"})
    assert response.errors and HomeBlock.FOLLOWUP_DAYS in response.errors
    ola, per = ws.user_id("ola"), ws.user_id("per")
    submit(
        ws,
        "kari",
        {HomeBlock.WORKSPACE_LANGUAGE: "nb", HomeBlock.FOLLOWUP_DAYS: "21", HomeBlock.LEADERS: [ola, per]},
    )
    with ws.deps.db.read_session() as session:
        assert core_queries.workspace_language(session, ws.standin.team_id) == "nb"
        assert followup_days(session, ws.standin.team_id) == 21
        assert sorted(session.scalars(select(Leader.user_id)).all()) == sorted([ola, per])
    text = home_text(ws, "kari")  # Kari's Slack language is English: her Home stays English
    assert "Erfaring now speaks Norwegian Bokmål in this workspace." in text
    assert "Follow-ups now come 21 days after a match." in text and "They get the monthly report" in text
    click_home(ws, "kari", HomeAction.WORKSPACE)
    submit(ws, "kari", {HomeBlock.LEADERS: [per]})
    with ws.deps.db.read_session() as session:
        assert session.scalars(select(Leader.user_id)).all() == [per]
    assert "They no longer get the monthly report" in home_text(ws, "kari")


def test_the_questions_modal_adds_and_removes_the_workspaces_own(ws: LocalWorkspace) -> None:
    open_home(ws, "kari")
    click_home(ws, "kari", HomeAction.QUESTIONS)
    submit(
        ws,
        "kari",
        {
            HomeBlock.QUESTION_TEXT: "What did a customer teach you this week?",
            HomeBlock.QUESTION_LANGUAGE: "en",
        },
    )
    with ws.deps.db.session() as session:
        [prompt] = session.scalars(select(CustomPrompt)).all()
    assert "Added question #" in home_text(ws, "kari")
    assert "asks 1 question of its own" in home_text(ws, "kari")
    click_home(ws, "kari", HomeAction.QUESTIONS)
    submit(ws, "kari", {HomeBlock.QUESTION_REMOVE: str(prompt.id)})
    with ws.deps.db.read_session() as session:
        assert session.scalars(select(CustomPrompt.removed)).all() == [True]
    assert "Removed question #" in home_text(ws, "kari")


def test_a_change_by_command_refreshes_the_admins_home(ws: LocalWorkspace) -> None:
    open_home(ws, "kari")
    erfaring(ws, "kari", "general", "subscribe")
    assert f"<#{ws.channel_id('general')}>" in home_text(ws, "kari")


# --- a non-admin ------------------------------------------------------------------------------------------


def crafted_click(ws: LocalWorkspace, user: str, action_id: str, value: str | None = None) -> None:
    view = ws.standin.home_view(ws.user_id(user))
    assert view is not None
    action: dict[str, Any] = {"action_id": action_id, "block_id": "x", "type": "button"}
    if value is not None:
        action["value"] = value
    response = ws.driver._send_payload(
        {
            "type": "block_actions",
            "user": {"id": ws.user_id(user), "team_id": ws.standin.team_id},
            "team": {"id": ws.standin.team_id},
            "api_app_id": ws.standin.app_id,
            "trigger_id": ws.standin.new_trigger_id(ws.user_id(user)),
            "container": {"type": "view", "view_id": view.id},
            "view": view.view,
            "actions": [action],
        }
    )
    assert response.ok
    ws.settle()


def crafted_submission(
    ws: LocalWorkspace, user: str, callback_id: str, metadata: dict[str, str], values: dict[str, Any]
) -> Any:
    response = ws.driver._send_payload(
        {
            "type": "view_submission",
            "team": {"id": ws.standin.team_id},
            "user": {"id": ws.user_id(user), "team_id": ws.standin.team_id},
            "api_app_id": ws.standin.app_id,
            "trigger_id": ws.standin.new_trigger_id(ws.user_id(user)),
            "view": {
                "id": "VCRAFTED1",
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": json.dumps(metadata),
                "state": {"values": values},
            },
        }
    )
    assert response.ok, response
    ws.settle()
    return response


def test_a_non_admin_is_refused_opening_or_submitting_a_settings_modal(ws: LocalWorkspace) -> None:
    erfaring(ws, "kari", "general", "subscribe")
    text = text_of(open_home(ws, "ola").blocks)
    assert "Your workspace" not in text
    general = ws.channel_id("general")
    for action, value in (
        (HomeAction.EDIT_CHANNEL, general),
        (HomeAction.ADD_CHANNEL, None),
        (HomeAction.WORKSPACE, None),
        (HomeAction.QUESTIONS, None),
    ):
        crafted_click(ws, "ola", action, value)
        assert ws.standin.views_for(ws.user_id("ola")) == [], f"{action} opened a modal for a non-admin"
        assert "Only workspace admins can change Erfaring's settings." in home_text(ws, "ola")
    before = len(ws.standin.calls_to("conversations.join"))
    crafted_submission(
        ws,
        "ola",
        HomeCallback.CHANNEL,
        {"c": general},
        {
            HomeBlock.TIMEZONE: {HomeAction.TIMEZONE: {"type": "plain_text_input", "value": "Asia/Tokyo"}},
            HomeBlock.HOLIDAYS: {HomeAction.HOLIDAYS: {"type": "plain_text_input", "value": "off"}},
            HomeBlock.STOP: {
                HomeAction.STOP: {"type": "checkboxes", "selected_options": [{"value": STOP_OPTION}]}
            },
        },
    )
    crafted_submission(
        ws,
        "ola",
        HomeCallback.ADD_CHANNEL,
        {},
        {
            HomeBlock.CHANNEL: {
                HomeAction.CHANNEL: {
                    "type": "conversations_select",
                    "selected_conversation": ws.channel_id("team-product"),
                }
            }
        },
    )
    crafted_submission(
        ws,
        "ola",
        HomeCallback.WORKSPACE,
        {},
        {
            HomeBlock.WORKSPACE_LANGUAGE: {
                HomeAction.WORKSPACE_LANGUAGE: {"type": "static_select", "selected_option": {"value": "nb"}}
            },
            HomeBlock.FOLLOWUP_DAYS: {HomeAction.FOLLOWUP_DAYS: {"type": "number_input", "value": "30"}},
            HomeBlock.LEADERS: {
                HomeAction.LEADERS: {"type": "multi_users_select", "selected_users": [ws.user_id("ola")]}
            },
        },
    )
    crafted_submission(
        ws,
        "ola",
        HomeCallback.QUESTIONS,
        {},
        {
            HomeBlock.QUESTION_TEXT: {
                HomeAction.QUESTION_TEXT: {"type": "plain_text_input", "value": "Who is in charge?"}
            },
            HomeBlock.QUESTION_LANGUAGE: {
                HomeAction.QUESTION_LANGUAGE: {"type": "static_select", "selected_option": {"value": "en"}}
            },
        },
    )
    sub = subscription(ws, "general")
    assert sub is not None and sub.active and sub.timezone is None and sub.holiday_country == "NO"
    assert subscription(ws, "team-product") is None
    assert len(ws.standin.calls_to("conversations.join")) == before
    with ws.deps.db.read_session() as session:
        assert core_queries.workspace_language(session, ws.standin.team_id) is None
        assert followup_days(session, ws.standin.team_id) == 14
        assert session.scalars(select(Leader)).all() == []
        assert session.scalars(select(CustomPrompt)).all() == []
    assert "Only workspace admins can change Erfaring's settings." in home_text(ws, "ola")
