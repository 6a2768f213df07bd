"""Follow-ups in Slack: send a claimed step (check-in, reminder, or the end after no answers), and act
on an answer (update the DM, tell the admins on "Need help", free the mentor's place on "We're done")."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.core.deps import Deps
from bot.core.slack import error_code
from bot.mentoring import followups, notices, views
from bot.mentoring.flows import Presence, rematch_waiting, send_dm
from bot.mentoring.followups import (
    AnswerResult,
    EndReason,
    FollowUpAnswerKind,
    MentorshipRef,
    Recorded,
    Step,
    StepKind,
)
from storage.mentoring.models import MentorProfile, MentorTopic

log = logging.getLogger(__name__)


def mentor_topics(deps: Deps, team_id: str, mentor_id: str) -> list[str]:
    with deps.db.session() as session:
        return list(
            session.scalars(
                select(MentorTopic.topic)
                .join(MentorProfile, MentorProfile.id == MentorTopic.profile_id)
                .where(MentorProfile.team_id == team_id, MentorProfile.user_id == mentor_id)
            )
        )


def place_freed(deps: Deps, m: MentorshipRef, presence: Presence | None = None) -> int:
    """A mentorship ended: the mentor has room again for requests that wait on their topics."""
    return rematch_waiting(
        deps, team_id=m.team_id, topics=mentor_topics(deps, m.team_id, m.mentor_id), presence=presence
    )


def send_step(deps: Deps, step: Step, presence: Presence) -> None:
    m = step.mentorship
    tr = deps.translator_for(m.team_id)
    if step.kind is StepKind.LAPSE:
        for person in (m.mentor_id, m.mentee_id):
            send_dm(deps, person, notices.lapsed(tr, m.other(person), m.topic))
        place_freed(deps, m, presence)
        return
    gone = [person for person in (m.mentor_id, m.mentee_id) if presence.gone(m.team_id, person)]
    if gone:
        with deps.db.session() as session:
            ended = followups.end(session, m.id, deps.clock.now(), EndReason.LEFT)
        if ended:
            for person in (m.mentor_id, m.mentee_id):
                if person not in gone:
                    send_dm(deps, person, notices.partner_left(tr, m.other(person), m.topic))
            if m.mentor_id not in gone:
                place_freed(deps, m, presence)
        return
    for person in (m.mentor_id, m.mentee_id):
        card = views.FollowUpCard(
            mentorship_id=m.id,
            round=step.round,
            other_id=m.other(person),
            topic=m.topic,
            reminder=step.kind is StepKind.REMINDER,
        )
        rendered = views.followup_dm(tr, card)
        send_dm(deps, person, rendered.text, rendered.blocks)


def after_answer(
    deps: Deps,
    result: AnswerResult,
    *,
    user_id: str,
    round_: int,
    channel_id: str | None,
    message_ts: str | None,
) -> None:
    """What an answer sets off, after it is stored and acknowledged."""
    m = result.mentorship
    if result.outcome is not Recorded.RECORDED or m is None or result.answer is None:
        return
    tr = deps.translator_for(m.team_id)
    card = views.FollowUpCard(mentorship_id=m.id, round=round_, other_id=m.other(user_id), topic=m.topic)
    if channel_id and message_ts:
        rendered = views.followup_answered(tr, card, result.answer)
        try:
            deps.client.chat_update(
                channel=channel_id, ts=message_ts, text=rendered.text, blocks=rendered.blocks
            )
        except SlackApiError as exc:
            log.warning("updating a follow-up DM failed: %s", error_code(exc))
    if result.answer is FollowUpAnswerKind.NEED_HELP:
        text = notices.need_help_for_admins(tr, user_id, m.mentor_id, m.mentee_id, m.topic)
        reached = [admin for admin in sorted(deps.settings.admins) if send_dm(deps, admin, text)]
        if not reached:
            log.warning("a mentoring 'need help' reached no admin (ERFARING_ADMINS is empty or DMs failed)")
            send_dm(deps, user_id, notices.no_admin_reached(tr))
    elif result.answer is FollowUpAnswerKind.DONE and result.ended_now:
        send_dm(deps, m.other(user_id), notices.partner_ended(tr, user_id, m.topic))
        if m.channel_id:
            try:
                deps.client.chat_postMessage(channel=m.channel_id, text=notices.group_closing(tr, m.topic))
            except SlackApiError as exc:
                log.warning("the closing note in mentorship %s failed: %s", m.id, error_code(exc))
        place_freed(deps, m)
