"""Events for the weekly rhythm: a reply in a prompt's thread, and a :raised_hand: on a prompt.

The matchers decide what reaches a listener and never raise (Bolt answers 500 when a matcher
raises). They read the event through handlers/payloads.py: one that cannot be read is logged in one
line and left to the catch-all (a 200), as handlers/middleware.py does for listeners. Reading it
here rather than in the listener matters for events: their listener runs after Bolt's automatic
ack, where an error can no longer change the answer.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext

from bot.rhythm import flows, replies
from handlers import payloads
from handlers.middleware import deps_of
from handlers.payloads import PayloadError

log = logging.getLogger(__name__)

# Replies that count: plain ones, "also send to #channel", and ones with a file attached.
REPLY_SUBTYPES = (None, "thread_broadcast", "file_share")
CHANNEL_TYPES = ("channel", "group")


def _thread_reply(body: Any, event: Any) -> payloads.Message | None:
    """A person's reply in a thread of a channel (public or private), not a bot's, not an edit."""
    try:
        message = payloads.message(body, event)
    except PayloadError as exc:
        log.warning("ignored a message event that could not be read: %s", exc)
        return None
    if (
        message.subtype not in REPLY_SUBTYPES
        or message.bot
        or message.user_id is None
        or not message.is_thread_reply
        or message.channel_type not in CHANNEL_TYPES
    ):
        return None
    return message


def is_thread_reply(body: Any, event: Any) -> bool:
    return _thread_reply(body, event) is not None


def on_thread_reply(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    message = _thread_reply(body, event)
    if message is None or message.user_id is None or message.thread_ts is None:
        return
    reply = flows.ThreadReply(
        team_id=message.team_id,
        channel_id=message.channel_id,
        thread_ts=message.thread_ts,
        reply_ts=message.ts,
        user_id=message.user_id,
        wire_text=message.text.raw,
    )
    flows.save_thread_reply(deps_of(context), reply)


def _raised_hand(body: Any, event: Any) -> payloads.Reaction | None:
    """A :raised_hand: (or :hand:, any skin tone) on a message: the only reaction the rhythm wants."""
    try:
        reaction = payloads.reaction(body, event)  # None on a file, or on what is not a message
    except PayloadError as exc:
        log.warning("ignored a reaction event that could not be read: %s", exc)
        return None
    return reaction if reaction is not None and replies.is_raised_hand(reaction.name) else None


def is_raised_hand(body: Any, event: Any) -> bool:
    return _raised_hand(body, event) is not None


def on_raised_hand(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    reaction = _raised_hand(body, event)
    if reaction is None:
        return
    flows.remind_raised_hand(
        deps_of(context),
        team_id=reaction.team_id,
        user_id=reaction.user_id,
        channel_id=reaction.channel_id,
        ts=reaction.ts,
        reaction=reaction.name,
    )
