"""Insights listeners: `/erfaring stats [weeks]` and `/erfaring leaders …` (commands.py), routed to by
handlers/commands.py from `/erfaring`'s first word. Importing this package registers the outbox handler
that sends the monthly report (bot.insights.flows), so every process that serves can deliver it.
"""

from __future__ import annotations

from slack_bolt import App

# What this feature needs Slack to send: nothing of its own (`/erfaring` is the rhythm's command).
COMMANDS: tuple[str, ...] = ()
EVENTS: tuple[str, ...] = ()


def register(app: App) -> None:
    """Nothing to wire: the subcommands arrive through handlers/commands.py's ROUTES."""
