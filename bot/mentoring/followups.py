"""Follow-ups on mentorships: a check-in after N days, a reminder when nobody answers, and an end
when the reminder goes unanswered too, so no mentorship is left dangling and holding a mentor's slot.

The schedule is `Mentorship.next_followup_at`; each step is claimed with a conditional UPDATE on the
row's current (status, round, unanswered, next_followup_at) (storage.mentoring.queries
.claim_followup_step), so two job runs never send the same step twice.

Each person gets a step in their own working hours (bot.mentoring.timing): the caller says when each
may be messaged. A step that is due when neither may be waits; one that is due while only one may be
goes to that one, and the other's copy waits on the same row (WAITS_FOR_MENTOR / WAITS_FOR_MENTEE in
`unanswered`, with `next_followup_at` when it goes out) until it is their morning. An answer from
either meanwhile settles the round, so the waiting copy is dropped; the note that a mentorship was
closed (no answers, or the other person left) still goes out when its reader's day starts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.mentoring.ids import EndReason, FollowUpAnswerKind, MentorshipStatus
from storage.mentoring import queries
from storage.mentoring.models import FollowUpAnswer, MentoringSettings, Mentorship
from storage.mentoring.states import WAITS_FOR_MENTEE, WAITS_FOR_MENTOR

DEFAULT_FOLLOWUP_DAYS = 14
MIN_FOLLOWUP_DAYS = 1
MAX_FOLLOWUP_DAYS = 90
# The reminder follows an unanswered check-in after a week, or sooner when check-ins are more frequent.
REMINDER_AFTER_MAX = timedelta(days=7)


class StepKind(StrEnum):
    CHECK_IN = "check_in"
    REMINDER = "reminder"
    LAPSE = "lapse"  # the reminder went unanswered: the mentorship ends
    LEFT = "left"  # the other person left the workspace: the note that the mentorship ended


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

    @property
    def people(self) -> tuple[str, str]:
        return self.mentor_id, self.mentee_id

    def other(self, user_id: str) -> str:
        return self.mentee_id if user_id == self.mentor_id else self.mentor_id


def unanswered_count(m: Mentorship) -> int:
    """How many follow-ups of the current round went unanswered, without the waiting flag."""
    return m.unanswered % WAITS_FOR_MENTOR


def waiting_for(m: Mentorship) -> str | None:
    """Whose copy of the latest step waits for their working hours, if anyone's."""
    flag = m.unanswered - unanswered_count(m)
    if flag == WAITS_FOR_MENTOR:
        return m.mentor_id
    if flag == WAITS_FOR_MENTEE:
        return m.mentee_id
    return None


def _flag(m: Mentorship, person: str) -> int:
    return WAITS_FOR_MENTOR if person == m.mentor_id else WAITS_FOR_MENTEE


def get_mentorship(session: Session, mentorship_id: int) -> Mentorship | None:
    return session.get(Mentorship, mentorship_id, populate_existing=True)


def due(session: Session, now: datetime, limit: int = 200) -> list[int]:
    return queries.due_mentorship_ids(session, now, limit)


@dataclass(frozen=True)
class Step:
    kind: StepKind
    mentorship: MentorshipRef
    round: int  # the round the buttons answer
    to: tuple[str, ...] = ()  # who gets it now (a waiting copy for the other is kept on the row)
    first: bool = True  # False: the copy that waited, of a step the other person already has


def claim_step(
    session: Session, mentorship_id: int, now: datetime, ready_at: Mapping[str, datetime] | None = None
) -> Step | None:
    """The follow-up that is due now, claimed so that nobody else sends it; None when none is due.

    `ready_at` says from when each person may be messaged (their next working hours; a person left
    out, or without it, may be messaged now). When neither may be yet, the step is put off until the
    first of them may."""
    m = get_mentorship(session, mentorship_id)
    if m is None or m.next_followup_at is None or m.next_followup_at > now:
        return None

    def ready(person: str) -> datetime:
        at = (ready_at or {}).get(person, now)
        return at if at > now else now

    def claim(round_: int, unanswered: int, next_at: datetime | None, ended: EndReason | None = None) -> bool:
        return queries.claim_followup_step(
            session, m, round_=round_, unanswered=unanswered, next_at=next_at, ended=ended, now=now
        )

    def claimed(kind: StepKind, round_: int, to: tuple[str, ...], first: bool = True) -> Step:
        fresh = get_mentorship(session, m.id)
        assert fresh is not None
        return Step(kind, MentorshipRef.of(fresh), round_, to, first)

    days = followup_days(session, m.team_id)
    count = unanswered_count(m)
    waiting = waiting_for(m)
    if waiting is not None:
        # The copy that waited for `waiting`'s working hours: the rest of a step already under way.
        if ready(waiting) > now:
            claim(m.followup_round, m.unanswered, ready(waiting))  # e.g. their time zone changed
            return None
        active = m.status == MentorshipStatus.ACTIVE
        if active:
            kind = StepKind.CHECK_IN if count <= 1 else StepKind.REMINDER
        else:
            kind = StepKind.LEFT if m.ended_reason == EndReason.LEFT else StepKind.LAPSE
        next_at = now + reminder_after(days) if active else None
        if not claim(m.followup_round, count, next_at):
            return None
        return claimed(kind, m.followup_round, (waiting,), first=False)
    if m.status != MentorshipStatus.ACTIVE:
        return None

    answered = m.followup_round == 0 or queries.round_answered(session, m.id, m.followup_round)
    ended: EndReason | None = None
    if answered or count == 0:
        kind, new_round, unanswered = StepKind.CHECK_IN, m.followup_round + 1, 1
        next_at = now + reminder_after(days)
    elif count == 1:
        kind, new_round, unanswered = StepKind.REMINDER, m.followup_round, 2
        next_at = now + reminder_after(days)
    else:
        kind, new_round, unanswered, next_at = StepKind.LAPSE, m.followup_round, count, None
        ended = EndReason.NO_ANSWER
    people = (m.mentor_id, m.mentee_id)
    now_ready = tuple(p for p in people if ready(p) <= now)
    if not now_ready:
        # Night or weekend for both: look again when the first of them starts their day.
        claim(m.followup_round, m.unanswered, min(ready(p) for p in people))
        return None
    later = [p for p in people if p not in now_ready]
    if later:
        unanswered += _flag(m, later[0])
        next_at = ready(later[0])
    if not claim(new_round, unanswered, next_at, ended):
        return None
    return claimed(kind, new_round, now_ready)


def end(
    session: Session,
    mentorship_id: int,
    now: datetime,
    reason: EndReason,
    *,
    tell_later: tuple[str, datetime] | None = None,
) -> bool:
    """End an active mentorship. `tell_later` (a person, and when their working hours begin) keeps the
    note that it ended for them until then (StepKind.LEFT when it is due)."""
    note = None
    if tell_later is not None:
        m = get_mentorship(session, mentorship_id)
        if m is not None:
            note = (_flag(m, tell_later[0]), tell_later[1])
    return queries.end_mentorship(session, mentorship_id, now, reason, note=note)


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
