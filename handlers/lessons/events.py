"""Reactions: :+1: or :bulb: on a lesson's message counts as Useful; removing it takes that back."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext

from bot.lessons import flows
from bot.lessons.ids import VoteSource
from handlers import payloads
from handlers.middleware import deps_of

log = logging.getLogger(__name__)

# The reactions that count as Useful, and which way of saying it each is (:+1: and :thumbsup: are one).
USEFUL_REACTIONS = {"+1": VoteSource.THUMBS_UP, "thumbsup": VoteSource.THUMBS_UP, "bulb": VoteSource.BULB}


def is_useful_reaction(body: dict[str, Any], event: dict[str, Any]) -> bool:
    """:+1: or :bulb: (any skin tone) on a message: the reactions that count as Useful. Bolt runs the
    first listener whose matchers match, so other reactions go on to the rhythm and the catch-all."""
    try:
        seen = payloads.reaction(body, event)
    except payloads.PayloadError as exc:
        log.warning("ignored a reaction that could not be read: %s", exc)
        return False
    return seen is not None and seen.name in USEFUL_REACTIONS


def reaction_added(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    _react(body, event, context, added=True)


def reaction_removed(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    _react(body, event, context, added=False)


def _react(body: dict[str, Any], event: dict[str, Any], context: BoltContext, *, added: bool) -> None:
    seen = payloads.reaction(body, event)
    if seen is None or seen.name not in USEFUL_REACTIONS:
        return
    source = USEFUL_REACTIONS[seen.name]
    flows.react(deps_of(context), seen.team_id, seen.user_id, seen.channel_id, seen.ts, source, added=added)
