"""forget-me's buttons. A click erases the person who clicked (never anyone a value names): the
erasure is one transaction, stored before the ack; posts and notes follow through the outbox."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.privacy import flows, views
from bot.privacy.ids import PrivacyAction
from handlers import payloads
from handlers.middleware import deps_of


def forget_chosen(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    """The person chose: delete their lessons, or keep them anonymously (read from the action id)."""
    deps = deps_of(context)
    click = payloads.action(body, action)
    # The person's language is asked before their data goes: afterwards there is nothing to ask about.
    tr = deps.languages.for_person(click.team_id, click.user_id, click.channel_id)
    keep = click.action_id == PrivacyAction.FORGET_KEEP
    erased = flows.forget(deps, click.team_id, click.user_id, keep_lessons=keep)
    ack()
    respond(text=views.forgotten(tr, erased), replace_original=True, response_type="ephemeral")


def forget_cancelled(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    deps = deps_of(context)
    click = payloads.action(body, action)
    ack()
    tr = deps.languages.for_person(click.team_id, click.user_id, click.channel_id)
    respond(text=views.forget_cancelled(tr), replace_original=True, response_type="ephemeral")
