"""Who to ask first: a pure ranking over candidate data, and the query that gathers that data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.mentoring.profiles import ProfileStatus, same_unit
from storage.mentoring.models import MentorOffer, MentorProfile, MentorRequest, Mentorship, MentorTopic

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


def _pairs(rows: Iterable[Any]) -> dict[Any, Any]:
    return {row[0]: row[1] for row in rows}


def candidates_for(
    session: Session, *, team_id: str, topic: str, requester_id: str, now: datetime
) -> list[Candidate]:
    """Active mentors who offer `topic`, with what ranking needs to know about each."""
    profiles = list(
        session.execute(
            select(MentorProfile.user_id, MentorProfile.team_or_department, MentorProfile.capacity)
            .join(MentorTopic, MentorTopic.profile_id == MentorProfile.id)
            .where(
                MentorProfile.team_id == team_id,
                MentorProfile.status == ProfileStatus.ACTIVE,
                MentorTopic.topic == topic,
            )
        )
    )
    ids = [row.user_id for row in profiles]
    if not ids:
        return []
    active: dict[str, int] = _pairs(
        session.execute(
            select(Mentorship.mentor_id, func.count())
            .where(
                Mentorship.team_id == team_id,
                Mentorship.status == "active",
                Mentorship.mentor_id.in_(ids),
            )
            .group_by(Mentorship.mentor_id)
        )
    )
    pending: dict[str, int] = _pairs(
        session.execute(
            select(MentorOffer.mentor_id, func.count())
            .where(
                MentorOffer.team_id == team_id,
                MentorOffer.status == "pending",
                MentorOffer.mentor_id.in_(ids),
            )
            .group_by(MentorOffer.mentor_id)
        )
    )
    declined = set(
        session.scalars(
            select(MentorOffer.mentor_id)
            .join(MentorRequest, MentorRequest.id == MentorOffer.request_id)
            .where(
                MentorOffer.team_id == team_id,
                MentorOffer.mentor_id.in_(ids),
                MentorOffer.status.in_(("declined", "expired")),
                MentorOffer.answered_at >= now - RECENT_DECLINE,
                MentorRequest.requester_id == requester_id,
            )
        )
    )
    last_offered: dict[str, Any] = _pairs(
        session.execute(
            select(MentorOffer.mentor_id, func.max(MentorOffer.offered_at))
            .where(MentorOffer.team_id == team_id, MentorOffer.mentor_id.in_(ids))
            .group_by(MentorOffer.mentor_id)
        )
    )
    return [
        Candidate(
            user_id=row.user_id,
            unit=row.team_or_department,
            capacity=row.capacity,
            active_mentees=int(active.get(row.user_id, 0)),
            pending_offers=int(pending.get(row.user_id, 0)),
            declined_requester_recently=row.user_id in declined,
            last_offered_at=_aware(last_offered.get(row.user_id)),
        )
        for row in profiles
    ]


def _aware(value: datetime | None) -> datetime | None:
    # Aggregates bypass the column type, so SQLite hands back a naive (UTC) datetime or a string.
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def already_asked(session: Session, request_id: int) -> set[str]:
    return set(session.scalars(select(MentorOffer.mentor_id).where(MentorOffer.request_id == request_id)))


def ranked_for_request(session: Session, request: MentorRequest, now: datetime) -> list[Candidate]:
    return rank(
        candidates_for(
            session, team_id=request.team_id, topic=request.topic, requester_id=request.requester_id, now=now
        ),
        requester_id=request.requester_id,
        requester_unit=request.requester_unit,
        exclude=already_asked(session, request.id),
    )


@dataclass(frozen=True)
class Supply:
    """Who offers a topic: the requester is told whether nobody does, or everyone is busy."""

    others: int  # active mentors other than the requester
    requester_offers: bool


def supply(session: Session, *, team_id: str, topic: str, requester_id: str) -> Supply:
    rows = session.scalars(
        select(MentorProfile.user_id)
        .join(MentorTopic, MentorTopic.profile_id == MentorProfile.id)
        .where(
            MentorProfile.team_id == team_id,
            MentorProfile.status == ProfileStatus.ACTIVE,
            MentorTopic.topic == topic,
        )
    ).all()
    return Supply(others=sum(1 for r in rows if r != requester_id), requester_offers=requester_id in rows)
