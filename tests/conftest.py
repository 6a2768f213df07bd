"""Shared fixtures: a fresh, migrated database per test on SQLite and, when TEST_DATABASE_URL
points at PostgreSQL (as in CI), on PostgreSQL too."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import Database
from storage.migrate import upgrade
from storage.schema import Base

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL.startswith("postgresql") else [])


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    database = Database(f"sqlite:///{path}")
    upgrade(database.engine)
    # Closing the last connection checkpoints the WAL into the main file, so one file is the template.
    database.dispose()
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[Database]:
    # A schema of this run's own, so parallel runs (CI, benchmarks, developers) never collide.
    schema = f"erfaring_test_{os.getpid()}"
    admin = Database(PG_URL)
    with admin.engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in PG_URL else "?"
    database = Database(f"{PG_URL}{separator}options=-csearch_path%3D{schema}")
    upgrade(database.engine)
    yield database
    database.dispose()
    with admin.engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


def _truncate_all(database: Database) -> None:
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with database.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    if request.param == "postgresql":
        database: Database = request.getfixturevalue("pg_database")
        _truncate_all(database)
        yield database
        return
    path = tmp_path / "erfaring.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()
