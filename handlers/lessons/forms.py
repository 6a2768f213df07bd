"""Submits: the lesson form (from /lesson, "Save as lesson", or a rhythm prompt's "Share a lesson"),
the author's edit form, and the form that posts a saved lesson in another channel."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.core import tags
from bot.lessons import delivery, flows, service, views
from bot.lessons.ids import LessonBlock, LessonOption, MetaKey
from handlers import payloads
from handlers.middleware import deps_of

log = logging.getLogger(__name__)


def _draft(form: payloads.Submission, *, anonymous: bool = False) -> service.LessonDraft:
    return service.LessonDraft(
        text=form.text(LessonBlock.TEXT),
        what_worked=form.text(LessonBlock.WHAT_WORKED) or None,
        to_improve=form.text(LessonBlock.TO_IMPROVE) or None,
        tags=tags.parse_list(form.text(LessonBlock.TAGS)),
        anonymous=anonymous,
        source_link=form.meta_str(MetaKey.SOURCE_LINK),
        prompt_post_id=form.meta_row_id(MetaKey.PROMPT_POST),
    )


def lesson_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    form = payloads.submission(body, view)
    channel_id = form.meta_id(MetaKey.CHANNEL)
    chosen = set(form.selected(LessonBlock.OPTIONS))
    anonymous = LessonOption.ANONYMOUS in chosen
    only_me = LessonOption.ONLY_ME in chosen
    tr = flows.language_for(deps, form.team_id, form.user_id, channel_id, anonymous=anonymous)
    draft = _draft(form, anonymous=anonymous)
    problems = service.validate(draft)
    if problems:
        ack(response_action="errors", errors={p.field: views.problem_message(tr, p) for p in problems})
        return
    wants_post = LessonOption.POST_HERE in chosen
    # "Post it in this channel" only posts: who can find the lesson is where it was shared (or Only me).
    post_in = delivery.SHARED_IN if wants_post and not only_me else None
    kept_private = only_me and wants_post
    notify = flows.notify(tr, form.user_id, channel_id, None, anonymous=anonymous)
    publication = flows.Publication(notify, post_in=post_in, confirm=not anonymous, kept_private=kept_private)
    lesson_id = flows.save_lesson(
        deps, form.team_id, form.user_id, draft, channel_id, only_me=only_me, publication=publication
    )
    ack()
    log.info("lesson %s saved in %s from the form", lesson_id, form.team_id)
    if anonymous:
        # Nothing about an anonymous author is stored, not even in the outbox: told at once instead.
        placement = flows.place_lesson(deps, form.team_id, lesson_id, channel_id, only_me=only_me)
        target = (
            placement.channel_id if post_in and placement.visibility not in ("author", "pending") else None
        )
        text = views.confirmation(tr, lesson_id, True, target, placement, kept_private=kept_private)
        flows.tell(deps, form.team_id, form.user_id, text, channel_id, anonymous=True)


def edit_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """The author's edit: stored before the ack; the lesson's channel message follows (chat.update)."""
    deps = deps_of(context)
    form = payloads.submission(body, view)
    channel_id = form.meta_id(MetaKey.CHANNEL)
    tr = deps.languages.for_person(form.team_id, form.user_id, channel_id)
    draft = _draft(form)
    problems = service.validate(draft)
    if problems:
        ack(response_action="errors", errors={p.field: views.problem_message(tr, p) for p in problems})
        return
    lesson_id = form.meta_row_id(MetaKey.LESSON)
    try:
        if lesson_id is None:
            raise service.NotFound(0)
        edited = flows.edit_lesson(deps, form.team_id, form.user_id, lesson_id, draft)
    except service.NotFound:
        ack(response_action="errors", errors={LessonBlock.TEXT: views.lesson_gone(tr)})
        return
    except service.NotAllowed:
        ack(
            response_action="errors",
            errors={LessonBlock.TEXT: views.not_yours(tr, lesson_id or 0, edit=True)},
        )
        return
    ack()
    # The channel message follows through the outbox (stored with the edit).
    text = views.edited(tr, edited.lesson_id, posted_in=edited.posted_in, anonymous=edited.anonymous)
    flows.tell(deps, form.team_id, form.user_id, text, channel_id, anonymous=edited.anonymous)


def share_elsewhere_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    """Post a saved lesson in the channel its author picked (the lesson is stored already)."""
    deps = deps_of(context)
    form = payloads.submission(body, view)
    tr = deps.languages.for_person(form.team_id, form.user_id)
    target = form.conversation(LessonBlock.WHERE)
    if target is None:
        ack(response_action="errors", errors={LessonBlock.WHERE: views.pick_a_channel(tr)})
        return
    lesson_id = form.meta_row_id(MetaKey.LESSON)
    try:
        if lesson_id is None:
            raise service.NotFound(0)
        notify = flows.notify(tr, form.user_id, target, None, anonymous=False)
        flows.share_elsewhere(deps, form.team_id, form.user_id, lesson_id, target, notify)
    except service.NotFound:
        flows.tell(deps, form.team_id, form.user_id, views.lesson_gone(tr))
    except service.NotAllowed:
        flows.tell(deps, form.team_id, form.user_id, views.not_yours_to_post(tr, lesson_id or 0))
    ack()  # the post (and what the author is told about it) was stored before the ack
