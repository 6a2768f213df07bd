"""The "Share a lesson" button: on a weekly prompt, in the :raised_hand: reminder DM, and in the
note about a reply that could not be saved. All three open the lesson form for the prompt.

The "Undo" button in the note about a reply saved as a lesson: the lesson is taken back."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.rhythm import flows
from handlers import payloads
from handlers.middleware import deps_of


def share_lesson(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """The button's value is the prompt's id; anything else ("abc", "-1", 23 digits) is no prompt."""
    clicked = payloads.action(body, action)
    ack()
    flows.open_share_form(
        deps_of(context),
        team_id=clicked.team_id,
        user_id=clicked.user_id,
        trigger_id=clicked.trigger_id,
        post_id=clicked.row_id,
    )


def undo_reply(
    ack: Ack, respond: Respond, body: dict[str, Any], action: dict[str, Any], context: BoltContext
) -> None:
    """The button's value is the lesson's id; the note it sits in is replaced by what happened."""
    clicked = payloads.action(body, action)
    ack()
    text = flows.undo_reply(
        deps_of(context), team_id=clicked.team_id, user_id=clicked.user_id, lesson_id=clicked.row_id
    )
    respond(text=text, replace_original=True, response_type="ephemeral")
