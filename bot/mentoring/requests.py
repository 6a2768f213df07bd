"""Requests and offers as a state machine in the database.

request: open → offered → (open → offered ...)* → matched
                      ↘ waiting (nobody free) → offered ...       cancelled / closed from any open state
offer:   pending → accepted | declined | expired | withdrawn

Every transition is a conditional UPDATE in storage.mentoring.queries ("... WHERE status =
'pending'"): when a double click, a retried delivery, a second replica or a restarted job tries the
same step again, the second attempt matches no row and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.mentoring import profiles
from bot.mentoring.ids import (
    NOTE_MAX,
    OFFER_TTL,
    UNIT_MAX,
    MentorshipStatus,
    OfferStatus,
    RequestStatus,
)
from storage.mentoring import queries
from storage.mentoring.models import MentorOffer, MentorRequest, Mentorship


def open_key(team_id: str, user_id: str, topic: str) -> str:
    return f"{team_id}:{user_id}:{topic}"


@dataclass(frozen=True)
class RequestRef:
    """A request as plain data."""

    id: int
    team_id: str
    requester_id: str
    topic: str
    note: str | None
    status: str
    unit: str | None

    @classmethod
    def of(cls, request: MentorRequest) -> RequestRef:
        return cls(
            request.id,
            request.team_id,
            request.requester_id,
            request.topic,
            request.note,
            request.status,
            request.requester_unit,
        )


@dataclass(frozen=True)
class Created:
    request: RequestRef
    created: bool  # False: the person already had an open request for this topic


def find_open(session: Session, team_id: str, user_id: str, topic: str) -> MentorRequest | None:
    return queries.open_request(session, open_key(team_id, user_id, topic))


def create_request(
    session: Session, *, team_id: str, requester_id: str, topic: str, note: str | None, now: datetime
) -> Created:
    """A new open request (its note stored as typed), or the open one this person already has for
    the topic."""
    existing = find_open(session, team_id, requester_id, topic)
    if existing is not None:
        return Created(RequestRef.of(existing), False)
    request = MentorRequest(
        team_id=team_id,
        requester_id=requester_id,
        topic=topic,
        note=(note or "").strip()[:NOTE_MAX] or None,
        status=RequestStatus.OPEN,
        open_key=open_key(team_id, requester_id, topic),
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(request)
    except IntegrityError:
        # The same request, submitted twice at once: the other one won.
        twin = find_open(session, team_id, requester_id, topic)
        assert twin is not None
        return Created(RequestRef.of(twin), False)
    return Created(RequestRef.of(request), True)


def get_request(session: Session, request_id: int) -> MentorRequest | None:
    return session.get(MentorRequest, request_id, populate_existing=True)


def set_requester_unit(session: Session, request_id: int, unit: str) -> None:
    queries.fill_requester_unit(session, request_id, unit[:UNIT_MAX])


def claim_offer(session: Session, *, request_id: int, mentor_id: str, now: datetime) -> int | None:
    """Ask `mentor_id`: the request becomes offered and a pending offer is stored, both or neither.

    None when the request is no longer looking (someone else moved it on) or this mentor was asked
    before; the caller then stops.
    """
    request = get_request(session, request_id)
    if request is None:
        return None
    try:
        with session.begin_nested():
            if not queries.mark_offered(session, request_id, now):
                return None
            offer = MentorOffer(
                team_id=request.team_id,
                request_id=request_id,
                mentor_id=mentor_id,
                status=OfferStatus.PENDING,
                pending_key=request_id,
                offered_at=now,
                expires_at=now + OFFER_TTL,
                # The caller sends the DM now; the job resends it if that never happens.
                dm_claimed_at=now,
            )
            session.add(offer)
            session.flush()
    except IntegrityError:
        return None
    return offer.id


def mark_waiting(session: Session, request_id: int, now: datetime) -> bool:
    """No candidate is left: the request waits for a new mentor. True on the transition only."""
    return queries.mark_waiting(session, request_id, now)


@dataclass(frozen=True)
class OfferRef:
    id: int
    team_id: str
    request_id: int
    mentor_id: str
    status: str
    offered_at: datetime
    expires_at: datetime
    dm_channel: str | None
    dm_ts: str | None

    @classmethod
    def of(cls, offer: MentorOffer) -> OfferRef:
        return cls(
            offer.id,
            offer.team_id,
            offer.request_id,
            offer.mentor_id,
            offer.status,
            offer.offered_at,
            offer.expires_at,
            offer.dm_channel,
            offer.dm_ts,
        )


def get_offer(session: Session, offer_id: int) -> MentorOffer | None:
    return session.get(MentorOffer, offer_id, populate_existing=True)


class Outcome(StrEnum):
    DONE = "done"  # this call made the transition
    ALREADY = "already"  # an earlier click (or the job) got there first: nothing changed
    NOT_YOURS = "not_yours"
    MISSING = "missing"


@dataclass(frozen=True)
class Answer:
    outcome: Outcome
    offer: OfferRef | None = None
    request: RequestRef | None = None
    mentorship_id: int | None = None


def _answerable(session: Session, team_id: str, offer_id: int, user_id: str) -> MentorOffer | Answer:
    offer = get_offer(session, offer_id)
    if offer is None or offer.team_id != team_id:
        return Answer(Outcome.MISSING)
    if offer.mentor_id != user_id:
        return Answer(Outcome.NOT_YOURS, OfferRef.of(offer))
    return offer


def _after(session: Session, offer_id: int, outcome: Outcome, mentorship_id: int | None = None) -> Answer:
    offer = get_offer(session, offer_id)
    assert offer is not None
    request = get_request(session, offer.request_id)
    assert request is not None
    return Answer(outcome, OfferRef.of(offer), RequestRef.of(request), mentorship_id)


def accept(
    session: Session, *, team_id: str, offer_id: int, user_id: str, now: datetime, followup_days: int
) -> Answer:
    """The mentor takes the request: the offer is accepted, the request matched, a mentorship begins."""
    found = _answerable(session, team_id, offer_id, user_id)
    if isinstance(found, Answer):
        return found
    offer = found
    with session.begin_nested():
        if not queries.finish_offer(session, offer_id, OfferStatus.ACCEPTED, now):
            return _after(session, offer_id, Outcome.ALREADY)
        request = get_request(session, offer.request_id)
        assert request is not None
        matched = queries.mark_matched(session, request.id, now)
        assert matched, "a pending offer always belongs to an offered request"
        mentorship = Mentorship(
            team_id=offer.team_id,
            request_id=request.id,
            mentor_id=offer.mentor_id,
            mentee_id=request.requester_id,
            topic=request.topic,
            status=MentorshipStatus.ACTIVE,
            started_at=now,
            next_followup_at=now + timedelta(days=followup_days),
            followup_round=0,
            unanswered=0,
            # The accepting listener introduces them right away; the job does it if that never happens.
            intro_claimed_at=now,
        )
        session.add(mentorship)
        session.flush()
    return _after(session, offer_id, Outcome.DONE, mentorship.id)


def decline(
    session: Session, *, team_id: str, offer_id: int, user_id: str, now: datetime, pause: bool = False
) -> Answer:
    """The mentor says no (and may pause themselves): the request looks for the next mentor."""
    found = _answerable(session, team_id, offer_id, user_id)
    if isinstance(found, Answer):
        return found
    offer = found
    if not queries.finish_offer(session, offer_id, OfferStatus.DECLINED, now):
        return _after(session, offer_id, Outcome.ALREADY)
    queries.reopen(session, offer.request_id, now)
    if pause:
        profiles.pause_if_active(session, team_id, user_id, now)
    session.flush()
    return _after(session, offer_id, Outcome.DONE)


def _lapse(
    session: Session, offer_id: int, status: OfferStatus, now: datetime, *, due_by: datetime | None = None
) -> Answer:
    """The offer ends without the mentor's answer, and its request looks for the next mentor."""
    if not queries.finish_offer(session, offer_id, status, now, due_by=due_by):
        return Answer(Outcome.ALREADY)
    offer = get_offer(session, offer_id)
    assert offer is not None
    queries.reopen(session, offer.request_id, now)
    return _after(session, offer_id, Outcome.DONE)


