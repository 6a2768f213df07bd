"""Follow-ups on mentorships: a check-in after N days, a reminder when nobody answers, and an end
when the reminder goes unanswered too, so no mentorship is left dangling and holding a mentor's slot.

The schedule is `Mentorship.next_followup_at`; each step is claimed with a conditional UPDATE on the
row's current (round, unanswered, next_followup_at), so two job runs never send the same step twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.mentoring.requests import MentorshipStatus
from storage.db import rowcount
from storage.mentoring.models import FollowUpAnswer, MentoringSettings, Mentorship

DEFAULT_FOLLOWUP_DAYS = 14
MIN_FOLLOWUP_DAYS = 1
MAX_FOLLOWUP_DAYS = 90
# The reminder follows an unanswered check-in after a week, or sooner when check-ins are more frequent.
REMINDER_AFTER_MAX = timedelta(days=7)


class FollowUpAnswerKind(StrEnum):
    GOING_WELL = "going_well"
    NEED_HELP = "need_help"
    DONE = "done"


class StepKind(StrEnum):
    CHECK_IN = "check_in"
    REMINDER = "reminder"
    LAPSE = "lapse"  # the reminder went unanswered: the mentorship ends


class EndReason(StrEnum):
    DONE = "done"
    NO_ANSWER = "no_answer"
    LEFT = "left"


def followup_days(session: Session, team_id: str) -> int:
    settings = session.get(MentoringSettings, team_id)
    return settings.followup_days if settings else DEFAULT_FOLLOWUP_DAYS


def set_followup_days(session: Session, team_id: str, days: int, user_id: str, now: datetime) -> None:
    if not MIN_FOLLOWUP_DAYS <= days <= MAX_FOLLOWUP_DAYS:
        raise ValueError(days)
    settings = session.get(MentoringSettings, team_id)
    if settings is None:
        try:
            with session.begin_nested():
                session.add(
                    MentoringSettings(team_id=team_id, followup_days=days, updated_by=user_id, updated_at=now)
                )
            return
        except IntegrityError:
            settings = session.get(MentoringSettings, team_id, populate_existing=True)
            assert settings is not None
    settings.followup_days = days
    settings.updated_by = user_id
    settings.updated_at = now
    session.flush()


def reminder_after(days: int) -> timedelta:
    return min(REMINDER_AFTER_MAX, timedelta(days=days))


@dataclass(frozen=True)
class MentorshipRef:
    id: int
    team_id: str
    request_id: int
    mentor_id: str
    mentee_id: str
    topic: str
    channel_id: str | None
    status: str
    started_at: datetime
    followup_round: int

    @classmethod
    def of(cls, m: Mentorship) -> MentorshipRef:
        return cls(
            m.id,
            m.team_id,
            m.request_id,
            m.mentor_id,
            m.mentee_id,
            m.topic,
            m.channel_id,
            m.status,
            m.started_at,
            m.followup_round,
        )

    def other(self, user_id: str) -> str:
        return self.mentee_id if user_id == self.mentor_id else self.mentor_id


def get_mentorship(session: Session, mentorship_id: int) -> Mentorship | None:
    return session.get(Mentorship, mentorship_id, populate_existing=True)


def due(session: Session, now: datetime, limit: int = 200) -> list[int]:
    return list(
        session.scalars(
            select(Mentorship.id)
            .where(Mentorship.status == MentorshipStatus.ACTIVE, Mentorship.next_followup_at <= now)
            .order_by(Mentorship.next_followup_at, Mentorship.id)
            .limit(limit)
        )
    )


def _answered(session: Session, mentorship_id: int, round_: int) -> bool:
    found = session.scalar(
        select(FollowUpAnswer.id)
        .where(FollowUpAnswer.mentorship_id == mentorship_id, FollowUpAnswer.round == round_)
        .limit(1)
    )
    return found is not None


@dataclass(frozen=True)
class Step:
    kind: StepKind
    mentorship: MentorshipRef
    round: int  # the round the buttons answer


def claim_step(session: Session, mentorship_id: int, now: datetime) -> Step | None:
    """The follow-up that is due now, claimed so that nobody else sends it; None when none is due."""
    m = get_mentorship(session, mentorship_id)
    if m is None or m.status != MentorshipStatus.ACTIVE or m.next_followup_at is None:
        return None
    if m.next_followup_at > now:
        return None
    days = followup_days(session, m.team_id)
    answered = m.followup_round == 0 or _answered(session, m.id, m.followup_round)
    if answered or m.unanswered == 0:
        kind, new_round, unanswered = StepKind.CHECK_IN, m.followup_round + 1, 1
        next_at: datetime | None = now + reminder_after(days)
    elif m.unanswered == 1:
        kind, new_round, unanswered = StepKind.REMINDER, m.followup_round, 2
        next_at = now + reminder_after(days)
    else:
        kind, new_round, unanswered, next_at = StepKind.LAPSE, m.followup_round, m.unanswered, None
    values: dict[str, Any] = {
        "followup_round": new_round,
        "unanswered": unanswered,
        "next_followup_at": next_at,
    }
    if kind is StepKind.LAPSE:
        values.update(status=MentorshipStatus.ENDED, ended_at=now, ended_reason=EndReason.NO_ANSWER)
    result = session.execute(
        update(Mentorship)
        .where(
            Mentorship.id == m.id,
            Mentorship.status == MentorshipStatus.ACTIVE,
            Mentorship.followup_round == m.followup_round,
            Mentorship.unanswered == m.unanswered,
            Mentorship.next_followup_at == m.next_followup_at,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if not rowcount(result):
        return None
    fresh = get_mentorship(session, m.id)
    assert fresh is not None
    return Step(kind, MentorshipRef.of(fresh), new_round)


def end(session: Session, mentorship_id: int, now: datetime, reason: EndReason) -> bool:
    result = session.execute(
        update(Mentorship)
        .where(Mentorship.id == mentorship_id, Mentorship.status == MentorshipStatus.ACTIVE)
        .values(status=MentorshipStatus.ENDED, ended_at=now, ended_reason=reason, next_followup_at=None)
        .execution_options(synchronize_session=False)
    )
    return bool(rowcount(result))


class Recorded(StrEnum):
    RECORDED = "recorded"
    DUPLICATE = "duplicate"  # this person already answered this round: nothing changes
    NOT_YOURS = "not_yours"
    ENDED = "ended"  # the mentorship had already ended
    MISSING = "missing"


@dataclass(frozen=True)
class AnswerResult:
    outcome: Recorded
    mentorship: MentorshipRef | None = None
    answer: FollowUpAnswerKind | None = None
    ended_now: bool = False


def record_answer(
    session: Session,
    *,
    team_id: str,
    mentorship_id: int,
    user_id: str,
    round_: int,
    answer: FollowUpAnswerKind,
    now: datetime,
) -> AnswerResult:
    m = get_mentorship(session, mentorship_id)
    if m is None or m.team_id != team_id:
        return AnswerResult(Recorded.MISSING)
    if user_id not in (m.mentor_id, m.mentee_id):
        return AnswerResult(Recorded.NOT_YOURS, MentorshipRef.of(m))
    if m.status != MentorshipStatus.ACTIVE:
        return AnswerResult(Recorded.ENDED, MentorshipRef.of(m))
    try:
        with session.begin_nested():
            session.add(
                FollowUpAnswer(
                    team_id=team_id, mentorship_id=m.id, user_id=user_id, round=round_, answer=answer, at=now
                )
            )
    except IntegrityError:
        return AnswerResult(Recorded.DUPLICATE, MentorshipRef.of(m))
    ended_now = False
    if answer is FollowUpAnswerKind.DONE:
        ended_now = end(session, m.id, now, EndReason.DONE)
    else:
        # Answered: the next check-in comes a full interval from now.
        session.execute(
            update(Mentorship)
            .where(
                Mentorship.id == m.id,
                Mentorship.status == MentorshipStatus.ACTIVE,
                Mentorship.followup_round == round_,
            )
            .values(unanswered=0, next_followup_at=now + timedelta(days=followup_days(session, team_id)))
            .execution_options(synchronize_session=False)
        )
    fresh = get_mentorship(session, m.id)
    assert fresh is not None
    return AnswerResult(Recorded.RECORDED, MentorshipRef.of(fresh), answer, ended_now)


def answers_for(session: Session, mentorship_id: int) -> list[tuple[str, int, str]]:
    """(user, round, answer) in the order given."""
    rows = session.execute(
        select(FollowUpAnswer.user_id, FollowUpAnswer.round, FollowUpAnswer.answer)
        .where(FollowUpAnswer.mentorship_id == mentorship_id)
        .order_by(FollowUpAnswer.at, FollowUpAnswer.id)
    )
    return [(str(u), int(r), str(a)) for u, r, a in rows]
