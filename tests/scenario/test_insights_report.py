"""The leaders' monthly report end to end, under the injected clock: due on the first working day at
09:00 in the workspace's zone, sent once per leader and month under two replicas, a restart and a
crash, its chart arriving in the DM; and `python app.py report` (send now, or preview to a folder)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slack_bolt import App

import app as erfaring
from bot.core.deps import Deps
from bot.core.outbox import LEASE
from bot.insights import flows, jobs
from bot.lessons.visibility import settle_pending
from localslack.clock import FakeClock
from localslack.standin import Message
from localslack.workspace import LOCAL_BOT_TOKEN, LOCAL_SIGNING_SECRET, LocalWorkspace
from storage.core import outbox as effects
from storage.insights import queries

DUE = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # Monday 2 March 09:00 in Oslo (1 March is a Sunday)
FEBRUARY = datetime(2026, 2, 17, 9, 0, tzinfo=UTC)


def dm_of(ws: LocalWorkspace, user: str) -> str:
    return ws.standin.im_channel(ws.user_id(user))


def bot_posts(ws: LocalWorkspace, user: str) -> list[Message]:
    return [m for m in ws.standin.messages(dm_of(ws, user)) if m.user == ws.standin.bot_user_id]


def reports_to(ws: LocalWorkspace, user: str) -> tuple[list[Message], list[object]]:
    """(the report texts, the charts) the app sent `user`."""
    posts = bot_posts(ws, user)
    texts = [m for m in posts if m.subtype != "file_share" and "Erfaring ·" in m.text]
    return texts, list(ws.standin.files(dm_of(ws, user)))


@pytest.fixture
def february(ws: LocalWorkspace, clock: FakeClock) -> Iterator[LocalWorkspace]:
    """A February with lessons and votes, ola and ingrid (who reads Norwegian) as leaders, the clock
    then on Sunday 1 March."""
    clock.set(FEBRUARY)
    platform = ws.channel_id("team-platform")
    for user, text in (
        ("ola", "Pair on the first deploy #onboarding"),
        ("kari", "Write the rollback plan before the rollout #deploy"),
        ("per", "anon Ask customers what they tried first #support"),
    ):
        assert ws.driver.command(ws.user_id(user), platform, "/lesson", text).ok
        ws.settle()
    settle_pending(ws.deps)
    ws.standin.set_locale(ws.user_id("ingrid"), "nb-NO")
    for leader in ("ola", "ingrid"):
        assert ws.driver.command(ws.user_id("kari"), platform, "/erfaring", f"leaders add @{leader}").ok
        ws.settle()
    clock.set(datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
    yield ws


def replica(ws: LocalWorkspace) -> tuple[App, Deps]:
    """Another `serve` process on the same database and Slack (a replica, or the app restarted)."""
    other_app, deps = erfaring.build_app(ws.deps.settings, ws.deps.db, clock=ws.clock)
    deps.outbox.pace = timedelta(0)
    return other_app, deps


def test_the_report_waits_for_the_first_working_day_at_nine(
    february: LocalWorkspace, clock: FakeClock
) -> None:
    ws = february
    assert jobs.run_due_reports(ws.deps, clock.now()) == [], "Sunday 1 March is no working day"
    clock.set(DUE - timedelta(minutes=1))
    assert jobs.run_due_reports(ws.deps, clock.now()) == []
    clock.set(DUE)
    outcomes = jobs.run_due_reports(ws.deps, clock.now())
    assert sorted((o.leader_id, o.month, o.status) for o in outcomes) == sorted(
        [(ws.user_id("ola"), "2026-02", "claimed"), (ws.user_id("ingrid"), "2026-02", "claimed")]
    )
    ws.settle()
    texts, charts = reports_to(ws, "ola")
    assert len(texts) == 1 and len(charts) == 1
    assert texts[0].text == "Erfaring · February 2026: 3 lessons shared (January 2026: 0)."
    chart = charts[0]
    assert chart.name == "erfaring-report-2026-02.png"  # type: ignore[attr-defined]
    assert chart.content[:8] == b"\x89PNG\r\n\x1a\n"  # type: ignore[attr-defined]
    norsk, norsk_charts = reports_to(ws, "ingrid")
    assert len(norsk) == 1 and "Erfaring · februar 2026" in norsk[0].text and len(norsk_charts) == 1
    assert "Delte lærdommer" in str(norsk[0].blocks)
    shown = str(texts[0].blocks)
    assert "Per Johansen" not in shown and ws.user_id("per") not in shown, "the anonymous author is unnamed"
    # Later the same day, the next day, and after the grace period: nothing more.
    for later in (timedelta(minutes=10), timedelta(days=1), timedelta(days=4)):
        clock.set(DUE + later)
        jobs.run_due_reports(ws.deps, clock.now())
        ws.settle()
    assert [len(part) for part in reports_to(ws, "ola")] == [1, 1]


def test_two_replicas_and_a_restart_send_each_leader_one_report(
    february: LocalWorkspace, clock: FakeClock
) -> None:
    ws = february
    _, second = replica(ws)
    clock.set(DUE + timedelta(seconds=30))
    start = threading.Barrier(2)
    found: list[list[jobs.Outcome]] = []

    def serve(deps: Deps, name: str) -> None:
        start.wait()
        found.append(jobs.run_due_reports(deps, clock.now(), replica_id=name))
        deps.outbox.drain()

    threads = [threading.Thread(target=serve, args=(d, n)) for d, n in ((ws.deps, "a"), (second, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [o for outcomes in found for o in outcomes if o.status == "claimed"]
    assert len(claimed) == 2, "one claim per leader between the two replicas"
    ws.settle()
    _, restarted = replica(ws)  # the app restarted: a new process, nothing remembered
    clock.advance(timedelta(minutes=10))
    assert all(o.status.startswith("already") for o in jobs.run_due_reports(restarted, clock.now()))
    restarted.outbox.drain()
    ws.settle()
    for leader in ("ola", "ingrid"):
        texts, charts = reports_to(ws, leader)
        assert (len(texts), len(charts)) == (1, 1), leader
    with ws.deps.db.read_session() as session:
        claims = queries.month_claims(session, ws.standin.team_id, "2026-02")
        assert [c.status for c in claims] == ["sent", "sent"]
        assert all(c.message_ts and c.file_id and c.sent_at for c in claims)


def test_a_crash_after_slack_took_the_text_sends_it_once(
    february: LocalWorkspace, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker dies (kill -9) right after chat.postMessage succeeded, before it could record it:
    its lease runs out, another process takes the effect over and finds the text by its metadata."""
    ws = february
    clock.set(DUE)
    real_progress = flows._progress

    def die_after_the_post(deps: Deps, claim_id: int, **done: str) -> None:
        if "message_ts" in done:
            raise SystemExit("killed")  # not an Exception: nothing in the worker catches it
        real_progress(deps, claim_id, **done)

    monkeypatch.setattr(flows, "_progress", die_after_the_post)
    jobs.run_due_reports(ws.deps, clock.now())
    with pytest.raises(SystemExit):
        ws.deps.outbox.drain()
    monkeypatch.setattr(flows, "_progress", real_progress)
    with ws.deps.db.read_session() as session:
        running = [e.status for e in effects.effects(session, "insights.report")]
    assert "running" in running, "the dead worker's lease is still on it"
    ws.executor.drain(5)
    clock.advance(LEASE + timedelta(seconds=1))
    _, restarted = replica(ws)
    restarted.outbox.drain()
    ws.deps.outbox.drain()
    for leader in ("ola", "ingrid"):
        texts, charts = reports_to(ws, leader)
        assert (len(texts), len(charts)) == (1, 1), leader


