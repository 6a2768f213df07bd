"""Merge the five feature branches into one chain; every later migration follows this one.

Revision ID: 0008
Revises: 0003, 0004, 0005, 0006, 0007
"""

revision = "0008"
down_revision = ("0003", "0004", "0005", "0006", "0007")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # a merge point only: the schema is what the five heads made it


def downgrade() -> None:
    pass
