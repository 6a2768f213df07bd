"""Load: N people using Erfaring at once, against a bare Bolt app on the same server in the same run.

    python -m bench.load_bench [--users 16] [--seconds 15] [--database-url URL] [--output PATH]
                               [--profile PATH]

Each simulated person, in a loop for the whole window, sends the mix the issue names: half `/lesson
<text>`, a quarter `/lesson search <words>`, a quarter clicks on a lesson's 👍 Useful button — signed
as Slack signs them, over HTTP, to Erfaring served by waitress exactly as `python app.py serve` serves
it (bench/ack_server.py) and, one after the other in the same run, to a bare slack_bolt App that only
acks, behind the same adapter and server. Reported per app: requests/s, ack p50/p95/p99/max, acks
over 3 s (Slack's deadline), errors; and the ratios. After Erfaring's window the bench waits for the
work that follows the acks (posting the lessons, refreshing counts, search answers) to finish and
reports how long that took ("drain"). `--profile PATH` records Erfaring's server with py-spy during
its window and reports where its CPU went, by part of the app (bench/profile.py).

Targets (issue 10): throughput ≥ 0.8× the bare app, ack p99 ≤ 500 ms at 16 users, no ack over 3 s,
on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import profile
from bench.ack_bench import (
    SECRET_KEY,
    ServerProcess,
    _child_env,
    _normalize_pg,
    bench_database,
    free_port,
    machine,
    ratio,
    summarize,
)
from bench.common import write_result
from bot.lessons.ids import LessonAction
from localslack.driver import SlackDriver, http_poster
from localslack.standin import Message, SlackStandIn
from localslack.workspace import LOCAL_BOT_TOKEN, LOCAL_SIGNING_SECRET, LOCAL_TEAM_ID, seed
from storage.db import Database

RESULTS = Path(__file__).parent / "results" / "load.json"
SEED = 20261202
TARGET_THROUGHPUT = 0.8
TARGET_P99_MS = 500.0
DEADLINE_MS = 3000.0
# Requests prepared per person and second of the window: more than one person can send (the bare
# app answers one person about 45 times a second at 16 people); a person who runs out is reported.
PER_PERSON_PER_S = 120
WORDS = ("deploy", "review", "onboarding", "retro", "testing", "kunde", "møte", "prosjekt", "incident")


@dataclass
class Window:
    """What one app answered during the window."""

    samples_ms: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    ran_out: int = 0  # people who sent every request prepared for them before the window ended

    def add(self, kind: str, status: int, elapsed_ms: float, ok: bool) -> None:
        self.samples_ms.append(elapsed_ms)
        self.by_kind.setdefault(kind, []).append(elapsed_ms)
        if not ok:
            self.errors.append(f"{kind}: HTTP {status}")

    def report(self) -> dict[str, Any]:
        count = len(self.samples_ms)
        return {
            "requests": count,
            "requests_per_s": round(count / self.seconds, 1) if self.seconds else 0.0,
            "ack_ms": summarize(self.samples_ms) if count > 1 else {},
            "by_kind_p95_ms": {k: summarize(v)["p95"] for k, v in self.by_kind.items() if len(v) > 1},
            "over_3s": sum(1 for s in self.samples_ms if s > DEADLINE_MS),
            "errors": len(self.errors),
            "error_examples": self.errors[:3],
            "ran_out": self.ran_out,
        }


class Recorder:
    """A driver's poster that keeps the signed request instead of sending it (answering 200, empty)."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def __call__(self, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        self.sent.append({"body": body.decode("utf-8"), "headers": headers})
        return 200, ""


def prepare(
    standin: SlackStandIn,
    users: Sequence[str],
    channels: Sequence[str],
    messages: Sequence[Message],
    per_person: int,
    expect_saved: bool,
) -> list[list[dict[str, Any]]]:
    """Each person's signed requests, in order: the mix above, from a seeded generator."""
    counter = iter(range(10**9))
    people: list[list[dict[str, Any]]] = []
    for index, user in enumerate(users):
        rng = random.Random(SEED + index)
        recorder = Recorder()
        driver = SlackDriver(LOCAL_SIGNING_SECRET, standin, recorder)
        kinds: list[tuple[str, str | None]] = []
        for _ in range(per_person):
            roll = rng.random()
            channel = channels[rng.randrange(len(channels))]
            if roll < 0.5:
                word, tag = rng.choice(WORDS), rng.choice(WORDS)
                text = f"Lesson {next(counter)} from load: {word} taught us to go slowly #{tag}"
                driver.command(user, channel, "/lesson", text)
                kinds.append(("lesson", "is saved" if expect_saved else None))
            elif roll < 0.75:
                driver.command(user, channel, "/lesson", f"search {rng.choice(WORDS)}")
                kinds.append(("search", None))
            else:
                message = messages[rng.randrange(len(messages))]
                driver.click(user, action_id=LessonAction.USEFUL, message=message)
                kinds.append(("vote", None))
        pairs = zip(recorder.sent, kinds, strict=True)
        people.append([{**request, "kind": kind, "expect": expect} for request, (kind, expect) in pairs])
    return people


