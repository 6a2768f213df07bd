"""The request driver, against a fake app: signatures, payloads, and what Slack does with the answers."""

from __future__ import annotations

import json
import threading
import time
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from slack_sdk.webhook import WebhookClient

from localslack.driver import SlackDriver, http_poster, wsgi_poster
from tests.unit.localslack.support import (
    FILLED,
    SECRET,
    FakeApp,
    Workspace,
    driver_for,
    lesson_modal,
    modal,
    open_lesson_modal,
    section,
)


def test_command_is_signed_and_carries_working_trigger_and_response_url(ws: Workspace) -> None:
    app = FakeApp()
    response = driver_for(ws, app).command(ws.alice.id, ws.general.id, "/lesson", "new")
    sent = app.payload()
    assert response.status == 200 and app.requests[0]["valid"] and app.requests[0]["path"] == "/slack/events"
    assert sent["command"] == "/lesson" and sent["text"] == "new" and sent["user_name"] == "alice"
    assert sent["team_id"] == "T0LOCAL" and sent["channel_name"] == "general"
    assert sent["is_enterprise_install"] == "false"
    # The payload's trigger_id and response_url work against the stand-in, as Slack's would.
    ws.client.views_open(trigger_id=sent["trigger_id"], view=modal())
    assert WebhookClient(sent["response_url"]).send(text="done").status_code == 200
    assert [e.text for e in ws.standin.ephemerals(ws.alice.id)] == ["done"]


def test_bad_signature_is_detectable(ws: Workspace) -> None:
    app = FakeApp()
    SlackDriver("another-secret", ws.standin, wsgi_poster(app)).command(ws.alice.id, ws.general.id, "/x")
    assert app.requests[0]["valid"] is False


def test_command_ack_body_is_shown_like_slack(ws: Workspace) -> None:
    app = FakeApp(
        [(200, "Working on it"), (200, json.dumps({"response_type": "in_channel", "text": "Hi all"}))]
    )
    driver = driver_for(ws, app)
    driver.command(ws.alice.id, ws.general.id, "/lesson")
    driver.command(ws.alice.id, ws.general.id, "/lesson")
    assert [e.text for e in ws.standin.ephemerals(ws.alice.id)] == ["Working on it"]
    assert [m.text for m in ws.standin.messages(ws.general.id)] == ["Hi all"]


def test_click_finds_the_button(ws: Workspace) -> None:
    buttons = {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "text": {"type": "plain_text", "text": "Yes"},
                "action_id": "vote_yes",
                "value": "7",
            },
            {
                "type": "button",
                "text": {"type": "plain_text", "text": "No"},
                "action_id": "vote_no",
                "value": "8",
            },
        ],
    }
    posted = ws.client.chat_postMessage(channel=ws.general.id, text="vote", blocks=[section("Vote"), buttons])
    message = ws.standin.message(ws.general.id, posted["ts"])
    assert message is not None
    app = FakeApp()
    driver = driver_for(ws, app)

    driver.click(ws.bob.id, action_id="vote_no", message=message)
    sent = app.payload()
    [action] = sent["actions"]
    assert (action["action_id"], action["value"], action["type"]) == ("vote_no", "8", "button")
    assert action["block_id"] == message.blocks[1]["block_id"]  # the id Slack assigned
    assert sent["container"] == {
        "type": "message",
        "message_ts": message.ts,
        "channel_id": ws.general.id,
        "is_ephemeral": False,
    }
    assert sent["message"]["ts"] == message.ts and sent["user"]["id"] == ws.bob.id
    WebhookClient(sent["response_url"]).send(text="Counted", replace_original=True)
    assert message.text == "Counted" and message.blocks == []
    with pytest.raises(LookupError, match="vote_maybe"):
        driver.click(ws.bob.id, action_id="vote_maybe", message=message)


