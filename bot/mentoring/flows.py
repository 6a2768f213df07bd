"""The mentoring steps that talk to Slack: open the forms, ask the next mentor, update the offer DM,
introduce a match, send and act on follow-ups, and tell people what happened.

Each step first makes its transition in the database (so a retry or a second replica finds nothing
left to do), then sends; the job finishes whatever a crash interrupted. Every Slack call goes through
deps.slack. What only one person sees is in that person's language (deps.languages.for_person) and
time zone (users.info's tz, zone_of); the group DM with mentor and mentee is in the workspace's
language (for_channel: a group DM has no language of its own). Follow-ups reach each person in their
own working hours (bot.mentoring.timing).
"""

from __future__ import annotations

import logging
import re
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError

from bot import home_refresh
from bot.core import effects
from bot.core.blockkit import Rendered, as_dicts, section
from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.core.slack import SlackGateway, UserInfo, error_code
from bot.lessons.data import ListedLesson
from bot.lessons.visibility import audience_of
from bot.mentoring import followups, matching, notices, overview, profiles, requests, timing, views
from bot.mentoring.followups import AnswerResult, MentorshipRef, Recorded, Step, StepKind
from bot.mentoring.ids import (
    CAPACITY_DEFAULT,
    OFFER_TTL,
    EndReason,
    FollowUpAnswerKind,
    OfferStatus,
    RequestStatus,
)
from bot.mentoring.requests import Answer, Outcome, RequestRef
from storage.mentoring import queries

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
    """Who has left the workspace (users.info reports deleted) and where everyone's clock is, asked
    once per person per run."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._info: dict[str, UserInfo | None] = {}

    def info(self, team_id: str, user_id: str) -> UserInfo | None:
        key = f"{team_id}:{user_id}"
        if key not in self._info:
            self._info[key] = self._deps.slack.user_info(team_id, user_id, fresh=True)
        return self._info[key]

    def gone(self, team_id: str, user_id: str) -> bool:
        info = self.info(team_id, user_id)
        # When Slack cannot say (an outage), assume the person is still here: a hiccup drops nobody.
        return bool(info and info.deleted)

    def zone(self, team_id: str, user_id: str) -> ZoneInfo:
        info = self.info(team_id, user_id)
        return timing.zone(info.tz if info else None, self._deps.settings.timezone)


def zone_of(deps: Deps, team_id: str, user_id: str, *, quick: bool = False) -> ZoneInfo:
    """The time zone `user_id` reads times in: their Slack tz, else the deployment's ERFARING_TIMEZONE.
    `quick` for lookups before an ack (the person's language lookup has usually just cached it)."""
    info = deps.slack.user_info(team_id, user_id, quick=quick)
    return timing.zone(info.tz if info else None, deps.settings.timezone)


def _for(deps: Deps, team_id: str, user_id: str, channel_id: str | None = None) -> Translator:
    """The language of something only `user_id` sees."""
    return deps.languages.for_person(team_id, user_id, channel_id)


def _dm(deps: Deps, team_id: str, user_id: str, text: str) -> None:
    """A DM through the outbox: delivered (and retried) after whatever step sends it."""
    effects.dm(deps, team_id, user_id, text)


# -- the forms -----------------------------------------------------------------------------------------


def open_offer_form(
    deps: Deps,
    *,
    team_id: str,
    user_id: str,
    channel_id: str | None,
    trigger_id: str | None,
    topics_text: str | None = None,
    notice: str | None = None,
) -> str | None:
    """Open the offer form, prefilled with the profile (the team from the Slack title when none is
    given: "Developer, Platform" gives Platform). Slack's error code when it could not open."""
    if trigger_id is None:
        return "missing_trigger"
    with deps.db.session() as session:
        profile = profiles.profile_view(session, team_id, user_id)
    unit = profile.unit if profile else None
    if not unit:
        info = deps.slack.user_info(team_id, user_id)
        unit = profiles.department_from_title(info.title) if info else ""
    state = views.OfferModalState(
        topics=topics_text if topics_text is not None else ", ".join(profile.topics if profile else []),
        capacity=profile.capacity if profile else CAPACITY_DEFAULT,
        unit=unit or "",
        bio=(profile.bio or "") if profile else "",
        channel_id=channel_id,
        notice=notice,
    )
    tr = _for(deps, team_id, user_id, channel_id)
    return deps.slack.open_view(team_id, trigger_id, views.offer_modal(tr, state))


def open_request_form(
    deps: Deps,
    *,
    team_id: str,
    user_id: str,
    channel_id: str | None,
    trigger_id: str | None,
    topic: str = "",
    note: str = "",
    notice: str | None = None,
) -> str | None:
    """Open the request form, with the topics mentors offer as a hint. Slack's error code when it
    could not open."""
    if trigger_id is None:
        return "missing_trigger"
    with deps.db.read_session() as session:
        offered = overview.offered_topics(session, team_id)
    state = views.RequestModalState(
        topic=topic, note=note, channel_id=channel_id, notice=notice, offered_topics=offered
    )
    tr = _for(deps, team_id, user_id, channel_id)
    return deps.slack.open_view(team_id, trigger_id, views.request_modal(tr, state))


def after_offer(deps: Deps, team_id: str, user_id: str, topics: list[str]) -> None:
    """After the ack: fill the team from the Slack title if none is known, and match waiting requests."""
    with deps.db.session() as session:
        profile = profiles.profile_view(session, team_id, user_id)
    if profile is not None and not profile.unit:
        info = deps.slack.user_info(team_id, user_id)
        if info is not None and info.title:
            with deps.db.session() as session:
                profiles.set_unit_if_missing(
                    session, team_id, user_id, profiles.department_from_title(info.title)
                )
    home_refresh.refresh(deps, team_id, user_id)
    rematch_waiting(deps, team_id=team_id, topics=topics)


def offer_form_saved(
    deps: Deps, team_id: str, user_id: str, channel_id: str | None, profile: profiles.ProfileView
) -> None:
    """After the offer form's ack: thank the mentor where the form was opened, and match waiting
    requests on their topics."""
    tr = _for(deps, team_id, user_id, channel_id)
    effects.tell(
        deps, team_id, user_id, notices.offer_saved(tr, profile.topics, profile.capacity), channel=channel_id
    )
    home_refresh.refresh(deps, team_id, user_id)
    rematch_waiting(deps, team_id=team_id, topics=profile.topics)


# -- asking mentors ------------------------------------------------------------------------------------


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


# -- a mentor asked for by name --------------------------------------------------------------------------

DIRECTORY_SECONDS = 300.0  # users.list is remembered this long, per workspace...
DIRECTORY_MISS_SECONDS = 30.0  # ...but a name it lacks is looked up again after this (someone new)
DIRECTORY_PAGES_MAX = 50  # 50 pages of 200 people
BROADCASTS = frozenset({"here", "channel", "everyone"})
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


@dataclass(frozen=True)
class _Listing:
    at: float
    ids: Mapping[str, tuple[str, ...]]  # a name as typed, case-folded → the people it names


_directories: weakref.WeakKeyDictionary[SlackGateway, dict[str, _Listing]] = weakref.WeakKeyDictionary()
_directories_lock = threading.Lock()


def _names_of(member: Mapping[str, Any]) -> set[str]:
    """The names a person may be typed by: handle, display name, full name (with or without spaces)."""
    profile = member.get("profile") or {}
    found: set[str] = set()
    for value in (
        member.get("name"),
        profile.get("display_name"),
        profile.get("real_name"),
        member.get("real_name"),
    ):
        folded = " ".join(str(value or "").casefold().split())
        if folded:
            found |= {folded, folded.replace(" ", "")}
    return found


def _list_people(deps: Deps, team_id: str) -> _Listing | None:
    names: dict[str, list[str]] = {}
    cursor: str | None = None
    try:
        for _ in range(DIRECTORY_PAGES_MAX):
            response = deps.slack.client(team_id).users_list(limit=200, cursor=cursor)
            for member in response.get("members") or []:
                if member.get("deleted") or member.get("is_bot") or not member.get("id"):
                    continue
                for name in _names_of(member):
                    names.setdefault(name, []).append(str(member["id"]))
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
    except SlackApiError as exc:
        log.warning("users.list failed: %s", error_code(exc))
        return None
    return _Listing(time.monotonic(), {name: tuple(dict.fromkeys(ids)) for name, ids in names.items()})


def people_called(deps: Deps, team_id: str, name: str) -> tuple[str, ...] | None:
    """Who `name` is ("per" of "@per", as Slack hands a mention to a command that does not escape it):
    everyone in the workspace whose handle, display name or full name it is. From users.list,
    remembered a few minutes; None when Slack cannot say."""
    if _USER_ID.match(name):  # a client that sent <@U123> after all
        info = deps.slack.user_info(team_id, name)
        if info is not None and not info.deleted:
            return (info.id,)
    key = " ".join(name.casefold().split())
    now = time.monotonic()
    with _directories_lock:
        cached = _directories.get(deps.slack, {}).get(team_id)
    fresh = cached is not None and now - cached.at < DIRECTORY_SECONDS
    if cached is not None and fresh and (key in cached.ids or now - cached.at < DIRECTORY_MISS_SECONDS):
        return cached.ids.get(key, ())
    listing = _list_people(deps, team_id)
    if listing is None:
        return cached.ids.get(key, ()) if cached is not None else None
    with _directories_lock:
        _directories.setdefault(deps.slack, {})[team_id] = listing
    return listing.ids.get(key, ())


@dataclass(frozen=True)
class NamedAsk:
    asked: bool  # the offer went to the mentor named; False: the request was taken back, and why
    rendered: Rendered


def ask_named(
    deps: Deps, tr: Translator, request_id: int, *, team_id: str, requester_id: str, name: str, topic: str
) -> NamedAsk | None:
    """`/mentor request @per testing`, stored and acknowledged: ask Per when he offers the topic and
    has room; else take the request back and say why, and how to go on. None when the request is no
    longer looking (cancelled meanwhile)."""

    def refused(text: str) -> NamedAsk:
        with deps.db.session() as session:
            requests.cancel(
                session, team_id=team_id, requester_id=requester_id, topic=topic, now=deps.clock.now()
            )
        return NamedAsk(False, Rendered(text, as_dicts([section(text)])))

    found = people_called(deps, team_id, name)
    if not found or len(found) > 1:
        return refused(notices.nobody_called(tr, name, topic, several=bool(found)))
    [mentor_id] = found
    with deps.db.read_session() as session:
        named = matching.check_named(
            session, team_id=team_id, mentor_id=mentor_id, topic=topic, requester_id=requester_id
        )
    if named.check is matching.MentorCheck.SELF:
        return refused(notices.cannot_ask_yourself(tr, topic))
    if named.check is not matching.MentorCheck.OK:
        return refused(notices.mentor_unavailable(tr, mentor_id, topic, named.check, named.offered))
    fill_requester_unit(deps, request_id)
    with deps.db.session() as session:
        offer_id = requests.claim_offer(
            session, request_id=request_id, mentor_id=mentor_id, now=deps.clock.now()
        )
    if offer_id is None:
        return None
    log.info("request %s offered to the mentor it named (offer %s)", request_id, offer_id)
    send_offer_dm(deps, offer_id)
    lessons = lessons_for(deps, team_id, requester_id, topic)
    return NamedAsk(True, notices.asked_rendered(tr, topic, mentor_id, lessons))


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
        ranked = matching.ranked_for_request(session, ref, now)
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
        home_refresh.refresh(deps, ref.team_id, ref.requester_id, session=session)
    kind = AdvanceKind.WAITING if became_waiting else AdvanceKind.STILL_WAITING
    return Advance(kind, ref, others=supply.others, requester_offers=supply.requester_offers)


def start_request(deps: Deps, request_id: int) -> Advance:
    """A new request, just stored and acknowledged: learn the requester's team, ask the first mentor."""
    fill_requester_unit(deps, request_id)
    return advance(deps, request_id)


def lessons_for(deps: Deps, team_id: str, requester_id: str, topic: str) -> list[ListedLesson]:
    """The best lessons on the topic that the requester may see (their Audience: what Slack says they
    are in, asked through the gateway), to read while they wait."""
    audience = audience_of(deps, team_id, requester_id)
    with deps.db.read_session() as session:
        return overview.best_lessons(session, audience, topic)


def request_outcome(
    deps: Deps, tr: Translator, result: Advance, team_id: str, requester_id: str, topic: str
) -> Rendered | None:
    """What the requester is told once the first mentor is asked (or the request waits), with the
    best lessons on the topic they may see, to read meanwhile."""
    if result.kind not in (AdvanceKind.OFFERED, AdvanceKind.WAITING, AdvanceKind.STILL_WAITING):
        return None
    lessons = lessons_for(deps, team_id, requester_id, topic)
    if result.kind is AdvanceKind.OFFERED and result.mentor_id:
        return notices.asked_rendered(tr, topic, result.mentor_id, lessons)
    if result.kind in (AdvanceKind.WAITING, AdvanceKind.STILL_WAITING):
        return notices.waiting_rendered(tr, topic, result.others, result.requester_offers, lessons)
    return None


def request_form_saved(
    deps: Deps, request_id: int, *, team_id: str, user_id: str, channel_id: str | None, topic: str
) -> None:
    """After the request form's ack: ask the first mentor, and tell the requester by DM."""
    result = start_request(deps, request_id)
    tr = _for(deps, team_id, user_id, channel_id)
    rendered = request_outcome(deps, tr, result, team_id, user_id, topic)
    if rendered is not None:
        effects.dm(deps, team_id, user_id, rendered.text, blocks=rendered.blocks)


def move_on(deps: Deps, request_id: int, presence: Presence | None = None) -> Advance:
    """After a decline, an expiry or a withdrawal (or a request nobody got to): ask the next mentor
    and tell the requester by DM."""
    with deps.db.read_session() as session:
        asked_before = bool(matching.already_asked(session, request_id))
    result = advance(deps, request_id, presence)
    ref = result.request
    if ref is None:
        return result
    if result.kind is AdvanceKind.OFFERED and result.mentor_id:
        tr = _for(deps, ref.team_id, ref.requester_id)
        if asked_before:
            text = notices.asked_next_mentor(tr, ref.topic, result.mentor_id)
        else:
            text = notices.asked_mentor(tr, ref.topic, result.mentor_id)
        _dm(deps, ref.team_id, ref.requester_id, text)
    elif result.kind is AdvanceKind.WAITING:
        tr = _for(deps, ref.team_id, ref.requester_id)
        text = notices.waiting_text(
            tr, ref.topic, result.others, result.requester_offers, after_asking=asked_before
        )
        _dm(deps, ref.team_id, ref.requester_id, text)
    return result


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
    with deps.db.read_session() as session:
        ids = requests.waiting_requests(session, team_id=team_id, topics=topics)
    offered = 0
    for request_id in ids:
        result = advance(deps, request_id, presence)
        if result.kind is AdvanceKind.OFFERED and result.request and result.mentor_id:
            offered += 1
            ref = result.request
            tr = _for(deps, ref.team_id, ref.requester_id)
            _dm(
                deps,
                ref.team_id,
                ref.requester_id,
                notices.found_waiting_mentor(tr, ref.topic, result.mentor_id),
            )
    return offered


def withdraw_offers_of(deps: Deps, team_id: str, mentor_id: str, presence: Presence | None = None) -> int:
    """A mentor stopped or left: their pending offers go to the next mentor."""
    now = deps.clock.now()
    with deps.db.read_session() as session:
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


def aftermath(result: Advance) -> views.Aftermath:
    """What became of a request after an offer ended without a yes, for the mentor's DM."""
    if result.kind is AdvanceKind.OFFERED:
        return views.Aftermath(asked=result.mentor_id)
    return views.Aftermath(waits=result.kind in (AdvanceKind.WAITING, AdvanceKind.STILL_WAITING))


def request_cancelled(deps: Deps, closed: requests.Closed) -> None:
    """The requester took their request back: the offer DMs it had say so, without buttons."""
    home_refresh.refresh(deps, closed.request.team_id, closed.request.requester_id)
    for offer in closed.withdrawn:
        update_offer_dm(deps, offer.id)


# -- the offer DM --------------------------------------------------------------------------------------


def _offer_card(deps: Deps, offer: requests.OfferRef, request: RequestRef) -> views.OfferCard:
    return views.OfferCard(
        offer_id=offer.id,
        requester_id=request.requester_id,
        topic=request.topic,
        note=request.note,
        requester_unit=request.unit,
        expires_at=offer.expires_at,
        zone=zone_of(deps, offer.team_id, offer.mentor_id),
        request_status=request.status,
    )


def _offer_and_request(deps: Deps, offer_id: int) -> tuple[requests.OfferRef, RequestRef] | None:
    with deps.db.read_session() as session:
        offer = requests.get_offer(session, offer_id)
        if offer is None:
            return None
        request = requests.get_request(session, offer.request_id)
        assert request is not None
        return requests.OfferRef.of(offer), RequestRef.of(request)


def send_offer_dm(deps: Deps, offer_id: int, presence: Presence | None = None) -> bool:
    """DM the mentor the request with Accept / Decline, in the mentor's language. The caller holds
    the DM claim."""
    now = deps.clock.now()
    found = _offer_and_request(deps, offer_id)
    if found is None:
        return False
    offer, request = found
    if offer.status != OfferStatus.PENDING or offer.dm_ts:
        return False
    # The answer window starts when the mentor can see the request.
    card = replace(_offer_card(deps, offer, request), expires_at=now + OFFER_TTL)
    rendered = views.offer_dm(_for(deps, offer.team_id, offer.mentor_id), card)
    try:
        response = deps.slack.client(offer.team_id).chat_postMessage(
            channel=offer.mentor_id, text=rendered.text, blocks=rendered.blocks, unfurl_links=False
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
        home_refresh.refresh(deps, offer.team_id, offer.mentor_id, request.requester_id, session=session)
    return True


def update_offer_dm(
    deps: Deps, offer_id: int, *, paused: bool = False, after: views.Aftermath | None = None
) -> None:
    """Replace the offer DM's buttons with what became of it (chat.update): for an offer that ended
    without a yes, `after` says whom the request went to instead, or that it now waits."""
    found = _offer_and_request(deps, offer_id)
    if found is None:
        return
    offer, request = found
    home_refresh.refresh(deps, offer.team_id, offer.mentor_id, request.requester_id)
    if not offer.dm_channel or not offer.dm_ts:
        return
    tr = _for(deps, offer.team_id, offer.mentor_id)
    card = _offer_card(deps, offer, request)
    rendered = views.offer_dm_closed(tr, card, offer.status, paused=paused, after=after)
    effects.update(deps, offer.team_id, offer.dm_channel, offer.dm_ts, rendered.text, blocks=rendered.blocks)


def offer_answered(deps: Deps, answer: Answer, *, paused: bool = False) -> None:
    """After the mentor's click was stored and acknowledged: the DM loses its buttons, then the match
    is introduced (accepted) or the next mentor asked (declined)."""
    if answer.outcome is not Outcome.DONE or answer.offer is None or answer.request is None:
        return  # a second click, or the offer expired or was withdrawn meanwhile: nothing changes
    if answer.offer.status == OfferStatus.ACCEPTED and answer.mentorship_id is not None:
        update_offer_dm(deps, answer.offer.id, paused=paused)
        introduce(deps, answer.mentorship_id)
    else:
        # The next mentor first, so the DM can say what actually became of the request.
        result = move_on(deps, answer.request.id)
        update_offer_dm(deps, answer.offer.id, paused=paused, after=aftermath(result))


# -- the introduction ----------------------------------------------------------------------------------


def introduce(deps: Deps, mentorship_id: int) -> bool:
    """Open a group DM with mentor and mentee, post the introduction and tell the requester.
    The caller holds the introduction claim (set when the offer was accepted, or by the job)."""
    with deps.db.read_session() as session:
        m = followups.get_mentorship(session, mentorship_id)
        if m is None or m.intro_ts:
            return False
        request = requests.get_request(session, m.request_id)
        assert request is not None
        card = views.IntroCard(
            mentor_id=m.mentor_id,
            mentee_id=m.mentee_id,
            topic=m.topic,
            note=request.note,
            followup_days=followups.followup_days(session, m.team_id),
        )
        team_id = m.team_id
    client = deps.slack.client(team_id)
    channel: str | None = None
    try:
        opened = client.conversations_open(users=[card.mentor_id, card.mentee_id])
        channel = str(opened["channel"]["id"])
        # Two people read it: the group DM's language, which is the workspace's.
        rendered = views.introduction(deps.languages.for_channel(team_id, channel), card)
        posted = client.chat_postMessage(
            channel=channel, text=rendered.text, blocks=rendered.blocks, unfurl_links=False
        )
        ts = str(posted["ts"])
    except SlackApiError as exc:
        code = error_code(exc)
        log.warning("introducing mentorship %s failed: %s", mentorship_id, code)
        if code not in PERMANENT_ERRORS:
            with deps.db.session() as session:
                queries.release_intro(session, mentorship_id)
            return False
        # One of them cannot be in a group conversation: introduce them to each other one by one.
        channel = None
        sent = []
        for person in (card.mentee_id, card.mentor_id):
            alone = views.introduction(_for(deps, team_id, person), card)
            sent.append(deps.slack.dm(team_id, person, alone.text, alone.blocks))
        ts = next((where.ts for where in sent if where), "unsent")
    with deps.db.session() as session:
        queries.mark_introduced(session, mentorship_id, channel, ts)
        home_refresh.refresh(deps, team_id, card.mentor_id, card.mentee_id, session=session)
    tr = _for(deps, team_id, card.mentee_id)
    _dm(deps, team_id, card.mentee_id, notices.matched_for_requester(tr, card.topic, card.mentor_id, channel))
    return True


def claim_intro(deps: Deps, mentorship_id: int) -> bool:
    now = deps.clock.now()
    with deps.db.session() as session:
        return queries.claim_intro(session, mentorship_id, now, now - CLAIM_STALE)


# -- follow-ups ----------------------------------------------------------------------------------------


def place_freed(deps: Deps, m: MentorshipRef, presence: Presence | None = None) -> int:
    """A mentorship ended: the mentor has room again for requests that wait on their topics."""
    with deps.db.read_session() as session:
        topics = profiles.topics_of(session, m.team_id, m.mentor_id)
    return rematch_waiting(deps, team_id=m.team_id, topics=topics, presence=presence)


def ready_at(deps: Deps, m: MentorshipRef, now: datetime, presence: Presence) -> dict[str, datetime]:
    """From when each of the two may get a follow-up: the next working hours in their own time zone
    (bot.mentoring.timing); someone who has left can be "told" at once (nothing reaches them)."""
    return {
        person: now
        if presence.gone(m.team_id, person)
        else timing.next_working(now, presence.zone(m.team_id, person))
        for person in m.people
    }


def claim_followup(deps: Deps, mentorship_id: int, now: datetime, presence: Presence) -> Step | None:
    """The follow-up due now for whoever is in working hours, claimed (the others' copies wait)."""
    with deps.db.read_session() as session:
        m = followups.get_mentorship(session, mentorship_id)
        ref = MentorshipRef.of(m) if m is not None else None
    if ref is None:
        return None
    ready = ready_at(deps, ref, now, presence)
    with deps.db.session() as session:
        return followups.claim_step(session, mentorship_id, now, ready)


def send_step(deps: Deps, step: Step, presence: Presence) -> None:
    """Send a claimed follow-up step to the people it is for now: the check-in or reminder, or the
    note that the mentorship ended (no answers, or the other person left)."""
    m = step.mentorship
    home_refresh.refresh(deps, m.team_id, *m.people)
    if step.kind is StepKind.LAPSE:
        for person in step.to:
            tr = _for(deps, m.team_id, person)
            _dm(deps, m.team_id, person, notices.lapsed(tr, m.other(person), m.topic))
        if step.first:
            place_freed(deps, m, presence)
        return
    if step.kind is StepKind.LEFT:
        for person in step.to:
            if not presence.gone(m.team_id, person):
                tr = _for(deps, m.team_id, person)
                _dm(deps, m.team_id, person, notices.partner_left(tr, m.other(person), m.topic))
        return
    gone = [person for person in m.people if presence.gone(m.team_id, person)]
    if gone:
        now = deps.clock.now()
        # The one who stays hears it now when it is their working day, else on their next morning.
        stays = [person for person in m.people if person not in gone]
        told_now = [p for p in stays if p in step.to or timing.working(now, presence.zone(m.team_id, p))]
        later = [
            (p, timing.next_working(now, presence.zone(m.team_id, p))) for p in stays if p not in told_now
        ]
        with deps.db.session() as session:
            ended = followups.end(session, m.id, now, EndReason.LEFT, tell_later=later[0] if later else None)
        if ended:
            for person in told_now:
                tr = _for(deps, m.team_id, person)
                _dm(deps, m.team_id, person, notices.partner_left(tr, m.other(person), m.topic))
            if m.mentor_id not in gone:
                place_freed(deps, m, presence)
        return
    for person in step.to:
        card = views.FollowUpCard(
            mentorship_id=m.id,
            round=step.round,
            other_id=m.other(person),
            topic=m.topic,
            reminder=step.kind is StepKind.REMINDER,
        )
        rendered = views.followup_dm(_for(deps, m.team_id, person), card)
        effects.dm(deps, m.team_id, person, rendered.text, blocks=rendered.blocks)


def followup_answered(
    deps: Deps,
    result: AnswerResult,
    *,
    user_id: str,
    round_: int,
    channel_id: str | None,
    message_ts: str | None,
) -> None:
    """What an answer sets off, after it is stored and acknowledged: the DM shows the answer, "Need
    help" tells the admins, "We're done" tells the other person and frees the mentor's place."""
    m = result.mentorship
    if result.outcome is not Recorded.RECORDED or m is None or result.answer is None:
        return
    home_refresh.refresh(deps, m.team_id, *m.people)
    tr = _for(deps, m.team_id, user_id)
    card = views.FollowUpCard(mentorship_id=m.id, round=round_, other_id=m.other(user_id), topic=m.topic)
    if channel_id and message_ts:
        rendered = views.followup_answered(tr, card, result.answer)
        effects.update(deps, m.team_id, channel_id, message_ts, rendered.text, blocks=rendered.blocks)
    if result.answer is FollowUpAnswerKind.NEED_HELP:
        admins = sorted(deps.settings.admins)
        for admin in admins:
            text = notices.need_help_for_admins(
                _for(deps, m.team_id, admin), user_id, m.mentor_id, m.mentee_id, m.topic
            )
            _dm(deps, m.team_id, admin, text)  # delivered by the outbox, retried when Slack fails
        if not admins:
            log.warning("a mentoring 'need help' reached no admin: ERFARING_ADMINS is empty")
            _dm(deps, m.team_id, user_id, notices.no_admin_reached(tr))
    elif result.answer is FollowUpAnswerKind.DONE and result.ended_now:
        other = m.other(user_id)
        _dm(deps, m.team_id, other, notices.partner_ended(_for(deps, m.team_id, other), user_id, m.topic))
        if m.channel_id:
            closing = notices.group_closing(deps.languages.for_channel(m.team_id, m.channel_id), m.topic)
            effects.post(deps, m.team_id, m.channel_id, closing)
        place_freed(deps, m)


def followup_ended(
    deps: Deps,
    *,
    team_id: str,
    user_id: str,
    mentorship_id: int,
    channel_id: str | None,
    message_ts: str | None,
) -> bool:
    """A click on a follow-up DM of a mentorship that has ended: the DM's buttons give way to how it
    ended (in the reader's language and time zone), through the outbox. False when there is no DM
    to change or no ended mentorship to show."""
    if not channel_id or not message_ts:
        return False
    zone = zone_of(deps, team_id, user_id)
    with deps.db.read_session() as session:
        card = overview.ended_card(session, mentorship_id, user_id, zone)
    if card is None:
        return False
    rendered = views.followup_ended(_for(deps, team_id, user_id, channel_id), card)
    effects.update(deps, team_id, channel_id, message_ts, rendered.text, blocks=rendered.blocks)
    return True
