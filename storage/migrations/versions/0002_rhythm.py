"""The weekly rhythm: subscriptions, custom prompts, scheduled post claims.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from storage.base import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("prompt_weekday", sa.Integer, nullable=False),
        sa.Column("prompt_time", sa.String(5), nullable=False),
        sa.Column("digest_weekday", sa.Integer, nullable=False),
        sa.Column("digest_time", sa.String(5), nullable=False),
        sa.Column("timezone", sa.String(64)),
        sa.Column("language", sa.String(8)),
        sa.Column("holiday_country", sa.String(8)),
        sa.Column("paused_until", UTCDateTime()),
        sa.Column("last_error", sa.String(120)),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("team_id", "channel_id", name="uq_subscriptions_team_channel"),
    )
    op.create_table(
        "custom_prompts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("removed", sa.Boolean, nullable=False),
    )
    op.create_index("ix_custom_prompts_team_language", "custom_prompts", ["team_id", "language"])
    op.create_table(
        "scheduled_posts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("week", sa.String(10), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("posted_at", UTCDateTime()),
        sa.Column("message_ts", sa.String(32)),
        sa.Column("prompt_key", sa.String(64)),
        sa.Column("detail", sa.String(200)),
        sa.UniqueConstraint("team_id", "channel_id", "kind", "week", name="uq_scheduled_posts_slot"),
    )
    op.create_index("ix_scheduled_posts_message", "scheduled_posts", ["team_id", "channel_id", "message_ts"])


def downgrade() -> None:
    for table in ("scheduled_posts", "custom_prompts", "subscriptions"):
        op.drop_table(table)
