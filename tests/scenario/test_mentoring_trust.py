"""/mentor that can be trusted (issue 9): a mentee sees only the lessons they may see, the mentor is
told what actually happened, times and follow-ups are in each person's own time zone and working
hours, counts have their plural forms, a mentor can be asked by name, and Norwegian works all the way.
Driven through signed requests into the real app on the local Slack stand-in, on every database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.i18n import translator
from bot.lessons.visibility import settle_pending
from bot.mentoring import notices
from bot.mentoring.ids import MentorAction, MentorBlock
from localslack.clock import FakeClock
from localslack.standin import Message
from localslack.workspace import LocalWorkspace
from tests.scenario.helpers import button_labels, texts
from tests.scenario.test_mentoring import (
    click,
    dm_text,
    dms,
    followup_dms,
    mentorships,
    offer_dm,
    offers_in_db,
    requests_in_db,
    run_jobs,
)
from tests.scenario.test_mentoring import mentor as command

NEW_YORK = "America/New_York"


def lives_in(ws: LocalWorkspace, who: str, tz: str) -> None:
    """The person's Slack time zone (users.info tz), as their profile says."""
    ws.standin.user(ws.user_id(who)).tz = tz
    ws.deps.slack.forget_people()


def speaks(ws: LocalWorkspace, who: str, locale: str) -> None:
    ws.standin.set_locale(ws.user_id(who), locale)
    ws.deps.slack.forget_people()


_SEEN: dict[tuple[int, str], int] = {}


def mentor(ws: LocalWorkspace, who: str, text: str) -> None:
    """`/mentor <text>` typed by `who`, remembering what they had been told before it."""
    _SEEN[(id(ws), who)] = len(ws.standin.ephemerals(user=ws.user_id(who)))
    command(ws, who, text)


def last_told(ws: LocalWorkspace, who: str) -> str:
    """Everything `who` was told (the ack and any later answer) since their last /mentor."""
    told = ws.standin.ephemerals(user=ws.user_id(who))[_SEEN.get((id(ws), who), 0) :]
    assert told, f"{who} was told nothing"
    return "\n".join(e.text + json.dumps(e.blocks, ensure_ascii=False) for e in told)


def lesson(ws: LocalWorkspace, who: str, channel_id: str, text: str) -> None:
    assert ws.driver.command(ws.user_id(who), channel_id, "/lesson", text).ok
    ws.settle()


# -- §1: the lessons shown while waiting are only those the mentee may see ---------------------------------


def test_the_lessons_shown_while_waiting_are_only_those_the_requester_may_see(ws: LocalWorkspace) -> None:
    kari, per = ws.user_id("kari"), ws.user_id("per")
    secret = ws.standin.add_channel("secret", is_private=True, members=[kari, per, ws.standin.bot_user_id])
    lesson(ws, "per", ws.channel_id("general"), "Public: test behaviour, not mocks #testing")
    lesson(ws, "per", secret.id, "Secret: the flaky suite is the billing one #testing")
    lesson(ws, "per", secret.id, "anon Anonymous: nobody reviews the tests #testing")
    settle_pending(ws.deps)  # where each lesson was shared decides who may see it

    # Ola is not in #secret: he sees the public lesson, and nothing tells him the others exist.
    mentor(ws, "ola", "request testing")
    shown = texts(ws, ws.user_id("ola"))
    assert "Public: test behaviour" in shown
    assert "Secret" not in shown and "Anonymous" not in shown and secret.id not in shown

    # Ingrid is not in it either (the form's path tells her by DM).
    mentor(ws, "ingrid", "request")
    [modal] = ws.standin.views_for(ws.user_id("ingrid"))
    ws.driver.submit_view(ws.user_id("ingrid"), modal.id, {MentorBlock.REQUEST_TOPIC: "testing"})
    ws.settle()
    assert "Public: test behaviour" in dm_text(ws, "ingrid") and "Secret" not in dm_text(ws, "ingrid")

    # Kari is: she sees all three; the anonymous one never names the channel it came from.
    mentor(ws, "kari", "request testing")
    answer = last_told(ws, "kari")
    assert "Secret: the flaky suite" in answer and "Anonymous: nobody reviews" in answer
    [with_lessons] = [
        e for e in ws.standin.ephemerals(user=kari) if "Secret: the flaky" in json.dumps(e.blocks)
    ]
    texts_in_order = [json.dumps(b, ensure_ascii=False) for b in with_lessons.blocks]
    anonymous_at = next(i for i, b in enumerate(texts_in_order) if "Anonymous: nobody reviews" in b)
    assert secret.id not in texts_in_order[anonymous_at + 1]  # its context line: no channel
    secret_at = next(i for i, b in enumerate(texts_in_order) if "Secret: the flaky suite" in b)
    assert f"<#{secret.id}>" in texts_in_order[secret_at + 1]  # a member may see where it was shared

    # Kari leaves #secret: asked again (after the membership cache), she no longer finds its lessons.
    ws.standin.remove_member(secret.id, kari)
    ws.deps.slack.forget_people()
    mentor(ws, "kari", "cancel testing")
    mentor(ws, "kari", "request testing")
    again = last_told(ws, "kari")
    assert "Public: test behaviour" in again
    assert "Secret" not in again and "Anonymous" not in again


