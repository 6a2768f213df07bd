"""Erfaring's composition root and command line. Nothing else builds the app.

python app.py [serve]        run the Slack app (HTTP on PORT, or Socket Mode with SLACK_APP_TOKEN)
python app.py db upgrade     apply database migrations
python app.py prompt [--channel C]              post this week's prompt now (once per week)
python app.py digest [--channel C] [--preview]  post this week's digest now, or print it
python app.py report [--month YYYY-MM] [--preview DIR]  send the leaders' monthly report now (once per
                                                leader and month), or write its text and PNG to DIR
python app.py console [--script FILE]           the app on a local workspace in the terminal (no Slack)
python app.py export [--format json|csv] [--out PATH]           every lesson, mentor profile, request
                                                                and mentorship, to a file (docs/privacy.md)
python app.py erase --user U... [--keep-lessons-anonymous] --yes   erase a person (docs/privacy.md)
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from dotenv import load_dotenv
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler

import handlers
import scheduler
from bot.core import effects as _effects  # noqa: F401  (registers the shared effect kinds)
from bot.core import outbox, server_log
from bot.core.clock import Clock, SystemClock
from bot.core.deps import Deps
from bot.core.settings import ConfigError, Settings, load_settings
from bot.core.slack import QUICK_TIMEOUT_SECONDS, SlackGateway, error_code, make_client
from bot.insights import jobs as insights
from bot.insights.periods import parse_month
from bot.mentoring.digest_section import digest_section as mentoring_digest_section
from bot.mentoring.jobs import run_due_mentoring
from bot.privacy import flows as privacy
from bot.privacy.ids import Format
from bot.rhythm import jobs as rhythm
from bot.rhythm.digest import register_section
from handlers import edge, middleware, runner
from localslack.console import run_console
from localslack.driver import SlackDriver, wsgi_poster
from localslack.executor import TrackingExecutor
from localslack.standin import SlackStandIn
from localslack.workspace import LOCAL_BOT_TOKEN, LOCAL_SIGNING_SECRET, LOCAL_TEAM_ID, LocalWorkspace, seed
from storage.db import Database
from storage.migrate import upgrade

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger("erfaring")
EVENTS_PATH = "/slack/events"
HTTP_THREADS = 8
LISTENER_THREADS = 32
OUTBOX_THREADS = 4
SHUTDOWN_SECONDS = 10.0
HEALTH_PATH = "/healthz"
# The console keeps its own database, so demo data never mixes with a real workspace's.
CONSOLE_DATABASE_URL = "sqlite:///erfaring-console.db"
CONSOLE_BANNER = (
    "No Slack tokens configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET): starting a local console "
    "workspace. See README › Set up the Slack app to connect to Slack."
)


def build_app(
    settings: Settings,
    db: Database,
    *,
    clock: Clock | None = None,
    client: WebClient | None = None,
    listener_executor: Executor | None = None,
) -> tuple[App, Deps]:
    client = client or make_client(settings.bot_token, settings.api_url)
    deps = Deps.build(settings, db, clock or SystemClock(), gateway(settings, client))
    app = App(
        client=client,
        signing_secret=settings.signing_secret,
        # `serve` checks the token with auth.test itself and stops with one clear line when it fails.
        token_verification_enabled=False,
        # Work after an ack that is not an outbox effect (a search's results, an admin check) runs on
        # these threads; enough of them that a slow Slack never leaves a new request waiting for one.
        listener_executor=listener_executor
        or ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="erfaring-listener"),
        logger=logging.getLogger("erfaring.bolt"),
    )

    runner.install(app)  # answers Slack when a listener acks, not at Bolt's next 10 ms look
    middleware.install(app, deps)
    handlers.register_all(app)
    register_section(mentoring_digest_section)  # idempotent: the digest gains mentoring figures
    return app, deps


def gateway(settings: Settings, client: WebClient) -> SlackGateway:
    """The Slack gateway: `client` for everything, and a no-retry, 1-second client for the lookups
    made before an ack (a person's language)."""
    quick = make_client(settings.bot_token, settings.api_url, max_retries=0, timeout=QUICK_TIMEOUT_SECONDS)
    # The outbox retries (and paces the conversation) itself: its client must not sleep on a 429.
    delivery = make_client(settings.bot_token, settings.api_url, max_retries=0)
    delivery.retry_handlers = [ConnectionErrorRetryHandler(max_retry_count=1)]
    return SlackGateway(client, quick_client=quick, delivery_client=delivery)


def make_wsgi(app: App, db: Database, signing_secret: str) -> WSGIApplication:
    """Slack's requests at POST /slack/events, checked at the edge (handlers/edge.py) before Bolt
    parses them; GET /healthz answers 200 while the database answers."""
    slack = edge.guarded(SlackRequestHandler(app, path=EVENTS_PATH), signing_secret)

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            healthy = db.ping()
            body = b"ok\n" if healthy else b"database unavailable\n"
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
            return [body]
        return slack(environ, start_response)

    return wsgi


def local_workspace(
    db: Database,
    clock: Clock,
    *,
    language: str = "en",
    timezone: str = "Europe/Oslo",
    seed_people: bool = True,
) -> LocalWorkspace:
    """The real app wired to the in-process Slack stand-in (tests and the console)."""
    standin = SlackStandIn(
        team_id=LOCAL_TEAM_ID, bot_token=LOCAL_BOT_TOKEN, clock=clock_seconds(clock)
    ).start()
    # The people speak the workspace's language in Slack, as they would in a real one.
    ids = seed(standin, locale=SLACK_LOCALES.get(language)) if seed_people else {}
    admins = frozenset(user.id for user in standin.users() if user.is_admin)
    settings = Settings(
        bot_token=LOCAL_BOT_TOKEN,
        signing_secret=LOCAL_SIGNING_SECRET,
        api_url=standin.api_url,
        database_url=db.url,
        admins=admins,
        language=language,
        timezone=timezone,
        secret_key=b"local-workspace-secret-key",
    )
    executor = TrackingExecutor(max_workers=LISTENER_THREADS)
    app, deps = build_app(settings, db, clock=clock, listener_executor=executor)
    # Effects are delivered when the workspace settles; the fake clock decides when one is due, so
    # pacing a conversation by a second would hold every second post until someone moves the clock.
    deps.outbox.pace = timedelta(0)
    driver = SlackDriver(LOCAL_SIGNING_SECRET, standin, wsgi_poster(make_wsgi(app, db, LOCAL_SIGNING_SECRET)))
    return LocalWorkspace(standin=standin, driver=driver, deps=deps, executor=executor, clock=clock, ids=ids)


SLACK_LOCALES = {"en": "en-US", "nb": "nb-NO"}


def clock_seconds(clock: Clock) -> Callable[[], float]:
    return lambda: clock.now().timestamp()


def open_database(settings: Settings) -> Database:
    db = Database(settings.database_url)
    upgrade(db.engine)
    return db


def verify_token(client: WebClient, api_url: str, *, attempts: int = 3) -> str | None:
    """auth.test before serving: None when the bot token works, else the one line to stop with."""
    for attempt in range(1, attempts + 1):
        try:
            client.auth_test()
            return None
        except SlackApiError as exc:
            return f"configuration error: SLACK_BOT_TOKEN: Slack refused it ({error_code(exc)})"
        except OSError as exc:
            if attempt == attempts:
                return f"cannot reach Slack at {api_url} to check SLACK_BOT_TOKEN: {type(exc).__name__}"
            time.sleep(2.0 * attempt)
    return None


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM: stop taking requests; the finally blocks finish or hand back what is in flight."""
    log.info("Erfaring stopping (signal %s)", signum)
    raise SystemExit(0)


def serve(settings: Settings, *, scheduler_enabled: bool) -> int:
    db = open_database(settings)
    app, deps = build_app(settings, db)
    problem = verify_token(deps.slack.client(""), settings.api_url)
    if problem:
        print(f"erfaring: {problem}", file=sys.stderr)
        db.dispose()
        return 2
    stop_scheduler: Callable[[], None] | None = None
    # Signal handlers belong to the main thread (tests also run `serve` on a thread of their own).
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main else None
    deps.outbox.start(threads=OUTBOX_THREADS)
    try:
        if scheduler_enabled:
            stop_scheduler = scheduler.start(deps)
        if settings.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            log.info("Erfaring connecting to Slack in Socket Mode")
            SocketModeHandler(app, settings.app_token).start()  # type: ignore[no-untyped-call]
        else:
            from waitress import create_server

            server_log.summarise_queue_warnings(HTTP_THREADS)
            server = create_server(
                make_wsgi(app, db, settings.signing_secret or ""),
                host="0.0.0.0",
                port=settings.port,
                threads=HTTP_THREADS,
                ident="erfaring",
            )
            log.info(
                "Erfaring listening on port %s (POST %s, GET %s)", settings.port, EVENTS_PATH, HEALTH_PATH
            )
            # On SystemExit (SIGTERM) or Ctrl-C waitress stops accepting and lets running requests
            # finish (up to 5 s) before run() returns.
            server.run()
    finally:
        if stop_scheduler:
            stop_scheduler()
        deps.outbox.stop(timeout=SHUTDOWN_SECONDS)  # finish what is being delivered, hand back the rest
        if in_main:
            signal.signal(signal.SIGTERM, previous)
        db.dispose()
        log.info("Erfaring stopped")
    return 0


def rhythm_now(settings: Settings, kind: str, channel: str | None, *, preview: bool = False) -> int:
    """`prompt` / `digest`: run the job now under the scheduler's exactly-once rule. 0 when every
    channel was handled (posted, or already posted this week); else 1, with a line per failure."""
    db = open_database(settings)
    try:
        client = make_client(settings.bot_token, settings.api_url)
        deps = Deps.build(settings, db, SystemClock(), gateway(settings, client))
        if preview:
            texts, problems = rhythm.preview_texts(deps, deps.clock.now(), channel=channel)
            print("\n\n".join(texts) if texts or problems else "no subscribed channels")
        else:
            report = rhythm.run_due(deps, deps.clock.now(), kinds=(kind,), channel=channel, force=True)
            for outcome in report.handled + report.skipped:
                print(outcome.line())
            problems = [outcome.line() for outcome in report.failed]
            if not report.outcomes:
                print("no subscribed channels")
    finally:
        db.dispose()
    for problem in problems:
        print(f"erfaring: {problem}", file=sys.stderr)
    return 1 if problems else 0


def cli_deps(settings: Settings, db: Database) -> Deps:
    client = make_client(settings.bot_token, settings.api_url)
    return Deps.build(settings, db, SystemClock(), gateway(settings, client))


def export_now(settings: Settings, fmt: Format, out: str | None, team: str | None) -> int:
    """`export`: everything, to disk. 0, or 2 with one line when the path cannot be written."""
    db = open_database(settings)
    try:
        done = privacy.export_to(cli_deps(settings, db), fmt, out, team)
    except privacy.CannotWrite as exc:
        print(f"erfaring: {exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    print(f"wrote {done.written.line()} to {done.path}")
    return 0


SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")


def erase_now(settings: Settings, user: str, team: str | None, *, keep_lessons: bool) -> int:
    """`erase`: the person, in every workspace they are in (or `team`). With a bot token the posts
    are deleted or refreshed before it returns (within a minute); else the running app does it."""
    db = open_database(settings)
    try:
        deps = cli_deps(settings, db)
        found = False
        for team_id in [team] if team else privacy.teams(deps):
            erased = privacy.forget(deps, team_id, user, keep_lessons=keep_lessons)
            if erased.anything:
                found = True
                print(f"{team_id}: {user}: {erased.line()}")
        if not found:
            print(f"nothing stored about {user}")
        left = privacy.deliver_erasures(deps) if settings.bot_token else None
        if left is None:
            print("no SLACK_BOT_TOKEN here: the running app deletes and refreshes the Slack posts")
        elif left:
            print(f"{left} Slack updates still queued: the running app delivers them")
    finally:
        db.dispose()
    return 0


def report_now(settings: Settings, month: str | None, preview: str | None) -> int:
    """`report`: send the leaders' monthly report now, once per leader and month (as the schedule
    does), or write its text and chart to a folder. 0 when every leader got it; else 1, a line each."""
    db = open_database(settings)
    problems: list[str] = []
    try:
        client = make_client(settings.bot_token, settings.api_url)
        deps = Deps.build(settings, db, SystemClock(), gateway(settings, client))
        if preview is not None:
            written = insights.preview(
                deps, Path(preview), month=month, ask_slack=settings.has_slack_credentials
            )
            print("\n".join(str(path) for path in written) if written else "no workspace to report on")
        else:
            outcomes = insights.send_now(deps, month=month)
            for outcome in outcomes:
                print(outcome.line())
            problems = insights.failures(outcomes)
            if not outcomes:
                print("no leaders: add one with /erfaring leaders add @person, or set ERFARING_LEADERS")
    finally:
        db.dispose()
    for problem in problems:
        print(f"erfaring: {problem}", file=sys.stderr)
    return 1 if problems else 0


def month_argument(raw: str) -> str:
    try:
        parse_month(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a month: {raw!r} (YYYY-MM, e.g. 2026-02)") from None
    return raw


def run_due_jobs(deps: Deps, now: datetime) -> None:
    """Everything the scheduler would run at `now`: maintenance, the weekly rhythm, mentoring's
    timeouts and the leaders' monthly reports."""
    scheduler.run_maintenance(deps)
    rhythm.run_due(deps, now)
    run_due_mentoring(deps, now)
    insights.run_due_reports(deps, now)


