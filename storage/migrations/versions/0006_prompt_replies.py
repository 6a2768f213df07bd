"""Thread replies to weekly prompts that became lessons (one per reply).

Revision ID: 0006
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from storage.base import UTCDateTime

revision = "0006"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prompt_replies",
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("reply_ts", sa.String(32), nullable=False),
        sa.Column("prompt_post_id", sa.Integer, nullable=False),
        sa.Column("lesson_id", sa.Integer),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "channel_id", "reply_ts", name="pk_prompt_replies"),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons.id"],
            name="fk_prompt_replies_lesson_id_lessons",
            ondelete="SET NULL",
        ),
    )


def downgrade() -> None:
    op.drop_table("prompt_replies")
