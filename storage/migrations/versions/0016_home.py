"""App Home: who has opened it (so refreshes reach only existing Homes), and the line it shows about
the person's last action there.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

from storage.base import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "home_views",
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("notice", sa.Text()),
        sa.Column("notice_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("team_id", "user_id", name="pk_home_views"),
    )


def downgrade() -> None:
    op.drop_table("home_views")
