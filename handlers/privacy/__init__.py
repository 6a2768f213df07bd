"""Privacy listeners: `/erfaring export`, `my-data` and `forget-me` (commands.py, routed by
handlers/commands.py) and forget-me's buttons (actions.py). `register` only wires the buttons.

Both modules import bot.privacy.flows, which registers privacy's outbox effects at start-up.
"""

from __future__ import annotations

from slack_bolt import App

from bot.privacy.ids import PrivacyAction
from handlers.privacy import actions

# What this feature needs Slack to send; the manifest test checks manifest.json against these.
COMMANDS: tuple[str, ...] = ()  # its subcommands are /erfaring's
SHORTCUTS: tuple[str, ...] = ()
EVENTS: tuple[str, ...] = ()


def register(app: App) -> None:
    app.action(PrivacyAction.FORGET_DELETE.value)(actions.forget_chosen)
    app.action(PrivacyAction.FORGET_KEEP.value)(actions.forget_chosen)
    app.action(PrivacyAction.FORGET_CANCEL.value)(actions.forget_cancelled)
