"""Lesson search: a team's lessons by id, newest first, without touching the table.

SQLite looks a full-text match's team up in this covering index instead of the wide lessons row;
PostgreSQL intersects it with the GIN index to visit only the team's matches in an id window.

Revision ID: 0007
Revises: 0001
"""

from alembic import op

revision = "0007"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_lessons_team_id", "lessons", ["team_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_lessons_team_id", table_name="lessons")
