"""The terminal console's saved workspace (python app.py console).

Revision ID: 0004
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from storage.base import UTCDateTime

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_state",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("saved_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("console_state")
