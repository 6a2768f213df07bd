"""The Home's own buttons: share a lesson, find a mentor, cancel a request, and (admins) the settings
modals. A button that opens a modal acknowledges first and opens it within the trigger's 3 seconds;
the admin check comes between, asked afresh (a crafted click from someone else opens nothing)."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.home import flows
from handlers import payloads
from handlers.middleware import deps_of

# A channel id in a button's value (payloads reads Slack's ids in their places, not in values).
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{1,31}$")


def share_lesson(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    click = payloads.action(body, action)
    ack()
    flows.open_lesson_form(deps_of(context), click.team_id, click.user_id, click.trigger_id)


def find_mentor(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    click = payloads.action(body, action)
    ack()
    flows.open_request_form(deps_of(context), click.team_id, click.user_id, click.trigger_id)


def cancel_request(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """Stored first (the request is closed and the Home told), then acknowledged; the offer DMs the
    request had are updated after."""
    deps = deps_of(context)
    click = payloads.action(body, action)
    closed = flows.cancel_request(deps, click.team_id, click.user_id, click.row_id)
    ack()
    if closed is not None:
        flows.request_cancelled(deps, closed)


def edit_channel(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    click = payloads.action(body, action)
    ack()
    channel_id = click.value if _CHANNEL_ID.match(click.value) else None
    flows.open_channel_settings(deps_of(context), click.team_id, click.user_id, click.trigger_id, channel_id)


def add_channel(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    click = payloads.action(body, action)
    ack()
    flows.open_add_channel(deps_of(context), click.team_id, click.user_id, click.trigger_id)


def workspace_settings(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    click = payloads.action(body, action)
    ack()
    flows.open_workspace_settings(deps_of(context), click.team_id, click.user_id, click.trigger_id)


def questions(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    click = payloads.action(body, action)
    ack()
    flows.open_questions(deps_of(context), click.team_id, click.user_id, click.trigger_id)
