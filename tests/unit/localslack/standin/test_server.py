"""The HTTP side: faults (rate limits, server errors, delays) and concurrent requests."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from types import SimpleNamespace
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from tests.unit.localslack.support import Workspace, api_error, section


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


def test_requests_are_read_as_slack_reads_them(ws: Workspace) -> None:
    def post(path: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        request = urllib.request.Request(
            ws.standin.base_url + path, data=body, headers=headers, method="POST"
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=5) as answer:
                return int(answer.status), json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    bearer = {"Authorization": "Bearer xoxb-local", "Content-Type": "application/json"}
    blocks = json.dumps([section("*hi*")])
    status, answer = post(
        "/api/chat.postMessage", json.dumps({"channel": ws.general.id, "text": "a"}).encode(), bearer
    )
    assert status == 200 and answer["ok"] is True
    form = f"token=xoxb-local&channel={ws.general.id}&text=b&blocks={urllib.parse.quote(blocks)}".encode()
    status, answer = post(
        "/api/chat.postMessage", form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert answer["ok"] is True and answer["message"]["blocks"][0]["text"]["text"] == "*hi*"
    assert post("/api/auth.test", b"", {})[1] == {"ok": False, "error": "not_authed"}
    assert post("/api/auth.test", b"{", bearer)[1]["error"] == "invalid_json"
    assert (
        post("/api/chat.postMessage", b"token=xoxb-local&blocks=[", {})[1]["error"] == "invalid_blocks_format"
    )
    assert post("/nowhere", b"", {}) == (404, {"ok": False, "error": "not_found"})
    url = ws.standin.new_response_url(ws.general.id, ws.alice.id)
    assert post(url.removeprefix(ws.standin.base_url), b"not json", {})[1]["error"] == "invalid_payload"
    assert [c.method for c in ws.standin.calls][-1] == "response_url"
