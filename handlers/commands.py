"""`/erfaring` is the workspace's own command. Most of it is the weekly rhythm's settings
(handlers/rhythm/commands.py); a few subcommands belong to other features and are routed to them
here by their first word (any of their aliases), before the rhythm reads the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from handlers import payloads
from handlers.insights import commands as insights
from handlers.privacy import commands as privacy
from handlers.rhythm import commands as rhythm

Listener = Callable[..., None]
COMMAND = "/erfaring"

# first word → the listener that answers it (called with ack, respond, command, context).
ROUTES: Mapping[str, Listener] = {
    **dict.fromkeys(("export", "eksport"), privacy.on_export),
    **dict.fromkeys(("my-data", "mine-data"), privacy.on_my_data),
    **dict.fromkeys(("forget-me", "glem-meg"), privacy.on_forget_me),
    **dict.fromkeys(("stats", "statistikk"), insights.on_stats),
    **dict.fromkeys(("leaders", "ledere"), insights.on_leaders),
}


def route(text: str) -> Listener:
    """The listener for `/erfaring <text>`: the feature that owns its first word, else the rhythm."""
    first = text.split(maxsplit=1)[0].casefold() if text.strip() else ""
    return ROUTES.get(first, rhythm.on_erfaring)


def on_erfaring(ack: Ack, respond: Respond, command: dict[str, Any], context: BoltContext) -> None:
    listener = route(payloads.command(command).text)
    listener(ack=ack, respond=respond, command=command, context=context)
