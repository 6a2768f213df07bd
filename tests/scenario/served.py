"""`python app.py serve --no-scheduler` as a real process, talking to the stand-in: the environment
it gets, starting it, and waiting until it answers GET /healthz."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from localslack.workspace import LocalWorkspace

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def served_env(ws: LocalWorkspace, database_url: str, **extra: str) -> dict[str, str]:
    """This process's environment without Slack or Erfaring settings, then the workspace's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ERFARING_", "DATABASE_URL"))}
    env.update(
        {
            "SLACK_BOT_TOKEN": ws.deps.settings.bot_token or "",
            "SLACK_SIGNING_SECRET": ws.deps.settings.signing_secret or "",
            "SLACK_API_URL": ws.standin.api_url,
            "DATABASE_URL": database_url,
            "PORT": str(free_port()),
            "NO_PROXY": "127.0.0.1,localhost",
            **extra,
        }
    )
    return env


def start_served(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "app.py", "serve", "--no-scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_healthy(port: str, process: subprocess.Popen[str], timeout: float) -> None:
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
