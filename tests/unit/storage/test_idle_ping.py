"""storage.db on PostgreSQL: a pooled connection is pinged before use only after sitting idle, and one
the server dropped meanwhile is replaced instead of failing the request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from storage import db as db_module
from storage.db import Database
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL.startswith("postgresql"), reason="needs PostgreSQL")


@pytest.fixture
def database() -> Iterator[Database]:
    database = Database(PG_URL)
    yield database
    database.dispose()


def test_a_connection_in_steady_use_is_not_pinged(database: Database) -> None:
    pings: list[object] = []
    original = database.engine.dialect.do_ping
    database.engine.dialect.do_ping = lambda conn: pings.append(conn) or original(conn)  # type: ignore[method-assign]
    for _ in range(5):
        with database.session() as session:
            assert session.scalar(text("SELECT 1")) == 1
    assert pings == []


def test_a_dropped_idle_connection_is_replaced_before_use(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with database.session() as session:
        backend = session.scalar(text("SELECT pg_backend_pid()"))
    admin = Database(PG_URL)
    try:
        with admin.engine.begin() as conn:
            assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    finally:
        admin.dispose()
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", 0.0)  # it has been idle long enough
    with database.session() as session:
        assert session.scalar(text("SELECT 1")) == 1, "the request is served on a fresh connection"
        assert session.scalar(text("SELECT pg_backend_pid()")) != backend
