"""Each (workspace, channel, kind, week) is posted at most once: the database decides who posts it.

Claiming a slot is inserting its ScheduledPost row; the unique key turns every other insert (a
restart, a second replica, a retried job) into an IntegrityError, so exactly one process owns it.
A process that dies between claim and post leaves a `claimed` row behind: once it is older than
STALE_AFTER, one process may take it over with a conditional UPDATE that only one writer can win
(the WHERE clause names the attempt it saw). A post that failed for a passing reason is left as
`retry`, to be taken over the same way after RETRY_AFTER.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.db import Database
from storage.rhythm import queries
from storage.rhythm.models import ScheduledPost

# Longer than one post can take with every retry and Retry-After wait (runs.ATTEMPTS × runs.WAIT_MAX).
STALE_AFTER = timedelta(minutes=15)
RETRY_AFTER = timedelta(minutes=5)
DETAIL_MAX = 200


class Status(StrEnum):
    CLAIMED = "claimed"
    POSTED = "posted"
    FAILED = "failed"
    SKIPPED = "skipped"
    RETRY = "retry"  # a passing failure: may be claimed again, within the grace period


DONE = (Status.POSTED, Status.FAILED, Status.SKIPPED)


@dataclass(frozen=True)
class SlotKey:
    team_id: str
    channel_id: str
    kind: str
    week: str


@dataclass(frozen=True)
class Claim:
    post_id: int
    key: SlotKey
    due_at: datetime
    replica: str
    attempts: int  # 1 for a fresh claim; more when taken over

    @property
    def taken_over(self) -> bool:
        """An earlier attempt may have posted before it died: check before posting again."""
        return self.attempts > 1


def find(session: Session, key: SlotKey) -> ScheduledPost | None:
    return queries.scheduled_post(session, key.team_id, key.channel_id, key.kind, key.week)


def _insert(
    db: Database,
    key: SlotKey,
    due_at: datetime,
    replica: str,
    now: datetime,
    status: Status,
    detail: str | None,
) -> ScheduledPost | None:
    try:
        with db.session() as session:
            row = ScheduledPost(
                team_id=key.team_id,
                channel_id=key.channel_id,
                kind=key.kind,
                week=key.week,
                status=status,
                due_at=due_at,
                claimed_by=replica,
                claimed_at=now,
                attempts=1 if status == Status.CLAIMED else 0,
                detail=detail[:DETAIL_MAX] if detail else None,
            )
            session.add(row)
            session.flush()
            return row
    except IntegrityError:
        return None


def can_take_over(row: ScheduledPost, now: datetime, *, force: bool = False) -> bool:
    """An abandoned claim, or a passing failure whose wait is over. With `force` (an admin running
    the job by hand) also a slot that failed or was skipped: it was never posted, so posting it now
    still posts it once. A posted slot, or one another process is working on, never."""
    if row.status == Status.CLAIMED:
        return row.claimed_at < now - STALE_AFTER
    if row.status == Status.RETRY:
        return force or row.claimed_at < now - RETRY_AFTER
    return force and row.status in (Status.FAILED, Status.SKIPPED)


def claim(
    db: Database, key: SlotKey, due_at: datetime, replica: str, now: datetime, *, force: bool = False
) -> Claim | None:
    """Own the slot, or None when another process owns it (or owned it and finished). With `force`
    the slot is due when it is asked for (`due_at`), also when an earlier attempt is taken over: a
    digest's range ends at its due time, so the next one starts exactly there."""
    row = _insert(db, key, due_at, replica, now, Status.CLAIMED, None)
    if row is not None:
        return Claim(row.id, key, due_at, replica, 1)
    with db.session() as session:
        row = find(session, key)
        if row is None or not can_take_over(row, now, force=force):
            return None
        seen_status, seen_attempts, seen_claimed_at = row.status, row.attempts, row.claimed_at
        post_id, recorded_due = row.id, row.due_at
        # Only one writer can move the row from the attempt it saw: the others match no row.
        won = queries.take_over_post(
            session,
            post_id,
            seen_status=seen_status,
            seen_attempts=seen_attempts,
            seen_claimed_at=seen_claimed_at,
            status=Status.CLAIMED,
            replica=replica,
            now=now,
            due_at=due_at if force else None,
        )
        if not won:
            return None
    return Claim(post_id, key, due_at if force else recorded_due, replica, seen_attempts + 1)


def record_skip(
    db: Database, key: SlotKey, due_at: datetime, replica: str, now: datetime, reason: str
) -> bool:
    """Mark a slot as deliberately not posted (holiday, pause, too late). False when already taken."""
    return _insert(db, key, due_at, replica, now, Status.SKIPPED, reason) is not None


def finish(
    db: Database,
    claim: Claim,
    status: Status,
    now: datetime,
    *,
    message_ts: str | None = None,
    detail: str | None = None,
) -> bool:
    """Record how the claimed post ended. False when the claim was lost (taken over meanwhile)."""
    values: dict[str, object] = {"status": status, "detail": detail[:DETAIL_MAX] if detail else None}
    if status == Status.POSTED:
        values.update(posted_at=now, message_ts=message_ts)
    if status == Status.RETRY:
        values["claimed_at"] = now  # RETRY_AFTER counts from the failure
    with db.session() as session:
        return queries.finish_post(
            session, claim.post_id, replica=claim.replica, attempts=claim.attempts, values=values
        )


def set_prompt_key(session: Session, claim: Claim, prompt_key: str) -> None:
    """Which prompt this post asks; in the caller's session, so it commits with the rotation's read."""
    queries.set_prompt_key(session, claim.post_id, prompt_key[:64])
