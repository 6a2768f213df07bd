"""A person's and a workspace's lifecycle: what happens when Slack deactivates someone, and when the
app is uninstalled.

**Deactivated** (a `user_change` event whose user is `deleted`): the listener stores one outbox effect
and Slack gets its 200; delivering it stops the person's mentoring, each step mentoring's own:
- their mentor profile stops, so nobody asks them again;
- their pending offers are withdrawn and each request moves on to the next mentor (the requester is
  told whom it went to, or that it waits);
- their open requests are closed, and a mentor who was asked about one sees the offer DM say so;
- their running mentorships take their next follow-up step now, which, finding them gone, ends the
  mentorship and tells the other person, in that person's working hours.
Everything is a conditional transition in the database, so a retried effect or a second `user_change`
for the same person finds nothing left to do. Their data stays: leaving a workspace is no erasure
(`/erfaring forget-me` and `python app.py erase` are).

**Uninstalled** (`app_uninstalled`, or `tokens_revoked` for the bot's token): the workspace's deletion is
stored as an outbox effect due ERFARING_RETENTION_DAYS later; the first uninstall counts (a second one
is coalesced into it). Any signed request from the workspace after that, a command, a click or an
event Slack sent after the uninstall, means it is installed again: the waiting deletion is taken back
(a conditional delete). When it falls due, one worker claims it, as every outbox effect, and deletes
every row of every table for the workspace in one transaction; a takeover after a lost lease finds
that the effect is no longer its own and does nothing. The deletion's own outbox row (a team id and a
date) goes with the delivered effects a day later (`prune_delivered`, a maintenance job).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import weakref
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.core import outbox
from bot.core.deps import Deps
from bot.core.outbox import Effect as Delivery
from bot.core.outbox import Permanent
from bot.mentoring import flows as mentoring
from bot.mentoring import profiles, requests
from bot.privacy.export import iso
from bot.privacy.ids import Lifecycle
from storage.core import outbox as delivered
from storage.db import Database
from storage.privacy import queries

log = logging.getLogger(__name__)

# Delivered effects are kept this long (what went out to whom), then pruned.
KEEP_DELIVERED = timedelta(days=1)
# How long a process trusts what it last read about a workspace's waiting deletion (per request, a
# dictionary lookup instead of a query). Another replica's uninstall is seen within this time.
REMEMBER_SECONDS = 60.0


# -- a person Slack deactivated ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Departure:
    """What stopping a deactivated person's mentoring did."""

    profile_stopped: bool = False
    offers_moved_on: int = 0
    requests_closed: int = 0
    mentorships_ended: int = 0
    still_here: bool = False  # Slack says they are active again: nothing was done

    @property
    def anything(self) -> bool:
        return bool(
            self.profile_stopped or self.offers_moved_on or self.requests_closed or self.mentorships_ended
        )


def ask_departed(deps: Deps, team_id: str, user_id: str) -> None:
    """Slack deactivated `user_id`: store the work (delivered right after the event's 200)."""
    with deps.db.session() as session:
        outbox.enqueue(
            session,
            deps,
            team_id=team_id,
            kind=Lifecycle.DEPARTED,
            payload={"user": user_id},
            coalesce=f"{Lifecycle.DEPARTED}:{user_id}",
        )


def departed(deps: Deps, team_id: str, user_id: str) -> Departure:
    """Stop a deactivated person's mentoring (each step mentoring's own, told by mentoring's words)."""
    presence = mentoring.Presence(deps)
    info = presence.info(team_id, user_id)
    if info is not None and not info.deleted:
        log.info("a person deactivated in %s is active again; their mentoring stays", team_id)
        return Departure(still_here=True)
    now = deps.clock.now()
    with deps.db.session() as session:
        stopped = profiles.mark_left(session, team_id, user_id, now)
    moved = mentoring.withdraw_offers_of(deps, team_id, user_id, presence)
    with deps.db.read_session() as session:
        open_ids = [request.id for request in requests.open_requests_of(session, team_id, user_id)]
    closed = 0
    for request_id in open_ids:
        with deps.db.session() as session:
            done = requests.close(session, request_id, now)
        if done is not None:
            closed += 1
            mentoring.request_cancelled(deps, done)  # the offer DMs say the requester has left
    ended = 0
    # Only once Slack itself says they are gone: the step would otherwise be an early check-in.
    if presence.gone(team_id, user_id):
        with deps.db.read_session() as session:
            running = queries.running_mentorships_of(session, team_id, user_id)
        for mentorship_id in running:
            with deps.db.session() as session:
                queries.followup_due_now(session, mentorship_id, now)
            step = mentoring.claim_followup(deps, mentorship_id, now, presence)
            if step is not None:
                mentoring.send_step(deps, step, presence)
                ended += 1
    return Departure(stopped, moved, closed, ended)


