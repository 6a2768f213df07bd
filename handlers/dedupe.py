"""Slack retries event deliveries (and may deliver twice); each event_id takes effect once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse

from bot.events import claim_event
from handlers.context import deps_of

log = logging.getLogger(__name__)


def register(app: App) -> None:
    @app.middleware
    def drop_repeated_events(
        body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
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
