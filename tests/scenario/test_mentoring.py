"""/mentor end to end: offers, requests, the offer DM, matches, timeouts, follow-ups and leavers,
driven through signed requests into the real app, with the clock moved by hand."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

import app as erfaring
from bot.core.i18n import translator
from bot.lessons.visibility import settle_pending
from bot.mentoring import notices
from bot.mentoring import requests as mentor_requests
from bot.mentoring.digest_section import mentoring_digest_lines
from bot.mentoring.ids import MentorAction, MentorBlock, MentorCallback
from bot.mentoring.jobs import MentoringReport, run_due_mentoring
from localslack.clock import FakeClock
from localslack.driver import Response
from localslack.standin import Message, OpenView
from localslack.workspace import LocalWorkspace
from storage.db import Database
from storage.mentoring.models import FollowUpAnswer, MentorOffer, MentorProfile, MentorRequest, Mentorship
from tests.scenario.helpers import bot_messages, button_labels, texts

OFFER_BUTTONS = ["Accept", "Decline", "Decline and pause me"]
FOLLOWUP_BUTTONS = ["Going well", "Need help", "We're done"]


# -- helpers ----------------------------------------------------------------------------------------


def mentor(ws: LocalWorkspace, who: str, text: str, channel: str = "general") -> None:
    response = ws.driver.command(ws.user_id(who), ws.channel_id(channel), "/mentor", text)
    assert response.ok, response
    ws.settle()


def dms(ws: LocalWorkspace, who: str) -> list[Message]:
    return bot_messages(ws, ws.standin.im_channel(ws.user_id(who)))


def dm_text(ws: LocalWorkspace, who: str) -> str:
    return "\n".join(m.text + json.dumps(m.blocks, ensure_ascii=False) for m in dms(ws, who))


def offer_dm(ws: LocalWorkspace, who: str) -> Message:
    # By action id, not label: the label follows the workspace's language.
    offers = [m for m in dms(ws, who) if MentorAction.ACCEPT in action_ids(m)]
    assert offers, f"{who} has no offer DM with buttons"
    return offers[-1]


def action_ids(message: Message) -> list[str]:
    return [e.get("action_id", "") for b in message.blocks for e in b.get("elements", []) if "action_id" in e]


def followup_dms(ws: LocalWorkspace, who: str) -> list[Message]:
    return [m for m in dms(ws, who) if button_labels(m) == FOLLOWUP_BUTTONS]


def click(ws: LocalWorkspace, who: str, action: MentorAction, message: Message) -> None:
    assert ws.driver.click(ws.user_id(who), action_id=action, message=message).ok
    ws.settle()


def run_jobs(ws: LocalWorkspace, clock: FakeClock) -> MentoringReport:
    report = run_due_mentoring(ws.deps, clock.now())
    ws.settle()
    return report


def requests_in_db(ws: LocalWorkspace) -> list[MentorRequest]:
    with ws.deps.db.session() as session:
        return list(session.scalars(select(MentorRequest).order_by(MentorRequest.id)))


def offers_in_db(ws: LocalWorkspace) -> list[MentorOffer]:
    with ws.deps.db.session() as session:
        return list(session.scalars(select(MentorOffer).order_by(MentorOffer.id)))


def mentorships(ws: LocalWorkspace) -> list[Mentorship]:
    with ws.deps.db.session() as session:
        return list(session.scalars(select(Mentorship).order_by(Mentorship.id)))


def profile_of(ws: LocalWorkspace, who: str) -> MentorProfile:
    with ws.deps.db.session() as session:
        found = session.scalar(select(MentorProfile).where(MentorProfile.user_id == ws.user_id(who)))
        assert found is not None
        return found


def group_dm(ws: LocalWorkspace, *people: str) -> list[Message]:
    ids = {ws.user_id(p) for p in people} | {ws.standin.bot_user_id}
    [channel] = [c for c in ws.standin.channels() if c.is_mpim and c.members == ids]
    return bot_messages(ws, channel.id)


# -- the lifecycle ----------------------------------------------------------------------------------------


def test_offer_request_accept_introduces_both_in_a_group_dm(ws: LocalWorkspace) -> None:
    ingrid, ola = ws.user_id("ingrid"), ws.user_id("ola")
    mentor(ws, "ingrid", "offer Testing, onboarding")
    assert "You offer *onboarding*, *testing*, up to 2 mentees" in texts(ws, ingrid)
    assert profile_of(ws, "ingrid").team_or_department == "Product"  # from the Slack title

    mentor(ws, "ola", "request testing I want <!channel> tests that catch real bugs")
    shown = texts(ws, ola)
    assert "Looking for a mentor in *testing*" in shown
    assert f"I have asked <@{ingrid}> to mentor you in *testing*" in shown

    offer = offer_dm(ws, "ingrid")
    assert button_labels(offer) == OFFER_BUTTONS
    dumped = json.dumps(offer.blocks)
    assert f"<@{ola}> would like a mentor in *testing*" in dumped
    assert "&lt;!channel&gt;" in dumped and "<!channel>" not in dumped  # the note cannot ping anyone
    assert "Platform" in dumped  # Ola's department, from his title

    click(ws, "ingrid", MentorAction.ACCEPT, offer)
    [opened] = ws.standin.calls_to("conversations.open")
    assert set(str(opened.args["users"]).split(",")) == {ingrid, ola}
    [intro] = group_dm(ws, "ingrid", "ola")
    intro_text = json.dumps(intro.blocks)
    assert f"<@{ola}>, meet <@{ingrid}>" in intro_text
    assert "A suggested first agenda" in intro_text and "How often to meet" in intro_text
    assert "Goals" in intro_text and "14 days" in intro_text
    assert "has accepted your request for a mentor in *testing*" in dm_text(ws, "ola")
    # The offer DM was updated in place: the buttons are gone.
    updated = ws.standin.message(offer.channel, offer.ts)
    assert updated is not None and button_labels(updated) == []
    assert "You accepted" in updated.text

    [request] = requests_in_db(ws)
    assert request.status == "matched" and request.open_key is None
    assert request.note == "I want <!channel> tests that catch real bugs"  # stored as typed
    assert "<!channel>" not in intro_text  # and escaped in the introduction too
    [m] = mentorships(ws)
    assert (m.mentor_id, m.mentee_id, m.status, m.channel_id) == (ingrid, ola, "active", intro.channel)


def test_offer_and_request_through_the_forms(ws: LocalWorkspace) -> None:
    ingrid, ola = ws.user_id("ingrid"), ws.user_id("ola")
    mentor(ws, "ingrid", "offer")
    [modal] = ws.standin.views_for(ingrid)
    assert modal.callback_id == MentorCallback.OFFER_MODAL
    unit = next(b for b in modal.blocks if b.get("block_id") == MentorBlock.UNIT)
    assert unit["element"]["initial_value"] == "Product"  # prefilled from the Slack title

    # No topics: refused on the field, the form stays open.
    response = ws.driver.submit_view(ingrid, modal.id, {MentorBlock.TOPICS: " , ;"})
    assert response.errors and MentorBlock.TOPICS in response.errors
    response = ws.driver.submit_view(
        ingrid,
        modal.id,
        {
            MentorBlock.TOPICS: "Testing, Æøå  Design, testing",
            MentorBlock.CAPACITY: "1",
            MentorBlock.BIO: "Ten years of QA <@U123>",
        },
    )
    assert response.ok and not response.errors
    ws.settle()
    profile = profile_of(ws, "ingrid")
    assert sorted(t.topic for t in profile.topics) == ["testing", "æøå-design"]
    assert profile.capacity == 1 and profile.bio == "Ten years of QA <@U123>"

    mentor(ws, "ola", "request")
    [request_modal] = ws.standin.views_for(ola)
    assert request_modal.callback_id == MentorCallback.REQUEST_MODAL
    hint = json.dumps(request_modal.blocks, ensure_ascii=False)
    assert "testing" in hint and "æøå-design" in hint  # what mentors offer
    response = ws.driver.submit_view(
        ola, request_modal.id, {MentorBlock.REQUEST_TOPIC: "ÆØÅ design", MentorBlock.REQUEST_NOTE: "Colours"}
    )
    assert response.ok
    ws.settle()
    assert f"I have asked <@{ingrid}> to mentor you in *æøå-design*" in dm_text(ws, "ola")
    assert "Colours" in json.dumps(offer_dm(ws, "ingrid").blocks)


def test_matching_prefers_another_department(ws: LocalWorkspace) -> None:
    mentor(ws, "kari", "offer testing")  # Platform, like Ola
    mentor(ws, "ingrid", "offer testing")  # Product
    mentor(ws, "ola", "request testing")
    [offer] = offers_in_db(ws)
    assert offer.mentor_id == ws.user_id("ingrid")


def test_decline_chain_then_waiting_then_a_new_mentor_is_matched(ws: LocalWorkspace) -> None:
    ingrid, per, kari = ws.user_id("ingrid"), ws.user_id("per"), ws.user_id("kari")
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "per", "offer testing")
    mentor(ws, "ola", "request testing")
    first = offer_dm(ws, "ingrid")  # Product and Customer Care tie; Ingrid's id sorts first

    click(ws, "ingrid", MentorAction.DECLINE, first)
    assert "You declined" in (ws.standin.message(first.channel, first.ts) or first).text
    assert f"so I have asked <@{per}>" in dm_text(ws, "ola")
    second = offer_dm(ws, "per")
    click(ws, "per", MentorAction.DECLINE, second)
    assert "Nobody who offers *testing* can take your request right now" in dm_text(ws, "ola")
    [request] = requests_in_db(ws)
    assert request.status == "waiting"

    # A new mentor offering the topic is asked at once.
    mentor(ws, "kari", "offer testing")
    assert offer_dm(ws, "kari")
    assert f"Good news about your request for a mentor in *testing*: <@{kari}>" in dm_text(ws, "ola")
    assert [o.status for o in offers_in_db(ws)] == ["declined", "declined", "pending"]
    assert ingrid != kari


def test_decline_and_pause_stops_new_requests_until_resume(ws: LocalWorkspace) -> None:
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request testing")
    click(ws, "ingrid", MentorAction.DECLINE_PAUSE, offer_dm(ws, "ingrid"))
    assert profile_of(ws, "ingrid").status == "paused"
    assert "You are paused" in dm_text(ws, "ingrid")
    assert "Nobody who offers *testing* can take your request" in dm_text(ws, "ola")

    mentor(ws, "per", "request testing")
    assert [o.mentor_id for o in offers_in_db(ws)] == [ws.user_id("ingrid")]  # paused: not asked
    mentor(ws, "ingrid", "resume")
    assert "Welcome back" in texts(ws, ws.user_id("ingrid"))
    # Ingrid has already answered Ola's request; Per's waiting request is the one she is asked now.
    offers = offers_in_db(ws)
    assert offers[-1].mentor_id == ws.user_id("ingrid") and offers[-1].status == "pending"
    per_request = next(r for r in requests_in_db(ws) if r.requester_id == ws.user_id("per"))
    assert offers[-1].request_id == per_request.id


def test_no_answer_in_48_hours_asks_the_next_mentor(ws: LocalWorkspace, clock: FakeClock) -> None:
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "per", "offer testing")
    mentor(ws, "ola", "request testing")
    first = offer_dm(ws, "ingrid")

    clock.advance(timedelta(hours=47))
    assert run_jobs(ws, clock).offers_expired == 0
    clock.advance(timedelta(hours=1, minutes=1))
    report = run_jobs(ws, clock)
    assert report.offers_expired == 1
    assert [o.status for o in offers_in_db(ws)] == ["expired", "pending"]
    expired = ws.standin.message(first.channel, first.ts)
    assert expired is not None and button_labels(expired) == [] and "no answer in 48 hours" in expired.text
    assert offer_dm(ws, "per")
    assert f"so I have asked <@{ws.user_id('per')}>" in dm_text(ws, "ola")
    # Running the job again (a restart, a second replica) changes nothing.
    assert run_jobs(ws, clock).total() == 0
    # A late click on the expired offer does nothing either.
    assert len(offers_in_db(ws)) == 2


def test_a_full_mentor_is_skipped_and_list_shows_only_free_mentors(ws: LocalWorkspace) -> None:
    ingrid, per = ws.user_id("ingrid"), ws.user_id("per")
    mentor(ws, "ingrid", "offer")
    [modal] = ws.standin.views_for(ingrid)
    ws.driver.submit_view(ingrid, modal.id, {MentorBlock.TOPICS: "testing", MentorBlock.CAPACITY: "1"})
    ws.settle()
    mentor(ws, "ola", "request testing")
    click(ws, "ingrid", MentorAction.ACCEPT, offer_dm(ws, "ingrid"))
    mentor(ws, "per", "offer testing")

    mentor(ws, "kari", "list testing")
    listed = texts(ws, ws.user_id("kari"))
    assert f"<@{per}>" in listed and f"<@{ingrid}>" not in listed

    mentor(ws, "kari", "request testing")
    assert offers_in_db(ws)[-1].mentor_id == per  # Ingrid is at capacity
    mentor(ws, "kari", "status")
    assert f"waiting for <@{per}> to answer" in texts(ws, ws.user_id("kari"))


def test_a_mentor_is_never_asked_to_mentor_themselves(ws: LocalWorkspace) -> None:
    kari = ws.user_id("kari")
    mentor(ws, "kari", "offer testing")
    mentor(ws, "kari", "request testing")
    assert "Apart from you, nobody offers *testing* yet" in texts(ws, kari)
    assert offers_in_db(ws) == []
    [request] = requests_in_db(ws)
    assert request.status == "waiting"


def test_an_unknown_topic_waits_and_a_new_mentor_is_matched_to_it(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    ola, per = ws.user_id("ola"), ws.user_id("per")
    mentor(ws, "ola", "request kubernetes")
    assert "Nobody offers *kubernetes* yet" in texts(ws, ola)
    with ws.deps.db.session() as session:
        week_ago = clock.now() - timedelta(days=7)
        lines = mentoring_digest_lines(session, ws.standin.team_id, week_ago, clock.now())
    assert any("Nobody offers these topics yet: *kubernetes*" in line for line in lines)
    # The job alone matches nothing: nobody offers it.
    assert run_jobs(ws, clock).waiting_matched == 0

    mentor(ws, "per", "offer Kubernetes")
    assert f"<@{ola}> would like a mentor in *kubernetes*" in json.dumps(offer_dm(ws, "per").blocks)
    assert f"Good news about your request for a mentor in *kubernetes*: <@{per}>" in dm_text(ws, "ola")


def test_the_requester_sees_the_best_lessons_on_the_topic(ws: LocalWorkspace) -> None:
    general = ws.channel_id("general")
    for text in ("Mock less, test behaviour #testing", "Flaky tests are bugs #Testing", "Off topic #other"):
        assert ws.driver.command(ws.user_id("per"), general, "/lesson", text).ok
    ws.settle()
    settle_pending(ws.deps)  # where each lesson was shared decides who may see it (#general: everyone)
    mentor(ws, "ola", "request testing")
    shown = texts(ws, ws.user_id("ola"))
    assert "the most useful lessons on testing" in shown
    assert "Mock less" in shown and "Flaky tests" in shown and "Off topic" not in shown


# -- follow-ups ---------------------------------------------------------------------------------------------


def matched(ws: LocalWorkspace) -> None:
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request testing")
    click(ws, "ingrid", MentorAction.ACCEPT, offer_dm(ws, "ingrid"))


def test_follow_up_after_14_days_a_reminder_then_going_well(ws: LocalWorkspace, clock: FakeClock) -> None:
    matched(ws)
    clock.advance(timedelta(days=13))
    assert run_jobs(ws, clock).check_ins == 0
    clock.advance(timedelta(days=1))
    assert run_jobs(ws, clock).check_ins == 1
    assert len(followup_dms(ws, "ingrid")) == 1 and len(followup_dms(ws, "ola")) == 1
    assert run_jobs(ws, clock).total() == 0  # claimed: a second run sends nothing

    # Nobody answers: a reminder a week later.
    clock.advance(timedelta(days=7))
    assert run_jobs(ws, clock).reminders == 1
    reminder = followup_dms(ws, "ola")[-1]
    assert reminder.text.startswith("A reminder")

    click(ws, "ola", MentorAction.GOING_WELL, reminder)
    answered = ws.standin.message(reminder.channel, reminder.ts)
    assert answered is not None and button_labels(answered) == [] and "going well" in answered.text
    [m] = mentorships(ws)
    assert m.status == "active" and m.unanswered == 0
    assert m.next_followup_at == clock.now() + timedelta(days=14)
    clock.advance(timedelta(days=14))
    assert run_jobs(ws, clock).check_ins == 1


def test_unanswered_follow_ups_end_the_mentorship_and_free_the_place(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    matched(ws)
    for days in (14, 7, 7):
        clock.advance(timedelta(days=days))
        run_jobs(ws, clock)
    [m] = mentorships(ws)
    assert (m.status, m.ended_reason) == ("ended", "no_answer")
    assert "Nobody answered my check-ins" in dm_text(ws, "ingrid")


def test_were_done_ends_it_and_frees_capacity_for_a_waiting_request(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    mentor(ws, "ingrid", "offer")
    ingrid = ws.user_id("ingrid")
    [modal] = ws.standin.views_for(ingrid)
    ws.driver.submit_view(ingrid, modal.id, {MentorBlock.TOPICS: "testing", MentorBlock.CAPACITY: "1"})
    ws.settle()
    mentor(ws, "ola", "request testing")
    click(ws, "ingrid", MentorAction.ACCEPT, offer_dm(ws, "ingrid"))
    mentor(ws, "per", "request testing")  # Ingrid is full: Per waits
    assert requests_in_db(ws)[-1].status == "waiting"

    clock.advance(timedelta(days=14))
    run_jobs(ws, clock)
    done = followup_dms(ws, "ola")[-1]
    click(ws, "ola", MentorAction.DONE, done)
    [m] = mentorships(ws)
    assert (m.status, m.ended_reason) == ("ended", "done")
    assert "marked your mentorship in *testing* as done" in dm_text(ws, "ingrid")
    assert "is done. Thank you both" in group_dm(ws, "ingrid", "ola")[-1].text
    # The freed place goes to Per's waiting request at once.
    assert offers_in_db(ws)[-1].request_id == requests_in_db(ws)[-1].id
    assert offers_in_db(ws)[-1].status == "pending"
    # A second click, and Ingrid's answer to the ended mentorship, change nothing.
    with ws.deps.db.session() as session:
        answers = session.scalar(select(func.count()).select_from(FollowUpAnswer))
    assert answers == 1
    stale = followup_dms(ws, "ingrid")[-1]
    click(ws, "ingrid", MentorAction.GOING_WELL, stale)
    # The DM's buttons give way to how the mentorship ended.
    ended = ws.standin.message(stale.channel, stale.ts)
    assert ended is not None and button_labels(ended) == []
    assert f"Your mentorship with <@{ws.user_id('ola')}> in *testing* has ended: marked as done" in ended.text
    assert count(ws, FollowUpAnswer) == 1


def test_need_help_tells_the_admins(ws: LocalWorkspace, clock: FakeClock) -> None:
    matched(ws)
    clock.advance(timedelta(days=14))
    run_jobs(ws, clock)
    click(ws, "ola", MentorAction.NEED_HELP, followup_dms(ws, "ola")[-1])
    ola = ws.user_id("ola")
    assert f"<@{ola}> asked for help with the mentorship" in dm_text(ws, "kari")  # kari is the admin
    [m] = mentorships(ws)
    assert m.status == "active"


def test_admins_set_the_follow_up_days(ws: LocalWorkspace, clock: FakeClock) -> None:
    mentor(ws, "ola", "followup-days 7")
    assert "Only a workspace admin" in texts(ws, ws.user_id("ola"))
    mentor(ws, "kari", "followup-days 7")
    assert "Follow-ups now come 7 days after a match" in texts(ws, ws.user_id("kari"))
    matched(ws)
    clock.advance(timedelta(days=7))
    assert run_jobs(ws, clock).check_ins == 1


# -- leavers, double clicks, retries, cancel ------------------------------------------------------------


def test_a_mentor_who_left_is_skipped_and_their_pending_offer_moves_on(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    ingrid, per = ws.user_id("ingrid"), ws.user_id("per")
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "per", "offer testing")
    mentor(ws, "ola", "request testing")
    assert offers_in_db(ws)[0].mentor_id == ingrid

    ws.standin.user(ingrid).deleted = True
    report = run_jobs(ws, clock)
    assert report.mentors_left == 1
    assert [(o.mentor_id, o.status) for o in offers_in_db(ws)] == [(ingrid, "withdrawn"), (per, "pending")]
    assert profile_of(ws, "ingrid").status == "stopped"

    assert f"so I have asked <@{per}>" in dm_text(ws, "ola")
    # The next run finds nothing left to move: Ingrid is never asked again.
    assert run_jobs(ws, clock).mentors_left == 0
    mentor(ws, "kari", "request testing")
    assert ingrid not in [o.mentor_id for o in offers_in_db(ws)[2:]]


def test_a_leaver_is_skipped_when_asking(ws: LocalWorkspace) -> None:
    per, kari = ws.user_id("per"), ws.user_id("kari")
    mentor(ws, "per", "offer testing")
    mentor(ws, "kari", "offer testing")
    ws.standin.user(per).deleted = True
    mentor(ws, "ola", "request testing")  # Per (another department) would come before Kari
    assert [o.mentor_id for o in offers_in_db(ws)] == [kari]
    assert profile_of(ws, "per").status == "stopped"


def test_double_click_on_accept_and_clicks_by_others_change_nothing(ws: LocalWorkspace) -> None:
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request testing")
    offer = offer_dm(ws, "ingrid")

    # Someone else presses Accept: refused, privately.
    click(ws, "per", MentorAction.ACCEPT, offer)
    assert "This isn't for you" in texts(ws, ws.user_id("per"))
    assert offers_in_db(ws)[0].status == "pending"

    # The DM update fails once, so the buttons are still there for a second click.
    ws.standin.fail("chat.update", error="internal_error", status=200)
    click(ws, "ingrid", MentorAction.ACCEPT, offer)
    click(ws, "ingrid", MentorAction.ACCEPT, offer)
    click(ws, "ingrid", MentorAction.DECLINE, offer)
    assert len(mentorships(ws)) == 1
    assert len(ws.standin.calls_to("conversations.open")) == 1
    assert len(group_dm(ws, "ingrid", "ola")) == 1
    assert [o.status for o in offers_in_db(ws)] == ["accepted"]
    assert dm_text(ws, "ola").count("has accepted your request") == 1


def test_repeated_requests_and_a_restart_mid_flow_lose_and_repeat_nothing(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    mentor(ws, "ingrid", "offer testing")
    # Slack is down when the offer DM should go out: the offer is stored, the DM is not sent.
    ws.standin.fail("chat.postMessage", error="internal_error", status=200)
    mentor(ws, "ola", "request testing")
    [offer] = offers_in_db(ws)
    assert offer.dm_ts is None and not [m for m in dms(ws, "ingrid") if "Accept" in button_labels(m)]
    # The same request again (a retried or repeated submit) is one request.
    mentor(ws, "ola", "request Testing")
    assert "You already have an open request for a mentor in *testing*" in texts(ws, ws.user_id("ola"))
    assert len(requests_in_db(ws)) == 1
    # The next job run sends the DM; the one after sends nothing more.
    assert run_jobs(ws, clock).offer_dms_sent == 1
    assert offer_dm(ws, "ingrid")
    assert run_jobs(ws, clock).total() == 0
    assert len([m for m in dms(ws, "ingrid") if "Accept" in button_labels(m)]) == 1


def test_an_accepted_match_whose_introduction_was_lost_is_introduced_by_the_job(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request testing")
    ws.standin.fail("conversations.open", error="internal_error", status=200)
    click(ws, "ingrid", MentorAction.ACCEPT, offer_dm(ws, "ingrid"))
    [m] = mentorships(ws)
    assert m.intro_ts is None
    assert run_jobs(ws, clock).introductions == 1
    assert len(group_dm(ws, "ingrid", "ola")) == 1
    assert run_jobs(ws, clock).introductions == 0


def test_cancel_withdraws_the_offer_and_allows_a_new_request(ws: LocalWorkspace) -> None:
    ola = ws.user_id("ola")
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request testing")
    offer = offer_dm(ws, "ingrid")
    mentor(ws, "ola", "cancel Testing")
    assert "Your request for a mentor in *testing* is cancelled" in texts(ws, ola)
    updated = ws.standin.message(offer.channel, offer.ts)
    assert updated is not None and button_labels(updated) == []
    assert "no longer needs your answer" in updated.text
    assert [r.status for r in requests_in_db(ws)] == ["cancelled"]
    mentor(ws, "ola", "cancel testing")
    assert "You have no open request for a mentor in *testing*" in texts(ws, ola)
    mentor(ws, "ola", "request testing")
    assert [r.status for r in requests_in_db(ws)] == ["cancelled", "offered"]


def test_stop_moves_pending_offers_on(ws: LocalWorkspace) -> None:
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "per", "offer testing")
    mentor(ws, "ola", "request testing")
    mentor(ws, "ingrid", "stop")
    assert "You no longer offer mentoring" in texts(ws, ws.user_id("ingrid"))
    assert [o.status for o in offers_in_db(ws)] == ["withdrawn", "pending"]
    assert offers_in_db(ws)[-1].mentor_id == ws.user_id("per")


def test_status_list_and_help(ws: LocalWorkspace) -> None:
    ola, ingrid = ws.user_id("ola"), ws.user_id("ingrid")
    mentor(ws, "ola", "status")
    assert "Nothing here yet" in texts(ws, ola)
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request testing")
    mentor(ws, "ingrid", "status")
    assert f"<@{ola}> asks you to mentor them in *testing*" in texts(ws, ingrid)
    click(ws, "ingrid", MentorAction.ACCEPT, offer_dm(ws, "ingrid"))
    mentor(ws, "ola", "status")
    assert f"<@{ingrid}> mentors you in *testing*" in texts(ws, ola)
    mentor(ws, "ola", "list")
    assert f"<@{ingrid}>" in texts(ws, ola) and "room for 1 more" in texts(ws, ola)
    mentor(ws, "per", "help")
    shown = texts(ws, ws.user_id("per"))
    assert "/mentor request &lt;topic&gt; [note]" in shown and "/mentor offer" in shown
    mentor(ws, "per", "bogus")
    assert "I don't know the subcommand *bogus*" in texts(ws, ws.user_id("per"))
    mentor(ws, "per", "pause")
    assert "You don't offer mentoring yet" in texts(ws, ws.user_id("per"))


def test_digest_lines_count_matches_and_open_requests(ws: LocalWorkspace, clock: FakeClock) -> None:
    start = clock.now()
    matched(ws)
    mentor(ws, "per", "request kubernetes")
    mentor(ws, "kari", "request testing")
    with ws.deps.db.session() as session:
        lines = mentoring_digest_lines(session, ws.standin.team_id, start, clock.now() + timedelta(seconds=1))
    assert lines[0] == "🤝 1 new mentoring match"
    assert "*kubernetes* (1)" in lines[1] and "*testing* (1)" in lines[1]
    assert "*kubernetes*" in lines[2] and "testing" not in lines[2]


def test_norwegian_subcommands(db: Database, clock: FakeClock) -> None:
    ws = erfaring.local_workspace(db, clock, language="nb")
    try:
        mentor(ws, "ingrid", "tilby testing")
        mentor(ws, "ola", "finn testing")
        assert offer_dm(ws, "ingrid")  # the Norwegian subcommands reach the same flow
    finally:
        ws.settle()
        assert ws.standin.invalid_payloads == []
        ws.close()


def test_one_match_end_to_end_as_it_reaches_slack(ws: LocalWorkspace) -> None:
    """Ingrid offers, Ola asks, Ingrid accepts: every step checked on what Slack was sent."""
    ingrid, ola, general = ws.user_id("ingrid"), ws.user_id("ola"), ws.channel_id("general")
    mentor(ws, "ingrid", "offer testing, onboarding")
    [saved] = ws.standin.ephemerals(user=ingrid)
    assert saved.channel == general
    assert saved.text.startswith(
        "Thank you for mentoring! You offer *onboarding*, *testing*, up to 2 mentees"
    )

    mentor(ws, "ola", "request testing I want tests that catch real bugs, not just coverage")
    told_ola = [e.text for e in ws.standin.ephemerals(user=ola)]
    assert told_ola[0].startswith("Looking for a mentor in *testing*.")
    assert told_ola[-1].startswith(f"I have asked <@{ingrid}> to mentor you in *testing*.")

    # The offer reached Ingrid as a DM from the app, with the note, Ola's team and three buttons.
    [offer] = dms(ws, "ingrid")
    assert offer.channel == ws.standin.im_channel(ingrid)
    assert offer.text == f"<@{ola}> asks you to mentor them in testing"
    dumped = json.dumps(offer.blocks)
    assert f":wave: <@{ola}> would like a mentor in *testing*, which you offer." in dumped
    assert "> I want tests that catch real bugs, not just coverage" in dumped
    assert "Team or department: Platform" in dumped
    assert button_labels(offer) == OFFER_BUTTONS
    assert action_ids(offer) == [MentorAction.ACCEPT, MentorAction.DECLINE, MentorAction.DECLINE_PAUSE]

    click(ws, "ingrid", MentorAction.ACCEPT, offer)
    # Ingrid's DM now says what became of it, and has no buttons left.
    updated = ws.standin.message(offer.channel, offer.ts)
    assert updated is not None and button_labels(updated) == []
    assert updated.text.startswith(
        f":white_check_mark: You accepted <@{ola}>'s request for a mentor in *testing*"
    )
    # One group DM with the two of them (and the app), holding the introduction and the agenda.
    [opened] = ws.standin.calls_to("conversations.open")
    assert set(str(opened.args["users"]).split(",")) == {ingrid, ola}
    [intro] = group_dm(ws, "ingrid", "ola")
    assert intro.text == f"<@{ingrid}> will mentor <@{ola}> in testing"
    intro_blocks = json.dumps(intro.blocks)
    assert (
        f":handshake: <@{ola}>, meet <@{ingrid}>, who has agreed to mentor you in *testing*." in intro_blocks
    )
    assert "A suggested first agenda" in intro_blocks and "check in with you both in 14 days" in intro_blocks
    # And Ola heard by DM, with a link to the group DM.
    [matched_dm] = dms(ws, "ola")
    assert matched_dm.text == (
        f"<@{ingrid}> has accepted your request for a mentor in *testing*! "
        f"Say hello in your new group conversation: <#{intro.channel}>"
    )
    [m] = mentorships(ws)
    assert (m.mentor_id, m.mentee_id, m.status, m.channel_id) == (ingrid, ola, "active", intro.channel)


def test_a_request_saved_just_before_a_crash_is_picked_up_by_the_job(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    mentor(ws, "ingrid", "offer testing")
    ola = ws.user_id("ola")
    # Stored and acknowledged, then the process died before asking anyone.
    with ws.deps.db.session() as session:
        mentor_requests.create_request(
            session, team_id=ws.standin.team_id, requester_id=ola, topic="testing", note=None, now=clock.now()
        )
    assert run_jobs(ws, clock).requests_restarted == 0  # maybe the listener is still at it
    clock.advance(timedelta(minutes=11))
    assert run_jobs(ws, clock).requests_restarted == 1
    assert offer_dm(ws, "ingrid")
    assert f"I have asked <@{ws.user_id('ingrid')}> to mentor you in *testing*" in dm_text(ws, "ola")
    assert run_jobs(ws, clock).total() == 0


# -- languages: what one person sees is in their language ----------------------------------------------


def speaks(ws: LocalWorkspace, monkeypatch: pytest.MonkeyPatch, who: str, locale: str) -> None:
    """Give a person a Slack language: the stand-in's users.info reports it as `locale`, as Slack does."""
    ws.standin.set_locale(ws.user_id(who), locale)
    ws.deps.slack.forget_people()


