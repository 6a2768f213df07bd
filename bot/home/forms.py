"""What a settings modal asks to change, read with the weekly rhythm's own parsing (bot.rhythm.commands
parse_*): the same values are accepted as `/erfaring` accepts, and a refusal names the modal's field.
Pure functions, testable without Slack or a database; bot.home.flows carries the changes out after the
ack and the admin check, through the rhythm's own flow (carry_out) and the features' services.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from bot.core.words import ascii_number
from bot.home.ids import HomeBlock
from bot.mentoring.followups import MAX_FOLLOWUP_DAYS, MIN_FOLLOWUP_DAYS
from bot.rhythm.commands import (
    CUSTOM_MAX,
    AddPrompt,
    Change,
    Field,
    InvalidValue,
    Pause,
    RemovePrompt,
    SetHolidays,
    SetLanguage,
    SetSchedule,
    SetTimezone,
    Unsubscribe,
    clean_text,
    parse_holidays,
    parse_language,
    parse_prompt_id,
    parse_time,
    parse_timezone,
    parse_weeks,
)
from bot.rhythm.data import ChannelLanguage, ChannelSettings
from bot.rhythm.ids import DIGEST, PROMPT

T = TypeVar("T")


class Refused(ValueError):
    """Values the modal cannot take, by block id: the modal stays open with each one marked."""

    def __init__(self, problems: dict[str, InvalidValue]) -> None:
        super().__init__(", ".join(f"{block}: {error}" for block, error in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class ChannelForm:
    """The channel modal as submitted (values as the inputs hold them)."""

    prompt_day: str | None
    prompt_time: str | None
    digest_day: str | None
    digest_time: str | None
    timezone: str
    language: str | None
    holidays: str
    pause: str
    stop: bool


def _weekday(raw: str | None) -> int:
    number = ascii_number((raw or "").strip())
    if number is None or not 0 <= number <= 6:
        raise InvalidValue(Field.WEEKDAY, raw or "")
    return number


class _Reader:
    """Parses a form's fields one by one, keeping every refusal by its block."""

    def __init__(self) -> None:
        self.problems: dict[str, InvalidValue] = {}

    def __call__(self, block: HomeBlock, parse: Callable[[], T]) -> tuple[bool, T | None]:
        try:
            return True, parse()
        except InvalidValue as exc:
            self.problems[block] = exc
            return False, None


def channel_changes(form: ChannelForm, current: ChannelSettings, language: ChannelLanguage) -> list[Change]:
    """The changes the channel modal asks for, against the channel's settings now (an unchanged field
    changes nothing). Raises Refused with every field that cannot be taken."""
    read = _Reader()
    changes: list[Change] = []
    # The zone first: the schedules' confirmations then name the zone they now follow.
    ok, zone = read(HomeBlock.TIMEZONE, lambda: parse_timezone(form.timezone))
    if ok and zone is not None and zone != current.timezone:
        changes.append(SetTimezone(zone))
    schedules = (
        (PROMPT, HomeBlock.PROMPT_DAY, HomeBlock.PROMPT_TIME, form.prompt_day, form.prompt_time),
        (DIGEST, HomeBlock.DIGEST_DAY, HomeBlock.DIGEST_TIME, form.digest_day, form.digest_time),
    )
    for kind, day_block, time_block, raw_day, raw_time in schedules:
        day_ok, day = read(day_block, partial(_weekday, raw_day))
        time_ok, at = read(time_block, partial(parse_time, raw_time or ""))
        before = (
            (current.prompt_weekday, current.prompt_time)
            if kind == PROMPT
            else (current.digest_weekday, current.digest_time)
        )
        if day_ok and time_ok and day is not None and at is not None and (day, at) != before:
            changes.append(SetSchedule(kind, day, at))
    ok, spoken = read(HomeBlock.LANGUAGE, lambda: parse_language(form.language or ""))
    if ok and spoken is not None and spoken != language.language:
        changes.append(SetLanguage(spoken, workspace=False))
    ok, country = read(HomeBlock.HOLIDAYS, lambda: parse_holidays(form.holidays))
    if ok and country != current.holiday_country:
        changes.append(SetHolidays(country))
    if form.pause.strip():
        ok, weeks = read(HomeBlock.PAUSE, lambda: parse_weeks(form.pause))
        if ok and weeks is not None and (weeks or current.paused_until is not None):
            changes.append(Pause(weeks))
    if read.problems:
        raise Refused(read.problems)
    if form.stop:
        changes.append(Unsubscribe())
    return changes


# --- the workspace's own settings ------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkspaceChange:
    language: str | None = None  # the workspace's new language
    followup_days: int | None = None
    add_leaders: list[str] = field(default_factory=list)
    remove_leaders: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.language or self.followup_days or self.add_leaders or self.remove_leaders)


class FollowupDaysRefused(ValueError):
    pass


def workspace_change(
    *,
    language: str | None,
    followup_days: str,
    leaders: Sequence[str],
    current_language: str,
    current_days: int,
    stored_leaders: Sequence[str],
) -> WorkspaceChange:
    """What the workspace modal asks to change. Raises Refused (the language) or FollowupDaysRefused."""
    try:
        spoken = parse_language(language or "")
    except InvalidValue as exc:
        raise Refused({HomeBlock.WORKSPACE_LANGUAGE: exc}) from None
    days = ascii_number(followup_days.strip())
    if days is None or not MIN_FOLLOWUP_DAYS <= days <= MAX_FOLLOWUP_DAYS:
        raise FollowupDaysRefused(followup_days)
    chosen = list(dict.fromkeys(leaders))
    return WorkspaceChange(
        language=spoken if spoken != current_language else None,
        followup_days=days if days != current_days else None,
        add_leaders=[u for u in chosen if u not in stored_leaders],
        remove_leaders=[u for u in stored_leaders if u not in chosen],
    )


# --- the workspace's own questions -----------------------------------------------------------------------


def question_changes(
    *, text: str, language: str | None, remove: str | None
) -> list[AddPrompt | RemovePrompt]:
    """A question to add (in the language chosen) and one to remove. Raises Refused."""
    problems: dict[str, InvalidValue] = {}
    changes: list[AddPrompt | RemovePrompt] = []
    if text.strip():
        question = clean_text(text)
        try:
            spoken = parse_language(language or "")
        except InvalidValue as exc:
            problems[HomeBlock.QUESTION_LANGUAGE] = exc
            spoken = None
        if len(question) > CUSTOM_MAX:
            problems[HomeBlock.QUESTION_TEXT] = InvalidValue(Field.PROMPT_TEXT, question)
        elif spoken is not None:
            changes.append(AddPrompt(text, spoken))
    if remove:
        try:
            changes.append(RemovePrompt(parse_prompt_id(remove)))
        except InvalidValue as exc:
            problems[HomeBlock.QUESTION_REMOVE] = exc
    if problems:
        raise Refused(problems)
    return changes
