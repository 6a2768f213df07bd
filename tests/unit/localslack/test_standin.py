"""The Slack stand-in, driven by a real slack_sdk WebClient over HTTP, and the request driver."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from localslack.driver import SlackDriver, http_poster, wsgi_poster
from localslack.standin import Channel, SlackStandIn, User, validate_blocks

SECRET = "test-signing-secret"


class FakeTime:
    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@dataclass
class Workspace:
    standin: SlackStandIn
    client: WebClient
    clock: FakeTime
    alice: User
    bob: User
    general: Channel  # public, the app is not a member
    team: Channel  # private, the app is a member
    secret: Channel  # private, the app is not a member
    old: Channel  # archived


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # WebClient takes HTTPS_PROXY from the environment and ignores NO_PROXY, even for 127.0.0.1.
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def ws() -> Iterator[Workspace]:
    clock = FakeTime()
    with SlackStandIn(clock=clock) as standin:
        alice = standin.add_user("alice", "Alice Ås", is_admin=True, title="Engineer")
        bob = standin.add_user("bob", tz="America/New_York")
        bot = standin.bot_user_id
        yield Workspace(
            standin=standin,
            client=WebClient(token="xoxb-local", base_url=standin.api_url),
            clock=clock,
            alice=alice,
            bob=bob,
            general=standin.add_channel("general", members=[alice.id, bob.id]),
            team=standin.add_channel("team", is_private=True, members=[alice.id, bot]),
            secret=standin.add_channel("secret", is_private=True, members=[alice.id]),
            old=standin.add_channel("old", is_archived=True, members=[alice.id, bot]),
        )


def section(text: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if block_id:
        block["block_id"] = block_id
    return block


def api_error(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(SlackApiError) as info:
        call(*args, **kwargs)
    return str(info.value.response["error"])


# ------------------------------------------------------------------------------------------------
# Web API


def test_auth_and_unknown_method(ws: Workspace) -> None:
    auth = ws.client.auth_test()
    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == ("T0LOCAL", "UBOT", "BBOT")
    wrong = WebClient(token="xoxb-wrong", base_url=ws.standin.api_url)
    assert api_error(wrong.auth_test) == "invalid_auth"
    assert api_error(ws.client.api_call, "files.frobnicate") == "unknown_method"
    assert [c.method for c in ws.standin.calls] == ["auth.test", "auth.test", "files.frobnicate"]


def test_users_info_has_what_the_app_reads(ws: Workspace) -> None:
    user = ws.client.users_info(user=ws.alice.id)["user"]
    assert user["is_admin"] is True and user["deleted"] is False
    assert user["tz"] == "Europe/Oslo" and user["tz_offset"] == 3600  # November: CET
    assert user["profile"]["title"] == "Engineer" and user["profile"]["real_name"] == "Alice Ås"
    assert ws.client.users_info(user=ws.bob.id)["user"]["tz_offset"] == -5 * 3600
    assert api_error(ws.client.users_info, user="UNOBODY") == "user_not_found"
    names = [m["name"] for m in ws.client.users_list(limit=2)["members"]]
    assert names == ["app", "alice"]


def test_post_update_delete(ws: Workspace) -> None:
    posted = ws.client.chat_postMessage(channel=ws.general.id, text="hello", blocks=[section("*hello*")])
    assert posted["channel"] == ws.general.id and posted["message"]["bot_id"] == "BBOT"
    stored = ws.standin.message(ws.general.id, posted["ts"])
    assert stored is not None and stored.user == "UBOT" and stored.blocks[0]["block_id"]  # Slack fills it in

    ws.client.chat_update(channel=ws.general.id, ts=posted["ts"], text="hello again")
    assert stored.text == "hello again" and stored.edited
    assert stored.blocks[0]["text"]["text"] == "*hello*"  # left-out blocks are kept
    ws.client.chat_update(channel=ws.general.id, ts=posted["ts"], text="plain", blocks=[])
    assert stored.blocks == []

    person = ws.standin.user_post_message(ws.alice.id, ws.general.id, "mine")
    assert (
        api_error(ws.client.chat_update, channel=ws.general.id, ts=person.ts, text="x")
        == "cant_update_message"
    )
    assert api_error(ws.client.chat_delete, channel=ws.general.id, ts=person.ts) == "cant_delete_message"
    ws.client.chat_delete(channel=ws.general.id, ts=posted["ts"])
    assert ws.standin.message(ws.general.id, posted["ts"]) is None
    assert (
        api_error(ws.client.chat_update, channel=ws.general.id, ts=posted["ts"], text="x")
        == "message_not_found"
    )
    with pytest.warns(UserWarning, match="text"):  # slack_sdk warns too
        assert api_error(ws.client.chat_postMessage, channel=ws.general.id, text="") == "no_text"


def test_ts_is_unique_and_follows_the_clock(ws: Workspace) -> None:
    first = ws.client.chat_postMessage(channel=ws.general.id, text="a")["ts"]
    second = ws.client.chat_postMessage(channel=ws.general.id, text="b")["ts"]
    assert first == "1700000000.000000" and second == "1700000000.000001"
    ws.clock.now += 60
    assert ws.client.chat_postMessage(channel=ws.general.id, text="c")["ts"] == "1700000060.000000"


def test_channel_errors(ws: Workspace) -> None:
    assert api_error(ws.client.chat_postMessage, channel=ws.secret.id, text="x") == "not_in_channel"
    assert api_error(ws.client.chat_postMessage, channel=ws.old.id, text="x") == "is_archived"
    assert api_error(ws.client.chat_postMessage, channel="CNOPE", text="x") == "channel_not_found"
    assert api_error(ws.client.conversations_info, channel=ws.secret.id) == "channel_not_found"
    assert api_error(ws.client.conversations_history, channel=ws.general.id) == "not_in_channel"
    assert (
        api_error(ws.client.conversations_join, channel=ws.team.id) == "method_not_supported_for_channel_type"
    )
    ws.client.chat_postMessage(channel=ws.team.id, text="the app is a member here")

    ws.client.conversations_join(channel=ws.general.id)
    assert "UBOT" in ws.standin.channel(ws.general.id).members
    assert ws.client.conversations_info(channel=ws.general.id)["channel"]["is_member"] is True


def test_dms_via_conversations_open(ws: Workspace) -> None:
    im = ws.client.conversations_open(users=ws.alice.id)["channel"]["id"]
    assert im.startswith("D") and ws.client.conversations_open(users=[ws.alice.id])["channel"]["id"] == im
    assert ws.standin.im_channel(ws.alice.id) == im
    # Posting to a user id lands in that user's DM with the app.
    assert ws.client.chat_postMessage(channel=ws.alice.id, text="psst")["channel"] == im
    assert [m.text for m in ws.standin.messages(im)] == ["psst"]

    group = ws.client.conversations_open(users=f"{ws.alice.id},{ws.bob.id}")["channel"]["id"]
    assert group.startswith("G") and group != im
    info = ws.client.conversations_info(channel=group)["channel"]
    assert info["is_mpim"] is True
    assert set(ws.client.conversations_members(channel=group)["members"]) == {ws.alice.id, ws.bob.id, "UBOT"}
    assert api_error(ws.client.conversations_open, users="UNOBODY") == "user_not_found"


def test_ephemeral(ws: Workspace) -> None:
    sent = ws.client.chat_postEphemeral(channel=ws.general.id, user=ws.alice.id, text="only you")
    [shown] = ws.standin.ephemerals(ws.alice.id)
    assert (shown.ts, shown.channel, shown.text) == (sent["message_ts"], ws.general.id, "only you")
    assert ws.standin.messages(ws.general.id) == []
    assert (
        api_error(ws.client.chat_postEphemeral, channel=ws.team.id, user=ws.bob.id, text="x")
        == "user_not_in_channel"
    )


def test_threads_history_and_pagination(ws: Workspace) -> None:
    ws.client.conversations_join(channel=ws.general.id)
    parent = ws.standin.user_post_message(ws.alice.id, ws.general.id, "question")
    reply = ws.client.chat_postMessage(channel=ws.general.id, thread_ts=parent.ts, text="answer")
    # A reply to a reply joins the parent's thread.
    again = ws.client.chat_postMessage(channel=ws.general.id, thread_ts=reply["ts"], text="more")
    assert again["message"]["thread_ts"] == parent.ts
    for n in range(3):
        ws.client.chat_postMessage(channel=ws.general.id, text=f"top {n}")

    thread = ws.client.conversations_replies(channel=ws.general.id, ts=parent.ts)["messages"]
    assert [m["text"] for m in thread] == ["question", "answer", "more"]
    assert thread[0]["reply_count"] == 2 and thread[0]["reply_users"] == ["UBOT"]

    first = ws.client.conversations_history(channel=ws.general.id, limit=2)
    assert [m["text"] for m in first["messages"]] == ["top 2", "top 1"] and first["has_more"]
    cursor = first["response_metadata"]["next_cursor"]
    rest = ws.client.conversations_history(channel=ws.general.id, limit=2, cursor=cursor)
    assert [m["text"] for m in rest["messages"]] == ["top 0", "question"] and not rest["has_more"]
    assert [m.text for m in ws.standin.messages(ws.general.id, thread_ts=parent.ts)] == [
        "question",
        "answer",
        "more",
    ]

    link = ws.client.chat_getPermalink(channel=ws.general.id, message_ts=reply["ts"])["permalink"]
    assert link.endswith(f"?thread_ts={parent.ts}&cid={ws.general.id}")


def test_reactions(ws: Workspace) -> None:
    message = ws.standin.user_post_message(ws.alice.id, ws.team.id, "ship it")
    on_it = {"channel": ws.team.id, "timestamp": message.ts, "name": "eyes"}
    ws.client.reactions_add(**on_it)
    assert message.reactions == {"eyes": ["UBOT"]}
    assert api_error(ws.client.reactions_add, **on_it) == "already_reacted"
    ws.standin.user_add_reaction(ws.alice.id, ws.team.id, message.ts, ":eyes:")
    got = ws.client.reactions_get(channel=ws.team.id, timestamp=message.ts)["message"]["reactions"]
    assert got == [{"name": "eyes", "users": ["UBOT", ws.alice.id], "count": 2}]
    ws.client.reactions_remove(**on_it)
    assert message.reactions == {"eyes": [ws.alice.id]}
    assert api_error(ws.client.reactions_remove, **on_it) == "no_reaction"
    assert api_error(ws.client.reactions_add, **{**on_it, "timestamp": "1.000000"}) == "message_not_found"


def modal(
    title: str = "Share a lesson", blocks: list[dict[str, Any]] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": blocks or [section("hi")],
        **extra,
    }


def test_views_open_needs_a_fresh_single_use_trigger(ws: Workspace) -> None:
    trigger = ws.standin.new_trigger_id(ws.alice.id)
    opened = ws.client.views_open(trigger_id=trigger, view=modal(callback_id="share"))["view"]
    [open_view] = ws.standin.views_for(ws.alice.id)
    assert open_view.id == opened["id"] == opened["root_view_id"] and open_view.callback_id == "share"
    assert api_error(ws.client.views_open, trigger_id=trigger, view=modal()) == "exchanged_trigger_id"
    assert api_error(ws.client.views_open, trigger_id="1.2.nope", view=modal()) == "invalid_trigger_id"

    late = ws.standin.new_trigger_id(ws.alice.id)
    ws.clock.now += 3.5  # Slack's triggers live 3 s
    assert api_error(ws.client.views_open, trigger_id=late, view=modal()) == "expired_trigger_id"


def test_views_update_and_push(ws: Workspace) -> None:
    opened = ws.client.views_open(
        trigger_id=ws.standin.new_trigger_id(ws.bob.id), view=modal(external_id="draft-1")
    )["view"]
    updated = ws.client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal("Step 2"))["view"]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    assert updated["title"]["text"] == "Step 2"
    assert api_error(ws.client.views_update, view_id=opened["id"], hash=opened["hash"], view=modal()) == (
        "hash_conflict"
    )
    by_external = ws.client.views_update(external_id="draft-1", view=modal("Again", external_id="draft-1"))
    assert by_external["view"]["id"] == opened["id"]
    assert api_error(ws.client.views_update, view_id="VNOPE", view=modal()) == "not_found"

    for _ in range(2):
        ws.client.views_push(trigger_id=ws.standin.new_trigger_id(ws.bob.id), view=modal("Pushed"))
    stack = ws.standin.views_for(ws.bob.id)
    assert (
        len(stack) == 3 and stack[2].previous_view_id == stack[1].id and stack[2].root_view_id == opened["id"]
    )
    assert api_error(ws.client.views_push, trigger_id=ws.standin.new_trigger_id(ws.bob.id), view=modal()) == (
        "push_limit_reached"
    )


def test_views_publish_home(ws: Workspace) -> None:
    home = {"type": "home", "blocks": [section("Welcome")]}
    first = ws.client.views_publish(user_id=ws.alice.id, view=home)["view"]
    second = ws.client.views_publish(user_id=ws.alice.id, view=home)["view"]
    stored = ws.standin.home_view(ws.alice.id)
    assert stored is not None and stored.id == first["id"] == second["id"] and stored.hash == second["hash"]
    assert api_error(ws.client.views_publish, user_id=ws.alice.id, view=modal()) == "invalid_arguments"


def test_invalid_blocks_are_rejected_and_recorded(ws: Workspace) -> None:
    too_many = [section(f"n{i}") for i in range(51)]
    assert api_error(ws.client.chat_postMessage, channel=ws.general.id, text="x", blocks=too_many) == (
        "invalid_blocks"
    )
    long_text = [section("x" * 3001)]
    assert api_error(ws.client.chat_postMessage, channel=ws.general.id, text="x", blocks=long_text) == (
        "invalid_blocks"
    )
    twins = [section("a", "same"), section("b", "same")]
    assert api_error(ws.client.chat_postMessage, channel=ws.general.id, text="x", blocks=twins) == (
        "invalid_blocks"
    )
    long_title = modal("t" * 25)
    trigger = ws.standin.new_trigger_id(ws.alice.id)
    assert api_error(ws.client.views_open, trigger_id=trigger, view=long_title) == "invalid_arguments"
    # A failed views.open leaves the trigger usable.
    ws.client.views_open(trigger_id=trigger, view=modal())

    recorded = ws.standin.invalid_payloads
    assert [p.method for p in recorded] == ["chat.postMessage"] * 3 + ["views.open"]
    assert "no more than 50 items" in recorded[0].errors[0]
    assert any("3001" in e for e in recorded[1].errors)
    assert any("duplicate block_id 'same'" in e for e in recorded[2].errors)
    assert any("/view/title" in e for e in recorded[3].errors)
    assert ws.standin.messages(ws.general.id) == []


def test_validation_reaches_nested_elements() -> None:
    button = {"type": "button", "text": {"type": "plain_text", "text": "b" * 76}, "action_id": "go"}
    assert any("75" in e for e in validate_blocks([{"type": "actions", "elements": [button]}]))
    header = {"type": "header", "text": {"type": "mrkdwn", "text": "*no*"}}
    assert validate_blocks([header]) != []
    assert validate_blocks([section("")]) != []
    assert validate_blocks([{"type": "no_such_block"}]) != []
    assert validate_blocks([section("fine"), {"type": "divider"}]) == []


def test_rate_limit_retried_after_retry_after(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    # The handler sleeps Retry-After plus jitter; record the wait instead of spending it.
    monkeypatch.setattr(builtin_handlers, "time", SimpleNamespace(sleep=slept.append))
    ws.client.retry_handlers = [RateLimitErrorRetryHandler(max_retry_count=1)]
    ws.standin.fail("chat.postMessage", retry_after=1)

    ws.client.chat_postMessage(channel=ws.general.id, text="eventually")
    calls = ws.standin.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert calls[0].response == {"ok": False, "error": "ratelimited"}
    assert len(slept) == 1 and 1 <= slept[0] < 2
    assert [m.text for m in ws.standin.messages(ws.general.id)] == ["eventually"]


def test_rate_limit_without_a_retry_handler_surfaces(ws: Workspace) -> None:
    ws.standin.fail("users.info", retry_after=30)
    with pytest.raises(SlackApiError) as info:
        ws.client.users_info(user=ws.alice.id)
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "30"
    assert ws.client.users_info(user=ws.alice.id)["ok"]  # the fault was used up


def test_server_error_retried(ws: Workspace) -> None:
    ws.client.retry_handlers = [
        ServerErrorRetryHandler(
            max_retry_count=2, interval_calculator=FixedValueRetryIntervalCalculator(0.01)
        )
    ]
    ws.standin.fail("chat.postMessage", "internal_error", status=500, times=2)
    ws.client.chat_postMessage(channel=ws.general.id, text="third time")
    assert [c.status for c in ws.standin.calls_to("chat.postMessage")] == [500, 500, 200]
    assert len(ws.standin.messages(ws.general.id)) == 1


def test_delay_and_error_faults_are_consumed_in_order(ws: Workspace) -> None:
    ws.standin.delay("auth.test", 0.2)
    ws.standin.fail("auth.test", "account_inactive", status=200)
    started = time.monotonic()
    ws.client.auth_test()
    assert time.monotonic() - started >= 0.2
    assert api_error(ws.client.auth_test) == "account_inactive"
    assert ws.client.auth_test()["ok"]


def test_response_url(ws: Workspace) -> None:
    posted = ws.client.chat_postMessage(channel=ws.general.id, text="vote", blocks=[section("vote")])
    url = ws.standin.new_response_url(ws.general.id, ws.alice.id, source_ts=posted["ts"])
    hook = WebhookClient(url)

    assert hook.send(text="only alice sees this").status_code == 200
    assert [e.text for e in ws.standin.ephemerals(ws.alice.id)] == ["only alice sees this"]
    hook.send(text="everyone sees this", response_type="in_channel")
    hook.send(text="vote closed", blocks=[section("closed")], replace_original=True)
    original = ws.standin.message(ws.general.id, posted["ts"])
    assert original is not None and original.text == "vote closed"
    assert [m.text for m in ws.standin.messages(ws.general.id)] == ["vote closed", "everyone sees this"]
    assert hook.send(text="bad", blocks=[section("x" * 3001)]).status_code == 400
    assert ws.standin.invalid_payloads[-1].method == "response_url"
    assert hook.send(text="fifth").status_code == 200
    # A response_url takes five posts, failed ones included.
    refused = hook.send(text="sixth")
    assert refused.status_code == 404 and json.loads(refused.body)["error"] == "used_url"
    assert len(ws.standin.calls_to("response_url")) == 6
    assert [c.status for c in ws.standin.calls_to("response_url")] == [200, 200, 200, 400, 200, 404]


def test_thread_safety_under_concurrent_posts(ws: Workspace) -> None:
    def post(n: int) -> None:
        client = WebClient(token="xoxb-local", base_url=ws.standin.api_url)
        for i in range(5):
            client.chat_postMessage(channel=ws.general.id, text=f"{n}-{i}")

    threads = [threading.Thread(target=post, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps = [m.ts for m in ws.standin.messages(ws.general.id)]
    assert len(stamps) == 20 and len(set(stamps)) == 20 and stamps == sorted(stamps)


# ------------------------------------------------------------------------------------------------
# the driver, against a fake app


class FakeApp:
    """A WSGI app that checks signatures, records requests and answers with canned replies."""

    def __init__(self, replies: Iterable[tuple[int, str]] = ()) -> None:
        self.verifier = SignatureVerifier(SECRET)
        self.replies = list(replies)
        self.requests: list[dict[str, Any]] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        headers["content-type"] = environ.get("CONTENT_TYPE", "")
        valid = self.verifier.is_valid_request(body, headers)
        self.requests.append({"path": environ["PATH_INFO"], "body": body, "headers": headers, "valid": valid})
        status, reply = self.replies.pop(0) if self.replies else (200, "")
        start_response(f"{status} X", [("Content-Type", "application/json")])
        return [reply.encode()]

    def payload(self, index: int = -1) -> Any:
        request = self.requests[index]
        if request["headers"]["content-type"] == "application/json":
            return json.loads(request["body"])
        form = {k: v[-1] for k, v in parse_qs(request["body"].decode()).items()}
        return json.loads(form["payload"]) if "payload" in form else form


def driver_for(ws: Workspace, app: FakeApp) -> SlackDriver:
    return SlackDriver(SECRET, ws.standin, wsgi_poster(app))


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


def lesson_modal() -> dict[str, Any]:
    def text_input(block_id: str, action_id: str, **extra: Any) -> dict[str, Any]:
        return {
            "type": "input",
            "block_id": block_id,
            "label": {"type": "plain_text", "text": block_id},
            "element": {"type": "plain_text_input", "action_id": action_id},
            **extra,
        }

    def option(value: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": value.title()}, "value": value}

    note = text_input("note", "note_input", optional=True)
    note["element"]["initial_value"] = "draft"
    return modal(
        callback_id="lesson",
        private_metadata='{"channel": "C1"}',
        submit={"type": "plain_text", "text": "Save"},
        notify_on_close=True,
        blocks=[
            text_input("title", "title_input"),
            note,
            text_input("extra", "extra_input", optional=True),
            {
                "type": "input",
                "block_id": "tags",
                "label": {"type": "plain_text", "text": "Tags"},
                "element": {
                    "type": "checkboxes",
                    "action_id": "tags_input",
                    "options": [option("ops"), option("qa")],
                },
            },
            {
                "type": "input",
                "block_id": "level",
                "label": {"type": "plain_text", "text": "Level"},
                "element": {
                    "type": "static_select",
                    "action_id": "pick",
                    "options": [option("low"), option("high")],
                },
            },
            {
                "type": "input",
                "block_id": "mentor",
                "optional": True,
                "label": {"type": "plain_text", "text": "Mentor"},
                "element": {"type": "users_select", "action_id": "mentor_input"},
            },
        ],
    )


def open_lesson_modal(ws: Workspace, user: str) -> str:
    view = ws.client.views_open(trigger_id=ws.standin.new_trigger_id(user), view=lesson_modal())["view"]
    return str(view["id"])


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


FILLED = {"title": "t", "tags": ["qa"], "level": "low"}


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
