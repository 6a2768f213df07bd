"""Privacy listeners: `/erfaring export`, `my-data` and `forget-me` (commands.py, routed by
handlers/commands.py), forget-me's buttons (actions.py), and the lifecycle events (events.py): a person
deactivated, the app uninstalled, and the middleware that counts any other request from a workspace as
"installed again". `register` only wires them.

The modules import bot.privacy.flows and bot.privacy.lifecycle, which register privacy's outbox
effects at start-up.
"""

from __future__ import annotations

from slack_bolt import App

from bot.privacy.ids import PrivacyAction
from handlers.privacy import actions, events

# What this feature needs Slack to send; the manifest test checks manifest.json against these.
COMMANDS: tuple[str, ...] = ()  # its subcommands are /erfaring's
SHORTCUTS: tuple[str, ...] = ()
EVENTS = (events.USER_CHANGE, events.APP_UNINSTALLED, events.TOKENS_REVOKED)


def register(app: App) -> None:
    app.middleware(events.installed_again)
    app.action(PrivacyAction.FORGET_DELETE.value)(actions.forget_chosen)
    app.action(PrivacyAction.FORGET_KEEP.value)(actions.forget_chosen)
    app.action(PrivacyAction.FORGET_CANCEL.value)(actions.forget_cancelled)
    app.event(events.USER_CHANGE)(events.on_user_change)
    app.event(events.APP_UNINSTALLED)(events.on_app_uninstalled)
    app.event(events.TOKENS_REVOKED)(events.on_tokens_revoked)
