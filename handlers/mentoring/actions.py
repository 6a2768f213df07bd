"""Buttons: Accept / Decline / Decline and pause me on the offer DM, and the follow-up answers.

A click is stored (a transition claimed in the database, so a double click changes nothing), then
acknowledged; the DM updates, introductions and the next mentor come after. A value that is not one
of ours (not an id, not "mentorship:round") is acknowledged and ignored.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.mentoring import flows, followups, notices, requests, views
from bot.mentoring.followups import Recorded
from bot.mentoring.ids import FollowUpAnswerKind, MentorAction
from bot.mentoring.requests import Outcome
from handlers import payloads
from handlers.middleware import deps_of

log = logging.getLogger(__name__)


def followup_value(value: str) -> tuple[int, int] | None:
    """A follow-up button's value, "mentorship:round" (views.followup_value), as two ids; None
    when it is anything else."""
    mentorship, sep, round_ = value.partition(":")
    mentorship_id, round_number = payloads.row_id(mentorship), payloads.row_id(round_)
    if not sep or mentorship_id is None or round_number is None:
        return None
    return mentorship_id, round_number


# -- the offer DM --------------------------------------------------------------------------------------


def accept_offer(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    answer_offer(ack, body, action, respond, context, MentorAction.ACCEPT)


def decline_offer(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    answer_offer(ack, body, action, respond, context, MentorAction.DECLINE)


def decline_and_pause(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    answer_offer(ack, body, action, respond, context, MentorAction.DECLINE_PAUSE)


def answer_offer(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    context: BoltContext,
    kind: MentorAction,
) -> None:
    deps = deps_of(context)
    click = payloads.action(body, action)
    offer_id = click.row_id
    if offer_id is None:
        ack()
        return
    now = deps.clock.now()
    with deps.db.session() as session:
        if kind is MentorAction.ACCEPT:
            answer = requests.accept(
                session,
                team_id=click.team_id,
                offer_id=offer_id,
                user_id=click.user_id,
                now=now,
                followup_days=followups.followup_days(session, click.team_id),
            )
        else:
            answer = requests.decline(
                session,
                team_id=click.team_id,
                offer_id=offer_id,
                user_id=click.user_id,
                now=now,
                pause=kind is MentorAction.DECLINE_PAUSE,
            )
    ack()
    if answer.outcome is Outcome.NOT_YOURS:
        tr = deps.languages.for_person(click.team_id, click.user_id, click.channel_id)
        respond(text=views.not_for_you(tr), response_type="ephemeral", replace_original=False)
        return
    if answer.outcome is Outcome.DONE:
        log.info("offer %s answered: %s", offer_id, kind.value)
    flows.offer_answered(deps, answer, paused=kind is MentorAction.DECLINE_PAUSE)


# -- follow-ups ----------------------------------------------------------------------------------------


def followup_going_well(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    answer_followup(ack, body, action, respond, context, FollowUpAnswerKind.GOING_WELL)


def followup_need_help(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    answer_followup(ack, body, action, respond, context, FollowUpAnswerKind.NEED_HELP)


def followup_done(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    answer_followup(ack, body, action, respond, context, FollowUpAnswerKind.DONE)


def answer_followup(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    context: BoltContext,
    answer: FollowUpAnswerKind,
) -> None:
    deps = deps_of(context)
    click = payloads.action(body, action)
    parsed = followup_value(click.value)
    if parsed is None:
        ack()
        return
    mentorship_id, round_ = parsed
    with deps.db.session() as session:
        result = followups.record_answer(
            session,
            team_id=click.team_id,
            mentorship_id=mentorship_id,
            user_id=click.user_id,
            round_=round_,
            answer=answer,
            now=deps.clock.now(),
        )
    ack()
    if result.outcome is Recorded.ENDED and flows.followup_ended(
        deps,
        team_id=click.team_id,
        user_id=click.user_id,
        mentorship_id=mentorship_id,
        channel_id=click.channel_id,
        message_ts=click.message_ts,
    ):
        return  # the DM's buttons gave way to how the mentorship ended
    if result.outcome in (Recorded.NOT_YOURS, Recorded.ENDED):
        tr = deps.languages.for_person(click.team_id, click.user_id, click.channel_id)
        text = views.not_for_you(tr) if result.outcome is Recorded.NOT_YOURS else notices.mentorship_over(tr)
        respond(text=text, response_type="ephemeral", replace_original=False)
        return
    flows.followup_answered(
        deps,
        result,
        user_id=click.user_id,
        round_=round_,
        channel_id=click.channel_id,
        message_ts=click.message_ts,
    )
