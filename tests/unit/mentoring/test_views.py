"""Mentoring views: valid Block Kit in both languages, and nothing a person typed becomes a mention."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.blockkit import Rendered
from bot.core.i18n import Translator, translator
from bot.lessons.data import ListedLesson
from bot.mentoring import notices, views
from bot.mentoring.ids import FollowUpAnswerKind, MentorAction, OfferStatus
from handlers import payloads
from handlers.mentoring.actions import followup_value
from localslack.standin import validate_blocks, validate_view

HOSTILE = "Hi <!channel> <@U1> & <#C1> <!here> <!subteam^S1> <https://evil.example|x>"
# A mention or broadcast the app did not build from an id.
INJECTED = re.compile(r"<!channel>|<!here>|<@U1>|<#C1>|<!subteam|<https://evil")
WHEN = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["en", "nb"])
def tr(request: pytest.FixtureRequest) -> Translator:
    return translator(request.param)


def check(rendered: Rendered) -> str:
    assert validate_blocks(rendered.blocks) == []
    assert rendered.text and len(rendered.text) <= 3000
    dumped = rendered.text + json.dumps(rendered.blocks)
    found = INJECTED.search(dumped)
    assert found is None, dumped[max(0, found.start() - 80) : found.end() + 20]
    return dumped


def test_the_offer_dm_escapes_the_note_and_unit_and_has_three_buttons(tr: Translator) -> None:
    card = views.OfferCard(1, "UOLA", "testing", HOSTILE * 10, HOSTILE, WHEN)
    dumped = check(views.offer_dm(tr, card))
    assert "&lt;!channel&gt;" in dumped and "<@UOLA>" in dumped
    actions = [b for b in views.offer_dm(tr, card).blocks if b["type"] == "actions"]
    assert [e["action_id"] for e in actions[0]["elements"]] == [
        MentorAction.ACCEPT,
        MentorAction.DECLINE,
        MentorAction.DECLINE_PAUSE,
    ]
    for status in OfferStatus:
        closed = views.offer_dm_closed(tr, card, status, paused=True)
        check(closed)
        assert all(b["type"] != "actions" for b in closed.blocks)


def test_introduction_and_follow_ups(tr: Translator) -> None:
    dumped = check(views.introduction(tr, views.IntroCard("UA", "UB", "æøå-design", HOSTILE, 14)))
    assert "<@UA>" in dumped and "<@UB>" in dumped and "æøå-design" in json.dumps(dumped, ensure_ascii=False)
    card = views.FollowUpCard(7, 2, "UA", "testing", reminder=True)
    rendered = views.followup_dm(tr, card)
    check(rendered)
    values = {e["value"] for b in rendered.blocks if b["type"] == "actions" for e in b["elements"]}
    assert values == {"7:2"} and followup_value("7:2") == (7, 2)
    for bogus in (
        "x:2",
        "",
        "7",
        "7:",
        ":2",
        "7:2:3",
        "-1:2",
        "7:-1",
        "1.5e3:1",
        "7:0",
        "١:2",
        "9" * 23 + ":1",
    ):
        assert followup_value(bogus) is None, bogus
    for answer in FollowUpAnswerKind:
        check(views.followup_answered(tr, card, answer))


def test_lists_status_and_help_escape_and_fit(tr: Translator) -> None:
    mentors = [notices.ListedMentor(f"UM{i}", HOSTILE, ["testing", "a&b"], 1, HOSTILE) for i in range(40)]
    listed = notices.mentor_list(tr, "testing", mentors)
    dumped = check(listed)
    assert len(listed.blocks) <= 50 and "a&amp;b" in dumped
    check(notices.mentor_list(tr, None, []))
    profile = notices.StatusProfile("paused", 2, ["testing", "a&b"])
    status = notices.MyStatus(
        profile,
        1,
        [notices.StatusRequest("testing", "offered", "UB"), notices.StatusRequest("x", "waiting", None)],
        [notices.StatusOffer("UC", "design", WHEN)],
        [notices.StatusMentorship("UD", "testing", True, "GDM")],
    )
    check(notices.status_view(tr, status))
    check(notices.status_view(tr, notices.MyStatus(None, 0, [], [], [])))
    check(notices.help_text(tr, HOSTILE))
    lessons = [ListedLesson(i, HOSTILE * 20, ["testing"], True, "CGEN", 3, 1) for i in range(5)]
    check(notices.request_received(tr, "testing", lessons))
    check(notices.waiting_rendered(tr, "testing", 0, True, lessons))


def test_forms_are_valid_modals_and_give_long_text_back(tr: Translator) -> None:
    offer = views.offer_modal(
        tr,
        views.OfferModalState(topics="x" * 2000, capacity=99, unit="y" * 500, bio="z" * 900, notice=HOSTILE),
    )
    assert validate_view(offer.to_dict()) == []
    assert not INJECTED.search(json.dumps(offer.to_dict()))
    request = views.request_modal(
        tr, views.RequestModalState(topic="t" * 200, note="n" * 2000, offered_topics=["testing"] * 40)
    )
    assert validate_view(request.to_dict()) == []
    # The channel the form was opened from travels in private_metadata, read back by handlers.payloads.
    assert payloads.metadata(offer.private_metadata).get(views.CHANNEL_KEY) is None
    opened = views.offer_modal(tr, views.OfferModalState(channel_id="C1"))
    assert payloads.metadata(opened.private_metadata) == {views.CHANNEL_KEY: "C1"}


OSLO = ZoneInfo("Europe/Oslo")
NEW_YORK = ZoneInfo("America/New_York")


def test_times_are_in_the_readers_zone_and_written_the_way_their_language_writes_them() -> None:
    nb, en = translator("nb"), translator("en")
    assert views.moment(nb, WHEN, OSLO) == "onsdag 4. mars kl. 09:00"
    assert views.moment(en, WHEN, OSLO) == "Wednesday 4 March at 09:00"
    assert views.moment(en, WHEN, NEW_YORK) == "Wednesday 4 March at 03:00"
    assert views.weekday(nb, WHEN, OSLO) == "onsdag 4. mars"
    assert views.date(nb, WHEN, OSLO) == "4. mars 2026" and views.date(en, WHEN, OSLO) == "4 March 2026"
    card = views.OfferCard(1, "UOLA", "testing", None, None, WHEN, zone=NEW_YORK)
    assert "Please answer by Wednesday 4 March at 03:00" in check(views.offer_dm(en, card))
    assert "onsdag 4. mars kl. 03:00" in json.dumps(views.offer_dm(nb, card).blocks, ensure_ascii=False)
    status = notices.MyStatus(None, 0, [], [notices.StatusOffer("UC", "design", WHEN)], [])
    assert "onsdag 4. mars kl. 09:00" in notices.status_view(nb, status, OSLO).text


def test_counts_have_their_plural_forms_in_both_languages() -> None:
    nb, en = translator("nb"), translator("en")
    assert "up to 1 mentee at once" in notices.offer_saved(en, ["testing"], 1)
    assert "up to 2 mentees at once" in notices.offer_saved(en, ["testing"], 2)
    assert "opptil 1 adept samtidig" in notices.offer_saved(nb, ["testing"], 1)
    assert "opptil 3 adepter samtidig" in notices.offer_saved(nb, ["testing"], 3)
    one = notices.mentor_list(en, None, [notices.ListedMentor("UM", None, ["testing"], 1, None)])
    assert "room for 1 more mentee" in json.dumps(one.blocks) and "mentees" not in json.dumps(one.blocks)
    two = notices.mentor_list(nb, None, [notices.ListedMentor("UM", None, ["testing"], 2, None)])
    assert "plass til 2 adepter til" in json.dumps(two.blocks, ensure_ascii=False)
    profile = notices.StatusProfile("active", 1, ["testing"])
    assert "0 of 1 mentee" in notices.status_view(en, notices.MyStatus(profile, 0, [], [], [])).text
    assert "1 av 1 adept" in notices.status_view(nb, notices.MyStatus(profile, 1, [], [], [])).text
    assert views.profile_problem(en, "mentor_capacity", "out_of_range", 10) == "Choose from 1 to 10 mentees."
    assert notices.followup_days_usage(en, 1).endswith("Now: 1 day.")
    assert notices.followup_days_usage(nb, 14).endswith("Nå: 14 dager.")


def test_the_offer_dm_says_what_actually_became_of_the_request(tr: Translator) -> None:
    card = views.OfferCard(1, "UOLA", "testing", None, None, WHEN)
    expired = views.offer_dm_closed(tr, card, OfferStatus.EXPIRED, after=views.Aftermath(asked="UPER"))
    assert "<@UPER>" in check(expired)
    waits = views.offer_dm_closed(tr, card, OfferStatus.DECLINED, after=views.Aftermath(waits=True))
    assert "<@UPER>" not in check(waits)
    if tr.language == "en":
        assert "got no answer in 48 hours. I have asked <@UPER> instead." in expired.text
        assert "so the request waits until someone does" in waits.text
        cancelled = replace(card, request_status="cancelled")
        assert (
            "<@UOLA> cancelled their request"
            in views.offer_dm_closed(tr, cancelled, OfferStatus.WITHDRAWN).text
        )
        assert (
            "has cancelled the request since"
            in views.offer_dm_closed(tr, cancelled, OfferStatus.EXPIRED).text
        )


def test_an_ended_mentorship_and_past_ones_say_how_and_when_they_ended(tr: Translator) -> None:
    for reason in ("done", "no_answer", "left"):
        dumped = check(views.followup_ended(tr, views.EndedCard("UA", "testing", reason, WHEN, OSLO)))
        assert "<@UA>" in dumped
    past = [notices.PastMentorship("UA", "testing", True, "done", WHEN)]
    status = notices.status_view(tr, notices.MyStatus(None, 0, [], [], [], past), NEW_YORK)
    check(status)
    if tr.language == "en":
        assert (
            "*Past mentorships*\n• you mentored <@UA> in *testing* · marked as done, 4 March 2026"
            in status.text
        )


def test_help_in_bokmal_shows_norwegian_subcommands_and_placeholders() -> None:
    nb = translator("nb")
    shown = notices.help_text(nb).text
    for command in (
        "/mentor be om &lt;emne&gt; [notat]",
        "/mentor avbryt &lt;emne&gt;",
        "/mentor liste [emne]",
    ):
        assert command in shown, command
    assert "/mentor tilby" in shown and "/mentor fortsett" in shown and "/mentor oppfølging" in shown
    assert "request" not in shown and "&lt;topic&gt;" not in shown
    assert notices.did_you_mean(nb, "/mentor avbryt testing").text.startswith(
        "Mente du `/mentor avbryt testing`?"
    )
