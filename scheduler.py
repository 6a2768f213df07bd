"""APScheduler wiring. Jobs call bot/ services; the weekly rhythm adds its jobs here."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.deps import Deps
from bot.events import prune_events

log = logging.getLogger(__name__)


def prune_processed_events(deps: Deps) -> None:
    with deps.db.session() as session:
        removed = prune_events(session, deps.clock.now())
    if removed:
        log.info("pruned %s processed event ids", removed)


def start(deps: Deps) -> Callable[[], None]:
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        prune_processed_events,
        IntervalTrigger(hours=1),
        args=[deps],
        id="prune_processed_events",
        misfire_grace_time=int(timedelta(hours=1).total_seconds()),
        coalesce=True,
        max_instances=1,
    )
    scheduler.start()
    return lambda: scheduler.shutdown(wait=False)