def run_window(url: str, people: list[list[dict[str, Any]]], seconds: float, workdir: Path) -> Window:
    """Send the prepared requests from a client process of its own (bench/load_client.py)."""
    requests_path, result_path = workdir / "requests.json", workdir / "result.json"
    requests_path.write_text(json.dumps(people), encoding="utf-8")
    client = [sys.executable, "-m", "bench.load_client", str(requests_path), url, str(seconds)]
    subprocess.run([*client, str(result_path)], check=True, cwd=Path(__file__).parent.parent)
    result = json.loads(result_path.read_text(encoding="utf-8"))
    window = Window(seconds=result["seconds"], ran_out=result["ran_out"])
    for kind, status, elapsed_ms, ok in result["rows"]:
        window.add(kind, status, elapsed_ms, ok)
    return window


def _seed_lessons(standin: SlackStandIn, url: str, user: str, channel: str, count: int) -> list[Message]:
    """Lessons to vote on: shared through Erfaring, posted by it; the bare app votes on the same ones."""
    driver = SlackDriver(LOCAL_SIGNING_SECRET, standin, http_poster(url))
    for n in range(count):
        assert driver.command(user, channel, "/lesson", f"A lesson to vote on, number {n} #seed").ok
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        posted = [m for m in standin.messages(channel) if m.user == standin.bot_user_id and m.blocks]
        if len(posted) >= count:
            return posted
        time.sleep(0.1)
    raise RuntimeError("the seed lessons were never posted")


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _drain(database_url: str, timeout: float = 90.0) -> dict[str, Any]:
    """How long the outbox took to deliver what the window left (or what is left after `timeout`).

    Posts into one channel go out at most once a second (Slack's pace), so a window that shares
    hundreds of lessons into three channels leaves a queue that takes minutes by design: `floor_s`
    is that pace's lower bound for the posts left when the window ended."""
    from storage.core import outbox as store

    database = Database(database_url)
    started = time.monotonic()
    try:
        with database.read_session() as session:
            left = Counter(e.channel_key for e in store.effects(session) if e.status in store.UNFINISHED)
        floor = max((n for key, n in left.items() if key), default=0)
        while time.monotonic() - started < timeout:
            with database.read_session() as session:
                counts = store.counts(session)
            unfinished = sum(counts.get(s, 0) for s in store.UNFINISHED)
            if not unfinished:
                return {"seconds": round(time.monotonic() - started, 2), "floor_s": floor, "left": 0}
            time.sleep(0.2)
        return {"seconds": None, "floor_s": floor, "left": unfinished}
    finally:
        database.dispose()


