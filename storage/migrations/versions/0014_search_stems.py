"""Search finds the word forms people type: a stemmed, folded index in two columns both backends read.

`lessons.search_body`, `search_tags` and `search_tails` hold what a lesson is found by, written in
Python (storage.lessons.stemming): every word but stop words, its ASCII fold (møte → mote) and its
Norwegian and English Snowball stems; and the stems of the tails of long words (kundemøtet → møt).
Existing lessons are indexed here, in place. Then:
- SQLite: the FTS5 table indexes those columns instead of the raw text (same name, same triggers);
- PostgreSQL: `search_vector` is generated from them (tags weight A, body B, tails C), with its GIN
  index.
`ix_lessons_search_scope` lets SQLite check who may see each full-text match from a narrow index.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

from storage.lessons.search_index import reindex

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COLUMNS = ("search_body", "search_tags", "search_tails")
OLD_COLUMNS = ("text", "what_worked", "to_improve", "tags_text")
# Who may see a match, looked up by id without reading the wide row (storage.lessons.search).
SCOPE_COLUMNS = ["id", "team_id", "visibility", "channel_id", "author_hash", "created_at"]


def _sqlite_fts(columns: tuple[str, ...], prefix: str = "") -> None:
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    # remove_diacritics 0: å, æ, ø are letters of their own in Norwegian, not a with a mark.
    op.execute(
        f"CREATE VIRTUAL TABLE lessons_fts USING fts5({names}, content='lessons', "
        f"content_rowid='id', tokenize=\"unicode61 remove_diacritics 0\"{prefix})"
    )
    op.execute(
        "CREATE TRIGGER lessons_fts_insert AFTER INSERT ON lessons BEGIN "
        f"INSERT INTO lessons_fts(rowid, {names}) VALUES (new.id, {new}); END"
    )
    op.execute(
        "CREATE TRIGGER lessons_fts_delete AFTER DELETE ON lessons BEGIN "
        f"INSERT INTO lessons_fts(lessons_fts, rowid, {names}) VALUES ('delete', old.id, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER lessons_fts_update AFTER UPDATE OF {names} ON lessons BEGIN "
        f"INSERT INTO lessons_fts(lessons_fts, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO lessons_fts(rowid, {names}) VALUES (new.id, {new}); END"
    )
    op.execute("INSERT INTO lessons_fts(lessons_fts) VALUES ('rebuild')")


def _drop_sqlite_fts() -> None:
    for name in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS lessons_fts_{name}")
    op.execute("DROP TABLE IF EXISTS lessons_fts")


def _drop_postgresql_vector() -> None:
    op.execute("DROP INDEX IF EXISTS ix_lessons_search_vector")
    op.execute("ALTER TABLE lessons DROP COLUMN IF EXISTS search_vector")


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        _drop_postgresql_vector()
    else:
        _drop_sqlite_fts()
    for name in COLUMNS:
        op.add_column("lessons", sa.Column(name, sa.Text, nullable=False, server_default=""))
    reindex(op.get_bind())
    if postgresql:
        op.execute(
            "ALTER TABLE lessons ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('simple', search_tags), 'A') || "
            "setweight(to_tsvector('simple', search_body), 'B') || "
            "setweight(to_tsvector('simple', search_tails), 'C')) STORED"
        )
        op.execute("CREATE INDEX ix_lessons_search_vector ON lessons USING gin (search_vector)")
    else:
        # Prefix indexes for 3- to 6-letter prefixes: stems are that short ("test"*, "møt"*), and
        # without them FTS5 merges the doclist of every word the prefix begins (~4x slower for "test").
        _sqlite_fts(COLUMNS, prefix=", prefix='3 4 5 6'")
    op.create_index("ix_lessons_search_scope", "lessons", SCOPE_COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_lessons_search_scope", table_name="lessons")
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        _drop_postgresql_vector()
    else:
        _drop_sqlite_fts()
    with op.batch_alter_table("lessons") as batch:
        for name in COLUMNS:
            batch.drop_column(name)
    if postgresql:
        document = " || ' ' || ".join(f"coalesce({c}, '')" for c in OLD_COLUMNS[:3])
        op.execute(
            "ALTER TABLE lessons ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            f"setweight(to_tsvector('simple', {document}), 'B') || "
            "setweight(to_tsvector('simple', coalesce(tags_text, '')), 'A')) STORED"
        )
        op.execute("CREATE INDEX ix_lessons_search_vector ON lessons USING gin (search_vector)")
    else:
        _sqlite_fts(OLD_COLUMNS)
