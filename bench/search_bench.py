"""Search benchmark: FTS (bot.lessons.search.search) against a naive LIKE scan, at 100k lessons.

    python -m bench.search_bench [--lessons 100000] [--database-url URL] [--queries 200]

Without --database-url it fills a temporary SQLite file. A PostgreSQL URL gets a schema of its own,
`bench_search` (dropped and recreated, migrated, dropped again at the end), so the `public` schema
the test suite uses is never touched. Lessons are generated from a fixed seed: Norwegian or English
text drawn from a Zipf-distributed vocabulary of a few thousand words, #tags, five teams of uneven
size. Results go to stdout as Markdown and to bench/results/search.json (one entry per backend).
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, make_url, text
from sqlalchemy.engine import URL

from bench.common import after_postgresql_load, bench_database, percentiles, server_version, write_result
from bot.lessons.search import parse_query, query_terms, search_lessons
from storage.db import Database
from storage.lessons.models import Lesson, LessonTag, Vote
from storage.lessons.search import CANDIDATE_LIMIT, Filters, like_search_lesson_ids, rank
from storage.lessons.visibility import AUTHOR, CHANNEL, WORKSPACE, Audience

TARGET_P95_MS = 20.0
SCHEMA = "bench_search"
RESULTS = Path(__file__).parent / "results" / "search.json"
BATCH = 5000
SEED = 20260105

# Teams get Zipf-like shares of the lessons (5 teams: 44%, 22%, 15%, 11%, 9%); queries run against the
# biggest. On SQLite the FTS index spans all teams, so fewer teams is the harder case (--teams 1).
DEFAULT_TEAMS = 5
QUERY_TEAM = "TBENCH0001"


# Who may see what: most lessons are shared in public channels; channels 1-8 are private (their
# lessons visible to members only), and some lessons are their authors' own notes. The searcher is in
# two of the private channels, so every search filters by visibility as /lesson search does.
CHANNELS = 40
PRIVATE_CHANNELS = 8
SEARCHER = Audience.person(QUERY_TEAM, "e" * 64, frozenset({"C00000001", "C00000002"}))


def team_shares(count: int) -> dict[str, float]:
    return {f"TBENCH{n:04d}": 1.0 / n for n in range(1, count + 1)}


# Head of each language's vocabulary, most frequent first (Zipf rank = position): function words, then
# the domain words lessons are about. A generated tail of rarer words follows.
def _words(text: str) -> list[str]:
    return text.split()


NO_FUNCTION = _words(
    "og i det er som på å en til av for med at har vi ikke de den et var om så men kan skal fra "
    "etter når hadde blir ble mer også må bare alle hva nå der da før hvis meg oss vår våre noe "
    "litt mye godt bra mange andre hele enda aldri alltid ofte"
)
EN_FUNCTION = _words(
    "the and to of a in is it that we for on was with not be as but at this have our they from "
    "after when had became more also must just all what now there then before if us some little "
    "much well good many other whole still never always often"
)
NO_CONTENT = _words(
    "team møte kunde prosjekt utrulling feil hendelse testing kodegjennomgang tilbakemelding læring "
    "øvelse år beredskap kvalitet samarbeid kommunikasjon planlegging estimering leveranse frist risiko "
    "avhengighet dokumentasjon opplæring mentor retro sprint oppgave ansvar eierskap forbedring "
    "erfaring løsning problem årsak overvåking varsling database migrering ytelse sikkerhet tilgang "
    "brukere behov endring versjon miljø produksjon rutine sjekkliste pause fokus prioritering tid uke "
    "dag fredag mandag morgen kveld helg ferie høst vår sommer vinter ærlig åpen tydelig rask treg enkel "
    "vanskelig viktig bedre større mindre ny gammel kollega leder utvikler designer tester arkitektur "
    "grensesnitt tjeneste integrasjon kø hurtigbuffer tidsavbrudd konfigurasjon funksjon flagg "
    "tilbakerulling hendelsesgjennomgang postmortem vaktordning vakt alarm logg måling dashbord "
    "kapasitet kostnad budsjett kontrakt leverandør avtale krav spesifikasjon skisse prototype demo "
    "presentasjon workshop kurs sertifisering onboarding parprogrammering mobprogrammering refaktorering "
    "teknisk gjeld skalering nedetid gjenoppretting sikkerhetskopi backup tilgjengelighet personvern "
    "gdpr revisjon godkjenning prosess arbeidsflyt verktøy automatisering skript pipeline bygg "
    "avklaring forventning misforståelse konflikt motivasjon trivsel stress overtid belastning "
    "hjemmekontor kontor reise kultur tillit trygghet ærlighet åpenhet mål resultat effekt gevinst "
    "nytte verdi læringspunkt øyeblikk påske jul høstferie vinterferie sommerferie årsskifte kvartal"
)
EN_CONTENT = _words(
    "team meeting customer project deployment bug incident testing review feedback learning drill year "
    "oncall quality collaboration communication planning estimate delivery deadline risk dependency "
    "documentation training mentor retro sprint task ownership improvement experience solution problem "
    "cause monitoring alerting database migration performance security access users needs change "
    "version environment production routine checklist break focus priority time week day friday monday "
    "morning evening weekend holiday autumn spring summer winter honest open clear fast slow simple "
    "hard important better bigger smaller new old colleague manager developer designer tester "
    "architecture interface service integration queue cache timeout configuration feature flag rollback "
    "postmortem rotation pager alarm log metric dashboard capacity cost budget contract vendor "
    "agreement requirement specification sketch prototype demo presentation workshop course "
    "certification onboarding pairing mobbing refactoring technical debt scaling downtime recovery "
    "backup availability privacy audit approval process workflow tooling automation script pipeline "
    "build release hotfix outage latency throughput regression flaky staging canary rollout standup "
    "backlog ticket estimate scope stakeholder expectation misunderstanding conflict motivation "
    "wellbeing burnout overtime workload remote office travel culture trust safety honesty openness "
    "goal result impact benefit value insight quarter deploy tests tested"
)
TAGS = _words(
    "testing deploy retro incident onboarding kodegjennomgang læring beredskap sikkerhet ytelse kunde "
    "mentoring frontend backend database ci-cd dokumentasjon planlegging kommunikasjon postmortem "
    "øvelse årsplan tilbakemelding pairing migrering monitoring release arkitektur personvern "
    "teknisk-gjeld estimering samarbeid hjemmekontor kvalitet automatisering"
)

NO_SYLLABLES = _words(
    "ba be bi bo bu bø bå da de di do dø få fe fi fo fæ ga ge gi go gå ha he hi hø kå ke ki ko kæ la le "
    "li lo lø lå ma me mi mo mø må na ne ni no nø ra re ri ro rø rå sa se si so sø så ta te ti to tø tå "
    "va ve vi vo vø vå sk st sp fl tr kr gr bl"
)
EN_SYLLABLES = _words(
    "ab ac ad al an ar as at ba be bi bo ca ce ci co con cu da de di do du en er es fa fe fi fo ga ge "
    "gi go in is la le li lo lu ma me mi mo mu na ne ni no nu or pa pe pi po pro ra re ri ro ru sa se "
    "si so st ta te ti to tu un va ve vi vo"
)
TAIL_WORDS = 1800  # generated rare words per language


def _tail(rng: random.Random, syllables: list[str], taken: set[str]) -> list[str]:
    words: list[str] = []
    while len(words) < TAIL_WORDS:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(3, 5)))
        if word not in taken:
            taken.add(word)
            words.append(word)
    return words


class Language:
    """A vocabulary with Zipf(s=1) weights; `words` is ordered by rank."""

    def __init__(self, rng: random.Random, function: list[str], content: list[str], syllables: list[str]):
        taken = set(function) | set(content)
        self.content = content
        self.tail = _tail(rng, syllables, taken)
        self.words = function + content + self.tail
        self.cum_weights = list(itertools.accumulate(1.0 / rank for rank in range(1, len(self.words) + 1)))

    def sentence(self, rng: random.Random, low: int, high: int) -> str:
        return " ".join(rng.choices(self.words, cum_weights=self.cum_weights, k=rng.randint(low, high)))


# --- filling ---------------------------------------------------------------------------------------


def _rows(
    count: int, seed: int, teams: int
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]]:
    """(lesson, its lesson_tags, its votes), oldest first, with explicit ids."""
    rng = random.Random(seed)
    norwegian = Language(rng, NO_FUNCTION, NO_CONTENT, NO_SYLLABLES)
    english = Language(rng, EN_FUNCTION, EN_CONTENT, EN_SYLLABLES)
    tag_weights = list(itertools.accumulate(1.0 / rank for rank in range(1, len(TAGS) + 1)))
    shares_by_team = team_shares(teams)
    team_ids, shares = list(shares_by_team), list(shares_by_team.values())
    start = datetime(2023, 1, 2, tzinfo=UTC)
    step = timedelta(days=3 * 365) / count
    for lesson_id in range(1, count + 1):
        language = norwegian if rng.random() < 0.6 else english
        team_id = rng.choices(team_ids, weights=shares)[0]
        tags: list[str] = []
        for tag in rng.choices(TAGS, cum_weights=tag_weights, k=rng.choice((0, 1, 1, 2, 2, 3))):
            if tag not in tags:
                tags.append(tag)
        body = language.sentence(rng, 12, 60)
        if tags and rng.random() < 0.5:  # tags are often written inline, as in Slack
            body += " " + " ".join(f"#{tag}" for tag in tags)
        anonymous = rng.random() < 0.15
        created_at = start + step * lesson_id
        channel = rng.randint(1, CHANNELS)
        visibility = CHANNEL if channel <= PRIVATE_CHANNELS else WORKSPACE
        if rng.random() < 0.05:
            visibility = AUTHOR
        lesson: dict[str, Any] = {
            "id": lesson_id,
            "team_id": team_id,
            "author_id": None if anonymous else f"U{rng.randint(1, 400):08d}",
            "author_hash": f"{rng.getrandbits(256):064x}",
            "anonymous": anonymous,
            "text": body,
            "what_worked": language.sentence(rng, 5, 25) if rng.random() < 0.6 else None,
            "to_improve": language.sentence(rng, 5, 25) if rng.random() < 0.5 else None,
            "tags_text": " ".join(tags),
            "source_link": None,
            "channel_id": f"C{channel:08d}",
            "visibility": visibility,
            "message_ts": f"{1672531200 + lesson_id * 900}.{lesson_id % 1000000:06d}",
            "prompt_post_id": None,
            "created_at": created_at,
        }
        tag_rows = [{"lesson_id": lesson_id, "tag": tag, "team_id": team_id} for tag in tags]
        votes: list[dict[str, Any]] = []
        if rng.random() < 0.25:
            for user in rng.sample(range(1, 400), rng.randint(1, 6)):
                votes.append(
                    {
                        "team_id": team_id,
                        "lesson_id": lesson_id,
                        "user_id": f"U{user:08d}",
                        "kind": rng.choice(("useful", "useful", "applied")),
                        "active": rng.random() < 0.9,
                        "changed_at": created_at + timedelta(hours=rng.randint(1, 200)),
                    }
                )
        yield lesson, tag_rows, votes


def fill(database: Database, count: int, seed: int, teams: int) -> None:
    """Bulk insert (executemany per batch of 5000, one transaction each)."""
    rows = _rows(count, seed, teams)
    while batch := list(itertools.islice(rows, BATCH)):
        with database.engine.begin() as conn:
            conn.execute(insert(Lesson), [lesson for lesson, _, _ in batch])
            tags = [tag for _, lesson_tags, _ in batch for tag in lesson_tags]
            if tags:
                conn.execute(insert(LessonTag), tags)
            votes = [vote for _, _, lesson_votes in batch for vote in lesson_votes]
            if votes:
                conn.execute(insert(Vote), votes)
    if database.is_postgresql:
        after_postgresql_load(database, count)


# --- queries ---------------------------------------------------------------------------------------

CATEGORIES = ("common", "rare", "two-word", "prefix", "norwegian-æøå", "tag")


def make_queries(count: int, seed: int) -> list[tuple[str, str]]:
    """(category, query), the categories in turn, words picked with a fixed seed."""
    rng = random.Random(seed)
    norwegian = Language(rng, NO_FUNCTION, NO_CONTENT, NO_SYLLABLES)
    english = Language(rng, EN_FUNCTION, EN_CONTENT, EN_SYLLABLES)
    rng = random.Random(seed + 1)
    pools: dict[str, Callable[[], str]] = {
        # The most frequent topic words (each in several percent of all lessons).
        "common": lambda: rng.choice(rng.choice((norwegian, english)).content[:15]),
        # Words far down the Zipf tail: a handful of lessons each.
        "rare": lambda: rng.choice(rng.choice((norwegian, english)).tail[1000:]),
        "two-word": lambda: " ".join(rng.sample(rng.choice((norwegian, english)).content[:60], 2)),
        "prefix": lambda: rng.choice([w for w in english.content[:80] if len(w) >= 6])[: rng.randint(3, 5)],
        "norwegian-æøå": lambda: rng.choice([w for w in NO_CONTENT if set(w) & set("æøå")]),
        "tag": lambda: "#" + rng.choice(TAGS),
    }
    return [
        (category, pools[category]()) for category in itertools.islice(itertools.cycle(CATEGORIES), count)
    ]


Runner = Callable[[Any, str], object]


def measure(
    database: Database, queries: list[tuple[str, str]], runs: dict[str, Runner]
) -> dict[str, list[float]]:
    """Milliseconds per query and method, each call in its own session as a request handler would
    run it. The methods take turns query by query, so drift (caches, checkpoints) hits them alike."""
    for _, query in queries[:20]:  # warm the caches, as a running server's would be
        for run in runs.values():
            with database.session() as session:
                run(session, query)
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _, query in queries:
        for name, run in runs.items():
            started = time.perf_counter()
            with database.session() as session:
                run(session, query)
            samples[name].append((time.perf_counter() - started) * 1000)
    return samples


def _ids(session: Any, raw: str, candidate_limit: int | None = CANDIDATE_LIMIT) -> object:
    """The ranking alone, as search() asks for it: the searcher's visibility, #tags, a page plus one."""
    query = parse_query(raw)
    return rank(
        session,
        QUERY_TEAM,
        list(query.words),
        audience=SEARCHER,
        filters=Filters(tags=query.tags),
        limit=11,
        candidate_limit=candidate_limit,
    )