def expire(session: Session, offer_id: int, now: datetime) -> Answer:
    """No answer within the window: the offer lapses and the request moves on."""
    return _lapse(session, offer_id, OfferStatus.EXPIRED, now, due_by=now)


def withdraw(session: Session, offer_id: int, now: datetime) -> Answer:
    """The mentor left the workspace or stopped mentoring: the request moves on."""
    return _lapse(session, offer_id, OfferStatus.WITHDRAWN, now)


@dataclass(frozen=True)
class Closed:
    request: RequestRef
    withdrawn: list[OfferRef]  # pending offers taken back: their DMs need updating


def _close(session: Session, request_id: int, status: RequestStatus, now: datetime) -> Closed | None:
    if not queries.close_request(session, request_id, status, now):
        return None
    withdrawn = []
    for offer_id in queries.pending_offer_ids(session, request_id):
        if queries.finish_offer(session, offer_id, OfferStatus.WITHDRAWN, now):
            offer = get_offer(session, offer_id)
            assert offer is not None
            withdrawn.append(OfferRef.of(offer))
    request = get_request(session, request_id)
    assert request is not None
    return Closed(RequestRef.of(request), withdrawn)


def cancel(session: Session, *, team_id: str, requester_id: str, topic: str, now: datetime) -> Closed | None:
    """The requester takes their open request back; None when there is none for that topic."""
    request = find_open(session, team_id, requester_id, topic)
    if request is None:
        return None
    return _close(session, request.id, RequestStatus.CANCELLED, now)


def close(session: Session, request_id: int, now: datetime) -> Closed | None:
    """The requester left the workspace."""
    return _close(session, request_id, RequestStatus.CLOSED, now)


def open_requests_of(session: Session, team_id: str, requester_id: str) -> list[RequestRef]:
    return [RequestRef.of(r) for r in queries.open_requests(session, team_id, requester_id)]


def pending_offer_for(session: Session, request_id: int) -> OfferRef | None:
    offer = queries.pending_offer_of_request(session, request_id)
    return OfferRef.of(offer) if offer else None


def pending_offers_of_mentor(session: Session, team_id: str, mentor_id: str) -> list[OfferRef]:
    return [OfferRef.of(o) for o in queries.pending_offers_of_mentor(session, team_id, mentor_id)]


def waiting_requests(
    session: Session, *, team_id: str | None = None, topics: list[str] | None = None
) -> list[int]:
    """Requests waiting for a mentor (in one workspace, on some topics), oldest first."""
    return queries.waiting_request_ids(session, team_id=team_id, topics=topics)


def record_dm(session: Session, offer_id: int, channel: str, ts: str, now: datetime) -> bool:
    """The offer DM went out: remember where, and start the answer window from now."""
    return queries.record_offer_dm(session, offer_id, channel, ts, now + OFFER_TTL)


def release_dm_claim(session: Session, offer_id: int) -> None:
    """Sending failed for a reason that may pass: let the next job run try again."""
    queries.release_offer_dm(session, offer_id)


def claim_dm(session: Session, offer_id: int, now: datetime, stale_after: timedelta) -> bool:
    """The job takes over sending an offer DM that nobody sent (a crash, or Slack was down)."""
    return queries.claim_offer_dm(session, offer_id, now, now - stale_after)
