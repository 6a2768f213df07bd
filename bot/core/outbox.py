"""Durable delivery of every Slack side effect that follows an ack.

A listener stores its change and the effects to deliver (post this lesson, refresh its counts, send
this DM, …) in ONE transaction — `enqueue(session, …)` — then acks. Delivery workers claim due effects
from the database (storage.core.outbox), call Slack through the feature's handler, and record how it
ended:
- delivered → done (with what Slack answered, e.g. the message's ts);
- 429 → due again after Retry-After, and the conversation waits that long too; 5xx, a timeout or a
  refused connection → due again with exponential backoff (1 s, 2 s, 4 s … capped at 5 minutes);
- an error retrying cannot fix (`channel_not_found`, `not_in_channel`, `is_archived`, …) → failed,
  and the handler's `on_failure` tells the person in words;
- still failing after MAX_ATTEMPTS → dead, logged, and told like a failure.
A worker that dies mid-effect (kill -9) leaves a lease that runs out; the next worker takes the effect
over. Handlers make that safe: a post carries Slack message metadata with the effect's id, and a
retry looks for it in the channel before posting again (`already_posted`), so a channel gets each
post exactly once. Conversations are paced: one effect at a time each, and at most one message a
second (Slack's limit per channel).

Why not a library: the effect must be stored in the same transaction as the lesson it posts, in the
app's own SQLite or PostgreSQL database. Celery, Dramatiq, RQ and Huey need a broker (or, Huey, a
SQLite file of their own); procrastinate and PgQueuer are PostgreSQL-only. None covers both databases
transactionally, so this is a small table and a claim query (docs/outbox.md).
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.core.slack import error_code
from storage.core import outbox as store
from storage.core.outbox import Claimed
from storage.db import Database

if TYPE_CHECKING:
    from bot.core.deps import Deps

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
PACE = timedelta(seconds=1)
BATCH = 8
MAX_ATTEMPTS = 8
BACKOFF_START = 1.0
BACKOFF_MAX = 300.0
POLL_SECONDS = 0.5
WAKE_GAP = 0.05
# Errors retrying will not fix: the conversation or person is gone, or the app may not post there.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "users_not_found",
        "user_disabled",
        "account_inactive",
        "cannot_dm_bot",
        "restricted_action",
        "msg_too_long",
        "no_text",
        "invalid_blocks",
        "invalid_arguments",
        "message_not_found",
        "cant_update_message",
        "cant_delete_message",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "missing_scope",
        "expired_trigger_id",
        "invalid_trigger_id",
        "exchanged_trigger_id",
    }
)


class Permanent(Exception):
    """The effect cannot be delivered, ever (the handler decided, e.g. the lesson was deleted)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Retry(Exception):
    """Try again later (after `after` seconds, else the backoff)."""

    def __init__(self, code: str, after: float | None = None) -> None:
        super().__init__(code)
        self.code, self.after = code, after


@dataclass(frozen=True)
class Effect:
    """A claimed effect as its handler sees it."""

    id: int
    team_id: str
    kind: str
    payload: Mapping[str, Any]
    attempts: int
    result: Mapping[str, Any] | None  # what an earlier attempt recorded (it may have happened already)
    worker: str

    @property
    def retried(self) -> bool:
        """True when an earlier attempt may have reached Slack (check before doing it again)."""
        return self.attempts > 1 or self.result is not None


@dataclass(frozen=True)
class Delivered:
    """What a handler may return instead of a bare result: the result, and more to store in the very
    transaction that records the delivery (where a post landed, the next note), so a delivery is one
    write, not three."""

    result: Mapping[str, Any] | None = None
    then: Callable[[Session], None] | None = None


Handler = Callable[["Deps", Effect], "Mapping[str, Any] | Delivered | None"]
FailureHandler = Callable[["Deps", Effect, str], None]


@dataclass
class _Kind:
    handler: Handler
    on_failure: FailureHandler | None = None


_KINDS: dict[str, _Kind] = {}


def handles(kind: str, *, on_failure: FailureHandler | None = None) -> Callable[[Handler], Handler]:
    """Register the function that delivers effects of `kind` (one per kind, at import time)."""

    def register(handler: Handler) -> Handler:
        existing = _KINDS.get(kind)
        if existing is not None and existing.handler is not handler:
            raise ValueError(f"effect kind {kind!r} has a handler already")
        _KINDS[kind] = _Kind(handler, on_failure)
        return handler

    return register


