"""The mentoring steps that talk to Slack: ask the next mentor, update the offer DM, introduce a match,
and tell people what happened. Each step first makes its transition in the database (so a retry or a
second replica finds nothing left to do), then sends; the job finishes whatever a crash interrupted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta
from enum import StrEnum
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlalchemy import select, update

from bot.core.deps import Deps
from bot.core.slack import error_code
from bot.mentoring import matching, notices, profiles, requests, views
from bot.mentoring.followups import followup_days, get_mentorship
from bot.mentoring.requests import Outcome, RequestRef, RequestStatus
from storage.db import rowcount
from storage.mentoring.models import MentorOffer, MentorRequest, Mentorship

log = logging.getLogger(__name__)

# A claim (to send an offer DM or an introduction) older than this was lost to a crash: take it over.
CLAIM_STALE = timedelta(minutes=10)
# Errors that retrying will not fix: the person is gone or cannot be messaged.
PERMANENT_ERRORS = frozenset(
    {
        "user_not_found",
        "users_not_found",
        "user_disabled",
        "account_inactive",
        "cannot_dm_bot",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "restricted_action",
    }
)


class Presence:
    """Who has left the workspace (users.info reports deleted), asked once per person per run."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._gone: dict[str, bool] = {}

    def gone(self, team_id: str, user_id: str) -> bool:
        key = f"{team_id}:{user_id}"
        if key not in self._gone:
            info = self._deps.slack.user_info(team_id, user_id, fresh=True)
            # When Slack cannot say (an outage), assume the person is still here: a hiccup drops nobody.
            self._gone[key] = bool(info and info.deleted)
        return self._gone[key]


def send_dm(
    deps: Deps, user_id: str, text: str, blocks: list[dict[str, Any]] | None = None
) -> tuple[str, str] | None:
    """A DM from the app (chat.postMessage to the user id); (channel, ts), or None when it failed."""
    try:
        response = deps.client.chat_postMessage(channel=user_id, text=text, blocks=blocks, unfurl_links=False)
    except SlackApiError as exc:
        log.warning("a mentoring DM could not be sent: %s", error_code(exc))
        return None
    return str(response["channel"]), str(response["ts"])


class AdvanceKind(StrEnum):
    OFFERED = "offered"  # a mentor was asked
    WAITING = "waiting"  # nobody is left to ask: the request now waits (told once)
    STILL_WAITING = "still_waiting"  # it was waiting and still is: nobody needs telling
    UNCHANGED = "unchanged"  # not looking (matched, offered elsewhere, cancelled): nothing done
    CLOSED = "closed"  # the requester left the workspace


@dataclass(frozen=True)
class Advance:
    kind: AdvanceKind
    request: RequestRef | None
    mentor_id: str | None = None
    others: int = 0  # mentors other than the requester who offer the topic
    requester_offers: bool = False


def fill_requester_unit(deps: Deps, request_id: int) -> None:
    """The requester's team or department, for preferring mentors from elsewhere: their own mentor
    profile's when they have one, else the one in their Slack title."""
    with deps.db.session() as session:
        request = requests.get_request(session, request_id)
        if request is None or request.requester_unit:
            return
        profile = profiles.get_profile(session, request.team_id, request.requester_id)
        unit = profile.team_or_department if profile else None
        requester, request_team = request.requester_id, request.team_id
        if unit:
            requests.set_requester_unit(session, request_id, unit)
            return
    info = deps.slack.user_info(request_team, requester)
    unit = profiles.department_from_title(info.title) if info else ""
    if unit:
        with deps.db.session() as session:
            requests.set_requester_unit(session, request_id, unit)


def advance(deps: Deps, request_id: int, presence: Presence | None = None) -> Advance:
    """Ask the best mentor not asked yet, or let the request wait. Safe to call twice: the step is
    claimed by a conditional update, so a twin call finds the request no longer looking."""
    presence = presence or Presence(deps)
    now = deps.clock.now()
    with deps.db.session() as session:
        request = requests.get_request(session, request_id)
        if request is None or request.status not in (RequestStatus.OPEN, RequestStatus.WAITING):
            return Advance(AdvanceKind.UNCHANGED, RequestRef.of(request) if request else None)
        ref = RequestRef.of(request)
        ranked = matching.ranked_for_request(session, request, now)
    requester_checked = False
    for candidate in ranked:
        if presence.gone(ref.team_id, candidate.user_id):
            with deps.db.session() as session:
                profiles.mark_left(session, ref.team_id, candidate.user_id, now)
            log.info("mentor %s left the workspace; skipped for request %s", candidate.user_id, ref.id)
            continue
        if not requester_checked:
            requester_checked = True
            if presence.gone(ref.team_id, ref.requester_id):
                with deps.db.session() as session:
                    requests.close(session, request_id, now)
                return Advance(AdvanceKind.CLOSED, ref)
        with deps.db.session() as session:
            offer_id = requests.claim_offer(
                session, request_id=request_id, mentor_id=candidate.user_id, now=now
            )
        if offer_id is None:
            return Advance(AdvanceKind.UNCHANGED, ref)
        log.info("request %s offered to a mentor (offer %s)", ref.id, offer_id)
        send_offer_dm(deps, offer_id, presence)
        return Advance(AdvanceKind.OFFERED, ref, mentor_id=candidate.user_id)
    with deps.db.session() as session:
        became_waiting = requests.mark_waiting(session, request_id, now)
        supply = matching.supply(session, team_id=ref.team_id, topic=ref.topic, requester_id=ref.requester_id)
    kind = AdvanceKind.WAITING if became_waiting else AdvanceKind.STILL_WAITING
    return Advance(kind, ref, others=supply.others, requester_offers=supply.requester_offers)