def measure(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    standin = SlackStandIn(team_id=LOCAL_TEAM_ID, bot_token=LOCAL_BOT_TOKEN).start()
    try:
        ids = seed(standin)
        users = [ids[name] for name in ("kari", "ola", "ingrid", "per")]
        channels = [ids["#general"], ids["#team-platform"], ids["#team-product"]]
        common = {
            "SLACK_BOT_TOKEN": LOCAL_BOT_TOKEN,
            "SLACK_SIGNING_SECRET": LOCAL_SIGNING_SECRET,
            "SLACK_API_URL": standin.api_url,
        }
        with bench_database(_normalize_pg(args.database_url), workdir, "load") as database_url:
            env = {**common, "DATABASE_URL": database_url, "ERFARING_SECRET_KEY": SECRET_KEY}
            erfaring = ServerProcess(
                "erfaring", "waitress", free_port(), workdir / "erfaring.log", _child_env(env), args.threads
            )
            bare = ServerProcess(
                "bare", "waitress", free_port(), workdir / "bare.log", _child_env(common), args.threads
            )
            results: dict[str, Any] = {}
            try:
                for process in (erfaring, bare):
                    process.start()
                for process in (erfaring, bare):
                    process.wait_ready()
                messages = _seed_lessons(standin, erfaring.events_url, users[0], channels[0], 20)
                _drain(database_url)
                people = [users[i % len(users)] for i in range(args.users)]
                per_person = int(args.seconds * PER_PERSON_PER_S)
                for process, saved in ((bare, False), (erfaring, True)):
                    say = f"[{process.app}] {args.users} people for {args.seconds:.0f} s …"
                    print(say, file=sys.stderr, flush=True)
                    prepared = prepare(standin, people, channels, messages, per_person, saved)
                    server_cpu, standin_cpu = process.cpu_seconds(), _own_cpu()
                    recorder = None
                    if args.profile and process is erfaring:
                        recorder = profile.start(process.pid, args.seconds, args.profile)
                    window = run_window(process.events_url, prepared, args.seconds, workdir)
                    results[process.app] = window.report()
                    served = max(1, len(window.samples_ms))
                    server_ms = round((process.cpu_seconds() - server_cpu) * 1000 / served, 2)
                    results[process.app]["cpu_ms_per_request"] = {
                        # What serving a request cost the app's process, and what the stand-in spent
                        # answering the app's calls to Slack meanwhile (both on this machine's 2 cores).
                        "server": server_ms,
                        "standin": round((_own_cpu() - standin_cpu) * 1000 / served, 2),
                    }
                    if recorder is not None:
                        results[process.app]["profile"] = profile.finish(recorder, args.profile, server_ms)
                    if process is erfaring:
                        results[process.app]["drain"] = _drain(database_url)
                    time.sleep(1.0)
                results["erfaring"]["peak_rss_mib"] = erfaring.memory()["peak_rss_mib"]
            finally:
                for process in (erfaring, bare):
                    process.stop()
    finally:
        standin.stop()
    e, b = results["erfaring"], results["bare"]
    throughput = ratio(e["requests_per_s"], b["requests_per_s"])
    return {
        "users": args.users,
        "seconds": args.seconds,
        "server": f"waitress, {args.threads} threads",
        "apps": results,
        "throughput_ratio": throughput,
        "p99_ratio": ratio(e["ack_ms"].get("p99", 0.0), b["ack_ms"].get("p99", 1.0)),
        "targets": {
            "throughput_ratio >= 0.8": throughput >= TARGET_THROUGHPUT,
            "ack p99 <= 500 ms": e["ack_ms"].get("p99", float("inf")) <= TARGET_P99_MS,
            "no ack over 3 s": e["over_3s"] == 0,
            "no errors": e["errors"] == 0,
        },
    }


def _drained(drain: dict[str, Any] | None) -> str:
    if not drain:
        return ""
    if drain["seconds"] is not None:
        return f"{drain['seconds']} s (pace floor {drain['floor_s']} s)"
    return f"{drain['left']} left after 90 s (pace floor {drain['floor_s']} s)"


def markdown(backend: str, report: dict[str, Any]) -> str:
    rows = [
        f"## Load: {report['users']} people for {report['seconds']:.0f} s — {backend}, {report['server']}",
        "",
        "| app | requests/s | ack p50 ms | p95 | p99 | max | over 3 s | errors | outbox drained |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ("erfaring", "bare"):
        app = report["apps"][name]
        ack = app["ack_ms"]
        rows.append(
            f"| {name} | {app['requests_per_s']} | {ack.get('p50')} | {ack.get('p95')} | {ack.get('p99')} | "
            f"{ack.get('max')} | {app['over_3s']} | {app['errors']} | {_drained(app.get('drain'))} |"
        )
    rows.append("")
    rows.append(
        f"Throughput ratio {report['throughput_ratio']} (target ≥ {TARGET_THROUGHPUT}); targets: "
        + ", ".join(f"{k}: {'PASS' if v else 'FAIL'}" for k, v in report["targets"].items())
    )
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (as app.serve)")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--keep", type=Path, help="keep the servers' logs (and the SQLite file) here")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="PATH",
        help="record Erfaring's server with py-spy during its window (raw stacks to PATH) and report "
        "where its CPU went (bench/profile.py)",
    )
    args = parser.parse_args(argv)
    if args.profile and profile.py_spy() is None:
        parser.error("--profile needs py-spy: pip install -e '.[dev]'")
    backend = "postgresql" if args.database_url else "sqlite"
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        report = measure(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="erfaring-load-") as directory:
            report = measure(args, Path(directory))
    report["machine"] = machine()
    print(markdown(backend, report))
    if "profile" in report["apps"]["erfaring"]:
        print("\n" + profile.markdown(report["apps"]["erfaring"]["profile"]))
    write_result(args.output, backend, report)
    return 0 if all(report["targets"].values()) else 1


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
