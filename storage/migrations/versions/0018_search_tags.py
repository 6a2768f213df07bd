"""PostgreSQL indexes each lesson's tags on their own, so a #tag search reads only tagged lessons.

`search_vector` holds a lesson's tags (weight A) among its words (B) and compound tails (C) under
one GIN index, and GIN does not know weights. So `#estimering` looked its lexemes up among every
word of every lesson (10,466 index entries over the workspaces) and fetched 3,821 of the searcher's
rows to find the 418 that held it as a tag: 15.9 ms of a 16 ms statement. An index of the tags alone
(the same `search_tags` text, so exactly the lexemes of weight A) finds those 418 among 1,141
entries, asked without weights, so GIN needs no recheck (docs/benchmarks-search.md).

Over an expression, not a stored column: the heap rows stay as narrow as they are and no write path
can forget it. The expression is a function of ours with a price (COST): priced as a plain
function, the planner may prefer computing it on every row of a window to reading the index (it
did, for `testing` with an index of the words: 139 ms). Not at its full cost either: a bitmap heap
scan prices the recheck of each row it fetches, needed or not, and priced high the planner ANDs in
a bitmap of the whole workspace (4 ms) to spare the recheck of a hundred rows. 300 measured best
of 100, 300, 1000 and 10000. Nothing changes on SQLite, where FTS5 has a column for the tags.

Revision ID: 0018
Revises: 0017
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# storage.lessons.search compares `lesson_search_tags(lessons.search_tags)`: the index's expression.
COST = 300  # in units of cpu_operator_cost: 0.75 of a page read a row (a plain function: 100)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION lesson_search_tags(tags text) RETURNS tsvector LANGUAGE plpgsql "
        f"IMMUTABLE PARALLEL SAFE COST {COST} AS $$ BEGIN RETURN to_tsvector('simple', tags); END $$"
    )
    op.execute("CREATE INDEX ix_lessons_search_tags ON lessons USING gin (lesson_search_tags(search_tags))")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_lessons_search_tags")
    op.execute("DROP FUNCTION IF EXISTS lesson_search_tags(text)")
