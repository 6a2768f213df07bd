"""What the database benchmarks share: a throwaway database, bulk-load clean-up, percentiles, results."""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import make_url, text
from sqlalchemy.exc import DBAPIError

from storage.db import Database
from storage.migrate import upgrade


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return {
        "p50": round(cuts[49], 3),
        "p95": round(cuts[94], 3),
        "p99": round(cuts[98], 3),
        "mean": round(statistics.fmean(samples_ms), 3),
        "max": round(max(samples_ms), 3),
    }


@contextmanager
def bench_database(
    url: str | None, keep: bool, *, schema: str, temp_prefix: str, sqlite_name: str, say_kept: bool = False
) -> Iterator[Database]:
    """A migrated database: a temporary SQLite file without `url`, else PostgreSQL in `schema` of its
    own (dropped and recreated, dropped again at the end unless `keep`), so `public` is never touched."""
    if not url or url.startswith("sqlite"):
        directory = None
        if not url:
            directory = tempfile.mkdtemp(prefix=temp_prefix)
            url = f"sqlite:///{directory}/{sqlite_name}"
        database = Database(url)
        upgrade(database.engine)
        try:
            yield database
        finally:
            database.dispose()
            if directory and keep:
                if say_kept:
                    print(f"Kept {url}", file=sys.stderr)
            elif directory:
                shutil.rmtree(directory, ignore_errors=True)
        return
    # Our own schema: create it from the caller's connection, then connect with it first on search_path.
    admin = Database(url)
    with admin.engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    database = Database(
        make_url(url)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )
    try:
        upgrade(database.engine)
        yield database
    finally:
        database.dispose()
        if not keep:
            with admin.engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def after_postgresql_load(database: Database, lesson_count: int) -> None:
    """After a bulk load with explicit ids on PostgreSQL: the lessons sequence moved past them, what
    autovacuum would do after a load this size (statistics, the GIN pending list merged), and the
    checkpoint the load's WAL calls for, so that it writes its dirty pages now rather than during the
    measurement (a 100,000-lesson fill is most of max_wal_size's default 1 GB)."""
    with database.engine.begin() as conn:  # explicit ids leave the sequence behind
        conn.execute(text("SELECT setval(pg_get_serial_sequence('lessons', 'id'), :n)"), {"n": lesson_count})
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE lessons"))
        conn.execute(text("VACUUM ANALYZE votes"))
        try:
            conn.execute(text("CHECKPOINT"))
        except DBAPIError as exc:  # needs superuser or pg_checkpoint: then it happens when it happens
            print(f"  no CHECKPOINT after the load ({type(exc.orig).__name__})", file=sys.stderr)


def server_version(database: Database) -> str:
    with database.engine.connect() as conn:
        if database.is_postgresql:
            return str(conn.execute(text("SHOW server_version")).scalar_one())
        return "SQLite " + str(conn.execute(text("SELECT sqlite_version()")).scalar_one())


def write_result(output: Path, key: str, report: dict[str, Any]) -> None:
    """Store `report` under `key` in the results file, keeping the other entries (one per backend)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    existing: dict[str, Any] = {}
    if output.exists():
        try:
            existing = json.loads(output.read_text(encoding="utf-8"))
        except ValueError:
            existing = {}
    existing[key] = report
    temporary = output.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(existing, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    temporary.replace(output)
    print(f"Wrote {output}", file=sys.stderr)