# -- §6: what happened, in people's own time -----------------------------------------------------------------


def settled(ws: LocalWorkspace, message: Message) -> str:
    updated = ws.standin.message(message.channel, message.ts)
    assert updated is not None and button_labels(updated) == []
    return updated.text


def test_the_timeout_tells_the_mentor_whom_the_request_went_to(ws: LocalWorkspace, clock: FakeClock) -> None:
    per, ola = ws.user_id("per"), ws.user_id("ola")
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "per", "offer testing")
    mentor(ws, "ola", "request testing")
    first = offer_dm(ws, "ingrid")
    clock.advance(timedelta(hours=48, minutes=1))
    assert run_jobs(ws, clock).offers_expired == 1
    assert settled(ws, first) == (
        f"<@{ola}>'s request for a mentor in *testing* got no answer in 48 hours. "
        f"I have asked <@{per}> instead."
    )


def test_the_timeout_says_when_nobody_else_could_be_asked(ws: LocalWorkspace, clock: FakeClock) -> None:
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request testing")
    first = offer_dm(ws, "ingrid")
    clock.advance(timedelta(hours=49))
    run_jobs(ws, clock)
    text = settled(ws, first)
    assert "got no answer in 48 hours" in text
    assert "Nobody else who offers *testing* has room right now, so the request waits" in text
    assert "asked someone else" not in text and "I have asked" not in text
    assert [r.status for r in requests_in_db(ws)] == ["waiting"]


def test_a_request_cancelled_meanwhile_says_so_and_the_timeout_changes_nothing(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    ola = ws.user_id("ola")
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request testing")
    first = offer_dm(ws, "ingrid")
    mentor(ws, "ola", "cancel testing")
    text = settled(ws, first)
    assert text == (
        f"<@{ola}> cancelled their request for a mentor in *testing*, so it no longer needs your answer."
    )
    updates = len(ws.standin.calls_to("chat.update"))
    clock.advance(timedelta(hours=49))
    assert run_jobs(ws, clock).total() == 0
    assert len(ws.standin.calls_to("chat.update")) == updates and settled(ws, first) == text


def test_a_decline_says_whom_the_request_went_to(ws: LocalWorkspace) -> None:
    per = ws.user_id("per")
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "per", "offer testing")
    mentor(ws, "ola", "request testing")
    first = offer_dm(ws, "ingrid")
    click(ws, "ingrid", MentorAction.DECLINE, first)
    assert settled(ws, first).endswith(f"I have asked <@{per}> instead.")
    second = offer_dm(ws, "per")
    click(ws, "per", MentorAction.DECLINE_PAUSE, second)
    text = settled(ws, second)
    assert "so the request waits until someone does" in text and "You are paused" in text


