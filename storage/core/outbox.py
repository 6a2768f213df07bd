"""The outbox's queries: store an effect, claim due ones with a lease, record how each ended.

Claiming is safe under any number of workers and replicas. On PostgreSQL the due rows are locked with
FOR UPDATE SKIP LOCKED, so two replicas never claim one effect and never wait for each other; on
SQLite every writer takes the database's write lock up front (storage.db: BEGIN IMMEDIATE), so a
claim is a plain read-then-update inside that lock. A claim is a lease: an effect whose worker died
(kill -9, a crash) is due again once `lease_until` has passed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.core.models import OutboxEffect, OutboxPace
from storage.db import rowcount

PENDING, RUNNING, DONE, FAILED, DEAD = "pending", "running", "done", "failed", "dead"
UNFINISHED = (PENDING, RUNNING)
# How many due effects a claim looks at to pick one per conversation.
CANDIDATES_PER_CLAIM = 4


@dataclass(frozen=True)
class Claimed:
    id: int
    team_id: str
    kind: str
    payload: dict[str, Any]
    channel_key: str | None
    attempts: int  # including this one: 1 on the first delivery
    result: dict[str, Any] | None  # what an earlier attempt recorded, if anything


def enqueue(
    session: Session,
    *,
    team_id: str,
    kind: str,
    payload: Mapping[str, Any],
    now: datetime,
    channel_key: str | None = None,
    pending_key: str | None = None,
    due_at: datetime | None = None,
) -> int | None:
    """Store an effect in the caller's transaction; its id, or None when an effect with the same
    `pending_key` is still waiting, not yet claimed (coalesced: that one will do)."""
    effect = OutboxEffect(
        team_id=team_id,
        kind=kind,
        payload=json.dumps(dict(payload), ensure_ascii=False, separators=(",", ":")),
        channel_key=channel_key,
        pending_key=pending_key,
        status=PENDING,
        attempts=0,
        due_at=due_at or now,
        created_at=now,
    )
    if pending_key is None:
        session.add(effect)
        session.flush()
        return effect.id
    if session.scalar(select(OutboxEffect.id).where(OutboxEffect.pending_key == pending_key)) is not None:
        return None
    try:
        with session.begin_nested():
            session.add(effect)
    except IntegrityError:
        return None  # stored at the same moment by another request: that one will do
    return effect.id


def _due(now: datetime) -> Any:
    return or_(
        and_(OutboxEffect.status == PENDING, OutboxEffect.due_at <= now),
        and_(OutboxEffect.status == RUNNING, OutboxEffect.lease_until < now),
    )


@dataclass(frozen=True)
class _Waiting:
    """The conversations whose pace says wait (few: one row each), and when each may speak again."""

    next_at: dict[tuple[str, str], datetime]

    @classmethod
    def read(cls, session: Session, now: datetime) -> _Waiting:
        rows = session.execute(
            select(OutboxPace.team_id, OutboxPace.channel_key, OutboxPace.next_at).where(
                OutboxPace.next_at > now
            )
        ).all()
        return cls({(str(team), str(key)): at for team, key, at in rows})

    @property
    def keys(self) -> frozenset[tuple[str, str]]:
        return frozenset(self.next_at)

    @property
    def opens(self) -> datetime | None:
        """When the first waiting conversation may speak again."""
        return min(self.next_at.values(), default=None)

    def condition(self) -> Any:
        """Leaves the waiting conversations out in SQL, per workspace (None: nobody waits)."""
        if not self.keys:
            return None
        by_team: dict[str, list[str]] = {}
        for team, key in self.keys:
            by_team.setdefault(team, []).append(key)
        others = [
            or_(OutboxEffect.team_id != team, OutboxEffect.channel_key.not_in(sorted(keys)))
            for team, keys in sorted(by_team.items())
        ]
        return or_(OutboxEffect.channel_key.is_(None), and_(*others))


def _claimable_conditions(now: datetime, busy: frozenset[int], waiting: _Waiting) -> list[Any]:
    conditions = [_due(now)]
    if busy:
        conditions.append(OutboxEffect.id.not_in(sorted(busy)))
    leave_out = waiting.condition()
    if leave_out is not None:
        conditions.append(leave_out)
    return conditions


class Claims(NamedTuple):
    """What a claim took, and whether that was everything claimable when it looked."""

    items: list[Claimed]
    complete: bool  # nothing due was left behind: no candidate skipped, none beyond the limit


class Looked(NamedTuple):
    """What a look at the outbox found (`claimable`)."""

    due: bool  # something may be claimed now
    opens: datetime | None  # when the first waiting conversation with something due may speak
    held: Mapping[tuple[str, str], datetime]  # every waiting conversation, and until when


def claimable(session: Session, now: datetime, busy: frozenset[int] = frozenset()) -> Looked:
    """Whether anything could be claimed now (due, and not in a conversation whose pace says wait),
    and when the first waiting conversation may speak again. Reads only: on SQLite they take no
    write lock, so workers asking while hundreds of posts wait for their channels' pace cost the
    writers nothing (they used to claim, in a write transaction, and find nothing)."""
    waiting = _Waiting.read(session, now)
    query = select(OutboxEffect.id).where(*_claimable_conditions(now, busy, waiting)).limit(1)
    due = session.scalar(query) is not None
    if not waiting.keys:
        return Looked(due, None, {})
    # Only a waiting conversation with something due is worth waking for: a channel that just got
    # its post and has nothing more to say must not wake the workers a second later (under a steady
    # stream of posts into many channels, that was one empty look per post).
    rows = session.execute(
        select(OutboxEffect.team_id, OutboxEffect.channel_key)
        .where(_due(now), OutboxEffect.channel_key.in_(sorted({key for _, key in waiting.keys})))
        .group_by(OutboxEffect.team_id, OutboxEffect.channel_key)
    ).all()
    due_keys = {(str(team), str(key)) for team, key in rows} & waiting.keys
    opens = min((waiting.next_at[key] for key in due_keys), default=None)
    return Looked(due, opens, waiting.next_at)


def claim(
    session: Session,
    *,
    now: datetime,
    worker: str,
    lease: timedelta,
    limit: int,
    pace: timedelta,
    busy: frozenset[int] = frozenset(),
) -> Claims:
    """Claim up to `limit` due effects for `worker`: at most one per conversation at a time, and none
    for a conversation whose pace says wait. Oldest first. `busy`: effects this worker's own threads
    are delivering right now (a lease that ran out under a slow call is not taken over by itself).
    `complete` says the claim took every effect that was claimable: the workers need not look again
    until something new is stored or a waiting conversation may speak."""
    waiting = _Waiting.read(session, now)
    conditions = _claimable_conditions(now, busy, waiting)
    query = (
        select(OutboxEffect)
        .where(*conditions)
        .order_by(OutboxEffect.due_at, OutboxEffect.id)
        .limit(limit * CANDIDATES_PER_CLAIM)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    candidates = list(session.scalars(query))
    if not candidates:
        return Claims([], True)
    keys = {(e.team_id, e.channel_key) for e in candidates if e.channel_key}
    first = _first_unfinished(session, keys)
    chosen: list[OutboxEffect] = []
    taken: set[tuple[str, str]] = set()
    for effect in candidates:
        key = (effect.team_id, effect.channel_key) if effect.channel_key else None
        if key is not None:
            # In order per conversation: only its oldest unfinished effect, and only when it may speak.
            if key in waiting.next_at or key in taken or first.get(key) != effect.id:
                continue
            taken.add(key)
        chosen.append(effect)
        if len(chosen) == limit:
            break
    complete = len(chosen) == len(candidates) < limit * CANDIDATES_PER_CLAIM
    for effect in chosen:
        # Running, it no longer stands for later ones: an effect stored with its key now (a vote after
        # this refresh read the counts) waits behind it instead of being coalesced away.
        effect.status, effect.claimed_by, effect.pending_key = RUNNING, worker, None
        effect.lease_until = now + lease
        effect.attempts += 1
        if effect.channel_key:
            _set_pace(session, effect.team_id, effect.channel_key, now + pace)
    session.flush()
    items = [
        Claimed(
            e.id,
            e.team_id,
            e.kind,
            json.loads(e.payload),
            e.channel_key,
            e.attempts,
            json.loads(e.result) if e.result else None,
        )
        for e in chosen
    ]
    return Claims(items, complete)


def _first_unfinished(session: Session, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Each conversation's oldest unfinished effect: what it gets next (running ones included, so
    nothing overtakes a message being delivered or waiting for a retry)."""
    if not keys:
        return {}
    rows = session.execute(
        select(OutboxEffect.team_id, OutboxEffect.channel_key, func.min(OutboxEffect.id))
        .where(
            OutboxEffect.channel_key.in_(sorted({k for _, k in keys})),
            OutboxEffect.status.in_(UNFINISHED),
        )
        .group_by(OutboxEffect.team_id, OutboxEffect.channel_key)
    ).all()
    return {(str(team), str(key)): int(first) for team, key, first in rows}


