"""A person deactivated (`user_change`), the app uninstalled (`app_uninstalled`, `tokens_revoked`), and
the middleware that counts every other signed request from a workspace as "installed (again)".

The events are de-duplicated by event id before they get here (handlers.middleware). Each listener
reads the event, stores what follows (bot.privacy.lifecycle: one outbox effect) and returns.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_bolt import BoltContext, BoltResponse

from bot.privacy import lifecycle
from handlers import payloads
from handlers.middleware import deps_of

log = logging.getLogger(__name__)

USER_CHANGE = "user_change"
APP_UNINSTALLED = "app_uninstalled"
TOKENS_REVOKED = "tokens_revoked"
# Slack sends these as the app goes: they never mean it is installed again.
GOODBYES = frozenset({APP_UNINSTALLED, TOKENS_REVOKED})


# -- reading the events (what handlers/payloads.py would hold) ---------------------------------------------


@dataclass(frozen=True)
class UserChange:
    team_id: str
    user_id: str
    deleted: bool


def user_change(body: Mapping[str, Any], event: object) -> UserChange:
    if not isinstance(event, Mapping):
        raise payloads.PayloadError("event is not an object")
    user = event.get("user")
    if not isinstance(user, Mapping):
        raise payloads.PayloadError("event.user is not an object")
    user_id = user.get("id")
    if not isinstance(user_id, str) or not user_id:
        raise payloads.PayloadError("event.user.id is missing")
    return UserChange(payloads.team_of(body), user_id, user.get("deleted") is True)


def revokes_the_bot(event: object) -> bool:
    """tokens_revoked names the tokens revoked: the bot's among them means the app can no longer act."""
    tokens = event.get("tokens") if isinstance(event, Mapping) else None
    bots = tokens.get("bot") if isinstance(tokens, Mapping) else None
    return isinstance(bots, list) and bool(bots)


def event_of(body: Mapping[str, Any]) -> tuple[str | None, datetime | None]:
    """An Events API request's event type and when Slack says it happened; (None, None) for the rest."""
    if body.get("type") != "event_callback":
        return None, None
    event = body.get("event")
    kind = event.get("type") if isinstance(event, Mapping) else None
    raw = body.get("event_time")
    sent = datetime.fromtimestamp(raw, UTC) if isinstance(raw, int) and raw > 0 else None
    return (kind if isinstance(kind, str) else None), sent


# -- the listeners -----------------------------------------------------------------------------------------


def on_user_change(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    """Someone's profile changed; only a deactivation (`deleted`) concerns Erfaring."""
    change = user_change(body, event)
    if change.deleted:
        lifecycle.ask_departed(deps_of(context), change.team_id, change.user_id)


def on_app_uninstalled(body: dict[str, Any], context: BoltContext) -> None:
    lifecycle.uninstalled(deps_of(context), payloads.team_of(body))


def on_tokens_revoked(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    if revokes_the_bot(event):
        lifecycle.uninstalled(deps_of(context), payloads.team_of(body))


# -- the middleware ----------------------------------------------------------------------------------------


def installed_again(
    body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse]
) -> BoltResponse | None:
    """Every signed request from a workspace but the goodbyes means it is installed: a deletion that
    waits for it is taken back. Never fails the request it rides on."""
    kind, sent = event_of(body)
    if kind not in GOODBYES:
        try:
            team_id = payloads.team_of(body)
        except payloads.PayloadError:
            team_id = None  # url_verification and the like: no workspace
        if team_id:
            try:
                lifecycle.seen(deps_of(context), team_id, sent)
            except Exception as exc:  # the database is down: the request itself will say so
                log.warning("could not check whether %s is to be deleted: %s", team_id, type(exc).__name__)
    return next()
