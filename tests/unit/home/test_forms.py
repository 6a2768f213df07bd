"""The settings modals read with the weekly rhythm's own parsing: what changes, and what is refused on
which field."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.home.forms import (
    ChannelForm,
    FollowupDaysRefused,
    Refused,
    channel_changes,
    question_changes,
    workspace_change,
)
from bot.home.ids import HomeBlock
from bot.rhythm.commands import (
    AddPrompt,
    Field,
    Pause,
    RemovePrompt,
    SetHolidays,
    SetLanguage,
    SetSchedule,
    SetTimezone,
    Unsubscribe,
)
from bot.rhythm.data import ChannelLanguage, ChannelSettings
from bot.rhythm.ids import DIGEST, PROMPT

NOW = ChannelSettings(
    channel_id="C1",
    active=True,
    prompt_weekday=0,
    prompt_time="09:00",
    digest_weekday=4,
    digest_time="14:00",
    timezone="Europe/Oslo",
    timezone_inherited=True,
    holiday_country="NO",
    paused_until=None,
    last_error=None,
)
ENGLISH = ChannelLanguage("en", inherited=True)
AS_IS = ChannelForm(
    prompt_day="0",
    prompt_time="09:00",
    digest_day="4",
    digest_time="14:00",
    timezone="Europe/Oslo",
    language="en",
    holidays="NO",
    pause="",
    stop=False,
)


def test_a_form_submitted_as_it_was_changes_nothing() -> None:
    assert channel_changes(AS_IS, NOW, ENGLISH) == []
    assert channel_changes(replace(AS_IS, holidays="no", timezone="europe/oslo"), NOW, ENGLISH) == []


def test_each_changed_field_is_one_change_the_zone_first() -> None:
    form = replace(
        AS_IS,
        prompt_time="08:30",
        digest_day="3",
        timezone="america/new_york",
        language="nb",
        holidays="off",
        pause="3",
    )
    assert channel_changes(form, NOW, ENGLISH) == [
        SetTimezone("America/New_York"),
        SetSchedule(PROMPT, 0, "08:30"),
        SetSchedule(DIGEST, 3, "14:00"),
        SetLanguage("nb", workspace=False),
        SetHolidays(None),
        Pause(3),
    ]


def test_resuming_is_a_change_only_while_paused_and_stopping_comes_last() -> None:
    assert channel_changes(replace(AS_IS, pause="0"), NOW, ENGLISH) == []
    paused = replace(NOW, paused_until=datetime(2026, 4, 6, tzinfo=UTC))
    assert channel_changes(replace(AS_IS, pause="0"), paused, ENGLISH) == [Pause(0)]
    assert channel_changes(replace(AS_IS, holidays="SE", stop=True), NOW, ENGLISH) == [
        SetHolidays("SE"),
        Unsubscribe(),
    ]


def test_every_wrong_field_is_refused_at_once_and_nothing_is_changed() -> None:
    form = replace(
        AS_IS,
        prompt_day="9",
        digest_time="25:00",
        timezone="Mars/Olympus",
        holidays="xx",
        pause="53",
        stop=True,
    )
    with pytest.raises(Refused) as refused:
        channel_changes(form, NOW, ENGLISH)
    fields = {block: error.field for block, error in refused.value.problems.items()}
    assert fields == {
        HomeBlock.PROMPT_DAY: Field.WEEKDAY,
        HomeBlock.DIGEST_TIME: Field.TIME,
        HomeBlock.TIMEZONE: Field.TIMEZONE,
        HomeBlock.HOLIDAYS: Field.HOLIDAYS,
        HomeBlock.PAUSE: Field.WEEKS,
    }


def test_the_workspace_form() -> None:
    change = workspace_change(
        language="nb",
        followup_days="21",
        leaders=["U2", "U3", "U2"],
        current_language="en",
        current_days=14,
        stored_leaders=["U1", "U2"],
    )
    assert (change.language, change.followup_days) == ("nb", 21)
    assert (change.add_leaders, change.remove_leaders) == (["U3"], ["U1"])
    same = workspace_change(
        language="en",
        followup_days="14",
        leaders=["U1"],
        current_language="en",
        current_days=14,
        stored_leaders=["U1"],
    )
    assert same.empty
    for days in ("0", "91", "x", "1.5", ""):
        with pytest.raises(FollowupDaysRefused):
            workspace_change(
                language="en",
                followup_days=days,
                leaders=[],
                current_language="en",
                current_days=14,
                stored_leaders=[],
            )
    with pytest.raises(Refused):
        workspace_change(
            language="de",
            followup_days="14",
            leaders=[],
            current_language="en",
            current_days=14,
            stored_leaders=[],
        )


def test_the_questions_form() -> None:
    assert question_changes(text="  ", language="en", remove=None) == []
    assert question_changes(text="What surprised you?", language="nb", remove="12") == [
        AddPrompt("What surprised you?", "nb"),
        RemovePrompt(12),
    ]
    with pytest.raises(Refused) as refused:
        question_changes(text="x" * 301, language="en", remove="abc")
    assert set(refused.value.problems) == {HomeBlock.QUESTION_TEXT, HomeBlock.QUESTION_REMOVE}