def test_submit_view_builds_state_like_slack(ws: Workspace) -> None:
    app = FakeApp()
    driver = driver_for(ws, app)
    view_id = open_lesson_modal(ws, ws.alice.id)
    with pytest.raises(ValueError, match="required input 'title'"):
        driver.submit_view(ws.alice.id, view_id, {"tags": ["ops"], "level": "low"})
    with pytest.raises(ValueError, match="titel"):
        driver.submit_view(ws.alice.id, view_id, {"titel": "typo"})
    assert app.requests == []  # the Slack client would not have sent either

    response = driver.submit_view(
        ws.alice.id,
        view_id,
        {"title": "Backups", "tags_input": ["ops", "qa"], "pick": "high", "mentor": ws.bob.id},
    )
    view = app.payload()["view"]
    assert app.payload()["type"] == "view_submission" and view["callback_id"] == "lesson"
    assert view["private_metadata"] == '{"channel": "C1"}' and view["id"] == view_id and view["hash"]
    values = view["state"]["values"]
    assert values["title"] == {"title_input": {"type": "plain_text_input", "value": "Backups"}}
    assert values["note"]["note_input"]["value"] == "draft"  # untouched: its initial value
    assert values["extra"]["extra_input"]["value"] is None
    assert [o["value"] for o in values["tags"]["tags_input"]["selected_options"]] == ["ops", "qa"]
    assert values["level"]["pick"]["selected_option"] == {
        "text": {"type": "plain_text", "text": "High"},
        "value": "high",
    }
    assert values["mentor"]["mentor_input"] == {"type": "users_select", "selected_user": ws.bob.id}
    assert response.ok and ws.standin.views_for(ws.alice.id) == []  # an empty ack closes the modal


def test_submit_view_applies_response_actions(ws: Workspace) -> None:
    app = FakeApp(
        [
            (200, json.dumps({"response_action": "errors", "errors": {"title": "Too short"}})),
            (200, json.dumps({"response_action": "errors", "errors": {"nope": "x"}})),
            (200, json.dumps({"response_action": "update", "view": modal("Thanks")})),
            (200, json.dumps({"response_action": "push", "view": modal("Next")})),
        ]
    )
    driver = driver_for(ws, app)
    view_id = open_lesson_modal(ws, ws.alice.id)

    kept = driver.submit_view(ws.alice.id, view_id, FILLED)
    assert kept.errors == {"title": "Too short"} and ws.standin.views_for(ws.alice.id)[0].id == view_id
    wrong = driver.submit_view(ws.alice.id, view_id, FILLED)
    assert (
        wrong.slack_error == "invalid_response_action"
        and ws.standin.invalid_payloads[-1].method == "view_submission"
    )

    driver.submit_view(ws.alice.id, view_id, FILLED)
    [updated] = ws.standin.views_for(ws.alice.id)
    assert updated.id == view_id and updated.view["title"]["text"] == "Thanks"

    ws.client.views_update(view_id=view_id, view=lesson_modal())
    driver.submit_view(ws.alice.id, view_id, FILLED)
    assert [v.view["title"]["text"] for v in ws.standin.views_for(ws.alice.id)] == ["Share a lesson", "Next"]


def test_clear_and_close(ws: Workspace) -> None:
    app = FakeApp([(200, json.dumps({"response_action": "clear"}))])
    driver = driver_for(ws, app)
    view_id = open_lesson_modal(ws, ws.alice.id)
    ws.client.views_push(trigger_id=ws.standin.new_trigger_id(ws.alice.id), view=lesson_modal())
    top = ws.standin.views_for(ws.alice.id)[-1].id
    with pytest.raises(ValueError, match="not the top"):
        driver.submit_view(ws.alice.id, view_id, FILLED)
    driver.submit_view(ws.alice.id, top, FILLED)
    assert ws.standin.views_for(ws.alice.id) == []

    view_id = open_lesson_modal(ws, ws.alice.id)
    closed = driver.close_view(ws.alice.id, view_id)  # the modal asked for notify_on_close
    assert (
        closed is not None and app.payload()["type"] == "view_closed" and app.payload()["is_cleared"] is False
    )
    assert ws.standin.views_for(ws.alice.id) == []


def test_response_action_with_invalid_view_is_recorded(ws: Workspace) -> None:
    app = FakeApp([(200, json.dumps({"response_action": "update", "view": modal("x" * 30)}))])
    view_id = open_lesson_modal(ws, ws.alice.id)
    response = driver_for(ws, app).submit_view(ws.alice.id, view_id, FILLED)
    assert response.slack_error == "invalid_arguments"
    assert ws.standin.invalid_payloads[-1].method == "response_action"
    assert ws.standin.views_for(ws.alice.id)[0].view["title"]["text"] == "Share a lesson"