def _safe_url(url: URL | str) -> str:
    return make_url(url).render_as_string(hide_password=True)


# --- main ------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lessons", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--teams", type=int, default=DEFAULT_TEAMS, help="number of teams (default 5)")
    parser.add_argument("--keep", action="store_true", help="keep the filled database (file or schema)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    queries = make_queries(args.queries, args.seed)
    with bench_database(
        args.database_url,
        args.keep,
        schema=SCHEMA,
        temp_prefix="erfaring-bench-",
        sqlite_name="search.db",
        say_kept=True,
    ) as database:
        backend = "postgresql" if database.is_postgresql else "sqlite"
        print(f"Filling {args.lessons:,} lessons on {backend} …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        fill(database, args.lessons, args.seed, max(1, args.teams))
        fill_seconds = time.perf_counter() - started
        print(
            f"  filled in {fill_seconds:.1f} s; running {len(queries)} queries …", file=sys.stderr, flush=True
        )

        runs: dict[str, Runner] = {
            "fts search()": lambda s, q: search_lessons(s, SEARCHER, parse_query(q)),
            "fts ids only": lambda s, q: _ids(s, q),
            # Every match ranked, as before the recency bound: what the bound saves.
            "fts ids, uncapped": lambda s, q: _ids(s, q, candidate_limit=None),
            "like baseline": lambda s, q: like_search_lesson_ids(s, QUERY_TEAM, query_terms(q)),
        }
        samples = measure(database, queries, runs)
        with database.session() as session:
            hits = [len(search_lessons(session, SEARCHER, parse_query(query)).hits) for _, query in queries]
            team_size = session.execute(
                text("SELECT count(*) FROM lessons WHERE team_id = :t"), {"t": QUERY_TEAM}
            ).scalar_one()
        version = server_version(database)
        url = _safe_url(database.url)

    overall = {name: percentiles(values) for name, values in samples.items()}
    per_category = {
        category: {
            name: percentiles([v for (c, _), v in zip(queries, values, strict=True) if c == category])
            for name, values in samples.items()
        }
        for category in CATEGORIES
    }
    fts_p95 = overall["fts search()"]["p95"]
    met = fts_p95 <= TARGET_P95_MS

    print(f"\n## Search benchmark — {backend} ({version}), {args.lessons:,} lessons\n")
    print(
        f"{len(queries)} queries ({', '.join(CATEGORIES)}) against team {QUERY_TEAM} "
        f"({team_size:,} lessons); fill took {fill_seconds:.1f} s; "
        f"{sum(1 for h in hits if h)} of {len(hits)} queries found something.\n"
    )
    print("| method | p50 ms | p95 ms | p99 ms | mean ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, stats in overall.items():
        cells = " | ".join(str(stats[key]) for key in ("p50", "p95", "p99", "mean", "max"))
        print(f"| {name} | {cells} |")
    print("\n| category | fts search() p50 | fts search() p95 | like p50 | like p95 |")
    print("|---|---:|---:|---:|---:|")
    for category, by_name in per_category.items():
        fts, like = by_name["fts search()"], by_name["like baseline"]
        print(f"| {category} | {fts['p50']} | {fts['p95']} | {like['p50']} | {like['p95']} |")
    verdict = "met" if met else "MISSED"
    print(f"\nTarget: FTS search() p95 ≤ {TARGET_P95_MS:g} ms at 100k lessons — {verdict} ({fts_p95} ms).")

    report = {
        "backend": backend,
        "server": version,
        "database_url": url,
        "lessons": args.lessons,
        "teams": max(1, args.teams),
        "query_team_lessons": team_size,
        "queries": len(queries),
        "seed": args.seed,
        "fill_seconds": round(fill_seconds, 2),
        "target_p95_ms": TARGET_P95_MS,
        "target_met": met,
        "candidate_limit": CANDIDATE_LIMIT,
        "latency_ms": overall,
        "latency_ms_by_category": per_category,
        "query_mix": [{"category": c, "query": q} for c, q in queries[: len(CATEGORIES) * 3]],
        "python": platform.python_version(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    # One entry per backend (and non-default setup), so one run does not overwrite another's figures.
    teams = max(1, args.teams)
    default_setup = args.lessons == 100_000 and teams == DEFAULT_TEAMS and len(queries) == 200
    write_result(
        args.output, backend if default_setup else f"{backend}, {args.lessons} lessons, {teams} teams", report
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
