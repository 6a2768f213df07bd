"""APScheduler wiring: when to call each feature's jobs. The jobs themselves live in the features
(bot.rhythm.jobs, bot.mentoring.jobs, bot.insights.jobs, bot.core.events, bot.lessons.visibility).

Maintenance (MAINTENANCE): small jobs that keep the database tidy and true, each on its own interval
and, where it matters, at start-up: pruning processed Slack event ids (hourly) and settling the
visibility of lessons Slack could not place when they were stored (every ten minutes and at
start-up). `run_maintenance(deps)` runs them all once: the console does as its clock moves.

The weekly rhythm: one CronTrigger job per (subscription, kind), in the channel's own time zone,
rebuilt from the database every minute (so `/erfaring schedule ...` needs no restart), plus a
catch-up pass at start-up and every ten minutes that makes up posts missed while no process was
running (within the grace period). APScheduler only decides *when to look*: whether a post goes out
is decided in the database (bot.rhythm.claims), so any number of `serve` replicas can run this.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.deps import Deps
from bot.core.events import prune_events
from bot.insights.jobs import run_scheduled as run_reports
from bot.lessons.visibility import settle_pending
from bot.mentoring.jobs import run_due_mentoring
from bot.privacy.lifecycle import prune_delivered
from bot.rhythm import jobs as rhythm
from bot.rhythm.jobs import run_due_now
from bot.rhythm.runs import DEFAULT_GRACE

__all__ = [
    "JOB_PREFIX",
    "MAINTENANCE",
    "Maintenance",
    "RhythmJobs",
    "build",
    "run_due_now",
    "run_maintenance",
    "start",
]

log = logging.getLogger(__name__)

RECONCILE_EVERY = timedelta(minutes=1)
CATCH_UP_EVERY = timedelta(minutes=10)
MENTORING_EVERY = timedelta(minutes=10)
REPORTS_EVERY = timedelta(minutes=1)  # due at 09:00: sent by 09:01; a read once they are out
CRON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
JOB_PREFIX = "rhythm:"


def prune_processed_events(deps: Deps) -> None:
    with deps.db.session() as session:
        removed = prune_events(session, deps.clock.now())
    if removed:
        log.info("pruned %s processed event ids", removed)


def settle_lesson_visibility(deps: Deps) -> None:
    """Lessons stored while Slack could not say who may see them: ask again (it logs what it settled)."""
    settle_pending(deps)


@dataclass(frozen=True)
class Maintenance:
    """A job that keeps the database in order: run every `every`, and at start-up when `at_start`.
    Each is driven by database state, so any replica may run it."""

    name: str
    run: Callable[[Deps], Any]
    every: timedelta
    at_start: bool = False

    def __call__(self, deps: Deps) -> None:
        """Run once; a failure is logged, never raised (the scheduler and the console keep going)."""
        try:
            self.run(deps)
        except Exception:
            log.exception("maintenance job %s failed", self.name)


MAINTENANCE: tuple[Maintenance, ...] = (
    Maintenance("prune_processed_events", prune_processed_events, timedelta(hours=1)),
    Maintenance("settle_lesson_visibility", settle_lesson_visibility, timedelta(minutes=10), at_start=True),
    Maintenance("prune_delivered_effects", prune_delivered, timedelta(hours=1)),
)


def run_maintenance(deps: Deps) -> None:
    """Every maintenance job, once (the console runs this as its clock moves)."""
    for job in MAINTENANCE:
        job(deps)


def run_mentoring(deps: Deps) -> None:
    """Offer timeouts and follow-ups; driven by database state, so any replica may run it."""
    try:
        run_due_mentoring(deps, deps.clock.now())
    except Exception:
        log.exception("mentoring job failed")


Signature = tuple[str, int, int, str]


class RhythmJobs:
    """Keeps one cron job per (subscription, kind) in line with the subscriptions table."""

    def __init__(self, scheduler: BackgroundScheduler, deps: Deps, replica_id: str, grace: timedelta) -> None:
        self.scheduler = scheduler
        self.deps = deps
        self.replica_id = replica_id
        self.grace = grace
        self.signatures: dict[str, Signature] = {}

    def fire(self, team_id: str, channel_id: str, kind: str) -> None:
        rhythm.fire(self.deps, team_id, channel_id, kind, grace=self.grace, replica_id=self.replica_id)

    def catch_up(self) -> None:
        rhythm.catch_up(self.deps, grace=self.grace, replica_id=self.replica_id)

    def reconcile(self) -> None:
        """Add, change and remove cron jobs to match the active subscriptions."""
        try:
            weekly = rhythm.weekly_jobs(self.deps)
        except Exception:
            log.exception("could not read subscriptions; keeping the current jobs")
            return
        wanted: dict[str, tuple[Signature, rhythm.WeeklyJob]] = {
            f"{JOB_PREFIX}{job.team_id}:{job.channel_id}:{job.kind}": (
                (CRON_DAYS[job.weekday], job.hour, job.minute, job.timezone),
                job,
            )
            for job in weekly
        }
        for job_id in [j for j in self.signatures if j not in wanted]:
            if self.scheduler.get_job(job_id) is not None:
                self.scheduler.remove_job(job_id)
            del self.signatures[job_id]
        for job_id, (signature, job) in wanted.items():
            if self.signatures.get(job_id) == signature:
                continue
            day, hour, minute, zone = signature
            self.scheduler.add_job(
                self.fire,
                CronTrigger(day_of_week=day, hour=hour, minute=minute, timezone=ZoneInfo(zone)),
                args=[job.team_id, job.channel_id, str(job.kind)],
                id=job_id,
                name=f"weekly {job.kind} in {job.channel_id}",
                replace_existing=True,
                # A late firing (a busy or paused process) still runs; the job applies the grace.
                misfire_grace_time=int(self.grace.total_seconds()),
                coalesce=True,
                max_instances=1,
            )
            self.signatures[job_id] = signature


def build(
    deps: Deps, *, replica_id: str | None = None, grace: timedelta = DEFAULT_GRACE
) -> tuple[BackgroundScheduler, RhythmJobs]:
    scheduler = BackgroundScheduler(timezone=UTC)
    jobs = RhythmJobs(scheduler, deps, replica_id or rhythm.DEFAULT_REPLICA, grace)
    start_now = datetime.now(UTC)
    for job in MAINTENANCE:
        seconds = int(job.every.total_seconds())
        scheduler.add_job(
            job,
            IntervalTrigger(seconds=seconds),
            args=[deps],
            id=job.name,
            name=f"maintenance: {job.name}",
            misfire_grace_time=seconds,
            coalesce=True,
            max_instances=1,
            # Without next_run_time APScheduler starts after one interval; None would pause the job.
            **({"next_run_time": start_now} if job.at_start else {}),
        )
    scheduler.add_job(
        jobs.reconcile,
        IntervalTrigger(seconds=int(RECONCILE_EVERY.total_seconds())),
        id="rhythm_reconcile",
        next_run_time=start_now,
        misfire_grace_time=int(RECONCILE_EVERY.total_seconds()),
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        jobs.catch_up,
        IntervalTrigger(seconds=int(CATCH_UP_EVERY.total_seconds())),
        id="rhythm_catch_up",
        next_run_time=start_now,  # at start-up: make up what was missed while nothing ran
        misfire_grace_time=int(CATCH_UP_EVERY.total_seconds()),
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        run_mentoring,
        IntervalTrigger(seconds=int(MENTORING_EVERY.total_seconds())),
        args=[deps],
        id="mentoring_due",
        next_run_time=start_now,  # offers that expired while nothing ran move on at start-up
        misfire_grace_time=int(MENTORING_EVERY.total_seconds()),
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        run_reports,
        IntervalTrigger(seconds=int(REPORTS_EVERY.total_seconds())),
        args=[deps],
        id="insights_reports",
        next_run_time=start_now,  # a report due while nothing ran goes out now (within 3 days)
        misfire_grace_time=int(REPORTS_EVERY.total_seconds()),
        coalesce=True,
        max_instances=1,
    )
    return scheduler, jobs


def start(
    deps: Deps, *, replica_id: str | None = None, grace: timedelta = DEFAULT_GRACE
) -> Callable[[], None]:
    scheduler, _ = build(deps, replica_id=replica_id, grace=grace)
    # "Running job ..." twice a minute is noise; the jobs log what they do, and failures still show.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    scheduler.start()
    log.info("scheduler started (weekly rhythm replica %s)", replica_id or rhythm.DEFAULT_REPLICA)
    return lambda: scheduler.shutdown(wait=False)
