"""bot.rhythm.claims: each (workspace, channel, kind, week) is posted at most once, whoever asks."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.rhythm import claims
from bot.rhythm.claims import SlotKey, Status
from storage.db import Database
from storage.rhythm.models import ScheduledPost

KEY = SlotKey("T1", "C1", "prompt", "2026-W10")
DUE = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def row(db: Database) -> ScheduledPost:
    with db.session() as session:
        found = claims.find(session, KEY)
    assert found is not None
    return found


def test_the_first_claim_owns_the_slot_and_the_next_one_does_not(db: Database) -> None:
    first = claims.claim(db, KEY, DUE, "replica-a", DUE)
    assert first is not None and first.attempts == 1 and not first.taken_over
    assert claims.claim(db, KEY, DUE, "replica-b", DUE) is None
    assert not claims.record_skip(db, KEY, DUE, "replica-b", DUE, "holiday"), "taken already"
    assert claims.finish(db, first, Status.POSTED, DUE, message_ts="1.000100")
    found = row(db)
    assert (found.status, found.message_ts, found.claimed_by) == ("posted", "1.000100", "replica-a")
    later = DUE + timedelta(days=1)
    assert claims.claim(db, KEY, DUE, "replica-b", later) is None, "never posted twice"
    assert claims.claim(db, KEY, DUE, "cli", later, force=True) is None, "not even by hand"


def test_a_stale_claim_is_taken_over_once_and_the_old_owner_cannot_finish(db: Database) -> None:
    dead = claims.claim(db, KEY, DUE, "dead", DUE)
    assert dead is not None
    assert claims.claim(db, KEY, DUE, "alive", DUE + timedelta(minutes=5)) is None, "still fresh"
    later = DUE + claims.STALE_AFTER + timedelta(seconds=1)
    taken = claims.claim(db, KEY, DUE, "alive", later)
    assert taken is not None and taken.attempts == 2 and taken.taken_over and taken.post_id == dead.post_id
    assert not claims.finish(db, dead, Status.POSTED, later, message_ts="9.9"), "the claim was lost"
    assert claims.finish(db, taken, Status.POSTED, later, message_ts="1.1")
    assert row(db).message_ts == "1.1"


def test_a_retry_waits_and_failed_or_skipped_slots_are_only_forced(db: Database) -> None:
    first = claims.claim(db, KEY, DUE, "a", DUE)
    assert first is not None
    assert claims.finish(db, first, Status.RETRY, DUE, detail="ratelimited")
    assert claims.claim(db, KEY, DUE, "b", DUE + timedelta(minutes=1)) is None
    retried = claims.claim(db, KEY, DUE, "b", DUE + claims.RETRY_AFTER + timedelta(seconds=1))
    assert retried is not None and retried.attempts == 2
    assert claims.finish(db, retried, Status.FAILED, DUE, detail="x" * 500)
    assert len(row(db).detail or "") == claims.DETAIL_MAX
    assert claims.claim(db, KEY, DUE, "c", DUE + timedelta(days=1)) is None
    forced = claims.claim(db, KEY, DUE, "cli", DUE + timedelta(days=1), force=True)
    assert forced is not None and forced.attempts == 3


def test_a_slot_forced_by_hand_is_due_when_it_is_asked_for(db: Database) -> None:
    """A digest's range ends at its due time: one asked for by hand ends when it was asked for, also
    when it takes over a slot that was skipped, so the next digest starts right there."""
    assert claims.record_skip(db, KEY, DUE, "a", DUE, "public holiday")
    asked = DUE + timedelta(days=2)
    forced = claims.claim(db, KEY, asked, "cli", asked, force=True)
    assert forced is not None and forced.due_at == asked
    assert row(db).due_at == asked
    # Taken over without force, a slot keeps the time it was due.
    other = SlotKey("T1", "C1", "digest", "2026-W10")
    dead = claims.claim(db, other, DUE, "dead", DUE)
    assert dead is not None
    later = DUE + claims.STALE_AFTER + timedelta(minutes=1)
    taken = claims.claim(db, other, later, "alive", later)
    assert taken is not None and taken.due_at == DUE


def test_concurrent_take_overs_have_one_winner(db: Database) -> None:
    dead = claims.claim(db, KEY, DUE, "dead", DUE)
    assert dead is not None
    later = DUE + claims.STALE_AFTER + timedelta(minutes=1)
    start = threading.Barrier(4)
    won: list[claims.Claim] = []

    def replica(name: str) -> None:
        start.wait()
        found = claims.claim(db, KEY, DUE, name, later)
        if found is not None:
            won.append(found)

    threads = [threading.Thread(target=replica, args=(f"r{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(won) == 1
    with db.session() as session:
        assert len(list(session.scalars(select(ScheduledPost)))) == 1


def test_the_prompt_key_is_recorded_with_the_claim(db: Database) -> None:
    claimed = claims.claim(db, KEY, DUE, "a", DUE)
    assert claimed is not None
    with db.session() as session:
        claims.set_prompt_key(session, claimed, "custom:" + "9" * 100)
    assert row(db).prompt_key == ("custom:" + "9" * 100)[:64]
