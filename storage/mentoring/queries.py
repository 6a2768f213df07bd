"""Every query of mentoring: profiles, requests, offers, mentorships, follow-ups, and the lessons a
requester is shown.

The updates named claim_*/mark_*/finish_*/close_* are conditional ("... WHERE status = 'pending'"):
they return whether they changed a row, and when a double click, a retried delivery, a second
replica or a restarted job tries the same step again, the second attempt matches no row. Callers
act only on True.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.db import rowcount
from storage.lessons.models import Lesson, LessonTag
from storage.lessons.queries import Counts, vote_counts
from storage.lessons.visibility import Audience, visible
from storage.mentoring.models import (
    FollowUpAnswer,
    MentorOffer,
    MentorProfile,
    MentorRequest,
    Mentorship,
    MentorTopic,
)
from storage.mentoring.states import (
    LOOKING_STATES,
    OPEN_STATES,
    WAITS_FOR_MENTOR,
    EndReason,
    MentorshipStatus,
    OfferStatus,
    ProfileStatus,
    RequestStatus,
)

VOTE_CHUNK = 500  # lesson ids per vote_counts call


def _changed(result: Any) -> bool:
    return bool(rowcount(result))


def _aware(value: datetime | str | None) -> datetime | None:
    # Aggregates bypass the column type, so SQLite hands back a naive (UTC) datetime or a string.
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# -- profiles ------------------------------------------------------------------------------------------


def profile(session: Session, team_id: str, user_id: str) -> MentorProfile | None:
    return session.scalar(
        select(MentorProfile).where(MentorProfile.team_id == team_id, MentorProfile.user_id == user_id)
    )


def fill_unit(session: Session, team_id: str, user_id: str, unit: str) -> bool:
    """The mentor's team or department, only when they have not given one."""
    result = session.execute(
        update(MentorProfile)
        .where(
            MentorProfile.team_id == team_id,
            MentorProfile.user_id == user_id,
            MentorProfile.team_or_department.is_(None),
        )
        .values(team_or_department=unit)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


def mark_profile_left(session: Session, team_id: str, user_id: str, now: datetime) -> bool:
    result = session.execute(
        update(MentorProfile)
        .where(
            MentorProfile.team_id == team_id,
            MentorProfile.user_id == user_id,
            MentorProfile.status != ProfileStatus.STOPPED,
        )
        .values(status=ProfileStatus.STOPPED, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


def topics_of(session: Session, team_id: str, user_id: str) -> list[str]:
    """The topics one mentor offers (whatever their status)."""
    return list(
        session.scalars(
            select(MentorTopic.topic)
            .join(MentorProfile, MentorProfile.id == MentorTopic.profile_id)
            .where(MentorProfile.team_id == team_id, MentorProfile.user_id == user_id)
            .order_by(MentorTopic.topic)
        )
    )


def active_profiles(session: Session, team_id: str, topic: str | None = None) -> list[MentorProfile]:
    """Active mentors (who offer `topic`, when given), with their topics."""
    query = select(MentorProfile).where(
        MentorProfile.team_id == team_id, MentorProfile.status == ProfileStatus.ACTIVE
    )
    if topic is not None:
        query = query.join(MentorTopic, MentorTopic.profile_id == MentorProfile.id).where(
            MentorTopic.topic == topic
        )
    return list(session.scalars(query.order_by(MentorProfile.user_id)))


def offered_topic_counts(session: Session, team_id: str, limit: int | None = None) -> list[tuple[str, int]]:
    """Topics active mentors offer and by how many, the most offered first."""
    query = (
        select(MentorTopic.topic, func.count())
        .join(MentorProfile, MentorProfile.id == MentorTopic.profile_id)
        .where(MentorTopic.team_id == team_id, MentorProfile.status == ProfileStatus.ACTIVE)
        .group_by(MentorTopic.topic)
        .order_by(func.count().desc(), MentorTopic.topic)
    )
    if limit is not None:
        query = query.limit(limit)
    return [(str(topic), int(n)) for topic, n in session.execute(query)]


# -- what matching needs to know about mentors ---------------------------------------------------------


def _per_mentor(rows: Iterable[Any]) -> dict[str, int]:
    return {str(mentor): int(n) for mentor, n in rows}


def active_mentee_counts(session: Session, team_id: str, mentor_ids: Sequence[str]) -> dict[str, int]:
    """Active mentorships per mentor (mentors without one are left out)."""
    if not mentor_ids:
        return {}
    return _per_mentor(
        session.execute(
            select(Mentorship.mentor_id, func.count())
            .where(
                Mentorship.team_id == team_id,
                Mentorship.status == MentorshipStatus.ACTIVE,
                Mentorship.mentor_id.in_(mentor_ids),
            )
            .group_by(Mentorship.mentor_id)
        )
    )


def pending_offer_counts(session: Session, team_id: str, mentor_ids: Sequence[str]) -> dict[str, int]:
    """Offers waiting for each mentor's answer (mentors without one are left out)."""
    if not mentor_ids:
        return {}
    return _per_mentor(
        session.execute(
            select(MentorOffer.mentor_id, func.count())
            .where(
                MentorOffer.team_id == team_id,
                MentorOffer.status == OfferStatus.PENDING,
                MentorOffer.mentor_id.in_(mentor_ids),
            )
            .group_by(MentorOffer.mentor_id)
        )
    )


def recent_decliners(
    session: Session, team_id: str, mentor_ids: Sequence[str], requester_id: str, since: datetime
) -> set[str]:
    """Mentors who declined (or let expire) a request of this requester since `since`."""
    if not mentor_ids:
        return set()
    return set(
        session.scalars(
            select(MentorOffer.mentor_id)
            .join(MentorRequest, MentorRequest.id == MentorOffer.request_id)
            .where(
                MentorOffer.team_id == team_id,
                MentorOffer.mentor_id.in_(mentor_ids),
                MentorOffer.status.in_((OfferStatus.DECLINED, OfferStatus.EXPIRED)),
                MentorOffer.answered_at >= since,
                MentorRequest.requester_id == requester_id,
            )
        )
    )


def last_offered(session: Session, team_id: str, mentor_ids: Sequence[str]) -> dict[str, datetime]:
    """When each mentor was last asked anything (mentors never asked are left out)."""
    if not mentor_ids:
        return {}
    found: dict[str, datetime] = {}
    for mentor, at in session.execute(
        select(MentorOffer.mentor_id, func.max(MentorOffer.offered_at))
        .where(MentorOffer.team_id == team_id, MentorOffer.mentor_id.in_(mentor_ids))
        .group_by(MentorOffer.mentor_id)
    ):
        when = _aware(at)
        if when is not None:
            found[str(mentor)] = when
    return found


def asked_mentors(session: Session, request_id: int) -> set[str]:
    """Everyone asked for this request so far, whatever they answered."""
    return set(session.scalars(select(MentorOffer.mentor_id).where(MentorOffer.request_id == request_id)))


# -- requests ------------------------------------------------------------------------------------------


def open_request(session: Session, open_key: str) -> MentorRequest | None:
    return session.scalar(select(MentorRequest).where(MentorRequest.open_key == open_key))


def open_requests(session: Session, team_id: str, requester_id: str) -> list[MentorRequest]:
    return list(
        session.scalars(
            select(MentorRequest)
            .where(
                MentorRequest.team_id == team_id,
                MentorRequest.requester_id == requester_id,
                MentorRequest.status.in_(OPEN_STATES),
            )
            .order_by(MentorRequest.created_at, MentorRequest.id)
        )
    )


def fill_requester_unit(session: Session, request_id: int, unit: str) -> None:
    session.execute(
        update(MentorRequest)
        .where(MentorRequest.id == request_id, MentorRequest.requester_unit.is_(None))
        .values(requester_unit=unit or None)
        .execution_options(synchronize_session=False)
    )


def mark_offered(session: Session, request_id: int, now: datetime) -> bool:
    """Claim: a looking (open or waiting) request becomes offered."""
    result = session.execute(
        update(MentorRequest)
        .where(MentorRequest.id == request_id, MentorRequest.status.in_(LOOKING_STATES))
        .values(status=RequestStatus.OFFERED, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


def mark_waiting(session: Session, request_id: int, now: datetime) -> bool:
    """Claim: an open request waits for a mentor with room."""
    result = session.execute(
        update(MentorRequest)
        .where(MentorRequest.id == request_id, MentorRequest.status == RequestStatus.OPEN)
        .values(status=RequestStatus.WAITING, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


def reopen(session: Session, request_id: int, now: datetime) -> bool:
    """An offered request looks for the next mentor."""
    result = session.execute(
        update(MentorRequest)
        .where(MentorRequest.id == request_id, MentorRequest.status == RequestStatus.OFFERED)
        .values(status=RequestStatus.OPEN, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


def mark_matched(session: Session, request_id: int, now: datetime) -> bool:
    """Claim: an offered request is matched, which frees its topic for a new request."""
    result = session.execute(
        update(MentorRequest)
        .where(MentorRequest.id == request_id, MentorRequest.status == RequestStatus.OFFERED)
        .values(status=RequestStatus.MATCHED, open_key=None, updated_at=now, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


def close_request(session: Session, request_id: int, status: RequestStatus, now: datetime) -> bool:
    """Claim: a request still open in any way is cancelled or closed."""
    result = session.execute(
        update(MentorRequest)
        .where(MentorRequest.id == request_id, MentorRequest.status.in_(OPEN_STATES))
        .values(status=status, open_key=None, updated_at=now, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


def waiting_request_ids(
    session: Session, *, team_id: str | None = None, topics: Sequence[str] | None = None
) -> list[int]:
    """Requests waiting for a mentor (in one workspace, on some topics), oldest first."""
    query = select(MentorRequest.id).where(MentorRequest.status == RequestStatus.WAITING)
    if team_id is not None:
        query = query.where(MentorRequest.team_id == team_id)
    if topics is not None:
        if not topics:
            return []
        query = query.where(MentorRequest.topic.in_(topics))
    return list(session.scalars(query.order_by(MentorRequest.created_at, MentorRequest.id)))


def stalled_request_ids(session: Session, stale_before: datetime, limit: int) -> list[int]:
    """Open requests nobody moved on since `stale_before` (stored, then the process stopped)."""
    return list(
        session.scalars(
            select(MentorRequest.id)
            .where(MentorRequest.status == RequestStatus.OPEN, MentorRequest.updated_at < stale_before)
            .order_by(MentorRequest.created_at, MentorRequest.id)
            .limit(limit)
        )
    )


def open_request_counts_by_topic(session: Session, team_id: str) -> list[tuple[str, int]]:
    """Open requests per topic, the most asked for first."""
    return [
        (str(topic), int(n))
        for topic, n in session.execute(
            select(MentorRequest.topic, func.count())
            .where(MentorRequest.team_id == team_id, MentorRequest.status.in_(OPEN_STATES))
            .group_by(MentorRequest.topic)
            .order_by(func.count().desc(), MentorRequest.topic)
        )
    ]


# -- offers --------------------------------------------------------------------------------------------


def finish_offer(
    session: Session, offer_id: int, status: OfferStatus, now: datetime, *, due_by: datetime | None = None
) -> bool:
    """Claim: a pending offer is answered, expires (only once `expires_at <= due_by`) or is withdrawn;
    its request may then have a new pending offer."""
    conditions = [MentorOffer.id == offer_id, MentorOffer.status == OfferStatus.PENDING]
    if due_by is not None:
        conditions.append(MentorOffer.expires_at <= due_by)
    result = session.execute(
        update(MentorOffer)
        .where(*conditions)
        .values(status=status, answered_at=now, pending_key=None)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


def pending_offer_ids(session: Session, request_id: int) -> list[int]:
    return list(
        session.scalars(
            select(MentorOffer.id).where(
                MentorOffer.request_id == request_id, MentorOffer.status == OfferStatus.PENDING
            )
        )
    )


def pending_offer_of_request(session: Session, request_id: int) -> MentorOffer | None:
    return session.scalar(
        select(MentorOffer).where(
            MentorOffer.request_id == request_id, MentorOffer.status == OfferStatus.PENDING
        )
    )


def pending_offers_of_mentor(session: Session, team_id: str, mentor_id: str) -> list[MentorOffer]:
    return list(
        session.scalars(
            select(MentorOffer)
            .where(
                MentorOffer.team_id == team_id,
                MentorOffer.mentor_id == mentor_id,
                MentorOffer.status == OfferStatus.PENDING,
            )
            .order_by(MentorOffer.offered_at, MentorOffer.id)
        )
    )


def record_offer_dm(session: Session, offer_id: int, channel: str, ts: str, expires_at: datetime) -> bool:
    """The offer DM went out: where it is, and the answer window from now. Once only."""
    result = session.execute(
        update(MentorOffer)
        .where(MentorOffer.id == offer_id, MentorOffer.dm_ts.is_(None))
        .values(dm_channel=channel, dm_ts=ts, expires_at=expires_at)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


def release_offer_dm(session: Session, offer_id: int) -> None:
    """Sending failed for a reason that may pass: the next job run may claim it again."""
    session.execute(
        update(MentorOffer)
        .where(MentorOffer.id == offer_id, MentorOffer.dm_ts.is_(None))
        .values(dm_claimed_at=None)
        .execution_options(synchronize_session=False)
    )


def claim_offer_dm(session: Session, offer_id: int, now: datetime, stale_before: datetime) -> bool:
    """Claim: send a pending offer's DM that nobody sent, or whose sender's claim went stale."""
    claimed_at = MentorOffer.dm_claimed_at
    result = session.execute(
        update(MentorOffer)
        .where(
            MentorOffer.id == offer_id,
            MentorOffer.status == OfferStatus.PENDING,
            MentorOffer.dm_ts.is_(None),
            claimed_at.is_(None) | (claimed_at < stale_before),
        )
        .values(dm_claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


def unsent_offer_ids(session: Session, stale_before: datetime, limit: int) -> list[int]:
    """Pending offers whose DM was never sent and whose claim (if any) went stale."""
    claimed_at = MentorOffer.dm_claimed_at
    return list(
        session.scalars(
            select(MentorOffer.id)
            .where(
                MentorOffer.status == OfferStatus.PENDING,
                MentorOffer.dm_ts.is_(None),
                claimed_at.is_(None) | (claimed_at < stale_before),
            )
            .order_by(MentorOffer.id)
            .limit(limit)
        )
    )


def due_offer_ids(session: Session, now: datetime, limit: int) -> list[int]:
    """Pending offers whose answer window has passed."""
    return list(
        session.scalars(
            select(MentorOffer.id)
            .where(MentorOffer.status == OfferStatus.PENDING, MentorOffer.expires_at <= now)
            .order_by(MentorOffer.expires_at, MentorOffer.id)
            .limit(limit)
        )
    )


def mentors_with_pending_offers(session: Session, limit: int) -> list[tuple[str, str]]:
    """(team, mentor) of everyone with an offer waiting for their answer."""
    return [
        (str(team), str(mentor))
        for team, mentor in session.execute(
            select(MentorOffer.team_id, MentorOffer.mentor_id)
            .where(MentorOffer.status == OfferStatus.PENDING)
            .distinct()
            .order_by(MentorOffer.team_id, MentorOffer.mentor_id)
            .limit(limit)
        )
    ]


# -- mentorships ---------------------------------------------------------------------------------------


def claim_intro(session: Session, mentorship_id: int, now: datetime, stale_before: datetime) -> bool:
    """Claim: introduce a match nobody introduced, or whose introducer's claim went stale."""
    claimed_at = Mentorship.intro_claimed_at
    result = session.execute(
        update(Mentorship)
        .where(
            Mentorship.id == mentorship_id,
            Mentorship.intro_ts.is_(None),
            claimed_at.is_(None) | (claimed_at < stale_before),
        )
        .values(intro_claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


def mark_introduced(session: Session, mentorship_id: int, channel_id: str | None, ts: str) -> bool:
    result = session.execute(
        update(Mentorship)
        .where(Mentorship.id == mentorship_id, Mentorship.intro_ts.is_(None))
        .values(channel_id=channel_id, intro_ts=ts)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


def release_intro(session: Session, mentorship_id: int) -> None:
    """Introducing failed for a reason that may pass: the next job run may claim it again."""
    session.execute(
        update(Mentorship)
        .where(Mentorship.id == mentorship_id, Mentorship.intro_ts.is_(None))
        .values(intro_claimed_at=None)
        .execution_options(synchronize_session=False)
    )


def unintroduced_mentorship_ids(session: Session, stale_before: datetime, limit: int) -> list[int]:
    claimed_at = Mentorship.intro_claimed_at
    return list(
        session.scalars(
            select(Mentorship.id)
            .where(
                Mentorship.status == MentorshipStatus.ACTIVE,
                Mentorship.intro_ts.is_(None),
                claimed_at.is_(None) | (claimed_at < stale_before),
            )
            .order_by(Mentorship.id)
            .limit(limit)
        )
    )


def active_mentorships_of(session: Session, team_id: str, user_id: str) -> list[Mentorship]:
    """Active mentorships with this person as mentor or mentee, oldest first."""
    return list(
        session.scalars(
            select(Mentorship)
            .where(
                Mentorship.team_id == team_id,
                Mentorship.status == MentorshipStatus.ACTIVE,
                (Mentorship.mentor_id == user_id) | (Mentorship.mentee_id == user_id),
            )
            .order_by(Mentorship.started_at, Mentorship.id)
        )
    )


def ended_mentorships_of(session: Session, team_id: str, user_id: str, limit: int) -> list[Mentorship]:
    """Mentorships with this person as mentor or mentee that have ended, the latest first."""
    return list(
        session.scalars(
            select(Mentorship)
            .where(
                Mentorship.team_id == team_id,
                Mentorship.status == MentorshipStatus.ENDED,
                (Mentorship.mentor_id == user_id) | (Mentorship.mentee_id == user_id),
            )
            .order_by(Mentorship.ended_at.desc(), Mentorship.id.desc())
            .limit(limit)
        )
    )


def matches_between(session: Session, team_id: str, start: datetime, end: datetime) -> int:
    """Mentorships that began in [start, end)."""
    found = session.scalar(
        select(func.count())
        .select_from(Mentorship)
        .where(Mentorship.team_id == team_id, Mentorship.started_at >= start, Mentorship.started_at < end)
    )
    return int(found or 0)


def end_mentorship(
    session: Session,
    mentorship_id: int,
    now: datetime,
    reason: EndReason,
    *,
    note: tuple[int, datetime] | None = None,
) -> bool:
    """Claim: an active mentorship ends. `note` (WAITS_FOR_MENTOR or WAITS_FOR_MENTEE, and when) keeps
    the note that it ended scheduled for someone whose working hours have not begun; otherwise no
    follow-up waits any more, and only the count of unanswered steps stays."""
    unanswered: Any = Mentorship.unanswered % WAITS_FOR_MENTOR
    next_at: datetime | None = None
    if note is not None:
        unanswered, next_at = unanswered + note[0], note[1]
    result = session.execute(
        update(Mentorship)
        .where(Mentorship.id == mentorship_id, Mentorship.status == MentorshipStatus.ACTIVE)
        .values(
            status=MentorshipStatus.ENDED,
            ended_at=now,
            ended_reason=reason,
            next_followup_at=next_at,
            unanswered=unanswered,
        )
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


# -- follow-ups ----------------------------------------------------------------------------------------


def due_mentorship_ids(session: Session, now: datetime, limit: int) -> list[int]:
    """Mentorships whose next follow-up message is due: active ones, and ended ones whose closing note
    waits for someone's working hours."""
    return list(
        session.scalars(
            select(Mentorship.id)
            .where(
                (Mentorship.status == MentorshipStatus.ACTIVE) | (Mentorship.unanswered >= WAITS_FOR_MENTOR),
                Mentorship.next_followup_at <= now,
            )
            .order_by(Mentorship.next_followup_at, Mentorship.id)
            .limit(limit)
        )
    )


def round_answered(session: Session, mentorship_id: int, round_: int) -> bool:
    found = session.scalar(
        select(FollowUpAnswer.id)
        .where(FollowUpAnswer.mentorship_id == mentorship_id, FollowUpAnswer.round == round_)
        .limit(1)
    )
    return found is not None


def claim_followup_step(
    session: Session,
    mentorship: Mentorship,
    *,
    round_: int,
    unanswered: int,
    next_at: datetime | None,
    ended: EndReason | None = None,
    now: datetime,
) -> bool:
    """Claim: move a mentorship's schedule on from the (status, round, unanswered, next follow-up)
    `mentorship` was read with; ending it when `ended` is given."""
    values: dict[str, Any] = {"followup_round": round_, "unanswered": unanswered, "next_followup_at": next_at}
    if ended is not None:
        values.update(status=MentorshipStatus.ENDED, ended_at=now, ended_reason=ended)
    result = session.execute(
        update(Mentorship)
        .where(
            Mentorship.id == mentorship.id,
            Mentorship.status == mentorship.status,
            Mentorship.followup_round == mentorship.followup_round,
            Mentorship.unanswered == mentorship.unanswered,
            Mentorship.next_followup_at == mentorship.next_followup_at,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


def reset_followups(session: Session, mentorship_id: int, round_: int, next_at: datetime) -> None:
    """A follow-up round was answered: nothing is unanswered, and the next check-in is at `next_at`."""
    session.execute(
        update(Mentorship)
        .where(
            Mentorship.id == mentorship_id,
            Mentorship.status == MentorshipStatus.ACTIVE,
            Mentorship.followup_round == round_,
        )
        .values(unanswered=0, next_followup_at=next_at)
        .execution_options(synchronize_session=False)
    )


def followup_answers(session: Session, mentorship_id: int) -> list[tuple[str, int, str]]:
    """(user, round, answer) in the order given."""
    rows = session.execute(
        select(FollowUpAnswer.user_id, FollowUpAnswer.round, FollowUpAnswer.answer)
        .where(FollowUpAnswer.mentorship_id == mentorship_id)
        .order_by(FollowUpAnswer.at, FollowUpAnswer.id)
    )
    return [(str(u), int(r), str(a)) for u, r, a in rows]


# -- lessons on a topic --------------------------------------------------------------------------------


def best_lessons(session: Session, audience: Audience, topic: str, limit: int) -> list[tuple[Lesson, Counts]]:
    """Lessons tagged with the topic (the vocabulary lessons and mentors share) that `audience` may see
    (storage.lessons.visibility), most useful first, then most applied, then newest; votes counted by
    the lessons' own storage.lessons.queries."""
    team_id = audience.team_id
    tagged = list(
        session.execute(
            select(Lesson.id, Lesson.created_at)
            .join(LessonTag, LessonTag.lesson_id == Lesson.id)
            .where(visible(audience), LessonTag.team_id == team_id, LessonTag.tag == topic)
        )
    )
    if not tagged or limit <= 0:
        return []
    ids = [int(row[0]) for row in tagged]
    counts: dict[int, Counts] = {}
    for start in range(0, len(ids), VOTE_CHUNK):
        counts.update(vote_counts(session, ids[start : start + VOTE_CHUNK]))
    created = {int(row[0]): _aware(row[1]) or datetime.min.replace(tzinfo=UTC) for row in tagged}

    def order(lesson_id: int) -> tuple[int, int, float, int]:
        votes = counts.get(lesson_id, Counts())
        return (-votes.useful, -votes.applied, -created[lesson_id].timestamp(), -lesson_id)

    best = sorted(ids, key=order)[:limit]
    lessons = {lesson.id: lesson for lesson in session.scalars(select(Lesson).where(Lesson.id.in_(best)))}
    return [(lessons[i], counts.get(i, Counts())) for i in best if i in lessons]
