"""The offer and request forms, submitted. A problem the person can fix is answered on its field
and the form stays open; what was typed is stored first, then acknowledged, then the slow work."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.mentoring import flows, notices, profiles, requests, views
from bot.mentoring.ids import MentorBlock
from handlers import payloads
from handlers.middleware import deps_of

log = logging.getLogger(__name__)


def offer_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    form = payloads.submission(body, view)
    channel_id = form.meta_id(views.CHANNEL_KEY)
    tr = deps.languages.for_person(form.team_id, form.user_id, channel_id)
    draft = profiles.ProfileDraft(
        topics=profiles.parse_topics(form.text(MentorBlock.TOPICS)),
        capacity=profiles.parse_capacity(form.selected_one(MentorBlock.CAPACITY)),
        unit=form.text(MentorBlock.UNIT).strip() or None,
        bio=form.text(MentorBlock.BIO).strip() or None,
    )
    problems = profiles.validate(draft)
    if problems:
        errors = {str(p.field): views.profile_problem(tr, p.field, p.code, p.limit) for p in problems}
        ack(response_action="errors", errors=errors)
        return
    with deps.db.session() as session:
        result = profiles.save_offer(
            session,
            team_id=form.team_id,
            user_id=form.user_id,
            topics=draft.topics,
            now=deps.clock.now(),
            replace_topics=True,
            capacity=draft.capacity,
            unit=draft.unit,
            bio=draft.bio,
        )
    ack()
    log.info("mentor profile saved in %s from the form", form.team_id)
    flows.offer_form_saved(deps, form.team_id, form.user_id, channel_id, result.profile)


def request_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    form = payloads.submission(body, view)
    channel_id = form.meta_id(views.CHANNEL_KEY)
    tr = deps.languages.for_person(form.team_id, form.user_id, channel_id)
    typed_topic = form.text(MentorBlock.REQUEST_TOPIC)
    topic = profiles.normalize_topic(typed_topic)
    if not topic:
        problem = (
            notices.topic_not_a_mention(tr)
            if profiles.is_mention(typed_topic)
            else notices.request_topic_missing(tr)
        )
        ack(response_action="errors", errors={str(MentorBlock.REQUEST_TOPIC): problem})
        return
    with deps.db.session() as session:
        created = requests.create_request(
            session,
            team_id=form.team_id,
            requester_id=form.user_id,
            topic=topic,
            note=form.text(MentorBlock.REQUEST_NOTE).strip() or None,
            now=deps.clock.now(),
        )
    if not created.created:
        ack(
            response_action="errors",
            errors={str(MentorBlock.REQUEST_TOPIC): notices.already_requested_field(tr)},
        )
        return
    ack()
    log.info("mentor request %s saved in %s from the form", created.request.id, form.team_id)
    flows.request_form_saved(
        deps,
        created.request.id,
        team_id=form.team_id,
        user_id=form.user_id,
        channel_id=channel_id,
        topic=topic,
    )
