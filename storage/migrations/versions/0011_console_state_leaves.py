"""The terminal console keeps its saved workspace in a database file of its own (created by the
console, not by a migration): drop console_state from the app's databases.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

from storage.base import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _has_console_state() -> bool:
    return sa.inspect(op.get_bind()).has_table("console_state")


def upgrade() -> None:
    if _has_console_state():
        op.drop_table("console_state")


def downgrade() -> None:
    if not _has_console_state():
        op.create_table(
            "console_state",
            sa.Column("team_id", sa.String(32), primary_key=True),
            sa.Column("state", sa.Text, nullable=False),
            sa.Column("saved_at", UTCDateTime(), nullable=False),
        )
