"""Digest benchmark: building one channel's weekly digest with 100,000 lessons in the database.

    python -m bench.digest_bench [--lessons 100000] [--database-url URL] [--digests 100]

Without --database-url it fills a temporary SQLite file. A PostgreSQL URL gets a schema of its own,
`bench_digest` (dropped and recreated, migrated, dropped again at the end; connections reach it with
`options=-csearch_path=bench_digest`), so the `public` schema is never touched.

The data, from a fixed seed: two workspaces (85% / 15% of the lessons) over two years, the big one
with 12 channels of uneven size; about a third of the lessons have useful/applied votes, a sixth are
anonymous. Each measurement is `bot.rhythm.digest.build_digest` (all queries: the channel's week
ranked by votes, the top of other channels, applied marks, contributors and the 8-week trend) plus
rendering the Block Kit message, in a fresh session, for the busiest channel at a digest time drawn
from the last year. Target: p95 ≤ 100 ms. Results go to stdout as Markdown and to
bench/results/digest.json (one entry per backend).
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text

from bench.common import after_postgresql_load, bench_database, percentiles, server_version, write_result
from bot.core.i18n import translator
from bot.lessons.service import author_hash
from bot.rhythm.digest import build_digest
from bot.rhythm.digest_views import digest_message
from bot.rhythm.timing import Schedule, due_between
from storage.db import Database
from storage.lessons.models import Lesson, Vote

TARGET_P95_MS = 100.0
SCHEMA = "bench_digest"
RESULTS = Path(__file__).parent / "results" / "digest.json"
BATCH = 5000
SEED = 20260306
SECRET = b"bench-digest-secret-key"
ZONE = ZoneInfo("Europe/Oslo")
START = datetime(2024, 3, 4, 8, 0, tzinfo=UTC)
SPAN = timedelta(weeks=104)

TEAMS = {"TBENCHBIG": 0.85, "TBENCHSMALL": 0.15}
BIG = "TBENCHBIG"
# The big workspace's channels and their share of its lessons; the digest is built for the busiest.
CHANNELS = {f"CBENCH{i:03d}": weight for i, weight in enumerate((30, 14, 10, 8, 7, 6, 6, 5, 5, 4, 3, 2))}
DIGEST_CHANNEL = "CBENCH000"
PEOPLE = 600
VOCABULARY = (
    "deploy rollback review testing incident customer onboarding retro pairing database migration "
    "monitoring alerting checklist feedback planning estimate release hotfix latency cache queue "
    "kunde møte utrulling feil hendelse læring øvelse beredskap kvalitet samarbeid tilbakemelding"
)
WORDS = VOCABULARY.split()


def _rows(count: int, seed: int) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(lesson, its votes), oldest first, with explicit ids."""
    rng = random.Random(seed)
    teams, team_weights = list(TEAMS), list(TEAMS.values())
    channels, channel_weights = list(CHANNELS), list(CHANNELS.values())
    step = SPAN / count
    for lesson_id in range(1, count + 1):
        team_id = rng.choices(teams, weights=team_weights)[0]
        channel: str | None = (
            rng.choices(channels, weights=channel_weights)[0] if team_id == BIG else "CSMALL001"
        )
        if rng.random() < 0.05:
            channel = None  # saved privately, never posted
        user = f"U{rng.randint(1, PEOPLE):08d}"
        anonymous = rng.random() < 0.15
        created = START + step * lesson_id
        lesson = {
            "id": lesson_id,
            "team_id": team_id,
            "author_id": None if anonymous else user,
            "author_hash": author_hash(SECRET, team_id, user),
            "anonymous": anonymous,
            "text": " ".join(rng.choices(WORDS, k=rng.randint(8, 40))),
            "what_worked": None,
            "to_improve": None,
            "tags_text": "",
            "source_link": None,
            "channel_id": channel,
            "message_ts": f"{created.timestamp():.6f}" if channel else None,
            # As stored since issue 9: the channels are public; a lesson saved privately is its author's.
            "visibility": "workspace" if channel else "author",
            "prompt_post_id": None,
            "created_at": created,
        }
        votes: list[dict[str, Any]] = []
        if rng.random() < 0.35:
            for voter in rng.sample(range(1, PEOPLE), rng.randint(1, 8)):
                for kind in (
                    ("useful", "applied") if rng.random() < 0.2 else (rng.choice(("useful", "applied")),)
                ):
                    votes.append(
                        {
                            "team_id": team_id,
                            "lesson_id": lesson_id,
                            "user_id": f"U{voter:08d}",
                            "kind": kind,
                            "active": rng.random() < 0.92,
                            "changed_at": created + timedelta(hours=rng.randint(1, 24 * 21)),
                        }
                    )
        yield lesson, votes


