"""`/lesson ...`: share at once, open the form, search, list mine, delete, help."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.core.blockkit import given_back
from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.lessons import flows, service, views
from bot.lessons.commands import LessonCommand, Verb, parse
from bot.lessons.views import ModalState
from handlers import payloads
from handlers.lessons import search
from handlers.middleware import deps_of

log = logging.getLogger(__name__)


def lesson_command(ack: Ack, respond: Respond, command: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    cmd = payloads.command(command)
    asked = parse(cmd.text)
    # Everything /lesson answers is seen by this person alone: their language (the post: the channel's).
    tr = flows.language_for(deps, cmd.team_id, cmd.user_id, cmd.channel_id, anonymous=asked.anonymous)
    if asked.verb is Verb.SHARE:
        _share(ack, respond, deps, tr, cmd, asked)
    elif asked.verb is Verb.MODAL:
        _open_form(ack, respond, deps, tr, cmd, asked)
    elif asked.verb is Verb.SEARCH:
        search.search_command(ack, respond, deps, tr, cmd, asked.text)
    elif asked.verb is Verb.MINE:
        rendered = views.my_lessons(tr, flows.my_lessons(deps, cmd.team_id, cmd.user_id))
        ack(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral")
    elif asked.verb is Verb.DELETE:
        _delete(ack, respond, deps, tr, cmd, asked)
    else:
        rendered = views.help_text(tr, asked.text if asked.verb is Verb.UNKNOWN else None)
        ack(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral")


def _share(
    ack: Ack, respond: Respond, deps: Deps, tr: Translator, cmd: payloads.Command, asked: LessonCommand
) -> None:
    draft = service.LessonDraft(text=asked.text, anonymous=asked.anonymous)
    problems = service.validate(draft)
    if problems:
        # Refuse, but hand the text back in a form so nothing typed is lost.
        ack()
        notice = views.problems_notice(tr, problems)
        state = ModalState(
            text=asked.text, anonymous=asked.anonymous, channel_id=cmd.channel_id, notice=notice
        )
        failure = flows.open_lesson_modal(deps, cmd.team_id, cmd.trigger_id, views.lesson_modal(tr, state))
        if failure:
            respond(text=notice + given_back(tr, asked.text), response_type="ephemeral")
        return
    lesson_id = flows.save_lesson(deps, cmd.team_id, cmd.user_id, draft)
    ack(text=views.confirmation(tr, lesson_id, asked.anonymous, cmd.channel_id), response_type="ephemeral")
    log.info("lesson %s saved in %s", lesson_id, cmd.team_id)
    result = flows.post_lesson(deps, cmd.team_id, lesson_id, cmd.channel_id)
    if not result.ok:
        text = views.post_failed(tr, lesson_id, cmd.channel_id, result.error or "unknown")
        respond(text=text, response_type="ephemeral")


def _open_form(
    ack: Ack, respond: Respond, deps: Deps, tr: Translator, cmd: payloads.Command, asked: LessonCommand
) -> None:
    ack()
    state = ModalState(anonymous=asked.anonymous, channel_id=cmd.channel_id)
    failure = flows.open_lesson_modal(deps, cmd.team_id, cmd.trigger_id, views.lesson_modal(tr, state))
    if failure:
        respond(text=views.form_failed(tr, failure, try_again=True))


def _delete(
    ack: Ack, respond: Respond, deps: Deps, tr: Translator, cmd: payloads.Command, asked: LessonCommand
) -> None:
    if asked.lesson_id is None:
        ack(text=views.which_lesson(tr))
        return
    ack()
    try:
        deleted = flows.delete_lesson(deps, cmd.team_id, cmd.user_id, asked.lesson_id)
    except service.NotFound:
        respond(text=views.no_such_lesson(tr, asked.lesson_id), response_type="ephemeral")
        return
    except service.NotAllowed:
        respond(text=views.not_yours(tr, asked.lesson_id), response_type="ephemeral")
        return
    respond(text=views.deleted(tr, deleted.id), response_type="ephemeral")