def test_click_in_a_view_and_in_app_home(ws: Workspace) -> None:
    app = FakeApp()
    driver = driver_for(ws, app)
    button = {"type": "button", "text": {"type": "plain_text", "text": "More"}, "action_id": "more"}
    home = {"type": "home", "blocks": [{"type": "actions", "block_id": "nav", "elements": [button]}]}
    home_id = ws.client.views_publish(user_id=ws.alice.id, view=home)["view"]["id"]
    driver.click(ws.alice.id, action_id="more", view_id=home_id)
    sent = app.payload()
    assert sent["container"] == {"type": "view", "view_id": home_id} and sent["view"]["type"] == "home"
    assert sent["actions"][0]["block_id"] == "nav" and "response_url" not in sent
    with pytest.raises(ValueError, match="not open"):
        driver.click(ws.bob.id, action_id="more", view_id=home_id)


def test_events_envelope_and_retry_headers(ws: Workspace) -> None:
    app = FakeApp()
    driver = driver_for(ws, app)
    message, _ = driver.user_says(ws.alice.id, ws.general.id, "hei <@UBOT>")
    first, mention = app.payload(0), app.payload(1)
    assert first["type"] == "event_callback" and first["event"]["type"] == "message"
    assert first["event"]["ts"] == message.ts and first["event"]["channel_type"] == "channel"
    assert mention["event"]["type"] == "app_mention" and first["event_id"] != mention["event_id"]
    assert first["authorizations"][0] == {
        "enterprise_id": None,
        "team_id": "T0LOCAL",
        "user_id": "UBOT",
        "is_bot": True,
        "is_enterprise_install": False,
    }

    driver.event(first["event"], event_id=first["event_id"], retry_num=1)
    retried = app.requests[-1]
    assert retried["headers"]["x-slack-retry-num"] == "1"
    assert retried["headers"]["x-slack-retry-reason"] == "http_timeout"
    assert app.payload()["event_id"] == first["event_id"] and retried["valid"]

    driver.user_reacts(ws.bob.id, ws.general.id, message.ts, "tada")
    reaction = app.payload()["event"]
    assert reaction["type"] == "reaction_added" and reaction["item_user"] == ws.alice.id
    assert message.reactions == {"tada": [ws.bob.id]}  # the stand-in's own object, changed in place
    home = driver.app_home_opened(ws.alice.id)
    assert home["channel"] == ws.standin.im_channel(ws.alice.id) and home["tab"] == "home"


def test_deactivation_and_uninstall_are_the_events_slack_sends(ws: Workspace) -> None:
    app = FakeApp()
    driver = driver_for(ws, app)
    driver.deactivate(ws.bob.id)
    sent = app.payload()
    assert sent["type"] == "event_callback" and sent["event"]["type"] == "user_change"
    assert sent["event"]["user"]["id"] == ws.bob.id and sent["event"]["user"]["deleted"] is True
    assert ws.standin.user(ws.bob.id).deleted

    driver.uninstall()
    revoked, gone = app.payload(-2)["event"], app.payload(-1)["event"]
    assert revoked == {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [ws.standin.bot_user_id]}}
    assert gone == {"type": "app_uninstalled"} and not ws.standin.installed
    driver.reinstall()
    assert ws.standin.installed
    assert driver.tokens_revoked_event(bot=False, users=[ws.alice.id])["tokens"] == {
        "oauth": [ws.alice.id],
        "bot": [],
    }

    driver.event({"type": "app_home_opened", "user": ws.alice.id}, event_time=1_600_000_000)
    assert app.payload()["event_time"] == 1_600_000_000


