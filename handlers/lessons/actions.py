"""Clicks: the 👍 Useful and ✅ I applied this buttons, "Save as lesson", "did you mean ...?", the
delete confirmation, the ⋯ menu of "my lessons", and posting a lesson in another channel."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.core import tags
from bot.lessons import flows, service, views
from bot.lessons.commands import LessonCommand, Verb, parse, parse_managed
from bot.lessons.data import TEXT_MAX
from bot.lessons.ids import ManageOption, VoteKind
from bot.lessons.views import ModalState
from handlers import payloads
from handlers.lessons import commands
from handlers.lessons.commands import Asker, Reply
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
        return
    if outcome.own or outcome.held_by:
        # The author of an anonymous lesson is answered in the channel's language: Slack is asked
        # nothing about them.
        tr = flows.language_for(
            deps, click.team_id, click.user_id, click.channel_id, anonymous=outcome.anonymous
        )
        note = views.own_vote(tr) if outcome.own else views.vote_held(tr, outcome.held_by)
        flows.tell(deps, click.team_id, click.user_id, note, click.channel_id, anonymous=outcome.anonymous)
    # A changed vote's refresh of the counts was stored with it (bot.lessons.delivery).


def save_message(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """More actions › Save as lesson: the lesson form, prefilled with the message as its author sees it;
    the lesson will be found by whoever may see the conversation the message was in."""
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
    failure = flows.open_lesson_form(deps, team_id, shortcut.trigger_id, state, tr)
    if failure:
        flows.tell(deps, team_id, user_id, views.form_failed(tr, failure))


def _asker(click: payloads.Action) -> Asker:
    return Asker(click.team_id, click.user_id, click.channel_id, click.trigger_id)


def run_meant(
    ack: Ack, respond: Respond, body: dict[str, Any], action: dict[str, Any], context: BoltContext
) -> None:
    """ "Did you mean ...?" › Run it: what the slip meant, answered in place of the question."""
    click = payloads.action(body, action)
    commands.run(
        deps_of(context), _asker(click), parse(click.value), Reply.to_click(ack, respond, replace=True)
    )


def share_typed(
    ack: Ack, respond: Respond, body: dict[str, Any], action: dict[str, Any], context: BoltContext
) -> None:
    """ "Did you mean ...?" › Share it as a lesson: the text as typed, shared with the person's name."""
    click = payloads.action(body, action)
    asked = LessonCommand(Verb.SHARE, click.value.strip())
    commands.run(deps_of(context), _asker(click), asked, Reply.to_click(ack, respond, replace=True))


def delete_confirmed(
    ack: Ack, respond: Respond, body: dict[str, Any], action: dict[str, Any], context: BoltContext
) -> None:
    """The delete confirmation's "Delete it": the lesson and its channel message go; an admin's delete
    of someone's named lesson is told to them."""
    deps = deps_of(context)
    click = payloads.action(body, action)
    ack()
    tr = flows.language_for(deps, click.team_id, click.user_id, click.channel_id)
    lesson_id = click.row_id
    if lesson_id is None:
        respond(text=views.lesson_gone(tr), response_type="ephemeral", replace_original=True)
        return
    try:
        deleted = flows.delete_lesson(deps, click.team_id, click.user_id, lesson_id)
    except service.NotFound:
        text = views.no_such_lesson(tr, lesson_id)
    except service.NotAllowed:
        text = views.not_yours(tr, lesson_id)
    else:
        text = views.deleted(tr, deleted.id)
    respond(text=text, response_type="ephemeral", replace_original=True)


def delete_kept(
    ack: Ack, respond: Respond, body: dict[str, Any], action: dict[str, Any], context: BoltContext
) -> None:
    deps = deps_of(context)
    click = payloads.action(body, action)
    ack()
    tr = flows.language_for(deps, click.team_id, click.user_id, click.channel_id)
    respond(text=views.kept(tr, click.row_id or 0), response_type="ephemeral", replace_original=True)


def manage(
    ack: Ack, respond: Respond, body: dict[str, Any], action: dict[str, Any], context: BoltContext
) -> None:
    """The ⋯ menu of one of "my lessons": Edit opens the form, Delete asks first."""
    deps = deps_of(context)
    click = payloads.action(body, action)
    picked = parse_managed(click.value)
    lesson_id = payloads.row_id(picked[1]) if picked else None
    reply = Reply.to_click(ack, respond)
    if picked is None or lesson_id is None:
        log.warning("a lesson menu choice that is no lesson (%d characters)", len(click.value))
        reply.now()
        return
    tr = flows.language_for(deps, click.team_id, click.user_id, click.channel_id)
    if picked[0] == ManageOption.EDIT:
        commands.open_edit(reply, deps, tr, _asker(click), lesson_id)
    elif picked[0] == ManageOption.DELETE:
        reply.now()
        commands.ask_delete(reply, deps, tr, _asker(click), lesson_id)
    else:
        reply.now()


def share_elsewhere(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """ "Post it in another channel", offered when a lesson could not be posted where it was shared."""
    deps = deps_of(context)
    click = payloads.action(body, action)
    ack()
    tr = flows.language_for(deps, click.team_id, click.user_id, click.channel_id)
    lesson_id = click.row_id
    try:
        if lesson_id is None:
            raise service.NotFound(0)
        text = flows.unposted_text(deps, click.team_id, click.user_id, lesson_id)
    except service.NotFound:
        flows.tell(deps, click.team_id, click.user_id, views.lesson_gone(tr), click.channel_id)
        return
    except service.NotAllowed:
        note = views.not_yours_to_post(tr, lesson_id or 0)
        flows.tell(deps, click.team_id, click.user_id, note, click.channel_id)
        return
    form = views.share_elsewhere_modal(tr, lesson_id, text)
    failure = flows.open_lesson_modal(deps, click.team_id, click.trigger_id, form)
    if failure:
        flows.tell(deps, click.team_id, click.user_id, views.form_failed(tr, failure), click.channel_id)