@outbox.handles(Lifecycle.DEPARTED)
def deliver_departed(deps: Deps, effect: Delivery) -> dict[str, Any]:
    user_id = effect.payload.get("user")
    if not isinstance(user_id, str) or not user_id:
        raise Permanent("bad_payload:user")
    done = departed(deps, effect.team_id, user_id)
    if done.anything:
        log.info(
            "stopped a deactivated person's mentoring in %s: profile %s, %s offers moved on, %s requests "
            "closed, %s mentorships ended",
            effect.team_id,
            "stopped" if done.profile_stopped else "unchanged",
            done.offers_moved_on,
            done.requests_closed,
            done.mentorships_ended,
        )
    return asdict(done)


# -- an uninstalled workspace ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """What a process last read about a workspace's waiting deletion."""

    at: float  # time.monotonic()
    since: datetime | None  # when it was uninstalled; None: no deletion waits


_known: weakref.WeakKeyDictionary[Database, dict[str, Known]] = weakref.WeakKeyDictionary()
_known_lock = threading.Lock()


def _remember(deps: Deps, team_id: str, since: datetime | None) -> None:
    with _known_lock:
        _known.setdefault(deps.db, {})[team_id] = Known(time.monotonic(), since)


def _since(payload: str) -> datetime | None:
    try:
        raw = json.loads(payload).get("since")
        return datetime.fromisoformat(str(raw).replace("Z", "+00:00")) if raw else None
    except (ValueError, AttributeError):
        return None


def uninstalled(deps: Deps, team_id: str) -> datetime:
    """The app was uninstalled: the workspace's data is deleted after the retention period, unless it
    is installed again first. When that deletion is due (the first uninstall's, if one waits already)."""
    now = deps.clock.now()
    retention = timedelta(days=deps.settings.retention_days)
    with deps.db.session() as session:
        outbox.enqueue(
            session,
            deps,
            team_id=team_id,
            kind=Lifecycle.FORGET_WORKSPACE,
            payload={"since": iso(now)},
            coalesce=Lifecycle.FORGET_WORKSPACE,
            delay=retention,
        )
        mark = queries.deletion_waiting(session, team_id, Lifecycle.FORGET_WORKSPACE)
    since = _since(mark.payload) if mark is not None else now
    _remember(deps, team_id, since or now)
    due = mark.due_at if mark is not None else now + retention
    log.info(
        "Erfaring was uninstalled from %s: its data is deleted on %s unless it is installed again",
        team_id,
        iso(due),
    )
    return due


def deletion_due(deps: Deps, team_id: str) -> datetime | None:
    """When the workspace's data will be deleted; None when no deletion waits."""
    with deps.db.read_session() as session:
        mark = queries.deletion_waiting(session, team_id, Lifecycle.FORGET_WORKSPACE)
    return mark.due_at if mark is not None else None


def seen(deps: Deps, team_id: str, sent_at: datetime | None = None) -> bool:
    """A signed request from the workspace: it is installed (again). Takes back a waiting deletion;
    True when it did. `sent_at` (an event's event_time) that is not after the uninstall is a late
    retry of something from before it, and counts for nothing. Costs a dictionary lookup, mostly."""
    now = time.monotonic()
    with _known_lock:
        known = _known.get(deps.db, {}).get(team_id)
    if known is None or now - known.at > REMEMBER_SECONDS:
        with deps.db.read_session() as session:
            mark = queries.deletion_waiting(session, team_id, Lifecycle.FORGET_WORKSPACE)
        known = Known(now, (_since(mark.payload) or deps.clock.now()) if mark is not None else None)
        with _known_lock:
            _known.setdefault(deps.db, {})[team_id] = known
    if known.since is None or (sent_at is not None and sent_at <= known.since):
        return False
    with deps.db.session() as session:
        cancelled = queries.cancel_deletion(session, team_id, Lifecycle.FORGET_WORKSPACE)
    _remember(deps, team_id, None)
    if cancelled:
        log.info("Erfaring is installed again in %s: its data is no longer to be deleted", team_id)
    return bool(cancelled)


@outbox.handles(Lifecycle.FORGET_WORKSPACE)
def forget_workspace(deps: Deps, effect: Delivery) -> dict[str, Any]:
    """The retention has passed and nobody installed the app again: delete every row the workspace has,
    in one transaction, once (a worker that lost this effect to a takeover finds it is not its own)."""
    with deps.db.session() as session:
        if not queries.still_claimed(session, effect.id, effect.worker):
            return {"skipped": "taken over"}
        deleted = queries.forget_workspace(session, effect.team_id, besides=effect.id)
    _remember(deps, effect.team_id, None)
    log.info(
        "deleted the data of %s, uninstalled on %s: %s rows (%s)",
        effect.team_id,
        effect.payload.get("since"),
        sum(deleted.values()),
        ", ".join(f"{table} {n}" for table, n in sorted(deleted.items())) or "nothing left",
    )
    return {"rows": sum(deleted.values())}


# -- maintenance -------------------------------------------------------------------------------------------


def prune_delivered(deps: Deps) -> int:
    """Forget delivered outbox effects older than a day (who was sent what); failed and dead ones stay
    for the admins. How many went."""
    with deps.db.session() as session:
        pruned = delivered.prune(session, deps.clock.now() - KEEP_DELIVERED)
    if pruned:
        log.info("pruned %s delivered outbox effects", pruned)
    return pruned
