"""Migrations and models agree, and `python app.py db upgrade` brings a database up to date."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

import app as erfaring
from storage.db import Database
from storage.migrate import alembic_config, current_revisions, head_revisions, include_object, upgrade
from storage.schema import Base


def test_models_match_the_migrated_schema(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_database_is_at_every_head(db: Database) -> None:
    assert current_revisions(db.engine) == head_revisions(db.engine)


def test_sqlite_runs_in_wal_mode_with_foreign_keys(db: Database) -> None:
    if db.is_postgresql:
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_db_upgrade_command_creates_and_migrates(tmp_path: Path, capsys: object) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert erfaring.main(["db", "upgrade"], env={"DATABASE_URL": url}) == 0
    database = Database(url)
    try:
        assert current_revisions(database.engine) == head_revisions(database.engine)
    finally:
        database.dispose()
    # Running it again is harmless.
    assert erfaring.main(["db", "upgrade"], env={"DATABASE_URL": url}) == 0


def test_read_sessions_do_not_wait_for_a_writer(db: Database) -> None:
    if db.is_postgresql:
        return
    from storage.core.models import Workspace

    with db.session() as writer:
        writer.add(Workspace(team_id="T1", created_at=datetime.now(UTC)))
        writer.flush()  # the writer now holds SQLite's write lock
        with db.read_session() as reader:
            assert reader.get(Workspace, "T1") is None  # reads the last committed state at once
    with db.read_session() as reader:
        assert reader.get(Workspace, "T1") is not None


def test_every_table_carries_the_workspace_team_id() -> None:
    missing = [table.name for table in Base.metadata.sorted_tables if "team_id" not in table.columns]
    assert missing == []


def test_postgresql_search_tags_index_comes_and_goes_with_its_migration(db: Database) -> None:
    """0018's function and index of the tags are there at the head, gone after a downgrade past it,
    and back after the upgrade."""
    if not db.is_postgresql:
        pytest.skip("the tags' index is PostgreSQL's")
    parts = {"lesson_search_tags"}
    indexes = {"ix_lessons_search_tags"}

    def present() -> tuple[set[str], set[str]]:
        with db.engine.connect() as conn:
            functions = conn.scalars(
                text("SELECT proname FROM pg_proc WHERE pronamespace = current_schema()::regnamespace")
            )
            found = conn.scalars(text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"))
            return set(functions) & parts, set(found) & indexes

    assert present() == (parts, indexes)
    try:
        command.downgrade(alembic_config(db.engine), "0017")
        assert present() == (set(), set())
    finally:
        upgrade(db.engine)
    assert present() == (parts, indexes)
