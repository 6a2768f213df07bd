"""A channel's language belongs to the channel, not to its weekly-rhythm subscription: any channel can
have one. Moves subscriptions.language into channel_settings.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from storage.base import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel_settings",
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8)),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "channel_id", name="pk_channel_settings"),
    )
    op.execute(
        "INSERT INTO channel_settings (team_id, channel_id, language, updated_at) "
        "SELECT team_id, channel_id, language, updated_at FROM subscriptions WHERE language IS NOT NULL"
    )
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("language")


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("language", sa.String(8)))
    op.execute(
        "UPDATE subscriptions SET language = (SELECT c.language FROM channel_settings AS c "
        "WHERE c.team_id = subscriptions.team_id AND c.channel_id = subscriptions.channel_id)"
    )
    op.drop_table("channel_settings")