def move_on(deps: Deps, request_id: int, presence: Presence | None = None) -> Advance:
    """After a decline, an expiry or a withdrawal (or a request nobody got to): ask the next mentor
    and tell the requester by DM."""
    with deps.db.session() as session:
        asked_before = bool(matching.already_asked(session, request_id))
    result = advance(deps, request_id, presence)
    ref = result.request
    if ref is None:
        return result
    tr = deps.translator_for(ref.team_id)
    if result.kind is AdvanceKind.OFFERED and result.mentor_id:
        if asked_before:
            text = notices.asked_next_mentor(tr, ref.topic, result.mentor_id)
        else:
            text = notices.asked_mentor(tr, ref.topic, result.mentor_id)
        send_dm(deps, ref.requester_id, text)
    elif result.kind is AdvanceKind.WAITING:
        text = notices.waiting_text(
            tr, ref.topic, result.others, result.requester_offers, after_asking=asked_before
        )
        send_dm(deps, ref.requester_id, text)
    return result


def _offer_card(offer: MentorOffer, request: MentorRequest) -> views.OfferCard:
    return views.OfferCard(
        offer_id=offer.id,
        requester_id=request.requester_id,
        topic=request.topic,
        note=request.note,
        requester_unit=request.requester_unit,
        expires_at=offer.expires_at,
    )


def send_offer_dm(deps: Deps, offer_id: int, presence: Presence | None = None) -> bool:
    """DM the mentor the request with Accept / Decline. The caller holds the DM claim."""
    now = deps.clock.now()
    with deps.db.session() as session:
        offer = requests.get_offer(session, offer_id)
        if offer is None or offer.status != "pending" or offer.dm_ts:
            return False
        request = requests.get_request(session, offer.request_id)
        assert request is not None
        card = _offer_card(offer, request)
        team_id, mentor_id = offer.team_id, offer.mentor_id
    # The answer window starts when the mentor can see the request.
    card = replace(card, expires_at=now + requests.OFFER_TTL)
    rendered = views.offer_dm(deps.translator_for(team_id), card)
    try:
        response = deps.client.chat_postMessage(
            channel=mentor_id, text=rendered.text, blocks=rendered.blocks, unfurl_links=False
        )
    except SlackApiError as exc:
        code = error_code(exc)
        log.warning("the offer DM for offer %s failed: %s", offer_id, code)
        if code in PERMANENT_ERRORS:
            with deps.db.session() as session:
                answer = requests.withdraw(session, offer_id, now)
            if answer.outcome is Outcome.DONE and answer.request:
                move_on(deps, answer.request.id, presence)
        else:
            with deps.db.session() as session:
                requests.release_dm_claim(session, offer_id)
        return False
    with deps.db.session() as session:
        requests.record_dm(session, offer_id, str(response["channel"]), str(response["ts"]), now)
    return True


def update_offer_dm(deps: Deps, offer_id: int, *, paused: bool = False) -> None:
    """Replace the offer DM's buttons with what became of it (chat.update)."""
    with deps.db.session() as session:
        offer = requests.get_offer(session, offer_id)
        if offer is None or not offer.dm_channel or not offer.dm_ts:
            return
        request = requests.get_request(session, offer.request_id)
        assert request is not None
        card, status, team_id = _offer_card(offer, request), offer.status, offer.team_id
        channel, ts = offer.dm_channel, offer.dm_ts
    rendered = views.offer_dm_closed(deps.translator_for(team_id), card, status, paused=paused)
    try:
        deps.client.chat_update(channel=channel, ts=ts, text=rendered.text, blocks=rendered.blocks)
    except SlackApiError as exc:
        log.warning("updating the offer DM for offer %s failed: %s", offer_id, error_code(exc))