def fill(database: Database, count: int, seed: int) -> int:
    """Bulk insert (executemany per batch, one transaction each); returns the number of votes."""
    rows = _rows(count, seed)
    total_votes = 0
    while batch := list(itertools.islice(rows, BATCH)):
        with database.engine.begin() as conn:
            conn.execute(insert(Lesson), [lesson for lesson, _ in batch])
            votes = [vote for _, lesson_votes in batch for vote in lesson_votes]
            if votes:
                conn.execute(insert(Vote), votes)
            total_votes += len(votes)
    if database.is_postgresql:
        after_postgresql_load(database, count)
    else:
        with database.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return total_votes


def digest_times(count: int, seed: int) -> list[datetime]:
    """Friday 14:00 (Oslo) digest times from the last year of data, in random order."""
    fridays = due_between(START + SPAN - timedelta(weeks=52), START + SPAN, Schedule(4, 14, 0), ZONE)
    rng = random.Random(seed)
    return [rng.choice(fridays).due_at for _ in range(count)]


def build_once(database: Database, end: datetime) -> tuple[int, int]:
    """One digest, as the runner builds it: its own session, every query, the Block Kit message."""
    with database.session() as session:
        data = build_digest(
            session,
            team_id=BIG,
            channel_id=DIGEST_CHANNEL,
            week="bench",
            end=end,
            tz=ZONE,
            secret_key=SECRET,
        )
    rendered = digest_message(translator("en"), data)
    return data.lesson_count, len(rendered.blocks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lessons", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--digests", type=int, default=100)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--keep", action="store_true", help="keep the filled database (file or schema)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    times = digest_times(args.digests, args.seed)
    with bench_database(
        args.database_url,
        args.keep,
        schema=SCHEMA,
        temp_prefix="erfaring-digest-bench-",
        sqlite_name="digest.db",
    ) as database:
        backend = "postgresql" if database.is_postgresql else "sqlite"
        print(f"Filling {args.lessons:,} lessons on {backend} …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        votes = fill(database, args.lessons, args.seed)
        fill_seconds = time.perf_counter() - started
        print(
            f"  filled in {fill_seconds:.1f} s; building {len(times)} digests …", file=sys.stderr, flush=True
        )
        for end in times[:10]:  # warm the caches, as a running server's would be
            build_once(database, end)
        samples: list[float] = []
        week_sizes: list[int] = []
        blocks: list[int] = []
        for end in times:
            began = time.perf_counter()
            size, block_count = build_once(database, end)
            samples.append((time.perf_counter() - began) * 1000)
            week_sizes.append(size)
            blocks.append(block_count)
        version = server_version(database)

    stats = percentiles(samples)
    met = stats["p95"] <= TARGET_P95_MS
    print(f"\n## Digest benchmark — {backend} ({version}), {args.lessons:,} lessons, {votes:,} votes\n")
    print(
        f"{len(samples)} digests of channel {DIGEST_CHANNEL} (workspace {BIG}); its week held "
        f"{min(week_sizes)}–{max(week_sizes)} lessons (median {statistics.median(week_sizes):g}); "
        f"messages had {min(blocks)}–{max(blocks)} blocks; fill took {fill_seconds:.1f} s.\n"
    )
    print("| step | p50 ms | p95 ms | p99 ms | mean ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    print(
        f"| build_digest + digest_message | {stats['p50']} | {stats['p95']} | {stats['p99']} "
        f"| {stats['mean']} | {stats['max']} |"
    )
    verdict = "met" if met else "MISSED"
    print(
        f"\nTarget: p95 ≤ {TARGET_P95_MS:g} ms at {args.lessons:,} lessons — {verdict} ({stats['p95']} ms)."
    )

    report = {
        "backend": backend,
        "server": version,
        "lessons": args.lessons,
        "votes": votes,
        "digests": len(samples),
        "channel_week_lessons": {
            "min": min(week_sizes),
            "median": statistics.median(week_sizes),
            "max": max(week_sizes),
        },
        "blocks": {"min": min(blocks), "max": max(blocks)},
        "seed": args.seed,
        "fill_seconds": round(fill_seconds, 2),
        "target_p95_ms": TARGET_P95_MS,
        "target_met": met,
        "latency_ms": stats,
        "python": platform.python_version(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    write_result(args.output, backend, report)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
