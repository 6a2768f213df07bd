"""What the scheduler, the console's clock and `python app.py report` run: the monthly reports that are
due, each once per (workspace, month, leader).

`run_due_reports(deps, now)`: for every workspace with leaders, if its report is due (the first working
day of the month at 09:00 in its zone, within GRACE of that), claim each leader's report and store the
effect that sends it (bot.insights.flows). `send_now` does the same at once for the CLI, and waits
for the deliveries; `preview` writes the text and the chart to a folder and sends nothing.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.core.deps import Deps
from bot.insights import flows, leaders, periods, views
from bot.insights.chart import render_chart
from bot.insights.report import CLAIMED, FAILED, SENT
from storage.insights import queries

log = logging.getLogger(__name__)

# A report missed while nothing ran (a deploy, an outage) is still sent this long after it was due.
GRACE = timedelta(days=3)
# How long `python app.py report` waits for its reports to be delivered.
WAIT_SECONDS = 60.0


def default_replica_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


DEFAULT_REPLICA = default_replica_id()


@dataclass(frozen=True)
class Outcome:
    """One leader's report of one month: what happened to it this time."""

    team_id: str
    month: str
    leader_id: str
    status: str  # claimed (on its way) | sent | failed | pending (still being delivered) | already <status>
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.status in (FAILED, "pending")

    def line(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.team_id} {self.month} {self.leader_id}: {self.status}{detail}"


def report_teams(deps: Deps) -> list[str]:
    """Workspaces that may have leaders: with ERFARING_LEADERS, every workspace the database knows."""
    with deps.db.read_session() as session:
        if deps.settings.leaders:
            return queries.known_teams(session)
        return queries.teams_with_leaders(session)


def leaders_of(deps: Deps, team_id: str) -> list[str]:
    with deps.db.read_session() as session:
        return leaders.leader_ids(session, team_id, deps.settings.leaders)


def due_month(deps: Deps, team_id: str, now: datetime, grace: timedelta = GRACE) -> str | None:
    """The month whose report is due in this workspace at `now` ("2026-02" on 2 March 2026 at 09:00
    in Oslo and for three days after), else None."""
    with deps.db.read_session() as session:
        tz = flows.workspace_zone(deps, session, team_id)
        country = queries.holiday_country(session, team_id)
    month = periods.covered_month(now, tz)
    due = periods.report_due(month, tz, country)
    return month if due <= now < due + grace else None


def _claim_all(
    deps: Deps, team_id: str, month: str, *, replica: str, now: datetime, retry_failed: bool
) -> list[Outcome]:
    """Claim the month's report for every leader who has none yet. What is claimed already is read
    first, so a scheduler asking every minute writes nothing once the reports are out."""
    with deps.db.read_session() as session:
        claimed = {
            row.leader_id: (row.status, row.detail or "")
            for row in queries.month_claims(session, team_id, month)
        }
    outcomes: list[Outcome] = []
    for leader in leaders_of(deps, team_id):
        seen = claimed.get(leader)
        if seen is not None and not (retry_failed and seen[0] == FAILED):
            outcomes.append(Outcome(team_id, month, leader, f"already {seen[0]}", seen[1]))
            continue
        claim_id = flows.claim_report(
            deps, team_id, month, leader, replica=replica, now=now, retry_failed=retry_failed
        )
        if claim_id is not None:
            outcomes.append(Outcome(team_id, month, leader, CLAIMED))
            continue
        with deps.db.read_session() as session:
            row = queries.report_claim_of(session, team_id, month, leader)
            status, detail = (row.status, row.detail or "") if row else ("unknown", "")
        outcomes.append(Outcome(team_id, month, leader, f"already {status}", detail))
    return outcomes


