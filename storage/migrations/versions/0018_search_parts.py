"""PostgreSQL indexes the parts of each lesson's search vector apart: words, compound tails, tags.

`search_vector` holds a lesson's tags (weight A), body (B) and compound tails (C) under one GIN
index, and GIN does not know weights. So a prefix was looked up among every tail too ('år':* among
the tails of "kvartår", "skoleår", …: 19,291 entries for 1,149 matches) and every row it gave was
fetched to find which part the lexeme was in (899 of 2,333 rows thrown away for `år`; for
`#estimering`, a tag looked up among all words, 3,403 of 3,821). One GIN index per part lets a
search ask each part for what it may hold, without weights, so GIN needs no recheck either
(docs/benchmarks-search.md: `år` 19.6 → 9.9 ms, `#estimering` 24.6 → 7.7).

The indexes are over expressions, not stored columns: the heap rows stay as narrow as they are and
no write path can forget them. Each expression is a function of ours with a price (COST): computing
one is a tsvector of a lesson's text, ~45 µs, and priced as a plain function the planner sometimes
preferred computing it on every row of a window to reading the index (139 ms for `testing`). Not
at its full cost either: a bitmap heap scan prices the recheck of each row it fetches, needed or
not (these indexes need none), and at 10000 the planner ANDed a bitmap of the workspace's 43,684
lessons into a rare word's search to spare the recheck of 100 rows (`fåteta` 0.4 → 3.2 ms). 300
measured best of 100, 300, 1000 and 10000 (docs/benchmarks-search.md). `search_vector` and its index
stay: ts_rank scores it, a search relaxed to some of its words matches it, and a search for a word
most lessons hold reads the window's rows with it instead. Nothing changes on SQLite, where FTS5 has
a column per part.

Revision ID: 0018
Revises: 0017
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# name: (arguments, the tsvector, the index, its columns). storage.lessons.search calls each function
# with these columns, or the planner cannot use the index.
PARTS = {
    "lesson_search_words": (
        "body text, tags text",
        "to_tsvector('simple', body || ' ' || tags)",
        "ix_lessons_search_words",
        "search_body, search_tags",
    ),
    "lesson_search_tails": (
        "tails text",
        "to_tsvector('simple', tails)",
        "ix_lessons_search_tails",
        "search_tails",
    ),
    "lesson_search_tags": (
        "tags text",
        "to_tsvector('simple', tags)",
        "ix_lessons_search_tags",
        "search_tags",
    ),
}
# In units of cpu_operator_cost: 0.75 of a page read a row (a plain function is priced at 100).
COST = 300


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for function, (arguments, vector, index, columns) in PARTS.items():
        op.execute(
            f"CREATE FUNCTION {function}({arguments}) RETURNS tsvector LANGUAGE plpgsql "
            f"IMMUTABLE PARALLEL SAFE COST {COST} AS $$ BEGIN RETURN {vector}; END $$"
        )
        op.execute(f"CREATE INDEX {index} ON lessons USING gin ({function}({columns}))")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for function, (arguments, _, index, _) in PARTS.items():
        op.execute(f"DROP INDEX IF EXISTS {index}")
        op.execute(f"DROP FUNCTION IF EXISTS {function}({arguments})")