def test_deadlines_are_in_the_readers_time_zone_and_language(ws: LocalWorkspace) -> None:
    nb = translator("nb")
    lives_in(ws, "ingrid", NEW_YORK)
    speaks(ws, "per", "nb-NO")  # Per reads Bokmål, in Oslo
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request testing")  # Monday 2 March 08:00 UTC: 48 hours to answer
    offer = json.dumps(offer_dm(ws, "ingrid").blocks)
    assert "Please answer by Wednesday 4 March at 03:00" in offer  # 08:00 UTC is 03:00 in New York
    mentor(ws, "ingrid", "status")
    assert "answer by Wednesday 4 March at 03:00 (see my DM)" in last_told(ws, "ingrid")

    mentor(ws, "per", "tilby design")
    mentor(ws, "ola", "request design")
    shown = json.dumps(offer_dm(ws, "per").blocks, ensure_ascii=False)
    assert (
        nb._("Please answer by {when}; after that I ask another mentor.").format(
            when="onsdag 4. mars kl. 09:00"
        )
        in shown
    )
    mentor(ws, "per", "status")
    assert "onsdag 4. mars kl. 09:00" in last_told(ws, "per")


def check_ins_at(ws: LocalWorkspace, clock: FakeClock, until: datetime) -> dict[str, list[datetime]]:
    """Run the job every ten minutes, as the scheduler does, until `until`; when each got a check-in."""
    got: dict[str, list[datetime]] = {"ingrid": [], "ola": []}
    while clock.now() <= until:
        run_jobs(ws, clock)
        for who in got:
            if len(followup_dms(ws, who)) > len(got[who]):
                got[who].append(clock.now())
        clock.advance(timedelta(minutes=10))
    return got