def test_the_mentor_gets_the_offer_in_their_language_and_the_requester_in_theirs(
    ws: LocalWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb, en = translator("nb"), translator("en")
    ingrid, ola = ws.user_id("ingrid"), ws.user_id("ola")
    speaks(ws, monkeypatch, "ingrid", "nb-NO")  # the workspace speaks English; Ingrid reads Bokmål

    mentor(ws, "ingrid", "offer")
    [modal] = ws.standin.views_for(ingrid)
    assert modal.view["title"]["text"] == nb._("Offer mentoring")
    ws.driver.submit_view(ingrid, modal.id, {MentorBlock.TOPICS: "testing"})
    ws.settle()
    assert ws.standin.ephemerals(user=ingrid)[-1].text == notices.offer_saved(nb, ["testing"], 2)

    mentor(ws, "ola", "request testing Help me")
    told_ola = [e.text for e in ws.standin.ephemerals(user=ola)]
    assert told_ola[0].startswith("Looking for a mentor in *testing*.")
    assert told_ola[-1] == notices.asked_mentor(en, "testing", ingrid)

    offer = offer_dm(ws, "ingrid")
    assert offer.text == nb._("{requester} asks you to mentor them in {topic}").format(
        requester=f"<@{ola}>", topic="testing"
    )
    assert button_labels(offer) == [nb._("Accept"), nb._("Decline"), nb._("Decline and pause me")]
    assert nb._("Accept") != "Accept"

    click(ws, "ingrid", MentorAction.ACCEPT, offer)
    updated = ws.standin.message(offer.channel, offer.ts)
    accepted = nb._(
        ":white_check_mark: You accepted {requester}'s request for a mentor in {topic}. "
        "I have started a group conversation with you both."
    )
    assert updated is not None and updated.text == accepted.format(requester=f"<@{ola}>", topic="*testing*")
    # Two people read the introduction: it is in the workspace's language, not Ingrid's.
    [intro] = group_dm(ws, "ingrid", "ola")
    assert intro.text == f"<@{ingrid}> will mentor <@{ola}> in testing"
    [matched_dm] = dms(ws, "ola")
    assert matched_dm.text.startswith(f"<@{ingrid}> has accepted your request for a mentor in *testing*!")


def test_a_norwegian_workspace_answers_an_english_speaker_in_english(
    db: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb = translator("nb")
    ws = erfaring.local_workspace(db, clock, language="nb")
    try:
        ingrid, ola = ws.user_id("ingrid"), ws.user_id("ola")
        speaks(ws, monkeypatch, "ola", "en-GB")
        mentor(ws, "ingrid", "tilby testing")
        mentor(ws, "ola", "finn testing")
        assert ws.standin.ephemerals(user=ola)[-1].text.startswith(f"I have asked <@{ingrid}> to mentor you")
        offer = offer_dm(ws, "ingrid")
        assert button_labels(offer) == [nb._("Accept"), nb._("Decline"), nb._("Decline and pause me")]
        click(ws, "ingrid", MentorAction.ACCEPT, offer)
        [intro] = group_dm(ws, "ingrid", "ola")
        assert intro.text == nb._("{mentor} will mentor {mentee} in {topic}").format(
            mentor=f"<@{ingrid}>", mentee=f"<@{ola}>", topic="testing"
        )
        assert dms(ws, "ola")[-1].text.startswith(f"<@{ingrid}> has accepted your request")
    finally:
        ws.settle()
        assert ws.executor.errors == []
        assert ws.standin.invalid_payloads == []
        ws.close()


# -- text reads as typed -----------------------------------------------------------------------------------


def test_a_note_is_stored_as_typed_and_escaped_once_in_the_offer_dm(ws: LocalWorkspace) -> None:
    typed = "R&D <b>bold</b> & a literal &lt; too"
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", f"request testing {typed}")
    [request] = requests_in_db(ws)
    assert request.note == typed
    dumped = json.dumps(offer_dm(ws, "ingrid").blocks)
    assert "R&amp;D &lt;b&gt;bold&lt;/b&gt; &amp; a literal &amp;lt; too" in dumped
    assert "&amp;amp;" not in dumped and "&amp;lt;b" not in dumped and "<b>" not in dumped


def test_a_bio_with_markup_is_stored_as_typed_and_listed_escaped_once(ws: LocalWorkspace) -> None:
    ingrid = ws.user_id("ingrid")
    mentor(ws, "ingrid", "offer")
    [modal] = ws.standin.views_for(ingrid)
    ws.driver.submit_view(ingrid, modal.id, {MentorBlock.TOPICS: "testing", MentorBlock.BIO: "Q&A <!here>"})
    ws.settle()
    assert profile_of(ws, "ingrid").bio == "Q&A <!here>"
    mentor(ws, "ola", "list")
    shown = texts(ws, ws.user_id("ola"))
    assert "Q&amp;A &lt;!here&gt;" in shown and "<!here>" not in shown and "&amp;amp;" not in shown


# -- payloads that are not ours -----------------------------------------------------------------------------


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert logged == [], [r.getMessage() for r in logged]


def count(ws: LocalWorkspace, model: type[Any]) -> int:
    with ws.deps.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


BOGUS_IDS: list[object] = ["abc", "1.5e3", "9" * 23, "-1", "0", "", " 1", "١", 12, ["1"], {"id": 1}, True]


def test_offer_buttons_with_values_that_are_not_ours_change_nothing(
    ws: LocalWorkspace, caplog: pytest.LogCaptureFixture
) -> None:
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request testing")
    offer = offer_dm(ws, "ingrid")
    caplog.clear()
    for action in (MentorAction.ACCEPT, MentorAction.DECLINE, MentorAction.DECLINE_PAUSE):
        for value in [*BOGUS_IDS, "999"]:
            response = ws.driver.click(ws.user_id("ingrid"), action_id=action, message=offer, value=value)
            assert response.ok, (action, value, response)
    ws.settle()
    assert ws.executor.errors == []
    no_tracebacks(caplog)
    assert [o.status for o in offers_in_db(ws)] == ["pending"]
    assert mentorships(ws) == [] and profile_of(ws, "ingrid").status == "active"
    assert ws.standin.calls_to("chat.update") == [] and ws.standin.calls_to("conversations.open") == []


def test_follow_up_buttons_with_values_that_are_not_ours_change_nothing(
    ws: LocalWorkspace, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    matched(ws)
    clock.advance(timedelta(days=14))
    run_jobs(ws, clock)
    [followup] = followup_dms(ws, "ola")
    [m] = mentorships(ws)
    updates = len(ws.standin.calls_to("chat.update"))
    caplog.clear()
    wrong_format: list[object] = [
        "abc",
        str(m.id),
        f"{m.id}:",
        f":{m.id}",
        f"{m.id}:1:1",
        f"{m.id}:1.5e3",
        f"1.5e3:{m.id}",
        f"-1:{1}",
        f"{m.id}:-1",
        f"{'9' * 23}:1",
        f"{m.id}:{'9' * 23}",
        f"{m.id}:2",  # a round never sent
        f"{m.id + 1}:1",  # no such mentorship
        *BOGUS_IDS,
    ]
    for action in (MentorAction.GOING_WELL, MentorAction.NEED_HELP, MentorAction.DONE):
        for value in wrong_format:
            response = ws.driver.click(ws.user_id("ola"), action_id=action, message=followup, value=value)
            assert response.ok, (action, value, response)
    ws.settle()
    assert ws.executor.errors == []
    no_tracebacks(caplog)
    assert count(ws, FollowUpAnswer) == 0
    [after] = mentorships(ws)
    assert (after.status, after.unanswered, after.next_followup_at) == (
        m.status,
        m.unanswered,
        m.next_followup_at,
    )
    assert len(ws.standin.calls_to("chat.update")) == updates
    assert "asked for help" not in dm_text(ws, "kari")


def submit_crafted(
    ws: LocalWorkspace, who: str, modal: OpenView, values: object, *, state: object = None
) -> Response:
    """A view submission whose state is exactly `values` (or `state`, when given)."""
    user_id = ws.user_id(who)
    shown = dict(modal.view)
    shown["state"] = {"values": values} if state is None else state
    payload = {
        "type": "view_submission",
        "team": {"id": ws.standin.team_id, "domain": ws.standin.team_domain},
        "user": {"id": user_id, "name": who, "team_id": ws.standin.team_id},
        "api_app_id": ws.standin.app_id,
        "trigger_id": ws.standin.new_trigger_id(user_id),
        "view": shown,
        "is_enterprise_install": False,
    }
    return ws.driver._send_payload(payload)


def text_state(action_id: str, value: object) -> dict[str, object]:
    return {action_id: {"type": "plain_text_input", "value": value}}


def capacity_state(option: object) -> dict[str, object]:
    return {MentorAction.CAPACITY: {"type": "static_select", "selected_option": option}}


def errors_of(response: Response) -> dict[str, str]:
    assert response.ok, response
    data = response.json if isinstance(response.json, dict) else {}
    assert data.get("response_action") == "errors", response.body
    errors = data.get("errors")
    assert isinstance(errors, dict)
    return {str(k): str(v) for k, v in errors.items()}


def test_an_offer_form_with_values_of_the_wrong_type_stores_nothing(
    ws: LocalWorkspace, caplog: pytest.LogCaptureFixture
) -> None:
    mentor(ws, "ingrid", "offer")
    [modal] = ws.standin.views_for(ws.user_id("ingrid"))
    topics = {MentorBlock.TOPICS: text_state(MentorAction.TOPICS, "testing")}
    caplog.clear()
    # The capacity is not one of the options: the person is asked to choose one.
    for option in ({"value": "abc"}, {"value": ["3"]}, {"value": "99"}, [{"value": "3"}], "3", None):
        errors = errors_of(
            submit_crafted(ws, "ingrid", modal, {**topics, MentorBlock.CAPACITY: capacity_state(option)})
        )
        assert errors == {MentorBlock.CAPACITY: "Choose from 1 to 10 mentees."}, option
    # Topics that are not text are no topics.
    for value in (["testing"], True, {"t": "testing"}, 12):
        values = {
            MentorBlock.TOPICS: text_state(MentorAction.TOPICS, value),
            MentorBlock.CAPACITY: capacity_state({"value": "2"}),
            MentorBlock.BIO: text_state(MentorAction.BIO, ["bio"]),
            MentorBlock.UNIT: text_state(MentorAction.UNIT, False),
        }
        assert MentorBlock.TOPICS in errors_of(submit_crafted(ws, "ingrid", modal, values)), value
    # state.values (or the state) that is not an object: nothing to save.
    for state in ({"values": "abc"}, {"values": ["x"]}, "abc", {"values": {MentorBlock.TOPICS: "testing"}}):
        assert MentorBlock.TOPICS in errors_of(submit_crafted(ws, "ingrid", modal, None, state=state)), state
    ws.settle()
    assert ws.executor.errors == []
    no_tracebacks(caplog)
    assert count(ws, MentorProfile) == 0


def test_a_request_form_with_values_of_the_wrong_type_stores_nothing(
    ws: LocalWorkspace, caplog: pytest.LogCaptureFixture
) -> None:
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request")
    [modal] = ws.standin.views_for(ws.user_id("ola"))
    caplog.clear()
    for value in (["testing"], True, None, {"x": "testing"}, 7):
        values = {
            MentorBlock.REQUEST_TOPIC: text_state(MentorAction.REQUEST_TOPIC, value),
            MentorBlock.REQUEST_NOTE: text_state(MentorAction.REQUEST_NOTE, ["a note"]),
        }
        errors = errors_of(submit_crafted(ws, "ola", modal, values))
        assert errors == {MentorBlock.REQUEST_TOPIC: "Please name one topic, such as testing."}, value
    for state in ({"values": "abc"}, {"values": [1]}, 3):
        assert MentorBlock.REQUEST_TOPIC in errors_of(submit_crafted(ws, "ola", modal, None, state=state))
    ws.settle()
    assert ws.executor.errors == []
    no_tracebacks(caplog)
    assert count(ws, MentorRequest) == 0 and offers_in_db(ws) == []
