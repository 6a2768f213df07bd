"""Who may see a lesson follows where it was shared (storage.lessons.visibility).

0.1 showed every lesson of a workspace to anyone who searched. Existing lessons get a visibility:
- no channel recorded (never posted) → author: nobody knows where it was shared, so only its author;
- shared in a DM (an id starting with D) → author; an anonymous one also loses the DM id, which
  names its author;
- any other channel → pending: Erfaring asks Slack (conversations.info) whether it is public or
  private and settles it (bot.lessons.visibility.settle_pending); until then only its author sees it.
The id prefix is not trusted to tell public from private: new private channels have C… ids too.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lessons") as batch:
        batch.add_column(sa.Column("visibility", sa.String(16), nullable=False, server_default="pending"))
    op.execute("UPDATE lessons SET visibility = 'author' WHERE channel_id IS NULL OR channel_id LIKE 'D%'")
    op.execute("UPDATE lessons SET channel_id = NULL WHERE anonymous = true AND channel_id LIKE 'D%'")
    op.create_index("ix_lessons_team_visibility", "lessons", ["team_id", "visibility", "channel_id"])


def downgrade() -> None:
    op.drop_index("ix_lessons_team_visibility", table_name="lessons")
    with op.batch_alter_table("lessons") as batch:
        batch.drop_column("visibility")