def test_a_crash_after_the_upload_does_not_upload_again(
    february: LocalWorkspace, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = february
    clock.set(DUE)
    calls = {"n": 0}
    real_record = queries.record_progress

    def fail_once_on_the_file(session: object, claim_id: int, **done: str | None) -> None:
        if done.get("file_id") and calls["n"] == 0:
            calls["n"] += 1
            raise RuntimeError("the database went away after Slack took the file")
        real_record(session, claim_id, **done)  # type: ignore[arg-type]

    monkeypatch.setattr(queries, "record_progress", fail_once_on_the_file)
    jobs.run_due_reports(ws.deps, clock.now())
    ws.settle()
    clock.advance(timedelta(seconds=5))  # the outbox's backoff
    ws.settle()
    assert calls["n"] == 1
    uploads = ws.standin.calls_to("files.completeUploadExternal")
    assert len(uploads) == 2, "one chart per leader, the retried one found in the DM"
    for leader in ("ola", "ingrid"):
        assert [len(part) for part in reports_to(ws, leader)] == [1, 1]


def test_moving_the_clock_across_the_month_sends_it_monday_morning(
    february: LocalWorkspace, clock: FakeClock
) -> None:
    ws = february
    clock.set(datetime(2026, 2, 27, 12, 0, tzinfo=UTC))
    first: datetime | None = None
    while clock.now() < datetime(2026, 3, 4, tzinfo=UTC):
        clock.advance(timedelta(minutes=30))
        erfaring.run_due_jobs(ws.deps, clock.now())  # what the console's :wait runs
        ws.settle()
        if first is None and reports_to(ws, "ola")[0]:
            first = clock.now()
    assert first == DUE
    assert [len(part) for part in reports_to(ws, "ola")] == [1, 1]


def cli_env(ws: LocalWorkspace, **more: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": LOCAL_BOT_TOKEN,
        "SLACK_SIGNING_SECRET": LOCAL_SIGNING_SECRET,
        "SLACK_API_URL": ws.standin.api_url,
        "DATABASE_URL": ws.deps.db.url,
        **more,
    }


def test_the_cli_sends_now_once_per_leader_and_month(
    february: LocalWorkspace, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = february
    assert erfaring.main(["report", "--month", "2026-02"], env=cli_env(ws)) == 0
    out = capsys.readouterr().out
    assert out.count(": sent") == 2 and ws.user_id("ola") in out
    assert [len(part) for part in reports_to(ws, "ola")] == [1, 1]
    assert erfaring.main(["report", "--month", "2026-02"], env=cli_env(ws)) == 0
    assert capsys.readouterr().out.count("already sent") == 2
    assert [len(part) for part in reports_to(ws, "ola")] == [1, 1], "never twice"


def test_the_cli_exits_1_with_a_line_per_failed_leader(
    february: LocalWorkspace, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = february
    gone = ws.standin.add_user("gone", "Gone Away", deleted=True).id
    code = erfaring.main(["report", "--month", "2026-01"], env=cli_env(ws, ERFARING_LEADERS=gone))
    captured = capsys.readouterr()
    assert code == 1
    problems = [line for line in captured.err.splitlines() if line.startswith("erfaring:")]
    assert len(problems) == 1 and gone in problems[0] and "failed" in problems[0]
    assert "user_disabled" in problems[0]
    assert [len(part) for part in reports_to(ws, "ola")] == [1, 1], "the others got theirs"
    with pytest.raises(SystemExit) as wrong:
        erfaring.main(["report", "--month", "2026-13"], env=cli_env(ws))
    assert wrong.value.code == 2 and "not a month: '2026-13'" in capsys.readouterr().err


def test_the_cli_previews_text_and_chart_without_sending(
    february: LocalWorkspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = february
    folder = tmp_path / "preview"
    before = len(ws.standin.calls)
    env = {"DATABASE_URL": ws.deps.db.url}  # no Slack token: the database alone
    assert erfaring.main(["report", "--month", "2026-02", "--preview", str(folder)], env=env) == 0
    written = sorted(path.name for path in folder.iterdir())
    team = ws.standin.team_id
    assert written == [f"erfaring-report-{team}-2026-02.png", f"erfaring-report-{team}-2026-02.txt"]
    text = (folder / f"erfaring-report-{team}-2026-02.txt").read_text(encoding="utf-8")
    assert text.startswith("Erfaring · February 2026") and "Lessons shared: 3" in text
    assert "Per Johansen" not in text and ws.user_id("per") not in text
    assert (folder / f"erfaring-report-{team}-2026-02.png").read_bytes()[:4] == b"\x89PNG"
    assert str(folder) in capsys.readouterr().out
    assert len(ws.standin.calls) == before, "a preview calls no Slack"
    assert reports_to(ws, "ola") == ([], [])