def console(environ: dict[str, str], script: str | None, database_url: str | None) -> int:
    """`console`: the real app on a local workspace in the terminal, on its own database."""
    logging.getLogger().setLevel(logging.WARNING)  # the console shows the app's warnings itself
    settings = load_settings(
        {**environ, "DATABASE_URL": database_url or CONSOLE_DATABASE_URL}, require_slack=False
    )
    db = open_database(settings)
    try:
        return run_console(
            db,
            lambda clock, seed: local_workspace(
                db, clock, language=settings.language, timezone=settings.timezone, seed_people=seed
            ),
            script=script,
            run_due=run_due_jobs,  # what `:wait` runs as the clock moves
        )
    finally:
        db.dispose()


def outbox_now(settings: Settings, limit: int) -> int:
    """Print the outbox's states and the last effects that were not delivered; 1 when there are any."""
    db = open_database(settings)
    try:
        lines = outbox.status_report(db, limit)
    finally:
        db.dispose()
    print("\n".join(lines))
    return 1 if any(line.startswith("last ") for line in lines) else 0


def erase_command(environ: dict[str, str], args: argparse.Namespace) -> int:
    if not args.yes:
        print(f"erfaring: erasing {args.user} cannot be undone; run it again with --yes", file=sys.stderr)
        return 2
    if not SLACK_USER_ID.match(args.user):
        print("erfaring: --user must be a Slack user id such as U012AB3CD", file=sys.stderr)
        return 2
    keyed = environ.get("ERFARING_SECRET_KEY", "").strip() or environ.get("SLACK_SIGNING_SECRET", "").strip()
    if not keyed:
        # Anonymous lessons are found by a hash keyed with the server's secret: without it, none.
        print(
            "erfaring: erase needs the server's ERFARING_SECRET_KEY (or SLACK_SIGNING_SECRET) to find "
            "the person's anonymous lessons",
            file=sys.stderr,
        )
        return 2
    settings = load_settings(environ, require_slack=False)
    return erase_now(settings, args.user, args.team, keep_lessons=args.keep_lessons_anonymous)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python app.py", description="Erfaring: experience exchange in Slack."
    )
    commands = parser.add_subparsers(dest="command")
    serve_cmd = commands.add_parser("serve", help="run the Slack app (the default)")
    serve_cmd.add_argument("--no-scheduler", action="store_true", help="do not run scheduled jobs here")
    db_cmd = commands.add_parser("db", help="database maintenance")
    db_cmd.add_argument("action", choices=["upgrade"])
    prompt_cmd = commands.add_parser("prompt", help="post this week's prompt now (at most once a week)")
    prompt_cmd.add_argument("--channel", help="only this channel id (default: every subscribed channel)")
    digest_cmd = commands.add_parser("digest", help="post this week's digest now (at most once a week)")
    digest_cmd.add_argument("--channel", help="only this channel id (default: every subscribed channel)")
    digest_cmd.add_argument("--preview", action="store_true", help="print the digest as text; post nothing")
    report_cmd = commands.add_parser("report", help="send the leaders' monthly report now (once per leader)")
    report_cmd.add_argument(
        "--month", type=month_argument, help="the month it covers, YYYY-MM (default: last month)"
    )
    report_cmd.add_argument(
        "--preview", metavar="DIR", help="write the text and the PNG to DIR; send nothing"
    )
    outbox_cmd = commands.add_parser("outbox", help="what waits to be delivered to Slack, and what failed")
    outbox_cmd.add_argument("--limit", type=int, default=20, help="how many undelivered effects to list")
    console_cmd = commands.add_parser("console", help="try the app in the terminal, without Slack")
    console_cmd.add_argument("--script", metavar="FILE", help="replay the lines of FILE, then exit")
    console_cmd.add_argument(
        "--database-url", help=f"where the console workspace lives (default {CONSOLE_DATABASE_URL})"
    )
    export_cmd = commands.add_parser(
        "export", help="write every lesson, mentor profile, request and mentorship to a file"
    )
    export_cmd.add_argument("--format", choices=[f.value for f in Format], default=Format.JSON.value)
    export_cmd.add_argument(
        "--out", help="a file, or a directory (CSV: one file per table in it; default: a file here)"
    )
    export_cmd.add_argument("--team", help="only this workspace (default: every one)")
    erase_cmd = commands.add_parser("erase", help="erase everything stored about a person")
    erase_cmd.add_argument("--user", required=True, help="the person's Slack user id, U...")
    erase_cmd.add_argument("--team", help="only this workspace (default: every one they are in)")
    erase_cmd.add_argument(
        "--keep-lessons-anonymous",
        action="store_true",
        help="keep their shared lessons as anonymous ones nobody can trace (default: delete them)",
    )
    erase_cmd.add_argument("--yes", action="store_true", help="really: it cannot be undone")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None, env: dict[str, str] | None = None) -> int:
    load_dotenv()
    environ = dict(os.environ if env is None else env)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = parse_args(sys.argv[1:] if argv is None else argv)
    command = args.command or "serve"
    try:
        if command == "console":
            return console(environ, args.script, args.database_url)
        if args.command is None and not (
            environ.get("SLACK_BOT_TOKEN", "").strip() or environ.get("SLACK_SIGNING_SECRET", "").strip()
        ):
            print(CONSOLE_BANNER, flush=True)
            return console(environ, None, None)
        if command == "db":
            settings = load_settings(environ, require_slack=False)
            db = open_database(settings)
            db.dispose()
            print("database is up to date")
            return 0
        if command in ("prompt", "digest"):
            preview = bool(getattr(args, "preview", False))
            # A preview reads the database only; posting needs the Slack token.
            settings = load_settings(environ, require_slack=not preview)
            return rhythm_now(settings, command, args.channel, preview=preview)
        if command == "export":
            settings = load_settings(environ, require_slack=False)
            return export_now(settings, Format(args.format), args.out, args.team)
        if command == "erase":
            return erase_command(environ, args)
        if command == "outbox":
            return outbox_now(load_settings(environ, require_slack=False), max(1, args.limit))
        if command == "report":
            # A preview reads the database (and Slack, when a token is set); sending needs the token.
            settings = load_settings(environ, require_slack=args.preview is None)
            return report_now(settings, args.month, args.preview)
        settings = load_settings(environ, require_slack=True)
        return serve(settings, scheduler_enabled=not getattr(args, "no_scheduler", False))
    except ConfigError as exc:
        print(f"erfaring: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
