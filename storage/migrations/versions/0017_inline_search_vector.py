"""PostgreSQL keeps each lesson's search vector in its row, compressed with lz4 where the server has it.

A lesson's `search_vector` (every word, fold and stem with positions) is about 1.5 kB, and with the
lesson's text beside it most rows passed the 2 kB mark where PostgreSQL moves the widest value out
to the TOAST table. Every search match then cost a TOAST index lookup and chunk reads twice (the
recheck of the weighted query, then ts_rank): 6,008 buffers for the 1,112 matches of `deploy` in one
id window, 14 ms of a 28 ms statement. STORAGE MAIN keeps the vector in the row (the text columns
move out first), so the same statement reads 1,185 buffers in 19 ms (docs/benchmarks-search.md).
lz4 decompresses several times faster than the default pglz; a server built without it keeps pglz.

Existing vectors are written again (an UPDATE recomputes the generated column) so they move inline.
Nothing changes on SQLite.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _has_lz4() -> bool:
    found = op.get_bind().execute(
        sa.text(
            "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
        )
    )
    return found.first() is not None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE lessons ALTER COLUMN search_vector SET STORAGE MAIN")
    if _has_lz4():
        op.execute("ALTER TABLE lessons ALTER COLUMN search_vector SET COMPRESSION lz4")
    op.execute("UPDATE lessons SET search_tags = search_tags")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE lessons ALTER COLUMN search_vector SET STORAGE EXTENDED")
    op.execute("ALTER TABLE lessons ALTER COLUMN search_vector SET COMPRESSION default")
