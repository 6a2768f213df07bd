"""What the scheduler, the start-up catch-up, the CLI and the console's `:wait` run: the weekly
posts that are due, each at most once.

`run_due(deps, now)` looks at every active subscription: the latest slot of each kind that is due at
`now` is skipped (paused, a public holiday, or later than the grace period allows), or claimed in
the database, built, posted and recorded. Every way in comes through here, so the exactly-once rule
lives in one place (bot.rhythm.claims).

A channel that fails is recorded and reported to the workspace's admins; it never stops the others.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.deps import Deps
from bot.core.i18n import translator
from bot.rhythm import claims, flows, runs, timing
from bot.rhythm.claims import SlotKey, Status
from bot.rhythm.data import DigestData
from bot.rhythm.digest import SectionHook, build_digest, digest_period
from bot.rhythm.digest_views import digest_as_text
from bot.rhythm.ids import KINDS, Kind
from bot.rhythm.runs import DEFAULT_GRACE, Channel, Outcome, RunReport

log = logging.getLogger(__name__)


def default_replica_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


DEFAULT_REPLICA = default_replica_id()


def active_channels(deps: Deps, *, team: str | None = None, channel: str | None = None) -> list[Channel]:
    """The active subscriptions, each with its zone and its channel's language."""
    with deps.db.read_session() as session:
        return runs.active_channels(
            session,
            default_timezone=deps.settings.timezone,
            language_of=deps.languages.channel,
            team=team,
            channel=channel,
        )


# --- a run -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    deps: Deps
    now: datetime
    grace: timedelta
    replica: str
    force: bool
    sleep: Callable[[float], None]
    sections: Sequence[SectionHook] | None


def run_due(
    deps: Deps,
    now: datetime,
    *,
    kinds: Iterable[str] = KINDS,
    channel: str | None = None,
    team: str | None = None,
    grace: timedelta = DEFAULT_GRACE,
    replica_id: str | None = None,
    force: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    sections: Sequence[SectionHook] | None = None,
) -> RunReport:
    """Post every due, unclaimed slot of the active subscriptions (or only `channel`'s).

    With `force` (the CLI), the slot is this week's, due now: no holiday, pause or grace check, and
    a slot that failed or was skipped may be posted after all; one that was posted never twice.
    """
    run = _Run(deps, now, grace, replica_id or DEFAULT_REPLICA, force, sleep, sections)
    report = RunReport()
    wanted = [Kind(kind) for kind in kinds if kind in KINDS]
    channels = active_channels(deps, team=team, channel=channel)
    if force and channel is not None and not channels:
        for kind in wanted:
            report.outcomes.append(Outcome(team or "-", channel, kind, "-", "failed", "not subscribed"))
    for sub in channels:
        for kind in wanted:
            try:
                outcome = _run_slot(run, sub, kind)
            except Exception as exc:  # one channel's trouble never stops the others
                log.exception("weekly %s for %s in %s failed", kind, sub.channel_id, sub.team_id)
                outcome = Outcome(sub.team_id, sub.channel_id, kind, "-", "failed", type(exc).__name__)
            if outcome is not None:
                report.outcomes.append(outcome)
                if outcome.status != "done":
                    log.info("weekly rhythm: %s", outcome.line())
    return report


def _run_slot(run: _Run, sub: Channel, kind: Kind) -> Outcome | None:
    try:
        slot = runs.due_slot(sub, kind, run.now, force=run.force)
    except runs.InvalidSchedule:
        return Outcome(sub.team_id, sub.channel_id, kind, "-", "failed", "invalid schedule")
    if slot is None:
        return None  # the first post is the first slot after subscribing
    key = SlotKey(sub.team_id, sub.channel_id, kind, slot.week)
    db = run.deps.db
    with db.read_session() as session:
        row = claims.find(session, key)
        seen = None if row is None else (row.status, row.detail or "", row.message_ts)
        open_to_us = row is not None and claims.can_take_over(row, run.now, force=run.force)
    if seen is not None and not open_to_us:
        status, detail, ts = seen
        return Outcome.of(key, "done", f"already {status}" + (f" ({detail})" if detail else ""), ts)
    reason = None if run.force else runs.skip_reason(sub, slot, run.now, run.grace)
    if reason and seen is None:
        if claims.record_skip(db, key, slot.due_at, run.replica, run.now, reason):
            return Outcome.of(key, "skipped", reason)
        return Outcome.of(key, "done", "taken by another process")
    claim = claims.claim(db, key, slot.due_at, run.replica, run.now, force=run.force)
    if claim is None:
        return Outcome.of(key, "done", "taken by another process")
    if claim.taken_over:
        ts = flows.find_earlier_post(run.deps, claim)
        if ts is not None:  # the process before us posted, then died before it could say so
            claims.finish(db, claim, Status.POSTED, run.now, message_ts=ts, detail="recovered")
            return Outcome.of(key, "posted", "recovered an earlier post", ts)
    if reason:  # a retry or an abandoned claim, now too late (or on a holiday, or paused)
        claims.finish(db, claim, Status.SKIPPED, run.now, detail=reason)
        return Outcome.of(key, "skipped", reason)
    return flows.post_claimed(run.deps, sub, claim, now=run.now, sleep=run.sleep, sections=run.sections)


