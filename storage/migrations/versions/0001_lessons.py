"""Workspaces, lessons, tags, votes, processed events and full-text search.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from storage.base import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The columns searched, in FTS5 column order; bm25 weights in storage/search.py follow it.
SEARCH_COLUMNS = ("text", "what_worked", "to_improve", "tags_text")


def upgrade() -> None:
    op.create_table(
        "workspaces",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("language", sa.String(8)),
        sa.Column("timezone", sa.String(64)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "lessons",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("author_id", sa.String(32)),
        sa.Column("author_hash", sa.String(64), nullable=False),
        sa.Column("anonymous", sa.Boolean, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("what_worked", sa.Text),
        sa.Column("to_improve", sa.Text),
        sa.Column("tags_text", sa.Text, nullable=False),
        sa.Column("source_link", sa.Text),
        sa.Column("channel_id", sa.String(32)),
        sa.Column("message_ts", sa.String(32)),
        sa.Column("prompt_post_id", sa.Integer),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_lessons_team_created", "lessons", ["team_id", "created_at"])
    op.create_index("ix_lessons_team_author", "lessons", ["team_id", "author_hash"])
    op.create_index("ix_lessons_message", "lessons", ["team_id", "channel_id", "message_ts"])
    op.create_table(
        "lesson_tags",
        sa.Column("lesson_id", sa.Integer, sa.ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tag", sa.String(80), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
    )
    op.create_index("ix_lesson_tags_team_tag", "lesson_tags", ["team_id", "tag"])
    op.create_table(
        "votes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("lesson_id", sa.Integer, sa.ForeignKey("lessons.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("lesson_id", "user_id", "kind", name="uq_votes_lesson_user_kind"),
    )
    op.create_index("ix_votes_team_changed", "votes", ["team_id", "changed_at"])
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_processed_events_received_at", "processed_events", ["received_at"])

    if op.get_bind().dialect.name == "postgresql":
        # 'simple' keeps words as written (no stemming), so Norwegian and English behave alike.
        document = " || ' ' || ".join(f"coalesce({c}, '')" for c in SEARCH_COLUMNS[:3])
        op.execute(
            "ALTER TABLE lessons ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            f"setweight(to_tsvector('simple', {document}), 'B') || "
            "setweight(to_tsvector('simple', coalesce(tags_text, '')), 'A')) STORED"
        )
        op.execute("CREATE INDEX ix_lessons_search_vector ON lessons USING gin (search_vector)")
    else:
        columns = ", ".join(SEARCH_COLUMNS)
        new = ", ".join(f"new.{c}" for c in SEARCH_COLUMNS)
        old = ", ".join(f"old.{c}" for c in SEARCH_COLUMNS)
        # remove_diacritics 0: å, æ, ø are letters of their own in Norwegian, not a with a mark.
        op.execute(
            f"CREATE VIRTUAL TABLE lessons_fts USING fts5({columns}, content='lessons', "
            "content_rowid='id', tokenize=\"unicode61 remove_diacritics 0\")"
        )
        op.execute(
            "CREATE TRIGGER lessons_fts_insert AFTER INSERT ON lessons BEGIN "
            f"INSERT INTO lessons_fts(rowid, {columns}) VALUES (new.id, {new}); END"
        )
        op.execute(
            "CREATE TRIGGER lessons_fts_delete AFTER DELETE ON lessons BEGIN "
            f"INSERT INTO lessons_fts(lessons_fts, rowid, {columns}) VALUES ('delete', old.id, {old}); END"
        )
        op.execute(
            f"CREATE TRIGGER lessons_fts_update AFTER UPDATE OF {columns} ON lessons BEGIN "
            f"INSERT INTO lessons_fts(lessons_fts, rowid, {columns}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO lessons_fts(rowid, {columns}) VALUES (new.id, {new}); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS lessons_fts_{name}")
        op.execute("DROP TABLE IF EXISTS lessons_fts")
    for table in ("processed_events", "votes", "lesson_tags", "lessons", "workspaces"):
        op.drop_table(table)
