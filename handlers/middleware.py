"""What runs around every listener: the app's dependencies in the context, event de-duplication,
and the error reporter.

A listener may raise at any point. A payload it could not read (handlers.payloads.PayloadError) is
logged in one line and answered 200: Slack gets no error and the log no traceback. Any other error
is logged with its traceback and context, and the person whose command or click it was is told in
words. Either way Slack gets a 200, never a 5xx: a failure after ack() never turns the ack into one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse, Respond

from bot.core.deps import Deps
from bot.core.events import claim_event
from handlers.payloads import PayloadError

log = logging.getLogger(__name__)

DEPS_KEY = "erfaring_deps"


def deps_of(context: BoltContext | dict[str, Any]) -> Deps:
    deps = context[DEPS_KEY]
    assert isinstance(deps, Deps)
    return deps


def install(app: App, deps: Deps) -> None:
    """Wire the middleware and the error handler; called once by app.build_app."""

    def provide_deps(context: BoltContext, next: Callable[[], None]) -> None:
        context[DEPS_KEY] = deps
        next()

    def report_error(
        error: Exception,
        body: dict[str, Any],
        respond: Respond,
        context: BoltContext,
        response: BoltResponse | None,
    ) -> BoltResponse | None:
        # After ack() Slack has its answer already: Bolt passes no response, and none may be returned.
        answer = BoltResponse(status=200, body="") if response is not None else None
        kind = _kind_of(body)
        if isinstance(error, PayloadError):
            log.warning("ignored a %s that could not be read: %s", kind, error)
            return answer
        log.exception("unhandled error in a %s listener: %s", kind, type(error).__name__, exc_info=error)
        if not isinstance(body, dict) or not body.get("response_url"):
            return answer  # events and form submissions: nobody to answer
        try:
            user = body.get("user_id") or (body.get("user") or {}).get("id")
            tr = deps.languages.for_person(context.team_id, user if isinstance(user, str) else None)
            # Said instead of silence to the person whose command or click failed (details: the log).
            text = tr._(
                "Sorry, something went wrong on my side and I could not finish that. "
                "Please try again in a moment; if it keeps happening, tell an admin."
            )
            respond(text=text, response_type="ephemeral", replace_original=False)
        except Exception as exc:
            log.warning("could not tell the user about the error: %s", type(exc).__name__)
        return answer

    app.use(provide_deps)
    app.middleware(drop_repeated_events)
    app.error(report_error)


def _kind_of(body: object) -> str:
    if not isinstance(body, dict):
        return "request"
    kind = body.get("type") or ("command" if body.get("command") else "request")
    return str(kind)[:40]


def drop_repeated_events(
    body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse]
) -> BoltResponse | None:
    """Slack retries event deliveries (and may deliver twice); each event_id takes effect once."""
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    if not event_id:
        return next()
    deps = deps_of(context)
    with deps.db.session() as session:
        first = claim_event(
            session, team_id=str(body.get("team_id") or ""), event_id=str(event_id), now=deps.clock.now()
        )
    if not first:
        log.info("event %s already handled; ignoring the repeat", event_id)
        return BoltResponse(status=200, body="")
    return next()