def test_slow_ack_is_a_timeout(ws: Workspace) -> None:
    app = FakeApp()

    def slow(body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        time.sleep(0.06)
        return wsgi_poster(app)(body, headers)

    driver = SlackDriver(SECRET, ws.standin, slow, ack_timeout=0.05)
    response = driver.command(ws.alice.id, ws.general.id, "/lesson")
    assert response.slack_error == "operation_timeout" and not response.ok


def test_http_poster_over_a_real_socket(ws: Workspace) -> None:
    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    app = FakeApp([(200, '{"ok": true}')])
    server = make_server("127.0.0.1", 0, app, handler_class=Quiet)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/slack/events"
        response = SlackDriver(SECRET, ws.standin, http_poster(url)).global_shortcut(
            ws.bob.id, "share_lesson"
        )
    finally:
        thread.join(timeout=5)
        server.server_close()
    assert response.json == {"ok": True} and app.requests[0]["valid"]
    assert app.payload()["type"] == "shortcut" and app.payload()["callback_id"] == "share_lesson"


# ------------------------------------------------------------------------------------------------
# text on the wire: what a person types, and what the app gets


def test_typed_links_people_channels_and_broadcasts_of_the_workspace(ws: Workspace) -> None:
    driver = driver_for(ws, FakeApp())
    assert driver.typed("ask @ALICE & @bob about #team <now>") == (
        f"ask <@{ws.alice.id}> &amp; <@{ws.bob.id}> about <#{ws.team.id}|team> &lt;now&gt;"
    )
    assert driver.typed(f"@{ws.bob.id} @nobody #nowhere @here") == f"<@{ws.bob.id}> @nobody #nowhere <!here>"
    assert driver.typed("thanks @Erfaring", aliases={"erfaring": "UBOT"}) == "thanks <@UBOT>"
    assert driver.typed("thanks @app") == "thanks <@UBOT>"  # the bot user's own handle


def test_user_types_stores_the_wire_text_and_the_events_carry_exactly_that(ws: Workspace) -> None:
    app = FakeApp()
    driver = driver_for(ws, app)
    message, responses = driver.user_types(ws.alice.id, ws.team.id, "Fix <b> & ping @app, @bob and #team")
    wire = f"Fix &lt;b&gt; &amp; ping <@UBOT>, <@{ws.bob.id}> and <#{ws.team.id}|team>"
    assert message.text == wire and [r.ok for r in responses] == [True, True]
    stored = ws.standin.message(ws.team.id, message.ts)
    assert stored is not None and stored.text == wire
    event, mention = app.payload(0)["event"], app.payload(1)["event"]
    assert event["text"] == mention["text"] == wire and mention["type"] == "app_mention"
    assert event["channel_type"] == "group"
    # The rich_text block has the characters typed, and mentions as their own elements.
    [section] = event["blocks"][0]["elements"]
    assert section["elements"][:3] == [
        {"type": "text", "text": "Fix <b> & ping "},
        {"type": "user", "user_id": "UBOT"},
        {"type": "text", "text": ", "},
    ]
    assert {"type": "channel", "channel_id": ws.team.id} in section["elements"]
    # The Web API shows the same message the same way.
    [shown] = ws.client.conversations_history(channel=ws.team.id)["messages"]
    assert shown["text"] == wire and shown["blocks"] == event["blocks"]


def test_user_says_sends_wire_text_exactly_as_given(ws: Workspace) -> None:
    app = FakeApp()
    message, _ = driver_for(ws, app).user_says(
        ws.alice.id, ws.general.id, "raw <!channel> & <b>", send=["message"]
    )
    assert message.text == "raw <!channel> & <b>" == app.payload()["event"]["text"]
    assert len(app.requests) == 1  # no app_mention: the app was not mentioned


def test_a_message_shortcut_carries_the_message_as_stored(ws: Workspace) -> None:
    app = FakeApp()
    driver = driver_for(ws, app)
    message, _ = driver.user_types(
        ws.alice.id, ws.general.id, "Deploys & rollbacks: ask @bob <first>", send=()
    )
    driver.message_shortcut(ws.bob.id, ws.general.id, message, "save_as_lesson")
    sent = app.payload()
    assert sent["type"] == "message_action" and sent["message_ts"] == message.ts
    assert (
        sent["message"]["text"]
        == message.text
        == f"Deploys &amp; rollbacks: ask <@{ws.bob.id}> &lt;first&gt;"
    )
    assert sent["message"]["user"] == ws.alice.id and "bot_id" not in sent["message"]
    assert sent["message"] == ws.standin.message_dict(message)
