"""Insights: the workspace's leaders, the monthly report's claims (one per workspace, month, leader),
and covering indexes for reading twelve weeks of lessons and marks at once.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

from storage.base import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insights_leaders",
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("added_by", sa.String(32), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id", name="pk_insights_leaders"),
    )
    op.create_table(
        "insights_report_claims",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("leader_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("channel_id", sa.String(32)),
        sa.Column("message_ts", sa.String(32)),
        sa.Column("file_id", sa.String(32)),
        sa.Column("sent_at", UTCDateTime()),
        sa.Column("detail", sa.String(200)),
        sa.UniqueConstraint("team_id", "month", "leader_id", name="uq_insights_report_claims_once"),
    )
    op.create_index(
        "ix_lessons_insights",
        "lessons",
        ["team_id", "created_at", "visibility", "channel_id", "author_hash", "prompt_post_id", "id"],
    )
    op.create_index("ix_lessons_insights_seen", "lessons", ["id", "team_id", "visibility", "channel_id"])
    op.create_index("ix_votes_insights", "votes", ["team_id", "changed_at", "lesson_id", "kind", "active"])


def downgrade() -> None:
    op.drop_index("ix_votes_insights", table_name="votes")
    op.drop_index("ix_lessons_insights_seen", table_name="lessons")
    op.drop_index("ix_lessons_insights", table_name="lessons")
    op.drop_table("insights_report_claims")
    op.drop_table("insights_leaders")