def _set_pace(session: Session, team_id: str, channel_key: str, next_at: datetime) -> None:
    row = session.get(OutboxPace, (team_id, channel_key))
    if row is None:
        try:
            with session.begin_nested():
                session.add(OutboxPace(team_id=team_id, channel_key=channel_key, next_at=next_at))
            return
        except IntegrityError:
            row = session.get(OutboxPace, (team_id, channel_key), populate_existing=True)
            assert row is not None
    row.next_at = max(row.next_at, next_at)


def hold_channel(session: Session, team_id: str, channel_key: str, until: datetime) -> None:
    """Slack said wait (429 Retry-After): nothing more for this conversation until `until`."""
    _set_pace(session, team_id, channel_key, until)


def _mine(effect_id: int, worker: str) -> Any:
    return and_(
        OutboxEffect.id == effect_id, OutboxEffect.status == RUNNING, OutboxEffect.claimed_by == worker
    )


def note_result(session: Session, effect_id: int, worker: str, result: Mapping[str, Any]) -> bool:
    """Record what Slack answered before finishing (e.g. a posted message's ts), so a retry after a
    crash knows the effect already happened."""
    done = session.execute(
        update(OutboxEffect)
        .where(_mine(effect_id, worker))
        .values(result=json.dumps(dict(result), separators=(",", ":")))
        .execution_options(synchronize_session=False)
    )
    return bool(rowcount(done))


