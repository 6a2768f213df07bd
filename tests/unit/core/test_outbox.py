"""bot.core.outbox and storage.core.outbox on every backend: effects stored with their change, claimed
with a lease, delivered once, retried on passing trouble, told on failure, paced per conversation."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.core import outbox
from bot.core.deps import Deps
from bot.core.outbox import Effect, Permanent
from bot.core.settings import Settings
from bot.core.slack import SlackGateway
from localslack.clock import FakeClock
from storage.core import outbox as store
from storage.db import Database

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
delivered: list[tuple[str, dict[str, Any], int]] = []
failures: list[tuple[int, str]] = []
script: dict[str, list[object]] = {}  # what each kind's next deliveries do: "ok", an exception, a result


def _slack_error(code: str, status: int = 200, headers: dict[str, str] | None = None) -> SlackApiError:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.test/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": code},
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError(code, response)


def _deliver(deps: Deps, effect: Effect) -> Mapping[str, Any] | None:
    step = script.get(effect.kind, []).pop(0) if script.get(effect.kind) else "ok"
    if isinstance(step, BaseException):
        raise step
    delivered.append((effect.kind, dict(effect.payload), effect.attempts))
    return step if isinstance(step, dict) else {"ok": True}


def _failed(deps: Deps, effect: Effect, code: str) -> None:
    failures.append((effect.id, code))


outbox.handles("test.post", on_failure=_failed)(_deliver)
outbox.handles("test.refresh")(_deliver)


@pytest.fixture
def deps(db: Database) -> Deps:
    delivered.clear()
    failures.clear()
    script.clear()
    settings = Settings(bot_token="xoxb-test", signing_secret="s")
    return Deps.build(settings, db, FakeClock(NOW), SlackGateway(None))  # type: ignore[arg-type]


def put(
    deps: Deps, kind: str = "test.post", channel: str | None = "C1", coalesce: str | None = None, n: int = 1
) -> int | None:
    with deps.db.session() as session:
        return outbox.enqueue(
            session, deps, team_id="T1", kind=kind, payload={"n": n}, channel=channel, coalesce=coalesce
        )


def statuses(deps: Deps) -> list[str]:
    with deps.db.read_session() as session:
        return [e.status for e in store.effects(session)]


def test_an_effect_is_delivered_once_and_recorded_with_what_slack_answered(deps: Deps) -> None:
    script["test.post"] = [{"ts": "1.000001"}]
    put(deps)
    assert deps.outbox.drain() == 1
    assert delivered == [("test.post", {"n": 1}, 1)]
    assert deps.outbox.drain() == 0, "nothing is delivered twice"
    with deps.db.read_session() as session:
        [effect] = store.effects(session)
        assert (effect.status, effect.result, effect.pending_key) == ("done", '{"ts":"1.000001"}', None)


def test_an_effect_is_not_delivered_before_its_transaction_commits(deps: Deps) -> None:
    with pytest.raises(RuntimeError), deps.db.session() as session:
        outbox.enqueue(session, deps, team_id="T1", kind="test.post", payload={"n": 1})
        raise RuntimeError("the listener failed before the commit")
    assert deps.outbox.drain() == 0 and statuses(deps) == []


def test_unknown_kinds_are_refused_when_stored(deps: Deps) -> None:
    with pytest.raises(ValueError), deps.db.session() as session:
        outbox.enqueue(session, deps, team_id="T1", kind="nobody.handles.this", payload={})


def test_refreshes_of_one_message_coalesce_while_one_waits(deps: Deps) -> None:
    first = put(deps, "test.refresh", channel="C7", coalesce="lesson:7")
    assert first is not None
    assert put(deps, "test.refresh", channel="C7", coalesce="lesson:7") is None, "the waiting one will do"
    assert put(deps, "test.refresh", channel="C8", coalesce="lesson:8") is not None
    deps.outbox.drain()
    assert len(delivered) == 2
    assert put(deps, "test.refresh", channel="C7", coalesce="lesson:7") is not None, "after delivery, anew"


def test_passing_trouble_is_retried_with_backoff_and_429_waits_for_retry_after(deps: Deps) -> None:
    clock = deps.clock
    assert isinstance(clock, FakeClock)
    script["test.post"] = [
        _slack_error("internal_error", 500),
        _slack_error("ratelimited", 429, {"Retry-After": "30"}),
    ]
    put(deps)
    deps.outbox.drain()
    assert delivered == [] and statuses(deps) == ["pending"]
    clock.advance(timedelta(seconds=2))  # the first backoff is about a second
    deps.outbox.drain()
    assert delivered == [], "now a 429"
    clock.advance(timedelta(seconds=20))
    assert deps.outbox.drain() == 0, "Retry-After said 30 s"
    put(deps, n=2)  # another message to the same conversation waits as well
    clock.advance(timedelta(seconds=5))
    assert deps.outbox.drain() == 0, "the conversation is held for Retry-After"
    clock.advance(timedelta(seconds=6))
    deps.outbox.drain()
    clock.advance(timedelta(seconds=2))
    deps.outbox.drain()
    assert [(d[1]["n"], d[2]) for d in delivered] == [(1, 3), (2, 1)], "in order, one at a time"


def test_errors_retrying_cannot_fix_are_failed_and_told(deps: Deps) -> None:
    script["test.post"] = [_slack_error("channel_not_found"), Permanent("lesson_deleted")]
    first, second = put(deps), put(deps, channel="C2")
    deps.outbox.drain()
    assert failures == [(first, "channel_not_found"), (second, "lesson_deleted")]
    assert statuses(deps) == ["failed", "failed"]


def test_the_status_report_counts_states_and_names_what_was_not_delivered(deps: Deps) -> None:
    script["test.post"] = [_slack_error("channel_not_found")]
    failed = put(deps)
    put(deps, channel="C2")
    put(deps, channel="C3")
    deps.outbox.drain()
    put(deps, channel="C4", n=7)
    lines = outbox.status_report(deps.db)
    assert lines[0] == "outbox: 1 pending, 0 running, 2 done, 1 failed, 0 dead"
    assert lines[1] == "next due: 2026-03-02T08:00:00+00:00"
    assert lines[2] == "last 1 not delivered (newest first):"
    assert lines[3].startswith(
        f"  #{failed} test.post team T1 in C1: failed after 1 attempt(s) at 2026-03-02T08:00:00"
    )
    assert lines[3].endswith(": channel_not_found")
    assert all('"n"' not in line for line in lines), "payloads (people's text) are not printed"


def test_an_effect_that_keeps_failing_ends_dead_and_told(deps: Deps) -> None:
    clock = deps.clock
    assert isinstance(clock, FakeClock)
    deps.outbox.max_attempts = 3
    script["test.post"] = [ConnectionResetError("reset")] * 3
    put(deps)
    for _ in range(4):
        deps.outbox.drain()
        clock.advance(timedelta(minutes=6))
    assert statuses(deps) == ["dead"] and failures and failures[0][1] == "gave_up:ConnectionResetError"


def test_a_worker_that_dies_leaves_a_lease_another_takes_over(deps: Deps) -> None:
    clock = deps.clock
    assert isinstance(clock, FakeClock)
    put(deps)
    with deps.db.session() as session:  # a worker claims it, then is killed before it finishes
        [claimed] = store.claim(
            session,
            now=clock.now(),
            worker="dead-worker",
            lease=timedelta(seconds=60),
            limit=5,
            pace=timedelta(0),
        ).items
    assert deps.outbox.drain() == 0, "leased: nobody else takes it"
    clock.advance(timedelta(seconds=61))
    assert deps.outbox.drain() == 1
    assert delivered == [("test.post", {"n": 1}, 2)], "the second attempt knows it is one"
    with deps.db.session() as session:
        assert not store.finish(session, claimed.id, "dead-worker", now=clock.now()), "the lost lease is lost"


def test_a_conversation_gets_one_message_at_a_time_and_at_most_one_a_second(deps: Deps) -> None:
    clock = deps.clock
    assert isinstance(clock, FakeClock)
    for n in range(3):
        put(deps, n=n)
    put(deps, channel="C2", n=9)
    deps.outbox.drain()
    assert sorted(d[1]["n"] for d in delivered) == [0, 9], "C1 got one, C2 got its own"
    clock.advance(timedelta(milliseconds=500))
    deps.outbox.drain()
    assert len(delivered) == 2, "C1 waits a second between messages"
    clock.advance(timedelta(milliseconds=600))
    deps.outbox.drain()
    clock.advance(timedelta(seconds=1.1))
    deps.outbox.drain()
    assert [d[1]["n"] for d in delivered if d[1]["n"] != 9] == [0, 1, 2]


def test_workers_waiting_for_a_pace_neither_claim_nor_oversleep(deps: Deps) -> None:
    clock = deps.clock
    assert isinstance(clock, FakeClock)
    for n in range(3):
        put(deps, n=n)
    deps.outbox.drain()
    assert [d[1]["n"] for d in delivered] == [0]
    with deps.db.read_session() as session:
        # Two effects are due, but their conversation must wait: nothing to claim, so no write.
        assert store.claimable(session, clock.now())[:2] == (False, NOW + outbox.PACE)
    clock.advance(timedelta(milliseconds=700))
    assert deps.outbox.deliver_due() == 0
    # The worker sleeps until the pace opens (0.3 s), not a whole poll.
    assert deps.outbox._idle_wait() == pytest.approx(0.3, abs=0.01)
    put(deps, channel="C2", n=9)
    with deps.db.read_session() as session:
        assert store.claimable(session, clock.now())[0], "another conversation may speak at once"
    deps.outbox.drain()
    assert [d[1]["n"] for d in delivered] == [0, 9]
    with deps.db.read_session() as session:
        # C2 waits for its pace too, but has nothing more to say: only C1's pace is worth waking for.
        assert store.claimable(session, clock.now())[:2] == (False, NOW + outbox.PACE)
    clock.advance(timedelta(milliseconds=400))
    deps.outbox.drain()
    assert [d[1]["n"] for d in delivered] == [0, 9, 1]


def test_a_channel_with_nothing_more_to_say_wakes_nobody(deps: Deps) -> None:
    put(deps)
    deps.outbox.drain()
    with deps.db.read_session() as session:
        assert store.claimable(session, deps.clock.now())[:2] == (False, None)
    assert deps.outbox._idle_wait() == outbox.POLL_SECONDS


def test_a_long_queue_in_one_waiting_channel_does_not_hide_another_channel(deps: Deps) -> None:
    for n in range(outbox.BATCH * store.CANDIDATES_PER_CLAIM + 5):
        put(deps, n=n)
    deps.outbox.drain()  # C1 speaks once, then waits for its pace
    put(deps, channel="C2", n=999)
    assert deps.outbox.deliver_due() == 1
    assert [d[1]["n"] for d in delivered] == [0, 999]


def test_stopping_gives_claimed_effects_back(deps: Deps) -> None:
    put(deps)
    with deps.db.session() as session:
        store.claim(
            session,
            now=NOW,
            worker=deps.outbox.worker,
            lease=timedelta(seconds=60),
            limit=5,
            pace=timedelta(0),
        )
    deps.outbox.stop(timeout=0.1)
    assert statuses(deps) == ["pending"]
    with deps.db.read_session() as session:
        [effect] = store.effects(session)
        assert effect.attempts == 0, "a released claim does not count as an attempt"


def test_two_workers_deliver_each_effect_once(db: Database) -> None:
    settings = Settings(bot_token="xoxb-test", signing_secret="s")
    clock = FakeClock(NOW)
    one = Deps.build(settings, db, clock, SlackGateway(None))  # type: ignore[arg-type]
    two = Deps.build(settings, db, clock, SlackGateway(None))  # type: ignore[arg-type]
    delivered.clear()
    script.clear()
    for n in range(40):
        put(one, channel=f"C{n}", n=n)
    barrier = threading.Barrier(2)

    def run(deps: Deps) -> None:
        barrier.wait()
        deps.outbox.drain()

    threads = [threading.Thread(target=run, args=(d,)) for d in (one, two)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(d[1]["n"] for d in delivered) == list(range(40))


def test_the_outbox_command_prints_the_report_and_fails_when_something_was_lost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import app as erfaring

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert erfaring.main(["outbox"], env={"DATABASE_URL": url}) == 0
    assert capsys.readouterr().out.strip() == "outbox: 0 pending, 0 running, 0 done, 0 failed, 0 dead"
    database = Database(url)
    try:
        with database.session() as session:
            effect_id = store.enqueue(
                session, team_id="T1", kind="test.post", payload={}, channel_key="C1", now=NOW
            )
            assert effect_id is not None
        with database.session() as session:
            claimed = store.claim(
                session, now=NOW, worker="w", lease=timedelta(seconds=60), limit=1, pace=timedelta(0)
            )
            assert [c.id for c in claimed.items] == [effect_id]
            store.give_up(session, effect_id, "w", now=NOW, error="not_in_channel", status=store.FAILED)
    finally:
        database.dispose()
    assert erfaring.main(["outbox", "--limit", "5"], env={"DATABASE_URL": url}) == 1
    out = capsys.readouterr().out
    assert "0 pending, 0 running, 0 done, 1 failed, 0 dead" in out
    assert (
        f"#{effect_id} test.post team T1 in C1: failed after 1 attempt(s)" in out and "not_in_channel" in out
    )


def test_a_commit_wakes_the_workers_only_for_what_they_would_not_look_at_in_time(deps: Deps) -> None:
    clock = deps.clock
    assert isinstance(clock, FakeClock)
    woken = deps.outbox._wake
    put(deps, n=0)
    put(deps, n=1)
    deps.outbox.drain()  # C1 speaks once; its second post waits for the pace, the workers with it
    assert [d[1]["n"] for d in delivered] == [0]
    woken.clear()
    put(deps, n=2)
    assert not woken.is_set(), "C1 may not speak before the workers' next look: nobody is woken"
    put(deps, channel="C2", n=3)
    assert woken.is_set(), "C2 may speak at once"
    woken.clear()
    put(deps, channel=None, n=4)
    assert woken.is_set(), "an effect that is not paced is delivered at once"
    woken.clear()
    clock.advance(outbox.PACE)
    put(deps, n=5)
    assert woken.is_set(), "past the look the workers planned, a commit wakes them as before"
    woken.clear()
    deps.outbox.drain()
    assert sorted(d[1]["n"] for d in delivered) == [0, 1, 3, 4]
    for _ in range(2):  # C1 says its last two one pace apart
        clock.advance(outbox.PACE)
        deps.outbox.drain()
    assert sorted(d[1]["n"] for d in delivered) == [0, 1, 2, 3, 4, 5], "nothing skipped is lost"


def _counting_looks(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    looks: list[float] = []
    real = store.claimable

    def counted(session: Any, now: datetime, busy: frozenset[int] = frozenset()) -> store.Looked:
        looks.append(time.monotonic())
        return real(session, now, busy)

    monkeypatch.setattr(store, "claimable", counted)
    return looks


def _wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_the_workers_look_once_per_commit_whatever_their_number(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox, "POLL_SECONDS", 30.0)  # no poll inside the test's window
    looks = _counting_looks(monkeypatch)
    deps.outbox.start(threads=3)
    try:
        _wait_for(lambda: len(looks) >= 1)
        time.sleep(0.1)
        at_start = len(looks)
        assert at_start == 1, "one look at start-up for the process, not one per thread"
        for n in range(3):
            put(deps, channel=f"C{n}", n=n)
            _wait_for(lambda n=n: len(delivered) == n + 1)  # type: ignore[misc]
            time.sleep(outbox.WAKE_GAP * 3)
        # One look per commit, by one of the three threads, which claims everything that was due
        # and so need not look again; before, each woken thread looked, and the claimer once more.
        assert len(looks) - at_start == 3
        put(deps, channel="C9", n=9)
        put(deps, channel="C8", n=8)
        _wait_for(lambda: len(delivered) == 5)
        time.sleep(outbox.WAKE_GAP * 3)
        assert len(looks) - at_start <= 5, "two commits close together may share a look"
    finally:
        deps.outbox.stop(timeout=2)
    assert sorted(d[1]["n"] for d in delivered) == [0, 1, 2, 8, 9]


def test_a_claim_that_leaves_something_due_looks_again_at_once(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox, "POLL_SECONDS", 30.0)
    monkeypatch.setattr(deps.outbox, "batch", 2)
    for n in range(5):
        put(deps, channel=f"C{n}", n=n)
    looks = _counting_looks(monkeypatch)
    deps.outbox.start(threads=1)
    try:
        _wait_for(lambda: len(delivered) == 5)
        time.sleep(outbox.WAKE_GAP * 3)
    finally:
        deps.outbox.stop(timeout=2)
    # Two, two and one: three claims without waiting for a poll; the third took the rest.
    assert len(looks) == 3
    with deps.db.read_session() as session:
        assert store.claimable(session, deps.clock.now())[:2] == (False, None)


def test_a_worker_held_up_by_slow_slack_leaves_the_next_commit_to_another(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox, "POLL_SECONDS", 30.0)
    release = threading.Event()
    slow_started = threading.Event()

    def slow(deps: Deps, effect: Effect) -> Mapping[str, Any] | None:
        slow_started.set()
        release.wait(5)
        delivered.append((effect.kind, dict(effect.payload), effect.attempts))
        return {"ok": True}

    monkeypatch.setitem(outbox._KINDS, "test.slow", outbox._Kind(slow, None))
    deps.outbox.start(threads=2)
    try:
        put(deps, kind="test.slow", channel="C1", n=1)
        assert slow_started.wait(5)
        put(deps, channel="C2", n=2)
        _wait_for(lambda: [d[1]["n"] for d in delivered] == [2])
        release.set()
        _wait_for(lambda: len(delivered) == 2)
    finally:
        release.set()
        deps.outbox.stop(timeout=2)


def test_a_look_that_finds_work_plans_no_wake_for_channels_with_nothing_more_to_say(deps: Deps) -> None:
    put(deps, channel="C1", n=1)
    put(deps, channel="C2", n=2)
    deps.outbox.drain()  # both spoke; both wait for their pace, with nothing more to say
    put(deps, channel="C3", n=3)
    with deps.db.read_session() as session:
        assert store.claimable(session, deps.clock.now())[:2] == (True, None)
    put(deps, channel="C1", n=4)
    with deps.db.read_session() as session:
        assert store.claimable(session, deps.clock.now())[:2] == (True, NOW + outbox.PACE)


def test_idle_threads_are_not_woken_by_every_commit_while_another_is_about_to_look(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox, "POLL_SECONDS", 30.0)
    monkeypatch.setattr(outbox, "WAKE_GAP", 0.3)
    checks: list[str] = []

    class CountingEvent(threading.Event):
        def clear(self) -> None:  # once per check a waiting thread makes
            checks.append(threading.current_thread().name)
            super().clear()

    monkeypatch.setattr(deps.outbox, "_wake", CountingEvent())
    deps.outbox.start(threads=4)
    try:
        _wait_for(lambda: not deps.outbox._starting and len(checks) >= 4)
        time.sleep(0.4)  # the start-up look is done; every thread waits
        put(deps, channel="C0", n=0)  # one thread takes this wake and waits out WAKE_GAP ...
        before = len(checks)
        for n in range(1, 30):  # ... while 29 more commits come in
            put(deps, channel=f"C{n}", n=n)
        during = len(checks) - before
        _wait_for(lambda: len(delivered) == 30)
    finally:
        deps.outbox.stop(timeout=2)
    # Each of the three others checks back once per WAKE_GAP at most, not once per commit (~87).
    assert during <= 12, during
