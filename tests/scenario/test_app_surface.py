"""The app's outer surface: the manifest matches the listeners, /healthz, and `serve` starting up."""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

import app as erfaring
import handlers
from localslack.workspace import LocalWorkspace
from storage.db import Database
from tests.scenario.served import free_port

MANIFEST = json.loads((Path(__file__).parents[2] / "manifest.json").read_text())


def declared(name: str) -> set[str]:
    return {str(item) for feature in handlers.FEATURES for item in getattr(feature, name, ())}


def test_manifest_lists_exactly_the_commands_shortcuts_and_events_the_app_handles() -> None:
    commands = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    shortcuts = {s["callback_id"] for s in MANIFEST["features"].get("shortcuts", [])}
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert commands == declared("COMMANDS")
    assert shortcuts == declared("SHORTCUTS")
    assert events == declared("EVENTS")


def test_manifest_urls_and_scopes_fit_the_app() -> None:
    urls = [c["url"] for c in MANIFEST["features"]["slash_commands"]]
    urls += [
        MANIFEST["settings"]["event_subscriptions"]["request_url"],
        MANIFEST["settings"]["interactivity"]["request_url"],
    ]
    assert all(url.endswith(erfaring.EVENTS_PATH) for url in urls)
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "users:read"} <= scopes
    for command in MANIFEST["features"]["slash_commands"]:
        assert command["should_escape"] is False, "#tags must arrive as typed, not as channel links"


def test_every_manifest_entry_reaches_a_listener(ws: LocalWorkspace) -> None:
    """Bolt answers 404 to a request no listener matches; every declared entry must be handled."""
    user, channel = ws.user_id("ola"), ws.channel_id("general")
    for command in MANIFEST["features"]["slash_commands"]:
        assert ws.driver.command(user, channel, command["command"], "help").status == 200
    message, _ = ws.driver.user_says(user, channel, "something worth keeping", send=())
    for shortcut in MANIFEST["features"].get("shortcuts", []):
        assert ws.driver.message_shortcut(user, channel, message, shortcut["callback_id"]).status == 200
    ws.settle()


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _call_wsgi(wsgi: Any, path: str) -> str:
    statuses: list[str] = []
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "wsgi.input": None}
    b"".join(wsgi(environ, lambda status, headers: statuses.append(status)))
    return statuses[0]


def test_healthz_answers_200_while_the_database_answers_and_503_when_not(
    ws: LocalWorkspace, tmp_path: Path
) -> None:
    app, _ = erfaring.build_app(ws.deps.settings, ws.deps.db, client=ws.deps.slack.client(ws.standin.team_id))
    assert _call_wsgi(erfaring.make_wsgi(app, ws.deps.db, "secret"), "/healthz").startswith("200")
    broken = Database(f"sqlite:///{tmp_path}/missing-dir/none.db")
    assert _call_wsgi(erfaring.make_wsgi(app, broken, "secret"), "/healthz").startswith("503")


def test_serve_starts_a_production_server_with_healthz_and_signed_events(
    ws: LocalWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    env = {
        "SLACK_BOT_TOKEN": ws.deps.settings.bot_token or "",
        "SLACK_SIGNING_SECRET": ws.deps.settings.signing_secret or "",
        "SLACK_API_URL": ws.standin.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "PORT": str(port),
    }
    thread = threading.Thread(
        target=erfaring.main, args=(["serve", "--no-scheduler"],), kwargs={"env": env}, daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 15
    status = 0
    while time.monotonic() < deadline:
        try:
            status, body = _get(f"http://127.0.0.1:{port}/healthz")
            break
        except OSError:
            time.sleep(0.1)
    assert status == 200 and body == "ok\n"
    assert _get(f"http://127.0.0.1:{port}/nowhere")[0] == 404
    from localslack.driver import SlackDriver, http_poster

    driver = SlackDriver(
        env["SLACK_SIGNING_SECRET"], ws.standin, http_poster(f"http://127.0.0.1:{port}/slack/events")
    )
    response = driver.command(
        ws.user_id("ola"), ws.channel_id("general"), "/lesson", "Served by a real server"
    )
    assert response.ok and "is saved" in response.body
    # The lesson is posted after the ack, by the server's own threads: wait for it to arrive.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(
        "Served by a real server" in m.text for m in ws.standin.messages(ws.channel_id("general"))
    ):
        time.sleep(0.05)
    assert any("Served by a real server" in m.text for m in ws.standin.messages(ws.channel_id("general")))
    # waitress's per-request "Task queue depth" warnings are summarised (bot.core.server_log).
    from bot.core.server_log import WAITRESS_QUEUE, QueueWarnings

    assert any(isinstance(f, QueueWarnings) for f in logging.getLogger(WAITRESS_QUEUE).filters)


def test_serve_uses_socket_mode_when_an_app_token_is_set(
    ws: LocalWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import slack_bolt.adapter.socket_mode as socket_mode

    started: list[tuple[object, str]] = []

    class FakeSocketModeHandler:
        def __init__(self, app: object, app_token: str) -> None:
            self.app, self.app_token = app, app_token

        def start(self) -> None:
            started.append((self.app, self.app_token))

    monkeypatch.setattr(socket_mode, "SocketModeHandler", FakeSocketModeHandler)
    env = {
        "SLACK_BOT_TOKEN": ws.deps.settings.bot_token or "",
        "SLACK_SIGNING_SECRET": ws.deps.settings.signing_secret or "",
        "SLACK_APP_TOKEN": "xapp-1-local",
        "SLACK_API_URL": ws.standin.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'socket.db'}",
    }
    assert erfaring.main(["serve", "--no-scheduler"], env=env) == 0
    [(app, token)] = started
    assert token == "xapp-1-local"
    assert app.__class__.__name__ == "App"


def test_a_failing_listener_tells_the_person_in_words(
    ws: LocalWorkspace, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import bot.lessons.search

    def broken(*args: object, **kwargs: object) -> list[object]:
        raise RuntimeError("search index unavailable")

    monkeypatch.setattr(bot.lessons.search, "search_lessons", broken)
    ola = ws.user_id("ola")
    ws.driver.command(ola, ws.channel_id("general"), "/lesson", "search onboarding")
    ws.settle()
    told = ws.standin.ephemerals(user=ola)[-1].text
    assert told.startswith("Sorry, something went wrong on my side")
    assert "RuntimeError" in caplog.text and "search index unavailable" in caplog.text
