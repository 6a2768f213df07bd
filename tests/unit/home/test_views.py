"""The Home and its modals: valid Block Kit within Slack's 100 blocks however full, in both languages,
anonymous lessons never attributed nor placed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.i18n import translator
from bot.home import views
from bot.home.data import (
    CHANNELS_SHOWN,
    LESSONS_SHOWN,
    MENTORING_SHOWN,
    TOPIC_LESSONS_SHOWN,
    AdminPart,
    ChannelRow,
    HomeData,
    LessonItem,
    MentorProfileLine,
    MentorshipItem,
    MyMentoring,
    OfferItem,
    RequestItem,
    WorkspaceSettings,
)
from bot.insights.data import Contribution, LeaderEntry
from bot.rhythm.data import ChannelLanguage, ChannelSettings, PromptInfo
from localslack.standin import validate_blocks, validate_view
from tests.unit.insights.test_views import figures

EN, NB = translator("en"), translator("nb")
OSLO = ZoneInfo("Europe/Oslo")
AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
LONG = "A lesson with <tags> & *stars* " * 40


def lesson(n: int, *, anonymous: bool = False) -> LessonItem:
    return LessonItem(
        id=n,
        text=LONG,
        tags=["deploy", "on<call>"],
        author_id=None if anonymous else "U0AUTHOR",
        channel_id=None if anonymous else "C0PUB",
        useful=n,
        applied=1,
    )


def settings(n: int) -> ChannelSettings:
    return ChannelSettings(
        channel_id=f"C{n:04d}",
        active=True,
        prompt_weekday=0,
        prompt_time="09:00",
        digest_weekday=4,
        digest_time="14:00",
        timezone="Europe/Oslo",
        timezone_inherited=n % 2 == 0,
        holiday_country="NO" if n % 3 else None,
        paused_until=AT + timedelta(weeks=2) if n == 1 else None,
        last_error="not_in_channel" if n == 2 else None,
    )


def full(admin: bool = True) -> HomeData:
    offers = [OfferItem(n, "U0ASKER", f"topic-{n}", AT + timedelta(hours=48)) for n in range(3)]
    asked = [
        RequestItem(n, f"ask-{n}", "offered" if n else "waiting", "U0MENTOR" if n else None) for n in range(2)
    ]
    ships = [
        MentorshipItem(
            n, "U0OTHER", f"ship-{n}", n % 2 == 0, "G0GROUP", AT + timedelta(days=14), 1 if n else None
        )
        for n in range(MENTORING_SHOWN - 5)
    ]
    part = AdminPart(
        figures=figures(channel=None),
        channels=[
            ChannelRow(
                settings(n),
                ChannelLanguage("nb" if n else "en", inherited=n == 0),
                AT,
                AT + timedelta(days=4),
            )
            for n in range(CHANNELS_SHOWN)
        ],
        more_channels=7,
        workspace=WorkspaceSettings(
            language="en",
            followup_days=14,
            leaders=[LeaderEntry("U0LEAD", stored=True, configured=False)],
            questions=[PromptInfo(1, "en", "What did you learn?")],
        ),
    )
    return HomeData(
        user_id="U0ME",
        zone=OSLO,
        contribution=Contribution("T0", "U0ME", named=3, anonymous=1, useful=4, applied=2, appliers=1),
        mentoring=MyMentoring(MentorProfileLine("active", 2, ["deploy"], 1), offers, asked, ships, more=4),
        recent=[lesson(n, anonymous=n == 0) for n in range(LESSONS_SHOWN)],
        on_topics=[lesson(10 + n) for n in range(TOPIC_LESSONS_SHOWN)],
        notice=":warning: " + views.not_admin(EN),
        admin=part if admin else None,
    )


@pytest.mark.parametrize("tr", [EN, NB], ids=["en", "nb"])
def test_a_full_home_is_valid_and_within_the_limit(tr: object) -> None:
    view = views.home_view(tr, full())  # type: ignore[arg-type]
    shown = view.to_dict()
    assert shown["type"] == "home"
    assert len(shown["blocks"]) <= 100
    assert validate_blocks(shown["blocks"], surface="home") == []
    assert validate_view(shown, types=("home",)) == []
    text = json.dumps(shown, ensure_ascii=False)
    assert "and 7 more" in text or "og 7 kanaler til" in text
    assert "and 4 more" in text or "og 4 til" in text


def test_a_members_home_has_no_workspace_part() -> None:
    text = json.dumps(views.home_view(EN, full(admin=False)).to_dict(), ensure_ascii=False)
    assert "Your workspace" not in text and "home_edit_channel" not in text
    assert "Share a lesson" in text and "Find a mentor" in text


def test_typed_text_is_escaped_once_and_an_anonymous_lesson_is_neither_named_nor_placed() -> None:
    blocks = views.home_view(EN, full()).to_dict()["blocks"]
    lessons = [b for b in blocks if b.get("accessory", {}).get("action_id") == "lesson_vote_useful"]
    assert len(lessons) == LESSONS_SHOWN + TOPIC_LESSONS_SHOWN
    anonymous = lessons[0]["text"]["text"]
    assert "anonymous" in anonymous and "<@" not in anonymous and "<#" not in anonymous
    named = lessons[1]["text"]["text"]
    assert "by <@U0AUTHOR>" in named and "in <#C0PUB>" in named
    assert "&lt;tags&gt; &amp;" in named and "&amp;amp;" not in named
    assert len(named) < 600, "a long lesson is shown as a snippet"


def test_the_home_in_norwegian() -> None:
    text = json.dumps(views.home_view(NB, full()).to_dict(), ensure_ascii=False)
    for said in (
        "Del en lærdom",
        "Finn en mentor",
        "Ditt bidrag",
        "Mentorordningen din",
        "Ukerytmen",
        "Endre",
    ):
        assert said in text
    assert "mandag" in text, "times in the reader's language"


def test_the_settings_modals_are_valid_in_both_languages() -> None:
    data = full()
    assert data.admin is not None
    for tr in (EN, NB):
        for view in (
            views.channel_modal(tr, data.admin.channels[1], OSLO),
            views.channel_modal(tr, data.admin.channels[0], OSLO),
            views.add_channel_modal(tr),
            views.workspace_modal(tr, data.admin.workspace),
            views.questions_modal(tr, data.admin.workspace.questions, "en"),
            views.questions_modal(tr, [], "nb"),
        ):
            assert validate_view(view.to_dict(), types=("modal",)) == []


def test_the_questions_modal_lists_at_most_a_hundred() -> None:
    many = [PromptInfo(n, "en", "Q " * 80) for n in range(1, 151)]
    view = views.questions_modal(EN, many, "en").to_dict()
    [remove] = [b for b in view["blocks"] if b.get("block_id") == "home_question_remove"]
    assert len(remove["element"]["options"]) == 100
    assert all(len(o["text"]["text"]) <= 75 for o in remove["element"]["options"])
