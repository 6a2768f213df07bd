"""Nothing acknowledged is lost, against `python app.py serve` as a real process: killed with SIGKILL
between the ack and the post, restarted on the same database, every acknowledged lesson is posted
exactly once; a slow Slack never slows an ack; two replicas on PostgreSQL share the outbox."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import app as erfaring
from bot.core import outbox as outbox_runtime
from localslack.driver import SlackDriver, http_poster, wsgi_poster
from localslack.workspace import LocalWorkspace
from storage.core import outbox as store
from storage.db import Database
from tests.conftest import PG_URL
from tests.scenario.served import served_env, start_served, wait_healthy


def _env(ws: LocalWorkspace, database_url: str, **extra: str) -> dict[str, str]:
    return served_env(ws, database_url, **{"ERFARING_OUTBOX_LEASE_SECONDS": "5", **extra})


class Served:
    """`python app.py serve --no-scheduler` in a process of its own."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.port = env["PORT"]
        self.process = start_served(env)
        wait_healthy(self.port, self.process, timeout=30.0)

    def driver(self, ws: LocalWorkspace) -> SlackDriver:
        return SlackDriver(
            self.env["SLACK_SIGNING_SECRET"],
            ws.standin,
            http_poster(f"http://127.0.0.1:{self.port}/slack/events"),
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.communicate(timeout=30)[0]
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.communicate()[0] if self.process.stdout else ""


@pytest.fixture
def served_db(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'served.db'}"


@pytest.fixture
def slack(db: Database) -> Iterator[LocalWorkspace]:
    """A local workspace whose stand-in keeps real time, as Slack does: the served process's clock is
    the real one, and a retry looks for its post by time."""
    from localslack.clock import FakeClock

    workspace = erfaring.local_workspace(db, FakeClock(datetime.now(UTC)))
    yield workspace
    workspace.close()


def posts_with(ws: LocalWorkspace, channel: str, text: str) -> int:
    return sum(1 for m in ws.standin.messages(channel) if text in m.text and m.user == ws.standin.bot_user_id)


def wait_for(check: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def test_killed_between_ack_and_post_every_acknowledged_lesson_is_posted_once(
    slack: LocalWorkspace, served_db: str
) -> None:
    ws = slack
    general = ws.channel_id("general")
    texts = [f"Durable lesson number {n} about careful deploys" for n in range(1, 5)]
    # Slack takes the first post but its answer never reaches the process (it is killed while
    # waiting); the others wait behind it in the conversation's queue.
    ws.standin.delay("chat.postMessage", 30.0, times=1, after=True)
    first = Served(_env(ws, served_db))
    try:
        driver = first.driver(ws)
        for text in texts:
            answer = driver.command(ws.user_id("ola"), general, "/lesson", text)
            assert answer.ok and "is saved" in answer.body
        wait_for(lambda: posts_with(ws, general, texts[0]) == 1)  # Slack has the first post
    finally:
        first.kill()  # SIGKILL: no shutdown, no hand-back; the claim's lease is all that is left
    second = Served(_env(ws, served_db))
    try:
        wait_for(lambda: all(posts_with(ws, general, t) >= 1 for t in texts), timeout=60)
        time.sleep(1.0)  # anything that would post twice has had its chance
        assert [posts_with(ws, general, t) for t in texts] == [1, 1, 1, 1], "each exactly once"
        database = Database(served_db)
        try:
            with database.read_session() as session:
                effects = [(e.kind, e.status) for e in store.effects(session, "lessons.publish")]
        finally:
            database.dispose()
        assert effects == [("lessons.publish", "done")] * 4
    finally:
        output = second.stop()
    assert "Traceback" not in output


def test_a_slow_slack_never_slows_an_ack(slack: LocalWorkspace, served_db: str) -> None:
    ws = slack
    channels = [ws.channel_id(name) for name in ("general", "team-platform", "team-product")]
    ws.standin.delay("chat.postMessage", 4.0, times=8)
    server = Served(_env(ws, served_db, ERFARING_OUTBOX_LEASE_SECONDS="60"))
    try:
        driver = server.driver(ws)
        elapsed: list[float] = []
        lock = threading.Lock()

        def share(n: int) -> None:
            answer = driver.command(
                ws.user_id("ola"), channels[n % 3], "/lesson", f"Burst lesson {n} stays fast"
            )
            assert answer.ok and "is saved" in answer.body
            with lock:
                elapsed.append(answer.elapsed)

        threads = [threading.Thread(target=share, args=(n,)) for n in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(elapsed) == 20 and max(elapsed) < 1.0, sorted(elapsed)[-3:]
        wait_for(
            lambda: all(posts_with(ws, channels[n % 3], f"Burst lesson {n} stays") == 1 for n in range(20)),
            timeout=90,
        )
        time.sleep(0.5)
        assert [posts_with(ws, channels[n % 3], f"Burst lesson {n} stays") for n in range(20)] == [1] * 20
    finally:
        server.stop()


@pytest.mark.skipif(not PG_URL.startswith("postgresql"), reason="replicas share a PostgreSQL database")
def test_two_replicas_on_postgresql_deliver_each_effect_once(ws: LocalWorkspace, db: Database) -> None:
    if not db.is_postgresql:
        pytest.skip("this test is about PostgreSQL")
    secret = ws.deps.settings.signing_secret or ""
    replicas = []
    for _ in range(2):  # two apps on one database, each with its own delivery workers
        app, deps = erfaring.build_app(ws.deps.settings, db, clock=ws.clock)
        deps.outbox.pace = outbox_runtime.PACE * 0
        poster = wsgi_poster(erfaring.make_wsgi(app, db, secret))
        replicas.append((SlackDriver(secret, ws.standin, poster), deps))
    general, platform = ws.channel_id("general"), ws.channel_id("team-platform")
    for n in range(12):
        driver, _ = replicas[n % 2]
        assert driver.command(
            ws.user_id("ola"), (general, platform)[n % 2], "/lesson", f"Replica lesson {n} once"
        ).ok
    for _, deps in replicas:
        deps.outbox.start(threads=2)
    try:
        wait_for(
            lambda: all(
                posts_with(ws, (general, platform)[n % 2], f"Replica lesson {n} once") >= 1 for n in range(12)
            )
        )
        time.sleep(0.5)
        assert [
            posts_with(ws, (general, platform)[n % 2], f"Replica lesson {n} once") for n in range(12)
        ] == [1] * 12
        with db.read_session() as session:
            done = [e.status for e in store.effects(session, "lessons.publish")]
        assert done == ["done"] * 12
    finally:
        for _, deps in replicas:
            deps.outbox.stop(timeout=5)