def introduce(deps: Deps, mentorship_id: int) -> bool:
    """Open a group DM with mentor and mentee, post the introduction and tell the requester.
    The caller holds the introduction claim (set when the offer was accepted, or by the job)."""
    with deps.db.session() as session:
        m = get_mentorship(session, mentorship_id)
        if m is None or m.intro_ts:
            return False
        request = requests.get_request(session, m.request_id)
        assert request is not None
        card = views.IntroCard(
            mentor_id=m.mentor_id,
            mentee_id=m.mentee_id,
            topic=m.topic,
            note=request.note,
            followup_days=followup_days(session, m.team_id),
        )
        team_id = m.team_id
    tr = deps.translator_for(team_id)
    rendered = views.introduction(tr, card)
    channel: str | None = None
    try:
        opened = deps.client.conversations_open(users=[card.mentor_id, card.mentee_id])
        channel = str(opened["channel"]["id"])
        posted = deps.client.chat_postMessage(
            channel=channel, text=rendered.text, blocks=rendered.blocks, unfurl_links=False
        )
        ts = str(posted["ts"])
    except SlackApiError as exc:
        code = error_code(exc)
        log.warning("introducing mentorship %s failed: %s", mentorship_id, code)
        if code not in PERMANENT_ERRORS:
            _release_intro(deps, mentorship_id)
            return False
        # One of them cannot be in a group conversation: introduce them to each other one by one.
        channel = None
        sent = [
            send_dm(deps, person, rendered.text, rendered.blocks)
            for person in (card.mentee_id, card.mentor_id)
        ]
        ts = next((where[1] for where in sent if where), "unsent")
    with deps.db.session() as session:
        session.execute(
            update(Mentorship)
            .where(Mentorship.id == mentorship_id, Mentorship.intro_ts.is_(None))
            .values(channel_id=channel, intro_ts=ts)
            .execution_options(synchronize_session=False)
        )
    send_dm(deps, card.mentee_id, notices.matched_for_requester(tr, card.topic, card.mentor_id, channel))
    return True


def _release_intro(deps: Deps, mentorship_id: int) -> None:
    with deps.db.session() as session:
        session.execute(
            update(Mentorship)
            .where(Mentorship.id == mentorship_id, Mentorship.intro_ts.is_(None))
            .values(intro_claimed_at=None)
            .execution_options(synchronize_session=False)
        )


def claim_intro(deps: Deps, mentorship_id: int) -> bool:
    now = deps.clock.now()
    claimed_at = Mentorship.intro_claimed_at
    with deps.db.session() as session:
        result = session.execute(
            update(Mentorship)
            .where(
                Mentorship.id == mentorship_id,
                Mentorship.intro_ts.is_(None),
                claimed_at.is_(None) | (claimed_at < now - CLAIM_STALE),
            )
            .values(intro_claimed_at=now)
            .execution_options(synchronize_session=False)
        )
    return bool(rowcount(result))


def rematch_waiting(
    deps: Deps,
    *,
    team_id: str | None = None,
    topics: list[str] | None = None,
    presence: Presence | None = None,
) -> int:
    """Ask mentors for waiting requests (oldest first): after a new mentor offers, someone resumes or
    a place frees up. Returns how many requests got an offer."""
    presence = presence or Presence(deps)
    query = select(MentorRequest.id).where(MentorRequest.status == RequestStatus.WAITING)
    if team_id is not None:
        query = query.where(MentorRequest.team_id == team_id)
    if topics is not None:
        if not topics:
            return 0
        query = query.where(MentorRequest.topic.in_(topics))
    with deps.db.session() as session:
        ids = list(session.scalars(query.order_by(MentorRequest.created_at, MentorRequest.id)))
    offered = 0
    for request_id in ids:
        result = advance(deps, request_id, presence)
        if result.kind is AdvanceKind.OFFERED and result.request and result.mentor_id:
            offered += 1
            tr = deps.translator_for(result.request.team_id)
            send_dm(
                deps,
                result.request.requester_id,
                notices.found_waiting_mentor(tr, result.request.topic, result.mentor_id),
            )
    return offered


def withdraw_offers_of(deps: Deps, team_id: str, mentor_id: str, presence: Presence | None = None) -> int:
    """A mentor stopped or left: their pending offers go to the next mentor."""
    now = deps.clock.now()
    with deps.db.session() as session:
        pending = requests.pending_offers_of_mentor(session, team_id, mentor_id)
    moved = 0
    for offer in pending:
        with deps.db.session() as session:
            answer = requests.withdraw(session, offer.id, now)
        if answer.outcome is Outcome.DONE and answer.request:
            moved += 1
            update_offer_dm(deps, offer.id)
            move_on(deps, answer.request.id, presence)
    return moved
