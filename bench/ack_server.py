"""One app of the ack benchmark, served on 127.0.0.1 by waitress or gunicorn (run by bench.ack_bench).

    python -m bench.ack_server {erfaring|bare} {waitress|gunicorn} PORT [--threads 8]

Configuration comes from the environment, as in production: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET,
SLACK_API_URL (the stand-in) and, for Erfaring, DATABASE_URL and ERFARING_* (bot.core.settings).

erfaring — app.build_app + app.make_wsgi + outbox workers: what `python app.py serve` serves (no scheduler).
bare     — a slack_bolt.App whose /lesson listener only acks, behind the same Bolt WSGI adapter.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

EVENTS_PATH = "/slack/events"  # app.EVENTS_PATH; the bare app must not import app.py (memory figures)
HOST = "127.0.0.1"


def erfaring_wsgi() -> WSGIApplication:
    import app
    from bot.core.settings import load_settings

    settings = load_settings(os.environ, require_slack=True)
    db = app.open_database(settings)
    bolt_app, deps = app.build_app(settings, db)
    deps.outbox.start(threads=app.OUTBOX_THREADS)  # as serve does: the effects after each ack
    return app.make_wsgi(bolt_app, db, settings.signing_secret or "")


def bare_wsgi() -> WSGIApplication:
    from slack_bolt import Ack, App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    bolt_app = App(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,
        logger=logging.getLogger("bare.bolt"),
    )

    @bolt_app.command("/lesson")
    def lesson(ack: Ack) -> None:
        ack()

    # The load benchmark also clicks buttons: the bare app acks those too, and does nothing else.
    @bolt_app.action(re.compile(".*"))
    def click(ack: Ack) -> None:
        ack()

    handler: WSGIApplication = SlackRequestHandler(bolt_app, path=EVENTS_PATH)
    return handler


FACTORIES: dict[str, Callable[[], WSGIApplication]] = {"erfaring": erfaring_wsgi, "bare": bare_wsgi}


def run_waitress(factory: Callable[[], WSGIApplication], port: int, threads: int) -> None:
    from waitress import serve

    # As app.serve does it (same thread count, waitress's queue warnings summarised), but bound to
    # loopback only; for both apps alike.
    from bot.core.server_log import summarise_queue_warnings

    summarise_queue_warnings(threads)
    serve(factory(), host=HOST, port=port, threads=threads, ident="erfaring")


def run_gunicorn(factory: Callable[[], WSGIApplication], port: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Gunicorn(BaseApplication):  # type: ignore[misc]
        """gthread: one worker process with a thread pool, the closest match to waitress's model."""

        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{HOST}:{port}",
                "workers": 1,  # one process: the in-process scheduler must run exactly once
                "worker_class": "gthread",
                "threads": threads,
                "accesslog": None,
                "loglevel": "warning",
                "graceful_timeout": 5,
                "proc_name": "erfaring-bench",
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> WSGIApplication:
            # Built in the worker after fork (no preload): database connections never cross a fork.
            return factory()

    Gunicorn().run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("app", choices=sorted(FACTORIES))
    parser.add_argument("server", choices=["waitress", "gunicorn"])
    parser.add_argument("port", type=int)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    # The logging `python app.py serve` sets up: INFO to stderr (the bench sends it to a file).
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    factory = FACTORIES[args.app]
    if args.server == "waitress":
        run_waitress(factory, args.port, args.threads)
    else:
        run_gunicorn(factory, args.port, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
