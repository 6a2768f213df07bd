"""Insights benchmark: one workspace's figures for 12 weeks at 100,000 lessons and 500 channels, against a
naive per-week query loop in the same run; and the report chart's render time and install weight.

    python -m bench.insights_bench [--lessons 100000] [--channels 500] [--database-url URL] [--builds 100]

Without --database-url it fills a temporary SQLite file. A PostgreSQL URL gets a schema of its own,
`bench_insights` (dropped and recreated, migrated, dropped again at the end), so `public` is never touched.

The data, from a fixed seed: the measured workspace has `--lessons` lessons over the 52 weeks before
NOW in `--channels` channels of Zipf-like sizes (a tenth of them private), 2,000 people, a sixth of the
lessons anonymous, some "only me"; about a third have useful/applied marks; 40 channels get the
weekly question and some lessons answer it; 300 mentors, 3,000 requests with their offers and
mentorships. Another workspace holds a tenth as many lessons, interleaved, so every query must filter
by workspace.

Each measurement is `bot.insights.figures.build_weeks` for the workspace (every query: lessons and
contributors per week, marks, questions and answers, mentoring, tags, the window's contributors) in
a fresh session, at a `now` drawn from the last 8 weeks; the baseline computes the same figures with
one query per week and figure, counting rows in Python. Both must agree. Target: p95 ≤ 200 ms.
Results go to stdout as Markdown and to bench/results/insights.json (one entry per backend).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import itertools
import os
import platform
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, insert, select, text

from bench.common import bench_database, percentiles, server_version, write_result
from bot.core.i18n import translator
from bot.insights import figures, periods, report
from bot.insights.chart import render_chart
from bot.insights.data import Figures, median
from bot.lessons.service import author_hash
from storage.db import Database
from storage.lessons.models import Lesson, LessonTag, Vote
from storage.lessons.visibility import AUTHOR, CHANNEL, PENDING, WORKSPACE, Audience, visible
from storage.mentoring.models import MentorOffer, MentorProfile, MentorRequest, Mentorship, MentorTopic
from storage.mentoring.states import EndReason
from storage.rhythm.models import ScheduledPost, Subscription

TARGET_P95_MS = 200.0
SCHEMA = "bench_insights"
RESULTS = Path(__file__).parent / "results" / "insights.json"
BATCH = 5000
SEED = 20261202
SECRET = b"bench-insights-secret-key"
ZONE = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # a Wednesday morning
SPAN = timedelta(weeks=52)
TEAM, OTHER = "TBENCHINS", "TBENCHOTHER"
PEOPLE = 2000
MEMBERS = 2400
SUBSCRIBED = 40
MENTORS, REQUESTS = 300, 3000
UNITS = [f"Unit {n}" for n in range(20)]
TAGS = [f"tag{n:02d}" for n in range(80)]
# What matplotlib brings with it (packaging and python-dateutil were installed already).
CHART_PACKAGES = (
    "matplotlib",
    "numpy",
    "pillow",
    "fonttools",
    "kiwisolver",
    "contourpy",
    "cycler",
    "pyparsing",
)


def channel_ids(count: int) -> list[str]:
    """A tenth private (G…), the rest public (C…); the first ones the busiest."""
    return [f"G{n:07d}" if n % 10 == 9 else f"C{n:07d}" for n in range(count)]


def _when(rng: random.Random) -> datetime:
    return NOW - SPAN + timedelta(seconds=rng.random() * SPAN.total_seconds())


def _prompt_of(channel_index: int, instant: datetime) -> int:
    """The id of the question posted in that subscribed channel the week `instant` falls in (Monday 09:00)."""
    week = int((instant - (NOW - SPAN)).total_seconds() // timedelta(weeks=1).total_seconds())
    return 1 + channel_index * 60 + max(0, min(59, week))


def fill(database: Database, lessons: int, channels: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    rooms = channel_ids(channels)
    weights = [1 / (n + 1) ** 0.8 for n in range(channels)]
    subscribed = rooms[:SUBSCRIBED]
    counts: Counter[str] = Counter()
    with database.engine.begin() as conn:
        posts = []
        subs = []
        for index, room in enumerate(subscribed):
            subs.append(
                {
                    "team_id": TEAM,
                    "channel_id": room,
                    "active": True,
                    "prompt_weekday": 0,
                    "prompt_time": "09:00",
                    "digest_weekday": 4,
                    "digest_time": "14:00",
                    "holiday_country": "NO",
                    "created_by": "U0ADMIN",
                    "created_at": NOW - SPAN,
                    "updated_at": NOW - SPAN,
                }
            )
            monday = periods.week_bounds(NOW - SPAN + timedelta(days=7), ZONE, 1)[0]
            for week in range(60):
                posted = monday + timedelta(weeks=week, hours=9)
                if posted > NOW:
                    break
                posts.append(
                    {
                        "id": 1 + index * 60 + week,
                        "team_id": TEAM,
                        "channel_id": room,
                        "kind": "prompt",
                        "week": f"w{week}",
                        "status": "posted",
                        "due_at": posted,
                        "claimed_by": "bench",
                        "claimed_at": posted,
                        "attempts": 1,
                        "posted_at": posted,
                        "message_ts": f"{posted.timestamp():.6f}",
                    }
                )
        conn.execute(insert(Subscription), subs)
        conn.execute(insert(ScheduledPost), posts)
        counts["prompts"] = len(posts)

    def rows() -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]]:
        total = lessons + lessons // 10
        for lesson_id in range(1, total + 1):
            team = TEAM if lesson_id % 11 else OTHER
            created = _when(rng)
            if team == OTHER:
                room: str | None = f"CO{rng.randint(0, 19):06d}"
                visibility = WORKSPACE
            elif rng.random() < 0.03:
                room, visibility = None, AUTHOR
            else:
                index = rng.choices(range(channels), weights=weights)[0]
                room = rooms[index]
                visibility = CHANNEL if room.startswith("G") else WORKSPACE
                draw = rng.random()
                if draw < 0.04:
                    visibility = AUTHOR
                elif draw < 0.045:
                    visibility = PENDING
            user = f"U{rng.randint(1, PEOPLE):08d}"
            anonymous = rng.random() < 0.15
            tags = rng.sample(TAGS, rng.choice((0, 1, 1, 2, 3)))
            prompt = None
            if (
                team == TEAM
                and room in subscribed
                and rng.random() < 0.12
                and created > NOW - SPAN + timedelta(days=7)
            ):
                prompt = _prompt_of(subscribed.index(room), created - timedelta(hours=9))
            lesson = {
                "id": lesson_id,
                "team_id": team,
                "author_id": None if anonymous else user,
                "author_hash": author_hash(SECRET, team, user),
                "anonymous": anonymous,
                "text": "A lesson learned the hard way " + " ".join(f"#{t}" for t in tags),
                "tags_text": " ".join(tags),
                "channel_id": room,
                "message_ts": f"{created.timestamp():.6f}" if room else None,
                "visibility": visibility,
                "prompt_post_id": prompt,
                "created_at": created,
            }
            tag_rows = [{"lesson_id": lesson_id, "tag": t, "team_id": team} for t in tags]
            votes: list[dict[str, Any]] = []
            if rng.random() < 0.35:
                for voter in rng.sample(range(1, PEOPLE), rng.randint(1, 8)):
                    kinds = (
                        ("useful", "applied") if rng.random() < 0.2 else (rng.choice(("useful", "applied")),)
                    )
                    for kind in kinds:
                        changed = min(NOW, created + timedelta(hours=rng.randint(1, 24 * 21)))
                        votes.append(
                            {
                                "team_id": team,
                                "lesson_id": lesson_id,
                                "user_id": f"U{voter:08d}",
                                "kind": kind,
                                "active": rng.random() < 0.92,
                                "changed_at": changed,
                            }
                        )
            yield lesson, tag_rows, votes

    generated = rows()
    while batch := list(itertools.islice(generated, BATCH)):
        with database.engine.begin() as conn:
            conn.execute(insert(Lesson), [lesson for lesson, _, _ in batch])
            tag_rows = [row for _, tags, _ in batch for row in tags]
            vote_rows = [row for _, _, votes in batch for row in votes]
            if tag_rows:
                conn.execute(insert(LessonTag), tag_rows)
            if vote_rows:
                conn.execute(insert(Vote), vote_rows)
        counts["lessons"] += len(batch)
        counts["votes"] += len(vote_rows)
        counts["tags"] += len(tag_rows)
    counts.update(_mentoring(database, rng))
    _analyze(database, counts["lessons"])
    return dict(counts)


def _mentoring(database: Database, rng: random.Random) -> Counter[str]:
    counts: Counter[str] = Counter()
    profiles, topics = [], []
    for n in range(1, MENTORS + 1):
        profiles.append(
            {
                "id": n,
                "team_id": TEAM,
                "user_id": f"UM{n:07d}",
                "team_or_department": None if rng.random() < 0.1 else rng.choice(UNITS),
                "capacity": 2,
                "status": "active" if rng.random() < 0.9 else "paused",
                "created_at": NOW - SPAN,
                "updated_at": NOW - SPAN,
            }
        )
        topics += [
            {"profile_id": n, "topic": t, "team_id": TEAM} for t in rng.sample(TAGS[:60], rng.randint(1, 3))
        ]
    requests, offers, ships = [], [], []
    for n in range(1, REQUESTS + 1):
        created = _when(rng)
        topic = rng.choice(TAGS)
        draw = rng.random()
        status = "matched" if draw < 0.7 else "cancelled" if draw < 0.8 else "waiting"
        requests.append(
            {
                "id": n,
                "team_id": TEAM,
                "requester_id": f"U{rng.randint(1, PEOPLE):08d}",
                "requester_unit": None if rng.random() < 0.15 else rng.choice(UNITS),
                "topic": topic,
                "status": status,
                "open_key": f"{TEAM}:{n}" if status == "waiting" else None,
                "created_at": created,
                "updated_at": created,
            }
        )
        offered = created
        asked = rng.randint(1, 3) if status == "matched" else rng.randint(0, 1)
        for mentor in rng.sample(range(1, MENTORS + 1), asked):
            offered += timedelta(hours=rng.randint(1, 48))
            offers.append(
                {
                    "team_id": TEAM,
                    "request_id": n,
                    "mentor_id": f"UM{mentor:07d}",
                    "status": "declined",
                    "offered_at": min(offered, NOW),
                    "expires_at": min(offered, NOW) + timedelta(days=2),
                }
            )
        if status == "matched":
            started = min(NOW, offered + timedelta(hours=rng.randint(1, 24)))
            ended = started + timedelta(days=rng.randint(14, 90)) if rng.random() < 0.5 else None
            done = ended is not None and ended < NOW
            ships.append(
                {
                    "team_id": TEAM,
                    "request_id": n,
                    "mentor_id": f"UM{rng.randint(1, MENTORS):07d}",
                    "mentee_id": f"U{rng.randint(1, PEOPLE):08d}",
                    "topic": topic,
                    "status": "ended" if done else "active",
                    "ended_reason": EndReason.DONE if done else None,
                    "started_at": started,
                    "ended_at": ended if done else None,
                    "followup_round": 0,
                    "unanswered": 0,
                }
            )
    with database.engine.begin() as conn:
        conn.execute(insert(MentorProfile), profiles)
        conn.execute(insert(MentorTopic), topics)
        conn.execute(insert(MentorRequest), requests)
        conn.execute(insert(MentorOffer), [dict(o, id=i) for i, o in enumerate(offers, 1)])
        conn.execute(insert(Mentorship), [dict(m, id=i) for i, m in enumerate(ships, 1)])
    counts.update(requests=len(requests), offers=len(offers), mentorships=len(ships))
    return counts


def _analyze(database: Database, lessons: int) -> None:
    if database.is_postgresql:
        with database.engine.begin() as conn:
            conn.execute(text("SELECT setval(pg_get_serial_sequence('lessons', 'id'), :n)"), {"n": lessons})
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in (
                "lessons",
                "lesson_tags",
                "votes",
                "scheduled_posts",
                "mentor_requests",
                "mentor_offers",
                "mentorships",
                "mentor_profiles",
                "mentor_topics",
            ):
                conn.execute(text(f"VACUUM ANALYZE {table}"))
    else:
        with database.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def public_subscribed(channels: int) -> list[str]:
    return [c for c in channel_ids(channels)[:SUBSCRIBED] if c.startswith("C")]


# --- what is measured -------------------------------------------------------------------------------------


def build_once(database: Database, now: datetime, channels: int, channel: str | None = None) -> Figures:
    with database.read_session() as session:
        return figures.build_weeks(
            session,
            team_id=TEAM,
            channel_id=channel,
            end=periods.end_of_this_week(now, ZONE),
            tz=ZONE,
            weeks=12,
            members=MEMBERS,
            prompt_channels=[channel] if channel else public_subscribed(channels),
        )


def naive_once(database: Database, now: datetime, channels: int) -> Figures:
    """The same figures the way a first version would get them: for each week, one query per figure,
    rows fetched and counted in Python."""
    end = periods.end_of_this_week(now, ZONE)
    bounds = periods.week_bounds(end, ZONE, 12)
    seen = visible(Audience.workspace(TEAM))
    prompt_rooms = public_subscribed(channels)
    lessons, contributors, useful, applied, prompts, answers = [], [], [], [], [], []
    requests, offers, matches, completed, hours, cross, known = [], [], [], [], [], [], []
    every_author: set[str] = set()
    all_hours: list[float] = []
    tag_counts: Counter[str] = Counter()
    with database.read_session() as session:
        for start, stop in itertools.pairwise(bounds):
            authors = session.scalars(
                select(Lesson.author_hash).where(
                    Lesson.team_id == TEAM, Lesson.created_at >= start, Lesson.created_at < stop, seen
                )
            ).all()
            lessons.append(len(authors))
            contributors.append(len(set(authors)))
            every_author.update(authors)
            kinds = session.scalars(
                select(Vote.kind)
                .join(Lesson, Lesson.id == Vote.lesson_id)
                .where(
                    Vote.team_id == TEAM,
                    Vote.active.is_(True),
                    Vote.changed_at >= start,
                    Vote.changed_at < stop,
                    seen,
                )
            ).all()
            useful.append(kinds.count("useful"))
            applied.append(kinds.count("applied"))
            posted = session.scalars(
                select(ScheduledPost.id).where(
                    ScheduledPost.team_id == TEAM,
                    ScheduledPost.kind == "prompt",
                    ScheduledPost.status == "posted",
                    ScheduledPost.channel_id.in_(prompt_rooms),
                    ScheduledPost.posted_at >= start,
                    ScheduledPost.posted_at < stop,
                )
            ).all()
            prompts.append(len(posted))
            answered = session.scalars(
                select(Lesson.id)
                .join(ScheduledPost, ScheduledPost.id == Lesson.prompt_post_id)
                .where(
                    Lesson.team_id == TEAM,
                    Lesson.created_at >= bounds[0],
                    ScheduledPost.id.in_(posted) if posted else ScheduledPost.id.is_(None),
                    seen,
                )
            ).all()
            answers.append(len(answered))
            requests.append(
                len(
                    session.scalars(
                        select(MentorRequest.id).where(
                            MentorRequest.team_id == TEAM,
                            MentorRequest.created_at >= start,
                            MentorRequest.created_at < stop,
                        )
                    ).all()
                )
            )
            offers.append(
                len(
                    set(
                        session.scalars(
                            select(MentorOffer.request_id).where(
                                MentorOffer.team_id == TEAM,
                                MentorOffer.offered_at >= start,
                                MentorOffer.offered_at < stop,
                            )
                        ).all()
                    )
                )
            )
            rows = session.execute(
                select(
                    Mentorship.started_at,
                    MentorRequest.created_at,
                    MentorProfile.team_or_department,
                    MentorRequest.requester_unit,
                )
                .join(MentorRequest, MentorRequest.id == Mentorship.request_id)
                .outerjoin(
                    MentorProfile,
                    and_(
                        MentorProfile.team_id == Mentorship.team_id,
                        MentorProfile.user_id == Mentorship.mentor_id,
                    ),
                )
                .where(
                    Mentorship.team_id == TEAM, Mentorship.started_at >= start, Mentorship.started_at < stop
                )
            ).all()
            matches.append(len(rows))
            week_hours = [(s - r).total_seconds() / 3600 for s, r, _, _ in rows]
            hours.append(median(week_hours))
            all_hours += week_hours
            sides = [
                None if not (m and q) else " ".join(m.split()).casefold() != " ".join(q.split()).casefold()
                for _, _, m, q in rows
            ]
            cross.append(sum(1 for side in sides if side))
            known.append(sum(1 for side in sides if side is not None))
            completed.append(
                len(
                    session.scalars(
                        select(Mentorship.id).where(
                            Mentorship.team_id == TEAM,
                            Mentorship.ended_reason == EndReason.DONE,
                            Mentorship.ended_at >= start,
                            Mentorship.ended_at < stop,
                        )
                    ).all()
                )
            )
            tag_counts.update(
                session.scalars(
                    select(LessonTag.tag)
                    .join(Lesson, Lesson.id == LessonTag.lesson_id)
                    .where(Lesson.team_id == TEAM, Lesson.created_at >= start, Lesson.created_at < stop, seen)
                ).all()
            )
        unserved = figures.unserved_topics(session, TEAM)
    top = sorted(tag_counts.items(), key=lambda item: (-item[1], item[0]))[:5]
    return Figures(
        team_id=TEAM,
        channel_id=None,
        timezone=ZONE.key,
        labels=periods.week_labels(bounds, ZONE),
        starts=tuple(bounds[:-1]),
        end=end,
        members=MEMBERS,
        lessons=tuple(lessons),
        contributors=tuple(contributors),
        contributors_total=len(every_author),
        useful=tuple(useful),
        applied=tuple(applied),
        prompts=tuple(prompts),
        answers=tuple(answers),
        requests=tuple(requests),
        offers=tuple(offers),
        matches=tuple(matches),
        completed=tuple(completed),
        match_hours=tuple(hours),
        cross_team=tuple(cross),
        known_units=tuple(known),
        median_match_hours=median(all_hours),
        unserved_topics=tuple(unserved),
        top_tags=tuple(top),
    )


def report_once(database: Database, channels: int) -> report.Report:
    with database.read_session() as session:
        return report.build_report(
            session,
            team_id=TEAM,
            month="2026-02",
            tz=ZONE,
            members=MEMBERS,
            prompt_channels=public_subscribed(channels),
        )


def _timed(fn: Any, *args: Any) -> tuple[float, Any]:
    began = time.perf_counter()
    result = fn(*args)
    return (time.perf_counter() - began) * 1000, result


def install_weight(packages: Sequence[str] = CHART_PACKAGES) -> dict[str, float]:
    """MiB on disk per installed distribution (the files pip recorded), like `du` of their folders."""
    sizes: dict[str, float] = {}
    for name in packages:
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        total = 0
        for file in dist.files or []:
            path = Path(str(file.locate()))
            if path.is_file():
                total += path.stat().st_size
        sizes[name] = round(total / 2**20, 1)
    return sizes


def render_times(data: report.Report, count: int) -> tuple[float, dict[str, float], int]:
    """(the first render, with matplotlib's import and font cache; the next ones' percentiles; PNG bytes)."""
    first, png = _timed(render_chart, translator("nb"), data)
    samples = [_timed(render_chart, translator("nb"), data)[0] for _ in range(count)]
    return round(first, 1), percentiles(samples), len(png)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lessons", type=int, default=100_000)
    parser.add_argument("--channels", type=int, default=500)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--builds", type=int, default=100)
    parser.add_argument("--naive-builds", type=int, default=10)
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--keep", action="store_true", help="keep the filled database (file or schema)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    nows = [
        NOW - timedelta(seconds=rng.random() * timedelta(weeks=8).total_seconds()) for _ in range(args.builds)
    ]
    busiest = channel_ids(args.channels)[0]
    with bench_database(
        args.database_url,
        args.keep,
        schema=SCHEMA,
        temp_prefix="erfaring-insights-bench-",
        sqlite_name="insights.db",
    ) as database:
        backend = "postgresql" if database.is_postgresql else "sqlite"
        print(
            f"Filling {args.lessons:,} lessons in {args.channels} channels on {backend} …",
            file=sys.stderr,
            flush=True,
        )
        started = time.perf_counter()
        counts = fill(database, args.lessons, args.channels, args.seed)
        fill_seconds = time.perf_counter() - started
        print(f"  filled in {fill_seconds:.1f} s; measuring …", file=sys.stderr, flush=True)
        fast, slow = build_once(database, NOW, args.channels), naive_once(database, NOW, args.channels)
        if fast != slow:
            print(f"the two ways disagree:\n{fast}\n{slow}", file=sys.stderr)
            return 1
        for now in nows[:10]:  # warm the caches, as a running server's would be
            build_once(database, now, args.channels)
        workspace = [_timed(build_once, database, now, args.channels)[0] for now in nows]
        channel = [_timed(build_once, database, now, args.channels, busiest)[0] for now in nows]
        naive = [_timed(naive_once, database, now, args.channels)[0] for now in nows[: args.naive_builds]]
        reports = [_timed(report_once, database, args.channels)[0] for _ in range(max(5, args.builds // 5))]
        data = report_once(database, args.channels)
        version = server_version(database)
    first_render, render, png_bytes = render_times(data, args.renders)
    weight = install_weight()

    results = {
        "workspace": percentiles(workspace),
        "naive": percentiles(naive),
        "channel": percentiles(channel),
        "report": percentiles(reports),
    }
    met = results["workspace"]["p95"] <= TARGET_P95_MS
    window = sum(fast.lessons)
    print(f"\n## Insights benchmark — {backend} ({version})\n")
    print(
        f"{counts['lessons']:,} lessons ({args.lessons:,} in the measured workspace, "
        f"{args.channels} channels), "
        f"{counts['votes']:,} votes, {counts['tags']:,} tags, {counts['prompts']:,} weekly questions, "
        f"{counts['requests']:,} mentoring requests; the 12 weeks held {window:,} lessons "
        "everyone may see. "
        f"Fill took {fill_seconds:.1f} s.\n"
    )
    print("| what | builds | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    labels = {
        "workspace": "workspace, 12 weeks (figures.build_weeks)",
        "naive": "workspace, naive per-week query loop",
        "channel": f"busiest channel ({busiest}), 12 weeks",
        "report": "monthly report data (2 months + 12 weeks + highlights)",
    }
    sizes = {
        "workspace": len(workspace),
        "naive": len(naive),
        "channel": len(channel),
        "report": len(reports),
    }
    for key, label in labels.items():
        stats = results[key]
        print(
            f"| {label} | {sizes[key]} | {stats['p50']} | {stats['p95']} | {stats['p99']} | {stats['max']} |"
        )
    speedup = results["naive"]["p95"] / results["workspace"]["p95"] if results["workspace"]["p95"] else 0.0
    print(f"\nThe naive loop's p95 is {speedup:.1f}× the aggregate queries'; both give the same figures.")
    print(
        f"Target: p95 ≤ {TARGET_P95_MS:g} ms — {'met' if met else 'MISSED'} "
        f"({results['workspace']['p95']} ms)."
    )
    print(
        f"\nChart: first render {first_render} ms (import and font cache), then p50 {render['p50']} ms, "
        f"p95 {render['p95']} ms over {args.renders} renders; {png_bytes:,} bytes. "
        f"Installed: {sum(weight.values()):.1f} MiB ({', '.join(f'{k} {v}' for k, v in weight.items())})."
    )
    write_result(
        args.output,
        backend,
        {
            "backend": backend,
            "server": version,
            "counts": counts,
            "channels": args.channels,
            "window_lessons": window,
            "fill_seconds": round(fill_seconds, 2),
            "latency_ms": results,
            "naive_over_aggregate_p95": round(speedup, 1),
            "target_p95_ms": TARGET_P95_MS,
            "target_met": met,
            "chart": {
                "first_ms": first_render,
                "render_ms": render,
                "png_bytes": png_bytes,
                "install_mib": weight,
            },
            "seed": args.seed,
            "python": platform.python_version(),
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