def run_due_now(deps: Deps, *, since: datetime | None = None, replica_id: str | None = None) -> RunReport:
    """Post whatever is due at deps.clock.now() (the console's `:wait` calls this).

    With `since`, first run at every instant in (since, now] when some post fell due, oldest first,
    so jumping the clock a week ahead gives that week's prompts and digests instead of skipping them
    as too late.
    """
    now = deps.clock.now()
    report = RunReport()
    if since is not None:
        for instant in runs.slots_between(active_channels(deps), since, now):
            report.extend(run_due(deps, instant, replica_id=replica_id))
    report.extend(run_due(deps, now, replica_id=replica_id))
    return report


# --- what the scheduler runs -------------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklyJob:
    """One subscription's post of one kind, as a weekly cron job in the channel's zone."""

    team_id: str
    channel_id: str
    kind: Kind
    weekday: int  # Monday = 0
    hour: int
    minute: int
    timezone: str


def weekly_jobs(deps: Deps) -> list[WeeklyJob]:
    """A job per active subscription and kind with a readable schedule."""
    found: list[WeeklyJob] = []
    for sub in active_channels(deps):
        for kind in KINDS:
            schedule = sub.schedules[kind]
            if schedule is not None:
                found.append(
                    WeeklyJob(
                        sub.team_id,
                        sub.channel_id,
                        kind,
                        schedule.weekday,
                        schedule.hour,
                        schedule.minute,
                        sub.timezone,
                    )
                )
    return found


def fire(deps: Deps, team_id: str, channel_id: str, kind: str, *, grace: timedelta, replica_id: str) -> None:
    """A channel's cron job: its post of `kind`, if due. Never raises (the scheduler keeps going)."""
    try:
        run_due(
            deps,
            deps.clock.now(),
            kinds=(kind,),
            team=team_id,
            channel=channel_id,
            grace=grace,
            replica_id=replica_id,
        )
    except Exception:
        log.exception("weekly %s job for %s in %s failed", kind, channel_id, team_id)


def catch_up(deps: Deps, *, grace: timedelta, replica_id: str) -> None:
    """Make up posts missed while no process ran (within the grace period). Never raises."""
    try:
        run_due(deps, deps.clock.now(), grace=grace, replica_id=replica_id)
    except Exception:
        log.exception("weekly rhythm catch-up failed")


# --- previews ----------------------------------------------------------------------------------------


def preview_digest(
    deps: Deps, now: datetime, sub: Channel, *, sections: Sequence[SectionHook] | None = None
) -> DigestData:
    """The digest as it would be posted now (everything since the channel's last digest), read from
    the database only (no Slack calls)."""
    week = timing.week_key(now, sub.tz)
    with deps.db.session() as session:
        return build_digest(
            session,
            team_id=sub.team_id,
            channel_id=sub.channel_id,
            week=week,
            end=now,
            tz=sub.tz,
            secret_key=deps.settings.secret_key,
            language=sub.language,
            period=digest_period(session, sub, week=week, end=now),
            sections=sections,
        )


def preview_texts(deps: Deps, now: datetime, *, channel: str | None = None) -> tuple[list[str], list[str]]:
    """(digests as text, problems) for `python app.py digest --preview`: database only, nothing posted."""
    channels = active_channels(deps, channel=channel)
    if channel is not None and not channels:
        return [], [f"{channel}: not subscribed"]
    texts = [digest_as_text(translator(sub.language), preview_digest(deps, now, sub)) for sub in channels]
    return texts, []
