"""Engine and session factory: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL via psycopg 3."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 5000
PING_AFTER_IDLE_SECONDS = 5.0  # a PostgreSQL connection idle this long is checked before use

log = logging.getLogger(__name__)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # Let SQLAlchemy, not the driver, decide when transactions begin (needed for SAVEPOINT).
    dbapi_connection.isolation_level = None


READ_ONLY = "erfaring_read_only"


def rowcount(result: Any) -> int:
    """How many rows an UPDATE or DELETE changed (0 where the driver does not say)."""
    return int(getattr(result, "rowcount", 0) or 0)


class WriteGate:
    """One writer at a time per SQLite file in this process, queued on a lock.

    SQLite lets one writer in and makes the others poll: a writer that finds the database locked
    sleeps in its busy handler (1, 2, 5, … up to 100 ms a try) and is not woken when the lock
    frees, so under concurrency most of a request's time went to those sleeps. Writers of this
    process wait here instead and go in the moment the previous one has committed. Other processes
    on the same file (a second replica, the CLI) still meet SQLite's own lock and busy timeout. A
    writer that waits longer than the busy timeout goes on to SQLite's lock anyway, as it would
    without the gate (a thread that opened a second write session inside its first would otherwise
    wait for itself).
    """

    _gates: ClassVar[dict[str, WriteGate]] = {}
    _gates_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self) -> None:
        self._lock = threading.Lock()

    @classmethod
    def for_file(cls, path: str) -> WriteGate:
        key = path if path in ("", ":memory:") else os.path.abspath(path)
        with cls._gates_lock:
            return cls._gates.setdefault(key, cls())

    def enter(self) -> bool:
        started = time.monotonic()
        if self._lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            return True
        waited = time.monotonic() - started
        log.warning("sqlite write gate: waited %.1f s for another writer; going on to the lock", waited)
        return False

    def leave(self) -> None:
        self._lock.release()


class GatedConnection(sqlite3.Connection):
    """A sqlite3 connection that holds its file's WriteGate from BEGIN IMMEDIATE until the COMMIT or
    ROLLBACK has finished (also when the pool rolls it back, or it is closed mid-transaction)."""

    gate: WriteGate | None = None
    holding = False

    def begin_write(self) -> None:
        self.holding = self.gate is not None and self.gate.enter()
        try:
            self.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._release()
            raise

    def _release(self) -> None:
        if self.holding and self.gate is not None:
            self.holding = False
            self.gate.leave()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()


def _sqlite_begin(conn: Any) -> None:
    # Writers take the write lock up front (IMMEDIATE), so concurrent writers wait instead of
    # failing on a read-to-write upgrade; readers must not queue behind them (WAL).
    if conn.get_execution_options().get(READ_ONLY):
        conn.exec_driver_sql("BEGIN DEFERRED")
        return
    dbapi = conn.connection.dbapi_connection
    if isinstance(dbapi, GatedConnection):
        dbapi.begin_write()
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        connect_args = {"check_same_thread": False, "timeout": 5, "factory": GatedConnection}
        # Kept open: a connection opened per session (past QueuePool's default 5) costs a connect and
        # its PRAGMAs each time, and the server's HTTP, listener and outbox threads use dozens.
        pooling = (
            {} if make_url(url).database in (None, "", ":memory:") else {"pool_size": 16, "max_overflow": 32}
        )
        engine = create_engine(url, connect_args=connect_args, **pooling)
        gate = WriteGate.for_file(str(engine.url.database or ""))

        def on_connect(dbapi_connection: Any, record: Any) -> None:
            _sqlite_pragmas(dbapi_connection, record)
            if isinstance(dbapi_connection, GatedConnection):
                dbapi_connection.gate = gate

        event.listen(engine, "connect", on_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    engine = create_engine(url, pool_size=10, max_overflow=10)
    _ping_after_idle(engine)
    return engine


def _ping_after_idle(engine: Engine) -> None:
    """Check a pooled connection before use when it has been idle a while (a database restart or a
    firewall drops idle connections): SQLAlchemy's pool_pre_ping pings on every checkout, a round
    trip for each of the several sessions a request opens (12% of the server's CPU under load).
    A connection that fails the ping is replaced (DisconnectionError: the pool opens another)."""

    def checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError(f"a pooled connection failed its ping: {type(exc).__name__}") from exc
        if not alive:
            raise DisconnectionError("a pooled connection failed its ping")

    event.listen(engine, "checkin", checkin)
    event.listen(engine, "checkout", checkout)


class Database:
    """Owns the engine and hands out sessions that commit on success and roll back on error."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session for reading only: on SQLite it does not take the write lock."""
        session = self._read_sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    def dispose(self) -> None:
        self.engine.dispose()
