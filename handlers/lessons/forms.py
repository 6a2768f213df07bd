"""The lesson modal's Submit: from /lesson, "Save as lesson", or a rhythm prompt's "Share a lesson"."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.core import tags
from bot.lessons import flows, service, views
from bot.lessons.ids import LessonBlock, LessonOption, MetaKey
from handlers import payloads
from handlers.middleware import deps_of

log = logging.getLogger(__name__)


def lesson_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    form = payloads.submission(body, view)
    channel_id = form.meta_id(MetaKey.CHANNEL)
    chosen = set(form.selected(LessonBlock.OPTIONS))
    anonymous = LessonOption.ANONYMOUS in chosen
    tr = flows.language_for(deps, form.team_id, form.user_id, channel_id, anonymous=anonymous)
    draft = service.LessonDraft(
        text=form.text(LessonBlock.TEXT),
        what_worked=form.text(LessonBlock.WHAT_WORKED) or None,
        to_improve=form.text(LessonBlock.TO_IMPROVE) or None,
        tags=tags.parse_list(form.text(LessonBlock.TAGS)),
        anonymous=anonymous,
        source_link=form.meta_str(MetaKey.SOURCE_LINK),
        prompt_post_id=form.meta_row_id(MetaKey.PROMPT_POST),
    )
    problems = service.validate(draft)
    if problems:
        ack(response_action="errors", errors={p.field: views.problem_message(tr, p) for p in problems})
        return
    lesson_id = flows.save_lesson(deps, form.team_id, form.user_id, draft)
    ack()
    log.info("lesson %s saved in %s from the form", lesson_id, form.team_id)
    target = channel_id if LessonOption.POST_HERE in chosen else None
    if target:
        result = flows.post_lesson(deps, form.team_id, lesson_id, target)
        if not result.ok:
            text = views.post_failed(tr, lesson_id, target, result.error or "unknown")
            flows.tell(deps, form.team_id, form.user_id, text)
            return
    text = views.confirmation(tr, lesson_id, draft.anonymous, target)
    flows.tell(deps, form.team_id, form.user_id, text, channel_id)
