"""The request / offer / mentorship state machine: every transition happens once, whoever repeats it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.mentoring import followups, profiles, requests
from bot.mentoring.commands import MentorVerb, parse, split_topic
from bot.mentoring.followups import Recorded, StepKind
from bot.mentoring.ids import (
    BIO_MAX,
    CAPACITY_DEFAULT,
    OFFER_TTL,
    FollowUpAnswerKind,
    MentorBlock,
    ProfileStatus,
)
from bot.mentoring.requests import Outcome
from storage.db import Database
from storage.mentoring.models import MentorOffer, MentorRequest, Mentorship

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
TEAM = "T1"


def new_request(db: Database, user: str = "UOLA", topic: str = "testing") -> int:
    with db.session() as session:
        created = requests.create_request(
            session, team_id=TEAM, requester_id=user, topic=topic, note="help", now=NOW
        )
        assert created.created
        return created.request.id


def ask(db: Database, request_id: int, mentor: str, now: datetime = NOW) -> int:
    with db.session() as session:
        offer_id = requests.claim_offer(session, request_id=request_id, mentor_id=mentor, now=now)
    assert offer_id is not None
    return offer_id


def status_of(db: Database, request_id: int) -> str:
    with db.session() as session:
        request = session.get(MentorRequest, request_id)
        assert request is not None
        return request.status


def test_one_open_request_per_person_and_topic(db: Database) -> None:
    first = new_request(db)
    with db.session() as session:
        again = requests.create_request(
            session, team_id=TEAM, requester_id="UOLA", topic="testing", note=None, now=NOW
        )
        assert not again.created and again.request.id == first
        other = requests.create_request(
            session, team_id=TEAM, requester_id="UOLA", topic="onboarding", note=None, now=NOW
        )
        assert other.created
    # The database itself refuses a second open row, whatever the code above does.
    with pytest.raises(IntegrityError), db.session() as session:
        session.add(
            MentorRequest(
                team_id=TEAM,
                requester_id="UOLA",
                topic="testing",
                status="open",
                open_key=requests.open_key(TEAM, "UOLA", "testing"),
                created_at=NOW,
                updated_at=NOW,
            )
        )
    with db.session() as session:
        closed = requests.cancel(session, team_id=TEAM, requester_id="UOLA", topic="testing", now=NOW)
        assert closed is not None
        assert requests.cancel(session, team_id=TEAM, requester_id="UOLA", topic="testing", now=NOW) is None
        again = requests.create_request(
            session, team_id=TEAM, requester_id="UOLA", topic="testing", note=None, now=NOW
        )
        assert again.created, "a cancelled request frees the topic for a new one"


def test_a_request_has_one_pending_offer_and_a_mentor_is_asked_once(db: Database) -> None:
    request_id = new_request(db)
    offer_id = ask(db, request_id, "UA")
    with db.session() as session:
        assert requests.claim_offer(session, request_id=request_id, mentor_id="UB", now=NOW) is None
    assert status_of(db, request_id) == "offered"
    with db.session() as session:
        requests.decline(session, team_id=TEAM, offer_id=offer_id, user_id="UA", now=NOW)
    assert status_of(db, request_id) == "open"
    with db.session() as session:
        assert requests.claim_offer(session, request_id=request_id, mentor_id="UA", now=NOW) is None
    # The failed attempt changed nothing: the request is still looking.
    assert status_of(db, request_id) == "open"
    ask(db, request_id, "UB")
    with db.session() as session:
        pending = session.scalars(select(MentorOffer).where(MentorOffer.status == "pending")).all()
        assert [o.mentor_id for o in pending] == ["UB"]


def test_accept_happens_once_and_only_for_the_mentor_asked(db: Database) -> None:
    request_id = new_request(db)
    offer_id = ask(db, request_id, "UA")

    def accept(user: str, team: str = TEAM) -> requests.Answer:
        with db.session() as session:
            return requests.accept(
                session, team_id=team, offer_id=offer_id, user_id=user, now=NOW, followup_days=14
            )

    assert accept("UB").outcome is Outcome.NOT_YOURS
    assert accept("UA", team="T2").outcome is Outcome.MISSING
    first = accept("UA")
    assert first.outcome is Outcome.DONE and first.mentorship_id is not None
    assert first.request is not None and first.request.status == "matched"
    assert accept("UA").outcome is Outcome.ALREADY
    with db.session() as session:
        late = requests.decline(session, team_id=TEAM, offer_id=offer_id, user_id="UA", now=NOW)
        assert late.outcome is Outcome.ALREADY
        assert len(session.scalars(select(Mentorship)).all()) == 1
        m = session.scalars(select(Mentorship)).one()
        assert m.next_followup_at == NOW + timedelta(days=14)
        request = session.get(MentorRequest, request_id)
        assert request is not None and request.open_key is None


def test_decline_and_pause(db: Database) -> None:
    with db.session() as session:
        profiles.save_offer(
            session, team_id=TEAM, user_id="UA", topics=["testing"], now=NOW, replace_topics=False
        )
    request_id = new_request(db)
    offer_id = ask(db, request_id, "UA")
    with db.session() as session:
        answer = requests.decline(session, team_id=TEAM, offer_id=offer_id, user_id="UA", now=NOW, pause=True)
        assert answer.outcome is Outcome.DONE
        assert requests.decline(session, team_id=TEAM, offer_id=offer_id, user_id="UA", now=NOW).outcome is (
            Outcome.ALREADY
        )
        profile = profiles.get_profile(session, TEAM, "UA")
        assert profile is not None and profile.status == "paused"


def test_an_offer_expires_once_and_only_when_due(db: Database) -> None:
    request_id = new_request(db)
    offer_id = ask(db, request_id, "UA")
    with db.session() as session:
        assert (
            requests.expire(session, offer_id, NOW + OFFER_TTL - timedelta(seconds=1)).outcome
            is Outcome.ALREADY
        )
        assert requests.expire(session, offer_id, NOW + OFFER_TTL).outcome is Outcome.DONE
        assert requests.expire(session, offer_id, NOW + OFFER_TTL).outcome is Outcome.ALREADY
        late = requests.accept(
            session, team_id=TEAM, offer_id=offer_id, user_id="UA", now=NOW + OFFER_TTL, followup_days=14
        )
        assert late.outcome is Outcome.ALREADY and late.offer is not None and late.offer.status == "expired"
    assert status_of(db, request_id) == "open"


def test_the_answer_window_starts_when_the_dm_is_sent(db: Database) -> None:
    request_id = new_request(db)
    offer_id = ask(db, request_id, "UA")
    later = NOW + timedelta(hours=3)
    with db.session() as session:
        assert requests.record_dm(session, offer_id, "D1", "1.0", later)
        assert not requests.record_dm(session, offer_id, "D1", "2.0", later), "recorded once"
        offer = requests.get_offer(session, offer_id)
        assert offer is not None and offer.expires_at == later + OFFER_TTL and offer.dm_ts == "1.0"


def test_an_unsent_dm_is_claimed_again_only_once_stale(db: Database) -> None:
    request_id = new_request(db)
    offer_id = ask(db, request_id, "UA")
    stale = timedelta(minutes=10)
    with db.session() as session:
        assert not requests.claim_dm(session, offer_id, NOW + timedelta(minutes=5), stale)
        assert requests.claim_dm(session, offer_id, NOW + timedelta(minutes=11), stale)
        assert not requests.claim_dm(session, offer_id, NOW + timedelta(minutes=12), stale)
        requests.release_dm_claim(session, offer_id)
        assert requests.claim_dm(session, offer_id, NOW + timedelta(minutes=13), stale)


def test_cancel_withdraws_the_pending_offer(db: Database) -> None:
    request_id = new_request(db)
    offer_id = ask(db, request_id, "UA")
    with db.session() as session:
        closed = requests.cancel(session, team_id=TEAM, requester_id="UOLA", topic="testing", now=NOW)
        assert closed is not None and [o.id for o in closed.withdrawn] == [offer_id]
        answer = requests.accept(
            session, team_id=TEAM, offer_id=offer_id, user_id="UA", now=NOW, followup_days=14
        )
        assert answer.outcome is Outcome.ALREADY
    assert status_of(db, request_id) == "cancelled"


def test_waiting_is_entered_once(db: Database) -> None:
    request_id = new_request(db)
    with db.session() as session:
        assert requests.mark_waiting(session, request_id, NOW)
        assert not requests.mark_waiting(session, request_id, NOW)
    ask(db, request_id, "UA")  # a waiting request can be offered when a mentor appears
    assert status_of(db, request_id) == "offered"


def matched(db: Database, days: int = 14) -> int:
    request_id = new_request(db)
    offer_id = ask(db, request_id, "UA")
    with db.session() as session:
        answer = requests.accept(
            session, team_id=TEAM, offer_id=offer_id, user_id="UA", now=NOW, followup_days=days
        )
    assert answer.mentorship_id is not None
    return answer.mentorship_id


def step(db: Database, mentorship_id: int, when: datetime) -> followups.Step | None:
    with db.session() as session:
        return followups.claim_step(session, mentorship_id, when)


def test_follow_up_steps_are_claimed_once_reminded_then_lapsed(db: Database) -> None:
    m = matched(db)
    assert step(db, m, NOW + timedelta(days=13)) is None
    due = NOW + timedelta(days=14)
    first = step(db, m, due)
    assert first is not None and (first.kind, first.round) == (StepKind.CHECK_IN, 1)
    assert step(db, m, due) is None, "a second run finds it claimed"
    reminder = step(db, m, due + timedelta(days=7))
    assert reminder is not None and (reminder.kind, reminder.round) == (StepKind.REMINDER, 1)
    lapse = step(db, m, due + timedelta(days=14))
    assert lapse is not None and lapse.kind is StepKind.LAPSE
    with db.session() as session:
        row = session.get(Mentorship, m)
        assert row is not None and (row.status, row.ended_reason) == ("ended", "no_answer")
    assert step(db, m, due + timedelta(days=60)) is None


def test_answers_are_recorded_once_and_reset_the_schedule(db: Database) -> None:
    m = matched(db)
    due = NOW + timedelta(days=14)
    assert step(db, m, due) is not None

    def answer(
        user: str, kind: FollowUpAnswerKind, when: datetime, round_: int = 1
    ) -> followups.AnswerResult:
        with db.session() as session:
            return followups.record_answer(
                session, team_id=TEAM, mentorship_id=m, user_id=user, round_=round_, answer=kind, now=when
            )

    assert answer("UX", FollowUpAnswerKind.GOING_WELL, due).outcome is Recorded.NOT_YOURS
    assert answer("UOLA", FollowUpAnswerKind.GOING_WELL, due).outcome is Recorded.RECORDED
    assert answer("UOLA", FollowUpAnswerKind.DONE, due).outcome is Recorded.DUPLICATE
    # Answered: the next check-in is a full interval later, not a reminder.
    assert step(db, m, due + timedelta(days=7)) is None
    nxt = step(db, m, due + timedelta(days=14))
    assert nxt is not None and (nxt.kind, nxt.round) == (StepKind.CHECK_IN, 2)
    done = answer("UA", FollowUpAnswerKind.DONE, due + timedelta(days=15), round_=2)
    assert done.outcome is Recorded.RECORDED and done.ended_now
    assert (
        answer("UOLA", FollowUpAnswerKind.DONE, due + timedelta(days=15), round_=2).outcome is Recorded.ENDED
    )
    with db.session() as session:
        assert followups.answers_for(session, m) == [("UOLA", 1, "going_well"), ("UA", 2, "done")]


def test_follow_up_days_are_a_workspace_setting(db: Database) -> None:
    with db.session() as session:
        assert followups.followup_days(session, TEAM) == followups.DEFAULT_FOLLOWUP_DAYS
        followups.set_followup_days(session, TEAM, 7, "UADMIN", NOW)
        followups.set_followup_days(session, TEAM, 10, "UADMIN", NOW)
        assert followups.followup_days(session, TEAM) == 10
        assert followups.followup_days(session, "T2") == followups.DEFAULT_FOLLOWUP_DAYS
        with pytest.raises(ValueError):
            followups.set_followup_days(session, TEAM, 0, "UADMIN", NOW)


def test_profile_offers_add_topics_and_the_form_replaces_them(db: Database) -> None:
    with db.session() as session:
        first = profiles.save_offer(
            session, team_id=TEAM, user_id="UA", topics=["testing"], now=NOW, replace_topics=False
        )
        assert first.created and first.profile.capacity == CAPACITY_DEFAULT
        more = profiles.save_offer(
            session,
            team_id=TEAM,
            user_id="UA",
            topics=["onboarding", "testing"],
            now=NOW,
            replace_topics=False,
        )
        assert more.added == ["onboarding"] and more.profile.topics == ["onboarding", "testing"]
        form = profiles.save_offer(
            session,
            team_id=TEAM,
            user_id="UA",
            topics=["design"],
            now=NOW,
            replace_topics=True,
            capacity=3,
            unit="Product",
            bio="Hi",
        )
        assert (
            form.profile.topics == ["design"]
            and form.profile.capacity == 3
            and form.profile.unit == "Product"
        )
        assert not profiles.set_unit_if_missing(session, TEAM, "UA", "Platform")
        stopped = profiles.set_status(session, TEAM, "UA", ProfileStatus.STOPPED, NOW)
        assert stopped is not None and stopped.changed
        again = profiles.save_offer(
            session, team_id=TEAM, user_id="UA", topics=["design"], now=NOW, replace_topics=False
        )
        assert again.profile.status == "active" and again.was_status == "stopped"
    problems = profiles.validate(profiles.ProfileDraft(topics=[], capacity=0, bio="x" * (BIO_MAX + 1)))
    assert {p.field for p in problems} == {MentorBlock.TOPICS, MentorBlock.CAPACITY, MentorBlock.BIO}


def test_mentor_commands_parse() -> None:
    assert parse("").verb is MentorVerb.HELP
    offer = parse("offer Testing, machine learning")
    assert (offer.verb, offer.text) == (MentorVerb.OFFER, "Testing, machine learning")
    request = parse("request #testing I want to write better tests")
    assert (request.verb, request.topic, request.note) == (
        MentorVerb.REQUEST,
        "#testing",
        "I want to write better tests",
    )
    assert parse("finn testing").verb is MentorVerb.REQUEST
    assert parse("request").topic == ""
    assert parse("followup-days 7").number == 7
    assert parse("followup-days seven").number is None
    assert parse("cancel Testing").topic == "Testing"
    unknown = parse("bogus stuff")
    assert (unknown.verb, unknown.text) == (MentorVerb.UNKNOWN, "bogus")
    assert split_topic('"machine learning" and more') == ("machine learning", "and more")
    assert split_topic("machine learning: models in production") == (
        "machine learning",
        "models in production",
    )
    assert split_topic("testing please: a long note") == ("testing please", "a long note")
    assert split_topic("testing") == ("testing", "")
