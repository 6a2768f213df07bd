"""The leaders of a workspace (who get the monthly report) and the report's claims.

A report is sent once per (workspace, month, leader): inserting its ReportClaim row is the claim, so a
restart, a second replica or the CLI running at the same moment sees the unique key and does nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime
from storage.lessons.models import Lesson, Vote


class Leader(Base):
    """Someone an admin named with `/erfaring leaders add` (ERFARING_LEADERS adds more, unstored)."""

    __tablename__ = "insights_leaders"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    added_by: Mapped[str] = mapped_column(String(32))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReportClaim(Base):
    """One leader's report of one month ("2026-02": the month it covers). The unique key is the claim."""

    __tablename__ = "insights_report_claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    month: Mapped[str] = mapped_column(String(7))
    leader_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # claimed | sent | failed
    claimed_by: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    # Where it went: the DM, the text message and the chart (a retry after a crash checks these).
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    file_id: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    detail: Mapped[str | None] = mapped_column(String(200))  # why it failed

    # The key's (team_id, month) prefix also serves the CLI's "this month's claims" lookup.
    __table_args__ = (
        UniqueConstraint("team_id", "month", "leader_id", name="uq_insights_report_claims_once"),
    )


# Insights read twelve weeks of a workspace's lessons and marks at once (storage.insights.queries;
# bench/insights_bench.py). These indexes hold every column those reads need, so neither database
# visits the tables' rows (SQLite: covering indexes; PostgreSQL: index-only scans): the lessons of a
# period in time order, the marks of a period in time order, and who may see a marked lesson (looked
# up by id for every mark). At 100,000 lessons they take the workspace's figures from ~330 ms to
# ~150 ms on SQLite. They live here, beside the reads they serve, and migration 0014 creates them.
Index(
    "ix_lessons_insights",
    Lesson.team_id,
    Lesson.created_at,
    Lesson.visibility,
    Lesson.channel_id,
    Lesson.author_hash,
    Lesson.prompt_post_id,
    Lesson.id,
)
Index("ix_lessons_insights_seen", Lesson.id, Lesson.team_id, Lesson.visibility, Lesson.channel_id)
Index("ix_votes_insights", Vote.team_id, Vote.changed_at, Vote.lesson_id, Vote.kind, Vote.active)
