"""`python app.py serve` as a real process: it checks its token before serving, and SIGTERM stops it
within a bounded time after finishing (or handing back) what it was doing."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from localslack.driver import SlackDriver, http_poster
from localslack.workspace import LocalWorkspace

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(ws: LocalWorkspace, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ERFARING_", "DATABASE_URL"))}
    env.update(
        {
            "SLACK_BOT_TOKEN": ws.deps.settings.bot_token or "",
            "SLACK_SIGNING_SECRET": ws.deps.settings.signing_secret or "",
            "SLACK_API_URL": ws.standin.api_url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
            "PORT": str(_free_port()),
            "NO_PROXY": "127.0.0.1,localhost",
            **extra,
        }
    )
    return env


def _start(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "app.py", "serve", "--no-scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_healthy(port: str, process: subprocess.Popen[str], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[0]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server never became healthy")


def test_a_bad_bot_token_stops_start_up_with_one_line(ws: LocalWorkspace, tmp_path: Path) -> None:
    process = _start(_env(ws, tmp_path, SLACK_BOT_TOKEN="xoxb-not-the-right-one"))
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 2
    problem = [line for line in output.splitlines() if line.startswith("erfaring:")]
    assert problem == ["erfaring: configuration error: SLACK_BOT_TOKEN: Slack refused it (invalid_auth)"]
    assert "Traceback" not in output


def test_sigterm_stops_the_server_cleanly_and_in_bounded_time(ws: LocalWorkspace, tmp_path: Path) -> None:
    env = _env(ws, tmp_path)
    process = _start(env)
    try:
        _wait_healthy(env["PORT"], process)
        driver = SlackDriver(
            env["SLACK_SIGNING_SECRET"],
            ws.standin,
            http_poster(f"http://127.0.0.1:{env['PORT']}/slack/events"),
        )
        assert driver.command(
            ws.user_id("ola"), ws.channel_id("general"), "/lesson", "Served, then stopped"
        ).ok
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
        took = time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert took < 20, f"stopping took {took:.1f} s"
    assert "Erfaring stopped" in output and "Traceback" not in output
