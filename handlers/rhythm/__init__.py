"""Weekly rhythm listeners: `/erfaring` (commands.py), the "Share a lesson" and "Undo" buttons (actions.py),
answers in a prompt's thread and the :raised_hand: reminder (events.py).

Bolt runs the first listener whose matchers match an event, so the message and reaction listeners
here match only what the rhythm handles; every other message or reaction reaches the catch-all in
handlers/__init__.py.
"""

from __future__ import annotations

from slack_bolt import App

from bot.rhythm.ids import COMMAND, RhythmAction
from handlers.rhythm import actions, events

# What this feature needs Slack to send; the manifest test checks manifest.json against these.
COMMANDS = (COMMAND,)
EVENTS = ("message.channels", "message.groups")


def register(app: App) -> None:
    # /erfaring itself is registered by handlers/__init__.py: handlers/commands.py routes the
    # subcommands other features own, and the rest to commands.on_erfaring.
    app.action(RhythmAction.SHARE_FROM_PROMPT)(actions.share_lesson)
    app.action(RhythmAction.SHARE_FROM_NOTE)(actions.share_lesson)
    app.action(RhythmAction.UNDO_REPLY)(actions.undo_reply)
    app.event("message", matchers=[events.is_thread_reply])(events.on_thread_reply)
    app.event("reaction_added", matchers=[events.is_raised_hand])(events.on_raised_hand)
