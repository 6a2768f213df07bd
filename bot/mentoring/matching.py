"""Who to ask first: a pure ranking over candidate data, and what the queries tell about each candidate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.mentoring.ids import ProfileStatus
from bot.mentoring.profiles import same_unit
from bot.mentoring.requests import RequestRef
from storage.mentoring import queries

# A decline (or an offer left to expire) this recent puts that mentor last for the same requester.
RECENT_DECLINE = timedelta(days=90)
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Candidate:
    user_id: str
    unit: str | None
    capacity: int
    active_mentees: int = 0
    pending_offers: int = 0  # offers out to this mentor right now: they count against capacity
    declined_requester_recently: bool = False
    last_offered_at: datetime | None = None  # when this mentor was last asked anything

    @property
    def load(self) -> int:
        return self.active_mentees + self.pending_offers

    @property
    def has_room(self) -> bool:
        return self.load < self.capacity


def rank(
    candidates: Iterable[Candidate],
    *,
    requester_id: str,
    requester_unit: str | None,
    exclude: Iterable[str] = (),
) -> list[Candidate]:
    """Mentors to ask, best first.

    Never the requester, nobody in `exclude` (already asked for this request), nobody at capacity.
    Then: another team or department than the requester's (breaking silos), the fewest mentees,
    not having declined this requester recently, and, on a tie, whoever was asked least recently,
    then the user id, so the same data always gives the same order.
    """
    skipped = set(exclude) | {requester_id}
    eligible = [c for c in candidates if c.user_id not in skipped and c.has_room]
    return sorted(
        eligible,
        key=lambda c: (
            same_unit(c.unit, requester_unit),
            c.load,
            c.declined_requester_recently,
            c.last_offered_at or _NEVER,
            c.user_id,
        ),
    )


def candidates_for(
    session: Session, *, team_id: str, topic: str, requester_id: str, now: datetime
) -> list[Candidate]:
    """Active mentors who offer `topic`, with what ranking needs to know about each."""
    profiles = queries.active_profiles(session, team_id, topic)
    ids = [p.user_id for p in profiles]
    if not ids:
        return []
    active = queries.active_mentee_counts(session, team_id, ids)
    pending = queries.pending_offer_counts(session, team_id, ids)
    declined = queries.recent_decliners(session, team_id, ids, requester_id, now - RECENT_DECLINE)
    last_offered = queries.last_offered(session, team_id, ids)
    return [
        Candidate(
            user_id=p.user_id,
            unit=p.team_or_department,
            capacity=p.capacity,
            active_mentees=active.get(p.user_id, 0),
            pending_offers=pending.get(p.user_id, 0),
            declined_requester_recently=p.user_id in declined,
            last_offered_at=last_offered.get(p.user_id),
        )
        for p in profiles
    ]


def already_asked(session: Session, request_id: int) -> set[str]:
    return queries.asked_mentors(session, request_id)


def ranked_for_request(session: Session, request: RequestRef, now: datetime) -> list[Candidate]:
    return rank(
        candidates_for(
            session, team_id=request.team_id, topic=request.topic, requester_id=request.requester_id, now=now
        ),
        requester_id=request.requester_id,
        requester_unit=request.unit,
        exclude=already_asked(session, request.id),
    )


@dataclass(frozen=True)
class Supply:
    """Who offers a topic: the requester is told whether nobody does, or everyone is busy."""

    others: int  # active mentors other than the requester
    requester_offers: bool


def supply(session: Session, *, team_id: str, topic: str, requester_id: str) -> Supply:
    mentors = [p.user_id for p in queries.active_profiles(session, team_id, topic)]
    return Supply(
        others=sum(1 for m in mentors if m != requester_id), requester_offers=requester_id in mentors
    )


class MentorCheck(StrEnum):
    """Whether a mentor the requester named can be asked (and if not, why)."""

    OK = "ok"
    SELF = "self"
    NOT_MENTOR = "not_mentor"  # no profile, or they stopped
    PAUSED = "paused"
    NOT_TOPIC = "not_topic"
    FULL = "full"


@dataclass(frozen=True)
class Named:
    check: MentorCheck
    offered: list[str]  # the topics the mentor offers (for "they offer ...")


def check_named(session: Session, *, team_id: str, mentor_id: str, topic: str, requester_id: str) -> Named:
    """Whether `requester_id` may ask `mentor_id` for `topic` now: an active mentor of that topic
    with room (active mentees and offers waiting for their answer below their capacity)."""
    if mentor_id == requester_id:
        return Named(MentorCheck.SELF, [])
    profile = queries.profile(session, team_id, mentor_id)
    if profile is None or profile.status == ProfileStatus.STOPPED:
        return Named(MentorCheck.NOT_MENTOR, [])
    offered = sorted(t.topic for t in profile.topics)
    if profile.status != ProfileStatus.ACTIVE:
        return Named(MentorCheck.PAUSED, offered)
    if topic not in offered:
        return Named(MentorCheck.NOT_TOPIC, offered)
    load = queries.active_mentee_counts(session, team_id, [mentor_id]).get(mentor_id, 0)
    load += queries.pending_offer_counts(session, team_id, [mentor_id]).get(mentor_id, 0)
    if load >= profile.capacity:
        return Named(MentorCheck.FULL, offered)
    return Named(MentorCheck.OK, offered)
