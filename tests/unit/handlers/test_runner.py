"""handlers.runner: Slack gets its answer when the listener acks, with Bolt's error semantics kept."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import Ack, App, BoltRequest
from slack_bolt.authorization import AuthorizeResult

from handlers import runner


def _authorize(**_: Any) -> AuthorizeResult:
    return AuthorizeResult(enterprise_id=None, team_id="T1", bot_token="xoxb-1", bot_user_id="UB", bot_id="B")


@pytest.fixture
def app() -> Iterator[App]:
    executor = ThreadPoolExecutor(max_workers=4)
    bolt = App(
        signing_secret="secret",
        authorize=_authorize,
        request_verification_enabled=False,
        listener_executor=executor,
        logger=logging.getLogger("test.runner"),
    )
    runner.install(bolt)
    yield bolt
    executor.shutdown(wait=True)


def _command(app: App, text: str = "") -> tuple[int, str, float]:
    body = urlencode({"command": "/hi", "text": text, "team_id": "T1", "user_id": "U1", "channel_id": "C1"})
    started = time.perf_counter()
    response = app.dispatch(BoltRequest(body=body, mode="http"))
    return response.status, str(response.body), time.perf_counter() - started


def test_install_replaces_the_polling_runner(app: App) -> None:
    assert isinstance(app.listener_runner, runner.SignallingRunner)


def test_the_answer_leaves_when_the_listener_acks_while_its_work_goes_on(app: App) -> None:
    release = threading.Event()
    acked_at: list[float] = []
    finished: list[bool] = []

    @app.command("/hi")
    def hi(ack: Ack) -> None:
        time.sleep(0.001)  # past the request thread's first look: Bolt's next one is 10 ms later
        ack("hello")
        acked_at.append(time.perf_counter())
        finished.append(release.wait(5))  # the work after the ack waits until the answer is out

    gaps = []
    for _ in range(5):
        status, body, _ = _command(app)
        gaps.append(time.perf_counter() - acked_at[-1])
        assert (status, body) == (200, "hello")
        assert not finished  # answered while the listener was still at work
        release.set()
        while not finished:
            time.sleep(0.001)
        release.clear()
        finished.clear()
    # From ack to answer: a wake-up, not the rest of a 10 ms poll (~9 ms each with Bolt's runner).
    assert sorted(gaps)[2] < 0.005, gaps


def test_a_listener_that_raises_before_its_ack_answers_500_through_the_error_handler(app: App) -> None:
    seen: list[str] = []

    @app.error
    def on_error(error: Exception) -> None:
        seen.append(str(error))

    @app.command("/hi")
    def hi(ack: Ack) -> None:
        raise RuntimeError("broken before the ack")

    status, _, seconds = _command(app)
    assert status == 500
    assert seen == ["broken before the ack"]
    assert seconds < 1.0  # not left waiting for the ack timeout


def test_a_listener_that_raises_after_its_ack_keeps_the_ack(app: App) -> None:
    seen: list[str] = []
    handled = threading.Event()

    @app.error
    def on_error(error: Exception) -> None:
        seen.append(str(error))
        handled.set()

    @app.command("/hi")
    def hi(ack: Ack) -> None:
        ack("stored")
        raise RuntimeError("broken after the ack")

    assert _command(app)[:2] == (200, "stored")
    assert handled.wait(2)
    assert seen == ["broken after the ack"]


def test_a_listener_that_ends_without_acking_stops_the_wait_at_once(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    @app.command("/hi")
    def hi() -> None:
        return None

    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="test.runner"):
        response = app.dispatch(
            BoltRequest(
                body=urlencode({"command": "/hi", "team_id": "T1", "user_id": "U1", "channel_id": "C1"}),
                mode="http",
            )
        )
    assert time.perf_counter() - started < 1.0
    assert response.status == 404  # what Bolt answers for a request no listener acknowledged
    assert any("ack()" in record.getMessage() for record in caplog.records)


def test_events_are_acknowledged_at_once_and_handled_after(app: App) -> None:
    handled = threading.Event()

    @app.event("app_mention")
    def mention(event: dict[str, Any]) -> None:
        time.sleep(0.2)
        handled.set()

    body = (
        '{"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": "Ev1", '
        '"event": {"type": "app_mention", "user": "U1", "text": "hi", "channel": "C1", "ts": "1.2"}}'
    )
    started = time.perf_counter()
    response = app.dispatch(
        BoltRequest(body=body, mode="http", headers={"content-type": ["application/json"]})
    )
    assert response.status == 200
    assert time.perf_counter() - started < 0.15
    assert handled.wait(2)
