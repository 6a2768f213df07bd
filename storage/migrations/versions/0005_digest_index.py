"""The weekly digest's index: a channel's lessons by time, with their ids (index-only on PostgreSQL).

Revision ID: 0005
Revises: 0002
"""

from alembic import op

revision = "0005"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_lessons_team_channel_created", "lessons", ["team_id", "channel_id", "created_at", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_lessons_team_channel_created", table_name="lessons")
