"""The leaders' monthly report: what it says (build_report) and who has been sent it (the claims).

A report covers a month ("2026-02") of the whole workspace (what everyone may see), against the month
before, with the 12 weeks up to the month's end for the chart. It is due on the first working day of
the next month at 09:00 in the workspace's zone (bot.insights.periods), and goes to each leader once:
the (workspace, month, leader) claim row is inserted in the same transaction as the outbox effect that
sends it, so restarts, replicas and the CLI never send it twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.insights import figures
from bot.insights.data import Report, ReportLesson
from bot.insights.periods import shift_month
from storage.insights import queries
from storage.insights.models import ReportClaim
from storage.insights.queries import APPLIED, CLAIMED, FAILED, SENT, USEFUL, Highlight

REPORT_WEEKS = 12
HIGHLIGHTS = 3
NEW_TOPICS = 5

__all__ = ["CLAIMED", "FAILED", "SENT", "build_report", "claim", "claim_key"]


def _lesson(row: Highlight) -> ReportLesson:
    return ReportLesson(row.id, row.text, row.author_id, row.channel_id, row.marks)


def build_report(
    session: Session,
    *,
    team_id: str,
    month: str,
    tz: ZoneInfo,
    members: int | None,
    prompt_channels: Sequence[str],
) -> Report:
    months = figures.build_months(
        session,
        team_id=team_id,
        month=month,
        tz=tz,
        months=2,
        members=members,
        prompt_channels=prompt_channels,
    )
    start, end = months.starts[-1], months.end
    weeks = figures.build_weeks(
        session,
        team_id=team_id,
        channel_id=None,
        end=end,
        tz=tz,
        weeks=REPORT_WEEKS,
        members=members,
        prompt_channels=prompt_channels,
    )
    topics = Counter(match.topic for match in queries.matches_between(session, team_id, start, end))
    return Report(
        team_id=team_id,
        month=month,
        previous=shift_month(month, -1),
        timezone=tz.key,
        months=months,
        weeks=weeks,
        most_useful=tuple(
            _lesson(r) for r in queries.most_marked(session, team_id, USEFUL, start, end, HIGHLIGHTS)
        ),
        most_applied=tuple(
            _lesson(r) for r in queries.most_marked(session, team_id, APPLIED, start, end, HIGHLIGHTS)
        ),
        new_topics=tuple(sorted(topics.items(), key=lambda item: (-item[1], item[0]))[:NEW_TOPICS]),
    )


def claim_key(team_id: str, month: str, leader_id: str) -> str:
    """What the DM's metadata carries, so a retry finds the report it already sent."""
    return f"{team_id}:{month}:{leader_id}"


def claim(
    session: Session,
    team_id: str,
    month: str,
    leader_id: str,
    *,
    replica: str,
    now: datetime,
    retry_failed: bool = False,
) -> ReportClaim | None:
    """Own this leader's report of `month` in the caller's transaction (the caller stores the outbox
    effect in it too); None when it is sent, being sent, or (unless `retry_failed`) failed."""
    fresh = queries.claim_report(session, team_id, month, leader_id, replica, now)
    if fresh is not None:
        return fresh
    existing = queries.report_claim_of(session, team_id, month, leader_id)
    if not retry_failed or existing is None or existing.status != FAILED:
        return None
    if not queries.retake_failed(session, existing.id, existing.attempts, replica, now):
        return None
    return queries.report_claim(session, existing.id)