def enqueue(
    session: Session,
    deps: Deps,
    *,
    team_id: str,
    kind: str,
    payload: Mapping[str, Any],
    channel: str | None = None,
    coalesce: str | None = None,
    delay: timedelta | None = None,
) -> int | None:
    """Store an effect in the caller's transaction; it is delivered after that commits. `channel`
    paces it with the conversation's other messages; `coalesce` keeps one waiting effect per key
    (None is returned for a coalesced one). Wakes this process's workers when the transaction ends."""
    if kind not in _KINDS:
        raise ValueError(f"no handler for effect kind {kind!r}")
    now = deps.clock.now()
    effect_id = store.enqueue(
        session,
        team_id=team_id,
        kind=kind,
        payload=payload,
        now=now,
        channel_key=channel,
        pending_key=f"{team_id}:{coalesce}" if coalesce else None,
        due_at=now + delay if delay else None,
    )
    deps.outbox.wake_after(session, None if delay else ((team_id, channel) if channel else ()))
    return effect_id


def _backoff(attempts: int) -> float:
    base: float = min(BACKOFF_MAX, BACKOFF_START * 2.0 ** max(0, attempts - 1))
    return base * random.uniform(0.8, 1.2)


def _retry_after(exc: SlackApiError) -> float | None:
    try:
        return float(exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after"))
    except (TypeError, ValueError, AttributeError):
        return None


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class _Passed(NamedTuple):
    handled: int  # effects claimed and delivered (or failed, or put back for later)
    complete: bool  # nothing else was claimable when it claimed: no need to look again at once


@dataclass
class Outbox:
    """Delivers due effects. One per process; `deliver_due()` is one pass (tests call it to settle),
    `start()`/`stop()` run it on background threads (serve)."""

    deps: Deps
    worker: str = field(default_factory=worker_name)
    lease: timedelta = LEASE
    pace: timedelta = PACE
    batch: int = BATCH
    max_attempts: int = MAX_ATTEMPTS
    _wake: threading.Event = field(default_factory=threading.Event)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _in_flight: set[int] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _next_wake: datetime | None = None  # when a conversation waiting for its pace may speak again
    _held: dict[tuple[str, str], datetime] = field(default_factory=dict)  # waiting conversations
    _generation: int = 0  # wakes so far: commits that stored something to deliver now
    _seen: int = 0  # the wakes the latest pass's look began after
    _starting: bool = False  # a thread is about to look (it will see every wake up to its look)
    _passed_at: float = 0.0  # time.monotonic() when this process's latest look began

    # -- waking ---------------------------------------------------------------------------------------

    def wake(self) -> None:
        with self._lock:
            self._generation += 1
        self._wake.set()

    def wake_after(self, session: Session, conversation: tuple[str, str] | tuple[()] | None = ()) -> None:
        """Wake the workers once `session`'s transaction has committed (no effect is seen before),
        unless nothing it stored can be delivered before they look anyway. `conversation`: the
        (team, channel) an effect is paced in; () for one that is not paced; None for one delayed."""
        from sqlalchemy import event

        stored: list[tuple[str, str] | tuple[()] | None] | None = session.info.get("outbox_wake")
        if stored is None:
            stored = session.info["outbox_wake"] = []

            def committed(_session: Session) -> None:
                self._committed(session.info.pop("outbox_wake", []))

            event.listen(session, "after_commit", committed, once=True)
        stored.append(conversation)

    def _committed(self, stored: list[tuple[str, str] | tuple[()] | None]) -> None:
        """Under load every commit stores effects, hundreds a second, mostly posts into channels that
        wait for their pace: waking the workers for those costs a look at the outbox each and finds
        nothing. They are skipped when the workers will look at or before that conversation's turn
        anyway; a delayed effect is found by the poll."""
        now = self.deps.clock.now()
        with self._lock:
            looks_at = self._next_wake
            for conversation in stored:
                if conversation is None:
                    continue
                opens = self._held.get(conversation) if conversation else None
                if opens is None or looks_at is None or not now < looks_at <= opens:
                    break
            else:
                return
        self.wake()

    # -- one pass -------------------------------------------------------------------------------------

    def deliver_due(self) -> int:
        """Claim what is due and deliver it; how many effects were handled (delivered or not)."""
        return self._pass().handled

    def _pass(self) -> _Passed:
        now = self.deps.clock.now()
        with self._lock:
            busy = frozenset(self._in_flight)
        with self.deps.db.read_session() as session:
            looked = store.claimable(session, now, busy)
        with self._lock:
            self._next_wake, self._held = looked.opens, dict(looked.held)
        if not looked.due:
            return _Passed(0, True)
        with self.deps.db.session() as session:
            claimed, complete = store.claim(
                session,
                now=now,
                worker=self.worker,
                lease=self.lease,
                limit=self.batch,
                pace=self.pace,
                busy=busy,
            )
        with self._lock:
            for item in claimed:
                if item.channel_key:  # its conversation waits for its pace from now on
                    self._held[(item.team_id, item.channel_key)] = now + self.pace
        for item in claimed:
            if self._stopping.is_set():
                with self.deps.db.session() as session:
                    store.release(session, self.worker, [item.id])
                continue
            self._deliver(item)
        # Nothing claimed though the look found something due: another worker took it, or its
        # conversation's earlier effect is still being delivered. Either way, not worth a look now.
        return _Passed(len(claimed), complete or not claimed)

    def _deliver(self, item: Claimed) -> None:
        kind = _KINDS.get(item.kind)
        effect = Effect(
            item.id, item.team_id, item.kind, item.payload, item.attempts, item.result, self.worker
        )
        with self._lock:
            self._in_flight.add(item.id)
        try:
            if kind is None:
                raise Permanent(f"unknown_kind:{item.kind}")
            with self.deps.slack.delivering():
                done = kind.handler(self.deps, effect)
            result, then = (done.result, done.then) if isinstance(done, Delivered) else (done, None)
            with self.deps.db.session() as session:
                if store.finish(session, item.id, self.worker, now=self.deps.clock.now(), result=result):
                    if then is not None:
                        then(session)
                else:
                    log.warning("effect %s (%s) was taken over while delivering it", item.id, item.kind)
        except Permanent as exc:
            self._failed(kind, effect, exc.code, store.FAILED)
        except Retry as exc:
            self._again(kind, effect, item, exc.code, exc.after)
        except SlackApiError as exc:
            code = error_code(exc)
            status = getattr(exc.response, "status_code", 200)
            if status == 429 or code == "ratelimited":
                self._again(kind, effect, item, "ratelimited", _retry_after(exc) or 1.0, hold=True)
            elif code in PERMANENT_ERRORS:
                self._failed(kind, effect, code, store.FAILED)
            else:
                self._again(kind, effect, item, code, None)
        except OSError as exc:  # timeouts, refused connections, DNS: Slack may be back soon
            self._again(kind, effect, item, type(exc).__name__, None)
        except Exception as exc:  # a bug in a handler: retried, then dead; never lost silently
            log.exception("delivering effect %s (%s) failed", item.id, item.kind)
            self._again(kind, effect, item, f"error:{type(exc).__name__}", None)
        finally:
            with self._lock:
                self._in_flight.discard(item.id)

    def _again(
        self,
        kind: _Kind | None,
        effect: Effect,
        item: Claimed,
        code: str,
        after: float | None,
        *,
        hold: bool = False,
    ) -> None:
        if effect.attempts >= self.max_attempts:
            self._failed(kind, effect, f"gave_up:{code}", store.DEAD)
            return
        wait = after if after is not None else _backoff(effect.attempts)
        now = self.deps.clock.now()
        due = now + timedelta(seconds=wait)
        with self.deps.db.session() as session:
            store.retry_later(session, effect.id, self.worker, due_at=due, error=code)
            if hold and item.channel_key:
                store.hold_channel(session, effect.team_id, item.channel_key, due)
        log.info("effect %s (%s) will be tried again in %.1f s: %s", effect.id, effect.kind, wait, code)

    def _failed(self, kind: _Kind | None, effect: Effect, code: str, status: str) -> None:
        with self.deps.db.session() as session:
            store.give_up(
                session, effect.id, self.worker, now=self.deps.clock.now(), error=code, status=status
            )
        log.warning("effect %s (%s) not delivered: %s", effect.id, effect.kind, code)
        if kind is not None and kind.on_failure is not None:
            try:
                kind.on_failure(self.deps, effect, code)
            except Exception:
                log.exception("telling about undelivered effect %s failed", effect.id)

    # -- draining (tests, the console, CLI commands) ----------------------------------------------------

    def drain(self, *, rounds: int = 1000) -> int:
        """Deliver until nothing is due now; how many effects were handled."""
        handled = 0
        for _ in range(rounds):
            done = self.deliver_due()
            if not done:
                return handled
            handled += done
        raise RuntimeError(f"the outbox is still busy after {rounds} rounds")

    # -- background workers ---------------------------------------------------------------------------

    def start(self, threads: int = 2) -> None:
        self._stopping.clear()
        self.wake()  # one look at start-up: what an earlier process left is delivered now
        for n in range(threads):
            thread = threading.Thread(target=self._run, name=f"erfaring-outbox-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)
        log.info("outbox: %s delivery workers (%s)", threads, self.worker)

    def _run(self) -> None:
        while not self._stopping.is_set():
            if self._await_work():
                # Under load every commit wakes the workers, hundreds of times a second: one pass
                # every WAKE_GAP seconds, by one of the threads, takes in all of those wakes, instead
                # of two queries per wake and thread (a fifth of the server's CPU at 100 requests/s).
                self._stopping.wait(WAKE_GAP)
            complete = False
            while not complete and not self._stopping.is_set():
                self._start_pass()
                try:
                    # Not complete: more was due than one claim takes, so at once, without waiting.
                    complete = self._pass().complete
                except Exception:
                    log.exception("outbox pass failed; trying again shortly")
                    complete = True

    def _await_work(self) -> bool:
        """Wait until this thread is the one to look again: True for a commit no pass has seen yet
        (this thread takes it; the others keep waiting, as this pass will see it), False for the
        process's poll or a waiting conversation's turn. A thread delivering a slow effect does not
        hold the others up: a wake during its pass is taken by another thread."""
        while True:
            self._wake.clear()
            with self._lock:
                if self._stopping.is_set():
                    return False
                wait: float | None = None  # another thread is about to look: it sees what came
                if not self._starting:
                    if self._generation != self._seen:
                        self._starting = True
                        return True
                    wait = self._passed_at + self._idle_wait() - time.monotonic()
                    if wait <= 0:
                        self._starting = True
                        return False
            if wait is None:
                # Not woken by every commit while it waits: under load that is hundreds a second.
                self._stopping.wait(WAKE_GAP)
            else:
                self._wake.wait(wait)

    def _start_pass(self) -> None:
        """This thread looks now: every wake so far is seen by that look."""
        with self._lock:
            self._seen = self._generation
            self._starting = False
            self._passed_at = time.monotonic()

    def _idle_wait(self) -> float:
        """Until the next poll, or the moment a waiting conversation may speak again."""
        opens = self._next_wake
        if opens is None:
            return POLL_SECONDS
        seconds = (opens - self.deps.clock.now()).total_seconds()
        return float(min(POLL_SECONDS, max(0.01, seconds)))

    def stop(self, timeout: float = 10.0) -> None:
        """Stop claiming; let effects being delivered finish (within `timeout`), give the rest back."""
        self._stopping.set()
        self._wake.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._threads.clear()
        with contextlib.suppress(Exception), self.deps.db.session() as session:
            released = store.release(session, self.worker)
            if released:
                log.info("outbox: gave %s claimed effects back for another worker", released)


# -- the admin's view (`python app.py outbox`) ----------------------------------------------------------


def status_report(db: Database, limit: int = 20) -> list[str]:
    """Lines for the terminal: how many effects are in each state, and the last ones not delivered
    with why (ids and error codes only: payloads hold people's text)."""
    states = (store.PENDING, store.RUNNING, store.DONE, store.FAILED, store.DEAD)
    with db.read_session() as session:
        counts = store.counts(session)
        lines = ["outbox: " + ", ".join(f"{counts.get(state, 0)} {state}" for state in states)]
        due = store.next_due(session)
        if due is not None:
            lines.append(f"next due: {due.isoformat(timespec='seconds')}")
        lost = store.undelivered(session, limit)
        if lost:
            lines.append(f"last {len(lost)} not delivered (newest first):")
        for e in lost:
            when = e.finished_at.isoformat(timespec="seconds") if e.finished_at else "?"
            where = f" in {e.channel_key}" if e.channel_key else ""
            lines.append(
                f"  #{e.id} {e.kind} team {e.team_id}{where}: {e.status} after {e.attempts} "
                f"attempt(s) at {when}: {e.last_error or 'no error recorded'}"
            )
    return lines
