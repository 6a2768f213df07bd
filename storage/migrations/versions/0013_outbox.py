"""The outbox: Slack side effects stored with the change that asks for them, delivered after the ack.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

from storage.base import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("channel_key", sa.String(64)),
        sa.Column("pending_key", sa.String(200)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("lease_until", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime()),
        sa.Column("result", sa.Text),
        sa.Column("last_error", sa.String(200)),
        sa.UniqueConstraint("pending_key", name="uq_outbox_pending_key"),
    )
    op.create_index("ix_outbox_status_due", "outbox", ["status", "due_at"])
    op.create_index("ix_outbox_channel_status", "outbox", ["channel_key", "status"])
    op.create_table(
        "outbox_pace",
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_key", sa.String(64), nullable=False),
        sa.Column("next_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "channel_key", name="pk_outbox_pace"),
    )


def downgrade() -> None:
    op.drop_table("outbox_pace")
    op.drop_index("ix_outbox_channel_status", table_name="outbox")
    op.drop_index("ix_outbox_status_due", table_name="outbox")
    op.drop_table("outbox")
