"""The SQLite write gate: writers of one process queue on a lock instead of SQLite's sleeping busy
handler, the gate is always given back, and a writer that waits too long still gets through."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

import storage.db as db_module
from storage.core.models import Workspace
from storage.db import Database, GatedConnection, WriteGate
from storage.migrate import upgrade


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'gate.db'}")
    upgrade(database.engine)
    return database


def _gate(database: Database) -> WriteGate:
    return WriteGate.for_file(str(database.engine.url.database))


def _free(gate: WriteGate) -> bool:
    if gate._lock.acquire(blocking=False):
        gate._lock.release()
        return True
    return False


def test_connections_are_gated_per_file(sqlite_db: Database, tmp_path: Path) -> None:
    with sqlite_db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert isinstance(raw, GatedConnection)
        assert raw.gate is _gate(sqlite_db)
    other = Database(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        assert _gate(other) is not _gate(sqlite_db)
    finally:
        other.dispose()


def test_the_gate_is_held_for_a_write_and_given_back_on_commit_and_rollback(
    sqlite_db: Database,
) -> None:
    gate = _gate(sqlite_db)
    with sqlite_db.session() as session:
        session.add(Workspace(team_id="T1", created_at=datetime.now(UTC)))
        session.flush()
        assert not _free(gate)
    assert _free(gate)

    with pytest.raises(RuntimeError), sqlite_db.session() as session:
        session.add(Workspace(team_id="T2", created_at=datetime.now(UTC)))
        session.flush()
        assert not _free(gate)
        raise RuntimeError("roll back")
    assert _free(gate)
    with sqlite_db.read_session() as reader:
        assert reader.get(Workspace, "T1") is not None
        assert reader.get(Workspace, "T2") is None


def test_reads_never_take_the_gate(sqlite_db: Database) -> None:
    gate = _gate(sqlite_db)
    with sqlite_db.session() as writer:
        writer.add(Workspace(team_id="T1", created_at=datetime.now(UTC)))
        writer.flush()
        with sqlite_db.read_session() as reader:
            assert reader.execute(text("SELECT count(*) FROM workspaces")).scalar_one() == 0
    assert _free(gate)


def test_a_second_writer_starts_only_after_the_first_has_committed(sqlite_db: Database) -> None:
    order: list[str] = []
    first_in = threading.Event()

    def first() -> None:
        with sqlite_db.session() as session:
            session.add(Workspace(team_id="T1", created_at=datetime.now(UTC)))
            session.flush()
            first_in.set()
            time.sleep(0.2)
            order.append("first commits")

    def second() -> None:
        first_in.wait(5)
        with sqlite_db.session() as session:
            session.execute(text("SELECT 1"))
            order.append("second begins")
            assert session.get(Workspace, "T1") is not None  # sees the first one's commit

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert order == ["first commits", "second begins"]


def test_a_failed_begin_gives_the_gate_back(sqlite_db: Database) -> None:
    gate = _gate(sqlite_db)
    with sqlite_db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert isinstance(raw, GatedConnection)
        raw.execute("BEGIN")  # a transaction is already open, so BEGIN IMMEDIATE fails
        with pytest.raises(Exception, match="transaction"):
            raw.begin_write()
        assert _free(gate)
        raw.rollback()
    assert _free(gate)


def test_a_writer_that_waits_too_long_goes_on_to_sqlite_lock(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(db_module, "SQLITE_BUSY_TIMEOUT_MS", 50)
    gate = _gate(sqlite_db)
    assert gate.enter()  # someone holds the gate but not SQLite's lock
    try:
        started = time.monotonic()
        with sqlite_db.session() as session:
            session.add(Workspace(team_id="T9", created_at=datetime.now(UTC)))
        assert time.monotonic() - started < 2
    finally:
        gate.leave()
    assert "write gate" in caplog.text
    assert _free(gate)
    with sqlite_db.read_session() as reader:
        assert reader.get(Workspace, "T9") is not None
