"""`app_home_opened`: someone opened Erfaring's Home tab (or its Messages tab: nothing to do)."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.home import flows
from handlers import payloads
from handlers.middleware import deps_of

HOME_TAB = "home"


def home_opened(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    """Bolt has acknowledged the event already (an event has no answer to give): one transaction
    remembers that the person has a Home and stores its publication; the outbox publishes it."""
    seen = payloads.home_opened(body, event)
    if seen.tab not in (None, HOME_TAB):
        return
    flows.opened(deps_of(context), seen.team_id, seen.user_id)