def finish(
    session: Session, effect_id: int, worker: str, *, now: datetime, result: Mapping[str, Any] | None = None
) -> bool:
    """Delivered. False when the lease was lost meanwhile (another worker took it over)."""
    values: dict[str, Any] = {"status": DONE, "finished_at": now, "pending_key": None, "lease_until": None}
    if result is not None:
        values["result"] = json.dumps(dict(result), separators=(",", ":"))
    done = session.execute(
        update(OutboxEffect)
        .where(_mine(effect_id, worker))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(rowcount(done))


def retry_later(session: Session, effect_id: int, worker: str, *, due_at: datetime, error: str) -> bool:
    """Passing trouble (429, 5xx, a timeout): due again at `due_at`."""
    done = session.execute(
        update(OutboxEffect)
        .where(_mine(effect_id, worker))
        .values(status=PENDING, due_at=due_at, claimed_by=None, lease_until=None, last_error=error[:200])
        .execution_options(synchronize_session=False)
    )
    return bool(rowcount(done))


def give_up(
    session: Session, effect_id: int, worker: str, *, now: datetime, error: str, status: str = FAILED
) -> bool:
    """It cannot be delivered: FAILED (Slack said no for good) or DEAD (too many attempts)."""
    done = session.execute(
        update(OutboxEffect)
        .where(_mine(effect_id, worker))
        .values(status=status, finished_at=now, pending_key=None, lease_until=None, last_error=error[:200])
        .execution_options(synchronize_session=False)
    )
    return bool(rowcount(done))


def release(session: Session, worker: str, effect_ids: list[int] | None = None) -> int:
    """Give claimed effects back at once (a graceful shutdown), instead of waiting for the lease."""
    query = update(OutboxEffect).where(OutboxEffect.status == RUNNING, OutboxEffect.claimed_by == worker)
    if effect_ids is not None:
        query = query.where(OutboxEffect.id.in_(effect_ids))
    done = session.execute(
        query.values(
            status=PENDING, claimed_by=None, lease_until=None, attempts=OutboxEffect.attempts - 1
        ).execution_options(synchronize_session=False)
    )
    return rowcount(done)


def next_due(session: Session) -> datetime | None:
    """When the next unfinished effect falls due (a lease ends, or a retry is due)."""
    pending = session.scalar(select(func.min(OutboxEffect.due_at)).where(OutboxEffect.status == PENDING))
    leased = session.scalar(select(func.min(OutboxEffect.lease_until)).where(OutboxEffect.status == RUNNING))
    found = [t for t in (pending, leased) if t is not None]
    return min(found) if found else None


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(OutboxEffect.status, func.count()).group_by(OutboxEffect.status)).all()
    return {str(status): int(n) for status, n in rows}


def undelivered(session: Session, limit: int = 50) -> list[OutboxEffect]:
    """Effects that ended failed or dead, newest first: what an admin looks at."""
    query = (
        select(OutboxEffect)
        .where(OutboxEffect.status.in_((FAILED, DEAD)))
        .order_by(OutboxEffect.finished_at.desc(), OutboxEffect.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def effects(session: Session, kind: str | None = None) -> list[OutboxEffect]:
    """Every effect (of `kind`), oldest first: for tests and `python app.py outbox`."""
    query = select(OutboxEffect).order_by(OutboxEffect.id)
    if kind is not None:
        query = query.where(OutboxEffect.kind == kind)
    return list(session.scalars(query))


def prune(session: Session, before: datetime) -> int:
    """Forget delivered effects finished before `before` (failed and dead ones stay for the admins)."""
    done = session.execute(
        delete(OutboxEffect).where(OutboxEffect.status == DONE, OutboxEffect.finished_at < before)
    )
    return rowcount(done)
