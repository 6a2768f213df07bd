"""`python app.py serve` as a real process: it checks its token before serving, and SIGTERM stops it
within a bounded time after finishing (or handing back) what it was doing."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from localslack.driver import SlackDriver, http_poster
from localslack.workspace import LocalWorkspace
from tests.scenario.served import served_env, start_served, wait_healthy


def _env(ws: LocalWorkspace, tmp_path: Path, **extra: str) -> dict[str, str]:
    return served_env(ws, f"sqlite:///{tmp_path / 'served.db'}", **extra)


def test_a_bad_bot_token_stops_start_up_with_one_line(ws: LocalWorkspace, tmp_path: Path) -> None:
    process = start_served(_env(ws, tmp_path, SLACK_BOT_TOKEN="xoxb-not-the-right-one"))
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 2
    problem = [line for line in output.splitlines() if line.startswith("erfaring:")]
    assert problem == ["erfaring: configuration error: SLACK_BOT_TOKEN: Slack refused it (invalid_auth)"]
    assert "Traceback" not in output


def test_sigterm_stops_the_server_cleanly_and_in_bounded_time(ws: LocalWorkspace, tmp_path: Path) -> None:
    env = _env(ws, tmp_path)
    process = start_served(env)
    try:
        wait_healthy(env["PORT"], process, timeout=20.0)
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