def test_follow_ups_reach_each_person_in_their_own_working_hours(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    lives_in(ws, "ola", NEW_YORK)  # Ingrid is in Oslo
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request testing")
    click(ws, "ingrid", MentorAction.ACCEPT, offer_dm(ws, "ingrid"))
    # Due Monday 16 March 08:00 UTC: 09:00 in Oslo, but 04:00 in New York (summer time since 8 March).
    clock.advance(timedelta(days=14) - timedelta(minutes=30))
    got = check_ins_at(ws, clock, datetime(2026, 3, 16, 15, 0, tzinfo=UTC))
    assert got["ingrid"] == [datetime(2026, 3, 16, 8, 0, tzinfo=UTC)]
    assert got["ola"] == [datetime(2026, 3, 16, 13, 0, tzinfo=UTC)]  # 09:00 in New York, not 04:00
    # Both answer the same round: the buttons are the same mentorship and round.
    [m] = mentorships(ws)
    values = {
        dm.blocks[1]["elements"][0]["value"]
        for dm in (followup_dms(ws, "ingrid")[0], followup_dms(ws, "ola")[0])
    }
    assert values == {f"{m.id}:1"}
    for who, when in (("ingrid", got["ingrid"][0]), ("ola", got["ola"][0])):
        local = when.astimezone(ZoneInfo("Europe/Oslo" if who == "ingrid" else NEW_YORK))
        assert local.weekday() < 5 and 9 <= local.hour < 16, (who, local)


def test_a_follow_up_due_at_the_weekend_waits_for_each_persons_monday(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    lives_in(ws, "ola", NEW_YORK)
    mentor(ws, "kari", "followup-days 5")  # Monday 2 March + 5 days: Saturday 7 March
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request testing")
    click(ws, "ingrid", MentorAction.ACCEPT, offer_dm(ws, "ingrid"))
    clock.advance(timedelta(days=5) - timedelta(minutes=10))
    got = check_ins_at(ws, clock, datetime(2026, 3, 9, 14, 0, tzinfo=UTC))
    assert got["ingrid"] == [datetime(2026, 3, 9, 8, 0, tzinfo=UTC)]  # Monday 09:00 in Oslo
    assert got["ola"] == [datetime(2026, 3, 9, 13, 0, tzinfo=UTC)]  # Monday 09:00 in New York (EDT)
    [m] = mentorships(ws)
    assert m.followup_round == 1 and m.unanswered == 1


def test_the_note_that_nobody_answered_waits_for_the_morning_too(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    """Oslo and Tokyo share no working hour: every step reaches each of them in their own day."""
    lives_in(ws, "ola", "Asia/Tokyo")
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request testing")
    click(ws, "ingrid", MentorAction.ACCEPT, offer_dm(ws, "ingrid"))

    def at(day: int, hour: int) -> set[str]:
        """Run the job at that time (UTC, March 2026); who got a DM from it."""
        clock.set(datetime(2026, 3, day, hour, 0, tzinfo=UTC))
        before = {who: len(dms(ws, who)) for who in ("ingrid", "ola")}
        run_jobs(ws, clock)
        return {who for who in before if len(dms(ws, who)) > before[who]}

    assert at(16, 8) == {"ingrid"}  # the check-in: 09:00 in Oslo, 17:00 in Tokyo
    assert at(16, 20) == set()  # 05:00 in Tokyo: not yet
    assert at(17, 0) == {"ola"}  # 09:00 in Tokyo
    assert at(24, 0) == {"ola"}  # the reminder, a week later: Ola's morning, 01:00 in Oslo
    assert at(24, 8) == {"ingrid"}
    assert at(31, 8) == {"ingrid"}  # nobody answered: closed, and Ingrid told in her morning
    [m] = mentorships(ws)
    assert (m.status, m.ended_reason) == ("ended", "no_answer")
    assert "Nobody answered my check-ins" in dms(ws, "ingrid")[-1].text
    assert at(31, 20) == set()
    clock.set(datetime(2026, 4, 1, 0, 0, tzinfo=UTC))  # 09:00 in Tokyo
    assert run_jobs(ws, clock).waited == 1
    assert "Nobody answered my check-ins" in dms(ws, "ola")[-1].text
    assert run_jobs(ws, clock).total() == 0


def test_a_mentor_who_left_is_reported_to_the_mentee_in_their_morning(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    lives_in(ws, "ola", NEW_YORK)
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request testing")
    click(ws, "ingrid", MentorAction.ACCEPT, offer_dm(ws, "ingrid"))
    ws.standin.user(ws.user_id("ingrid")).deleted = True  # Ingrid leaves the company
    clock.advance(timedelta(days=14))  # the check-in is due: 04:00 in New York
    run_jobs(ws, clock)
    [m] = mentorships(ws)
    assert (m.status, m.ended_reason) == ("ended", "left")
    assert "has left the workspace" not in dm_text(ws, "ola")
    clock.advance(timedelta(hours=5))  # 09:00 in New York
    assert run_jobs(ws, clock).waited == 1
    assert dms(ws, "ola")[-1].text.startswith(f"<@{ws.user_id('ingrid')}> has left the workspace")
    assert followup_dms(ws, "ola") == []  # no check-in about a mentorship that has ended
    assert run_jobs(ws, clock).total() == 0


def test_status_shows_past_mentorships_how_and_when_they_ended(ws: LocalWorkspace, clock: FakeClock) -> None:
    ingrid, ola = ws.user_id("ingrid"), ws.user_id("ola")
    lives_in(ws, "ola", NEW_YORK)
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request testing")
    click(ws, "ingrid", MentorAction.ACCEPT, offer_dm(ws, "ingrid"))
    mentor(ws, "ola", "status")
    assert "next check-in Monday 16 March" in last_told(ws, "ola")
    clock.advance(timedelta(days=14, hours=5))  # Monday 13:00 UTC: working hours for both
    run_jobs(ws, clock)
    done = followup_dms(ws, "ola")[-1]
    click(ws, "ola", MentorAction.DONE, done)
    mentor(ws, "ola", "status")
    assert f"*Past mentorships*\n• <@{ingrid}> mentored you in *testing* · marked as done, 16 March 2026" in (
        last_told(ws, "ola")
    )
    mentor(ws, "ingrid", "status")
    assert f"• you mentored <@{ola}> in *testing* · marked as done, 16 March 2026" in last_told(ws, "ingrid")
    # Ingrid's own check-in still has buttons; pressing one shows how it ended instead.
    stale = followup_dms(ws, "ingrid")[-1]
    click(ws, "ingrid", MentorAction.NEED_HELP, stale)
    assert settled(ws, stale) == (
        f"Your mentorship with <@{ola}> in *testing* has ended: marked as done, 16 March 2026."
    )
    assert "asked for help" not in dm_text(ws, "kari")


def test_mentor_list_leaves_out_yourself(ws: LocalWorkspace) -> None:
    ingrid, per = ws.user_id("ingrid"), ws.user_id("per")
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "per", "offer testing")
    mentor(ws, "ingrid", "list")
    listed = last_told(ws, "ingrid")
    assert f"<@{per}>" in listed and f"<@{ingrid}>" not in listed
    assert "room for 2 more mentees" in listed
    mentor(ws, "per", "list testing")
    assert f"<@{per}>" not in last_told(ws, "per") and f"<@{ingrid}>" in last_told(ws, "per")


def test_counts_are_plural_only_when_they_are_more_than_one(ws: LocalWorkspace) -> None:
    ingrid = ws.user_id("ingrid")
    mentor(ws, "ingrid", "offer")
    [modal] = ws.standin.views_for(ingrid)
    ws.driver.submit_view(ingrid, modal.id, {MentorBlock.TOPICS: "testing", MentorBlock.CAPACITY: "1"})
    ws.settle()
    assert "up to 1 mentee at once" in texts(ws, ingrid)
    mentor(ws, "ingrid", "status")
    assert "0 of 1 mentee" in last_told(ws, "ingrid") and "0 of 1 mentees" not in last_told(ws, "ingrid")
    mentor(ws, "ola", "list")
    assert "room for 1 more mentee" in last_told(ws, "ola")
    speaks(ws, "per", "nb-NO")
    mentor(ws, "per", "liste")
    assert "plass til 1 adept til" in last_told(ws, "per")


# -- asking a mentor by name ------------------------------------------------------------------------------


def test_request_a_named_mentor_asks_that_mentor(ws: LocalWorkspace) -> None:
    per, ola = ws.user_id("per"), ws.user_id("ola")
    mentor(ws, "ingrid", "offer testing")  # Ingrid would be asked first otherwise
    mentor(ws, "per", "offer testing")
    mentor(ws, "ola", "request @per testing I want tests that catch bugs")
    [offer] = offers_in_db(ws)
    assert offer.mentor_id == per
    assert f"I have asked <@{per}> to mentor you in *testing*" in last_told(ws, "ola")
    assert "I want tests that catch bugs" in json.dumps(offer_dm(ws, "per").blocks)
    # If Per cannot, the next mentor is asked, as for any request.
    click(ws, "per", MentorAction.DECLINE, offer_dm(ws, "per"))
    assert offers_in_db(ws)[-1].mentor_id == ws.user_id("ingrid")
    assert f"<@{ola}>" in json.dumps(offer_dm(ws, "ingrid").blocks)


def test_a_named_mentor_who_cannot_be_asked_is_explained_and_the_text_handed_back(ws: LocalWorkspace) -> None:
    ingrid, per = ws.user_id("ingrid"), ws.user_id("per")
    mentor(ws, "ingrid", "offer")
    [modal] = ws.standin.views_for(ingrid)
    ws.driver.submit_view(
        ingrid, modal.id, {MentorBlock.TOPICS: "testing, design", MentorBlock.CAPACITY: "1"}
    )
    ws.settle()

    mentor(ws, "ola", "request @ingrid kubernetes Help me run clusters")
    told = last_told(ws, "ola")
    assert f"<@{ingrid}> doesn't offer *kubernetes*; they offer *design*, *testing*." in told
    assert "`/mentor list kubernetes` shows who has room" in told
    assert "`/mentor request kubernetes` asks the best-placed mentor" in told
    assert "Help me run clusters" in told  # handed back
    assert offers_in_db(ws) == [] and [r.status for r in requests_in_db(ws)] == ["cancelled"]

    mentor(ws, "ola", "request @per testing")
    assert f"<@{per}> doesn't offer mentoring." in last_told(ws, "ola")
    mentor(ws, "ola", "request @nobody-here testing")
    assert "I can't find anyone called @nobody-here in this workspace." in last_told(ws, "ola")
    mentor(ws, "ingrid", "request @ingrid testing")
    assert "You can't be your own mentor." in last_told(ws, "ingrid")
    mentor(ws, "per", "request @ingrid testing")
    click(ws, "ingrid", MentorAction.ACCEPT, offer_dm(ws, "ingrid"))
    mentor(ws, "ola", "request @ingrid design")
    assert f"<@{ingrid}> has no room for another mentee right now." in last_told(ws, "ola")
    mentor(ws, "ingrid", "pause")
    mentor(ws, "kari", "request @Ingrid design")
    assert f"<@{ingrid}> is taking no new mentees right now." in last_told(ws, "kari")
    assert len(offers_in_db(ws)) == 1
    # The people's names came from one users.list, remembered.
    assert len(ws.standin.calls_to("users.list")) == 1


def test_a_topic_that_is_a_mention_or_punctuation_is_refused_with_the_text_handed_back(
    ws: LocalWorkspace,
) -> None:
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "request @ingrid")
    assert (
        "Which topic would you like @ingrid to mentor you in? For example `/mentor request @ingrid testing`"
        in (last_told(ws, "ola"))
    )
    mentor(ws, "ola", "request @here testing")
    assert "A topic is a word such as testing, not a mention." in last_told(ws, "ola")
    assert "```request @here testing```" in last_told(ws, "ola")
    mentor(ws, "ola", "request !!! ??? please help")
    told = last_told(ws, "ola")
    assert "I found no topic in that" in told and "```request !!! ??? please help```" in told
    assert requests_in_db(ws) == [] and offers_in_db(ws) == []
    assert ws.standin.views_for(ws.user_id("ola")) == []  # refused, not a form


# -- §7: Norwegian all the way -----------------------------------------------------------------------------


def test_norwegian_subcommands_help_and_a_slip_of_the_keyboard(ws: LocalWorkspace) -> None:
    nb = translator("nb")
    speaks(ws, "ola", "nb-NO")
    mentor(ws, "ingrid", "offer testing")
    mentor(ws, "ola", "hjelp")
    help_shown = last_told(ws, "ola")
    assert "/mentor be om &lt;emne&gt; [notat]" in help_shown and "/mentor avbryt &lt;emne&gt;" in help_shown
    mentor(ws, "ola", "be om testing jeg vil lære mer")
    [request] = requests_in_db(ws)
    assert (request.topic, request.note) == ("testing", "jeg vil lære mer")
    mentor(ws, "ola", "avbyrt testing")
    assert nb._("Did you mean {command}?").format(command="`/mentor avbryt testing`") in last_told(ws, "ola")
    mentor(ws, "ola", "avbryt testing")
    assert [r.status for r in requests_in_db(ws)] == ["cancelled"]

    mentor(ws, "per", "reqest testing")
    told = last_told(ws, "per")
    assert told.startswith("Did you mean `/mentor request testing`? `/mentor help` lists every command.")
    assert notices.help_text(translator("en")).text not in told  # not the generic help
    assert len(requests_in_db(ws)) == 1 and dms(ws, "per") == []
