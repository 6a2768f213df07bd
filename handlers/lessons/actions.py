"""Clicks: the 👍 Useful and ✅ I applied this buttons, and the "Save as lesson" message shortcut."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.core import tags
from bot.lessons import flows, service, views
from bot.lessons.data import TEXT_MAX
from bot.lessons.ids import VoteKind
from bot.lessons.views import ModalState
from handlers import payloads
from handlers.middleware import deps_of

log = logging.getLogger(__name__)


def vote_useful(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    _vote(ack, body, action, context, VoteKind.USEFUL)


def vote_applied(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    _vote(ack, body, action, context, VoteKind.APPLIED)


def _vote(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, kind: VoteKind
) -> None:
    deps = deps_of(context)
    click = payloads.action(body, action)
    lesson_id = click.row_id
    outcome = flows.vote(deps, click.team_id, click.user_id, lesson_id, kind) if lesson_id else None
    ack()
    if outcome is None:
        log.warning("a %s vote whose button value is no lesson id (%d characters)", kind, len(click.value))
    if outcome is None or not outcome.found:
        tr = flows.language_for(deps, click.team_id, click.user_id, click.channel_id)
        flows.tell(deps, click.team_id, click.user_id, views.lesson_gone(tr), click.channel_id)
    elif outcome.changed and lesson_id:
        flows.refresh_lesson_message(deps, click.team_id, lesson_id)


def save_message(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """More actions › Save as lesson: the lesson form, prefilled with the message as its author sees it."""
    shortcut = payloads.message_shortcut(body)
    ack()
    if shortcut.message_ts is None:
        log.warning("a Save as lesson shortcut without a message; nothing to save")
        return
    deps = deps_of(context)
    team_id, user_id, channel_id = shortcut.team_id, shortcut.user_id, shortcut.channel_id
    tr = flows.language_for(deps, team_id, user_id, channel_id)
    text = deps.slack.readable(team_id, shortcut.text.raw)
    too_long = service.validate(service.LessonDraft(text=text)) if len(text) > TEXT_MAX else []
    state = ModalState(
        text=text,
        tags=tags.extract(text),
        channel_id=channel_id,
        source_link=views.message_link(shortcut.team_domain, channel_id, shortcut.message_ts),
        notice=views.problems_notice(tr, too_long) if too_long else None,
    )
    failure = flows.open_lesson_modal(deps, team_id, shortcut.trigger_id, views.lesson_modal(tr, state))
    if failure:
        flows.tell(deps, team_id, user_id, views.form_failed(tr, failure))
