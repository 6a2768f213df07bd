"""`/lesson ...`: share at once, open the form, search, list mine, edit, delete, help, and "did you
mean ...?" for a slip of the keyboard.

The answers are shared with the buttons that run what a slip meant (handlers.lessons.actions): `run`
takes a `Reply`, which for a command answers in the ack and through the response_url, and for a click
replaces the question it answers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.core.blockkit import given_back
from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.core.mrkdwn import escape
from bot.core.slack import Conversation
from bot.lessons import delivery, flows, search_flows, search_views, service, views
from bot.lessons.commands import LessonCommand, Verb, parse
from bot.lessons.data import AUTHOR, PENDING, Placement
from bot.lessons.views import ModalState
from handlers import payloads
from handlers.middleware import deps_of

log = logging.getLogger(__name__)

Blocks = list[dict[str, object]] | None


@dataclass(frozen=True)
class Asker:
    """Who asked, and where: a command's or a click's."""

    team_id: str
    user_id: str
    channel_id: str | None
    trigger_id: str | None
    response_url: str | None = None


@dataclass
class Reply:
    """How a request is answered. `now` acks (within Slack's 3 seconds), `later` answers through the
    response_url. A command's ack may carry the answer (`in_ack`); a click's may not, so its answers go
    through the response_url, the first one in place of the question it answers when `replace`."""

    ack: Ack
    respond: Respond
    in_ack: bool = True
    replace: bool = False
    _acked: bool = field(default=False, init=False)

    @classmethod
    def to_click(cls, ack: Ack, respond: Respond, *, replace: bool = False) -> Reply:
        return cls(ack, respond, in_ack=False, replace=replace)

    def now(self, text: str | None = None, blocks: Blocks = None) -> None:
        if self._acked:
            if text:
                self.later(text, blocks)
            return
        self._acked = True
        if text is not None and self.in_ack:
            self.ack(text=text, blocks=blocks, response_type="ephemeral")
            return
        self.ack()
        if text is not None:
            self.later(text, blocks)

    def later(self, text: str, blocks: Blocks = None) -> None:
        if not self._acked:
            self.now()
        replacing, self.replace = self.replace, False
        if replacing:
            self.respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=True)
        else:
            self.respond(text=text, blocks=blocks, response_type="ephemeral")


def lesson_command(ack: Ack, respond: Respond, command: dict[str, Any], context: BoltContext) -> None:
    cmd = payloads.command(command)
    asker = Asker(cmd.team_id, cmd.user_id, cmd.channel_id, cmd.trigger_id, cmd.response_url)
    run(deps_of(context), asker, parse(cmd.text), Reply(ack, respond))


def anonymous_intent(asked: LessonCommand) -> bool:
    """Whether the person means to share anonymously (also when a slip meant `/lesson anon ...`)."""
    if asked.verb is Verb.MEANT and asked.meant:
        return parse(asked.meant).anonymous
    return asked.anonymous


def run(deps: Deps, asker: Asker, asked: LessonCommand, reply: Reply) -> None:
    # Everything /lesson answers is seen by this person alone: their language (the post: the channel's).
    # Sharing anonymously asks Slack nothing about the person (flows.language_for).
    anonymous = anonymous_intent(asked)
    tr = flows.language_for(deps, asker.team_id, asker.user_id, asker.channel_id, anonymous=anonymous)
    if asked.verb is Verb.SHARE:
        share(reply, deps, tr, asker, asked)
    elif asked.verb is Verb.MODAL:
        _open_form(reply, deps, tr, asker, asked)
    elif asked.verb is Verb.SEARCH:
        _search(reply, deps, tr, asker, asked)
    elif asked.verb is Verb.MINE:
        rendered = views.my_lessons(tr, flows.my_lessons(deps, asker.team_id, asker.user_id))
        reply.now(rendered.text, rendered.blocks)
    elif asked.verb is Verb.DELETE:
        _ask_delete(reply, deps, tr, asker, asked)
    elif asked.verb is Verb.EDIT:
        _open_edit(reply, deps, tr, asker, asked)
    elif asked.verb is Verb.MEANT and asked.meant:
        _ask_meant(reply, deps, tr, asker, asked.text, asked.meant)
    else:
        rendered = views.help_text(tr, asked.text if asked.verb is Verb.UNKNOWN else None)
        reply.now(rendered.text, rendered.blocks)


def share(reply: Reply, deps: Deps, tr: Translator, asker: Asker, asked: LessonCommand) -> None:
    draft = service.LessonDraft(text=asked.text, anonymous=asked.anonymous)
    problems = service.validate(draft)
    if problems:
        # Refuse, but hand the text back in a form so nothing typed is lost.
        reply.now()
        notice = views.problems_notice(tr, problems)
        state = ModalState(
            text=asked.text, anonymous=asked.anonymous, channel_id=asker.channel_id, notice=notice
        )
        failure = flows.open_lesson_form(deps, asker.team_id, asker.trigger_id, state, tr)
        if failure:
            reply.later(notice + given_back(tr, asked.text))
        return
    notify = flows.notify(tr, asker.user_id, asker.channel_id, asker.response_url, anonymous=asked.anonymous)
    # Stored with what follows it (where it was shared, its post, what its author hears): one
    # transaction, delivered after the ack even if this process dies first.
    lesson_id = flows.save_lesson(
        deps,
        asker.team_id,
        asker.user_id,
        draft,
        asker.channel_id,
        publication=flows.Publication(notify, post_in=delivery.SHARED_IN),
    )
    # Who can find it goes into the ack when Slack says it in time; otherwise the ack says it is the
    # author's for now, and a note follows once Slack has said.
    placement = flows.place_quickly(deps, asker.team_id, lesson_id, asker.channel_id)
    shown = placement or Placement(PENDING, asker.channel_id, Conversation.UNKNOWN)
    # Where it will be posted is said once Slack has said what the conversation is (a DM is not posted).
    posting = shown.channel_id if placement is not None and shown.visibility != AUTHOR else None
    reply.now(views.confirmation(tr, lesson_id, asked.anonymous, posting, shown))
    log.info("lesson %s saved in %s", lesson_id, asker.team_id)
    if placement is None:
        flows.tell_reach_later(deps, asker.team_id, lesson_id, asker.channel_id, notify)


def _open_form(reply: Reply, deps: Deps, tr: Translator, asker: Asker, asked: LessonCommand) -> None:
    reply.now()
    state = ModalState(anonymous=asked.anonymous, channel_id=asker.channel_id)
    failure = flows.open_lesson_form(deps, asker.team_id, asker.trigger_id, state, tr)
    if failure:
        reply.later(views.form_failed(tr, failure, try_again=True))


def _search(reply: Reply, deps: Deps, tr: Translator, asker: Asker, asked: LessonCommand) -> None:
    """`/lesson search <words, #tags, in:#channel, from:@person>`: ack first, the results follow
    (who may see what, in:/from: names, authors' names and links ask Slack)."""
    if not asked.text:
        reply.now(search_views.search_what(tr))
        return
    reply.now()
    rendered = search_views.results(tr, search_flows.find(deps, asker.team_id, asker.user_id, asked.text))
    reply.later(rendered.text, rendered.blocks)


def _ask_delete(reply: Reply, deps: Deps, tr: Translator, asker: Asker, asked: LessonCommand) -> None:
    if asked.lesson_id is None:
        reply.now(views.which_lesson(tr))
        return
    reply.now()  # whether the person is an admin is Slack's to say: after the ack
    ask_delete(reply, deps, tr, asker, asked.lesson_id)


def ask_delete(reply: Reply, deps: Deps, tr: Translator, asker: Asker, lesson_id: int) -> None:
    """Deleting asks first (its author, or an admin): the lesson, and who will be told."""
    try:
        deletion = flows.deletion(deps, asker.team_id, asker.user_id, lesson_id)
    except service.NotFound:
        reply.later(views.no_such_lesson(tr, lesson_id))
        return
    except service.NotAllowed:
        reply.later(views.not_yours(tr, lesson_id))
        return
    rendered = views.delete_question(tr, deletion)
    reply.later(rendered.text, rendered.blocks)


def _open_edit(reply: Reply, deps: Deps, tr: Translator, asker: Asker, asked: LessonCommand) -> None:
    if asked.lesson_id is None:
        reply.now(views.which_lesson(tr, edit=True))
        return
    open_edit(reply, deps, tr, asker, asked.lesson_id)


def open_edit(reply: Reply, deps: Deps, tr: Translator, asker: Asker, lesson_id: int) -> None:
    """The author's edit form for a lesson (others are told only its author may edit it)."""
    try:
        lesson = flows.editable(deps, asker.team_id, asker.user_id, lesson_id)
    except service.NotFound:
        reply.now(views.no_such_lesson(tr, lesson_id))
        return
    except service.NotAllowed:
        reply.now(views.not_yours(tr, lesson_id, edit=True))
        return
    reply.now()
    form = views.edit_modal(tr, lesson, channel_id=asker.channel_id)
    failure = flows.open_lesson_modal(deps, asker.team_id, asker.trigger_id, form)
    if failure:
        reply.later(views.form_failed(tr, failure, try_again=True))


def _ask_meant(reply: Reply, deps: Deps, tr: Translator, asker: Asker, typed: str, meant: str) -> None:
    """ "Did you mean `/lesson search deploy`?" Nothing is stored until the person chooses."""
    if len(typed) <= views.VALUE_MAX and len(meant) <= views.VALUE_MAX:
        rendered = views.meant_question(tr, typed, meant)
        reply.now(rendered.text, rendered.blocks)
        return
    # Too long for the buttons to carry: the text goes into the form instead, saved only when sent.
    reply.now()
    state = ModalState(text=typed, channel_id=asker.channel_id, notice=views.meant_notice(tr, meant))
    failure = flows.open_lesson_form(deps, asker.team_id, asker.trigger_id, state, tr)
    if failure:
        reply.later(escape(views.meant_notice(tr, meant)) + given_back(tr, typed))