def run_due_reports(deps: Deps, now: datetime, *, replica_id: str | None = None) -> list[Outcome]:
    """Claim every due, unclaimed report; the outbox sends them. One workspace's trouble never stops
    the others."""
    outcomes: list[Outcome] = []
    for team_id in report_teams(deps):
        try:
            month = due_month(deps, team_id, now)
            if month is None:
                continue
            found = _claim_all(
                deps, team_id, month, replica=replica_id or DEFAULT_REPLICA, now=now, retry_failed=False
            )
        except Exception:
            log.exception("monthly reports of %s could not be claimed", team_id)
            continue
        claimed = [o for o in found if o.status == CLAIMED]
        if claimed:
            log.info("monthly report %s of %s: %s leaders", month, team_id, len(claimed))
        outcomes += found
    return outcomes


def run_scheduled(deps: Deps) -> None:
    """The scheduler's job: never raises, so the scheduler keeps going."""
    try:
        run_due_reports(deps, deps.clock.now())
    except Exception:
        log.exception("monthly reports job failed")


# --- python app.py report --------------------------------------------------------------------------------


def month_for(deps: Deps, team_id: str, month: str | None) -> str:
    """The month asked for, else the one this month's report covers (the month before, in the
    workspace's zone)."""
    if month is not None:
        periods.parse_month(month)
        return month
    with deps.db.read_session() as session:
        tz = flows.workspace_zone(deps, session, team_id)
    return periods.covered_month(deps.clock.now(), tz)


def _settled(deps: Deps, outcome: Outcome) -> Outcome:
    with deps.db.read_session() as session:
        row = queries.report_claim_of(session, outcome.team_id, outcome.month, outcome.leader_id)
        status, detail = (row.status, row.detail or "") if row is not None else (CLAIMED, "")
    if status == CLAIMED:
        return Outcome(outcome.team_id, outcome.month, outcome.leader_id, "pending", "still being sent")
    return Outcome(outcome.team_id, outcome.month, outcome.leader_id, status, detail)


def send_now(
    deps: Deps,
    *,
    month: str | None = None,
    replica_id: str | None = None,
    wait_seconds: float = WAIT_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Outcome]:
    """Send the month's report to every leader now, once per leader and month as the schedule does (a
    report that failed is tried again; one sent, never twice), and wait for the deliveries: this
    process delivers due effects from the outbox meanwhile, like any worker."""
    outcomes: list[Outcome] = []
    for team_id in report_teams(deps):
        chosen = month_for(deps, team_id, month)
        outcomes += _claim_all(
            deps,
            team_id,
            chosen,
            replica=replica_id or DEFAULT_REPLICA,
            now=deps.clock.now(),
            retry_failed=True,
        )
    deadline = time.monotonic() + wait_seconds
    while True:
        deps.outbox.drain()
        outcomes = [_settled(deps, o) if o.status in (CLAIMED, "pending") else o for o in outcomes]
        if not any(o.status == "pending" for o in outcomes) or time.monotonic() >= deadline:
            return outcomes
        sleep(0.5)


def preview(deps: Deps, directory: Path, *, month: str | None = None, ask_slack: bool = True) -> list[Path]:
    """Write each workspace's report (in its language) as text and PNG into `directory`; send nothing.
    Without Slack (`ask_slack` False) authors show as ids and participation is left out."""
    directory.mkdir(parents=True, exist_ok=True)
    with deps.db.read_session() as session:
        teams = queries.teams_with_leaders(session) or queries.known_teams(session)
    written: list[Path] = []
    for team_id in teams:
        chosen = month_for(deps, team_id, month)
        tr = deps.languages.for_workspace(team_id)
        data = flows.build_report(deps, team_id, chosen, ask_slack=ask_slack)
        names = flows.author_names(deps, team_id, data) if ask_slack else views.Names()
        stem = directory / f"erfaring-report-{team_id}-{chosen}"
        text, chart = stem.with_suffix(".txt"), stem.with_suffix(".png")
        text.write_text(views.report_as_text(tr, data, names), encoding="utf-8")
        chart.write_bytes(render_chart(tr, data))
        written += [text, chart]
    return written


def failures(outcomes: Sequence[Outcome]) -> list[str]:
    return [o.line() for o in outcomes if o.failed]


__all__ = ["SENT", "Outcome", "failures", "preview", "run_due_reports", "run_scheduled", "send_now"]
