"""Follow-ups on mentorships: a check-in after N days, a reminder when nobody answers, and an end
when the reminder goes unanswered too, so no mentorship is left dangling and holding a mentor's slot.

The schedule is `Mentorship.next_followup_at`; each step is claimed with a conditional UPDATE on the
row's current (round, unanswered, next_followup_at) (storage.mentoring.queries.claim_followup_step),
so two job runs never send the same step twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.mentoring.ids import EndReason, FollowUpAnswerKind, MentorshipStatus
from storage.mentoring import queries
from storage.mentoring.models import FollowUpAnswer, MentoringSettings, Mentorship

DEFAULT_FOLLOWUP_DAYS = 14
MIN_FOLLOWUP_DAYS = 1
MAX_FOLLOWUP_DAYS = 90
# The reminder follows an unanswered check-in after a week, or sooner when check-ins are more frequent.
REMINDER_AFTER_MAX = timedelta(days=7)


class StepKind(StrEnum):
    CHECK_IN = "check_in"
    REMINDER = "reminder"
    LAPSE = "lapse"  # the reminder went unanswered: the mentorship ends


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
    return queries.due_mentorship_ids(session, now, limit)


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
    answered = m.followup_round == 0 or queries.round_answered(session, m.id, m.followup_round)
    ended: EndReason | None = None
    if answered or m.unanswered == 0:
        kind, new_round, unanswered = StepKind.CHECK_IN, m.followup_round + 1, 1
        next_at: datetime | None = now + reminder_after(days)
    elif m.unanswered == 1:
        kind, new_round, unanswered = StepKind.REMINDER, m.followup_round, 2
        next_at = now + reminder_after(days)
    else:
        kind, new_round, unanswered, next_at = StepKind.LAPSE, m.followup_round, m.unanswered, None
        ended = EndReason.NO_ANSWER
    claimed = queries.claim_followup_step(
        session, m, round_=new_round, unanswered=unanswered, next_at=next_at, ended=ended, now=now
    )
    if not claimed:
        return None
    fresh = get_mentorship(session, m.id)
    assert fresh is not None
    return Step(kind, MentorshipRef.of(fresh), new_round)


def end(session: Session, mentorship_id: int, now: datetime, reason: EndReason) -> bool:
    return queries.end_mentorship(session, mentorship_id, now, reason)


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
    if not 1 <= round_ <= m.followup_round:
        return AnswerResult(Recorded.MISSING)  # no such follow-up was ever sent
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
        next_at = now + timedelta(days=followup_days(session, team_id))
        queries.reset_followups(session, m.id, round_, next_at)
    fresh = get_mentorship(session, m.id)
    assert fresh is not None
    return AnswerResult(Recorded.RECORDED, MentorshipRef.of(fresh), answer, ended_now)


def answers_for(session: Session, mentorship_id: int) -> list[tuple[str, int, str]]:
    """(user, round, answer) in the order given."""
    return queries.followup_answers(session, mentorship_id)
