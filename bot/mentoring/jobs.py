"""The periodic mentoring work (run every few minutes by the scheduler, and by the console).

Everything is driven by rows in the database, never by in-memory timers: an offer past its
`expires_at`, a mentorship past its `next_followup_at`, a DM or introduction claimed long ago and
never sent. Each item is claimed with a conditional update, so a restart, an overlapping run or a
second replica repeats nothing, and one failing item never stops the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.core.deps import Deps
from bot.mentoring import followups, profiles, requests
from bot.mentoring.flows import (
    CLAIM_STALE,
    AdvanceKind,
    Presence,
    aftermath,
    claim_followup,
    claim_intro,
    introduce,
    move_on,
    rematch_waiting,
    send_offer_dm,
    send_step,
    update_offer_dm,
    withdraw_offers_of,
)
from bot.mentoring.followups import StepKind
from bot.mentoring.requests import Outcome
from storage.mentoring import queries

log = logging.getLogger(__name__)

BATCH = 200  # items of each kind per run; the rest wait for the next run


@dataclass
class MentoringReport:
    offer_dms_sent: int = 0  # offer DMs a crash or an outage had left unsent
    offers_expired: int = 0
    mentors_left: int = 0  # mentors found gone whose pending offers moved on
    introductions: int = 0  # introductions a crash or an outage had left unsent
    requests_restarted: int = 0  # requests stored but never matched (a crash right after saving)
    waiting_matched: int = 0
    check_ins: int = 0
    reminders: int = 0
    lapsed: int = 0
    waited: int = 0  # copies of a follow-up that waited for their reader's working hours, now sent

    def total(self) -> int:
        return sum(self.__dict__.values())


def _each(items: Iterable[int], what: str, step: Callable[[int], None]) -> None:
    for item in items:
        try:
            step(item)
        except Exception:
            log.exception("mentoring job: %s %s failed; the next run tries again", what, item)


def run_due_mentoring(deps: Deps, now: datetime) -> MentoringReport:
    report = MentoringReport()
    presence = Presence(deps)
    stale = now - CLAIM_STALE

    with deps.db.read_session() as session:
        unsent = queries.unsent_offer_ids(session, stale, BATCH)

    def resend(offer_id: int) -> None:
        with deps.db.session() as session:
            claimed = requests.claim_dm(session, offer_id, now, CLAIM_STALE)
        if claimed and send_offer_dm(deps, offer_id, presence):
            report.offer_dms_sent += 1

    _each(unsent, "offer DM", resend)

    with deps.db.read_session() as session:
        due_offers = queries.due_offer_ids(session, now, BATCH)

    def expire(offer_id: int) -> None:
        with deps.db.session() as session:
            answer = requests.expire(session, offer_id, now)
        if answer.outcome is Outcome.DONE and answer.request:
            report.offers_expired += 1
            # The next mentor first, so the expired DM can say what actually became of the request.
            result = move_on(deps, answer.request.id, presence)
            update_offer_dm(deps, offer_id, after=aftermath(result))

    _each(due_offers, "expiring offer", expire)

    with deps.db.read_session() as session:
        pending_mentors = queries.mentors_with_pending_offers(session, BATCH)

    def check_mentor(index: int) -> None:
        team_id, mentor_id = pending_mentors[index]
        if not presence.gone(team_id, mentor_id):
            return
        with deps.db.session() as session:
            profiles.mark_left(session, team_id, mentor_id, now)
        log.info("a mentor with pending offers left workspace %s; moving their offers on", team_id)
        if withdraw_offers_of(deps, team_id, mentor_id, presence):
            report.mentors_left += 1

    _each(range(len(pending_mentors)), "mentor presence check", check_mentor)

    with deps.db.read_session() as session:
        unintroduced = queries.unintroduced_mentorship_ids(session, stale, BATCH)

    def intro(mentorship_id: int) -> None:
        if claim_intro(deps, mentorship_id) and introduce(deps, mentorship_id):
            report.introductions += 1

    _each(unintroduced, "introduction", intro)

    with deps.db.read_session() as session:
        stalled = queries.stalled_request_ids(session, stale, BATCH)

    def restart(request_id: int) -> None:
        if move_on(deps, request_id, presence).kind in (AdvanceKind.OFFERED, AdvanceKind.WAITING):
            report.requests_restarted += 1

    _each(stalled, "stalled request", restart)

    try:
        report.waiting_matched = rematch_waiting(deps, presence=presence)
    except Exception:
        log.exception("mentoring job: re-checking waiting requests failed; the next run tries again")

    with deps.db.read_session() as session:
        due_followups = followups.due(session, now, BATCH)

    def follow_up(mentorship_id: int) -> None:
        # Each person in their own working hours: at night or at the weekend, their copy waits.
        step = claim_followup(deps, mentorship_id, now, presence)
        if step is None:
            return
        if not step.first:
            report.waited += 1
        elif step.kind is StepKind.CHECK_IN:
            report.check_ins += 1
        elif step.kind is StepKind.REMINDER:
            report.reminders += 1
        else:
            report.lapsed += 1
        send_step(deps, step, presence)

    _each(due_followups, "follow-up", follow_up)

    if report.total():
        log.info("mentoring job: %s", report)
    return report
