"""What `/erfaring ...` asks for, and the values it takes: weekdays in English and Norwegian, HH:MM,
IANA zones, holiday countries, weeks. Pure functions, testable without Slack or a database.

`parse` reads the subcommand; `change_of` turns a subcommand that changes something into a checked
`Change` (plain data) that bot.rhythm.flows carries out after the ack and the admin check. Every
refusal is an InvalidValue naming the field and what was given, so the view can say what is
accepted instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from zoneinfo import available_timezones

import holidays

from bot.core.settings import LANGUAGES, valid_timezone
from bot.core.words import aliases, ascii_number, closest
from bot.rhythm.ids import COMMAND, DIGEST, PROMPT, Kind

MAX_PAUSE_WEEKS = 52
# A workspace's own question: one short paragraph, at most this long.
CUSTOM_MAX = 300
# Own questions per workspace and language: keeps `/erfaring prompts list` within one message.
CUSTOM_LIMIT = 100


class Field(StrEnum):
    """What a value is for; the view words each refusal by field."""

    KIND = "kind"
    WEEKDAY = "weekday"
    TIME = "time"
    TIMEZONE = "timezone"
    LANGUAGE = "language"
    HOLIDAYS = "holidays"
    WEEKS = "weeks"
    PROMPT_ACTION = "prompt_action"
    PROMPT_ID = "prompt_id"
    PROMPT_TEXT = "prompt_text"


class InvalidValue(ValueError):
    """`given` is not an accepted value for `field` ("" when the value is missing)."""

    def __init__(self, field: Field, given: str = "") -> None:
        super().__init__(f"{field}: {given!r}")
        self.field = field
        self.given = given


# --- weekdays ---------------------------------------------------------------------------------------

_WEEKDAY_NAMES: tuple[tuple[str, ...], ...] = (
    ("monday", "mon", "mandag", "man"),
    ("tuesday", "tue", "tues", "tirsdag", "tir", "tirs"),
    ("wednesday", "wed", "onsdag", "ons"),
    ("thursday", "thu", "thur", "thurs", "torsdag", "tor", "tors"),
    ("friday", "fri", "fredag", "fre"),
    ("saturday", "sat", "lørdag", "lør", "lordag", "lor", "loerdag"),
    ("sunday", "sun", "søndag", "søn", "sondag", "son", "soendag"),
)
WEEKDAYS = aliases(dict(enumerate(_WEEKDAY_NAMES)))


def parse_weekday(raw: str) -> int:
    """Monday = 0 ... Sunday = 6, as date.weekday(); English or Norwegian, full or short."""
    word = raw.strip().casefold().rstrip(".,")
    if word in WEEKDAYS:
        return WEEKDAYS[word]
    raise InvalidValue(Field.WEEKDAY, raw.strip())


# --- times, zones, languages, countries, weeks ------------------------------------------------------

_TIME = re.compile(r"^([0-9]{1,2})[:.]([0-9]{2})$")


def parse_time(raw: str) -> str:
    """A 24-hour time of day as "HH:MM"; "9:00" and "09.00" are accepted and written as "09:00"."""
    match = _TIME.match(raw.strip())
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour <= 23 and minute <= 59:
            return f"{hour:02d}:{minute:02d}"
    raise InvalidValue(Field.TIME, raw.strip())


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def parse_timezone(raw: str) -> str:
    """An IANA zone name in its canonical spelling ("europe/oslo" → "Europe/Oslo")."""
    name = raw.strip()
    canonical = _zones_by_folded_name().get(name.casefold())
    if canonical:
        return canonical
    # Without a zone list (no tzdata index), trust zoneinfo itself; it rejects paths and junk.
    if name and not _zones_by_folded_name() and valid_timezone(name):
        return name
    raise InvalidValue(Field.TIMEZONE, name)


_LANGUAGE_ALIASES = aliases(
    {
        "en": ("en", "english", "engelsk"),
        "nb": ("nb", "bokmål", "bokmal", "norsk", "norwegian"),
    }
)


def parse_language(raw: str) -> str:
    language = _LANGUAGE_ALIASES.get(raw.strip().casefold())
    if language in LANGUAGES:
        return language
    raise InvalidValue(Field.LANGUAGE, raw.strip())


# "no" is Norway's code, so it is not a word for "off".
HOLIDAYS_OFF = frozenset({"off", "none", "av", "ingen"})


@cache
def supported_countries() -> frozenset[str]:
    return frozenset(code.upper() for code in holidays.list_supported_countries())


def parse_holidays(raw: str) -> str | None:
    """A country code the `holidays` package knows ("no" → "NO"), or None for "off"."""
    word = raw.strip()
    if word.casefold() in HOLIDAYS_OFF:
        return None
    if word.upper() in supported_countries():
        return word.upper()
    raise InvalidValue(Field.HOLIDAYS, word)


def parse_weeks(raw: str) -> int:
    word = raw.strip()
    weeks = ascii_number(word)
    if weeks is not None and weeks <= MAX_PAUSE_WEEKS:
        return weeks
    raise InvalidValue(Field.WEEKS, word)


_KINDS = aliases(
    {
        PROMPT: ("prompt", "prompts", "question", "spørsmål", "sporsmal"),
        DIGEST: ("digest", "summary", "oppsummering"),
    }
)


def parse_kind(raw: str) -> Kind:
    kind = _KINDS.get(raw.strip().casefold())
    if kind is None:
        raise InvalidValue(Field.KIND, raw.strip())
    return kind


def parse_prompt_id(raw: str) -> int:
    word = raw.strip().lstrip("#")
    prompt_id = ascii_number(word)
    if prompt_id is not None and 0 < prompt_id < 2**31:
        return prompt_id
    raise InvalidValue(Field.PROMPT_ID, raw.strip())


# --- the command ------------------------------------------------------------------------------------


class Verb(StrEnum):
    STATUS = "status"
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    SCHEDULE = "schedule"
    TIMEZONE = "timezone"
    LANGUAGE = "language"
    HOLIDAYS = "holidays"
    PAUSE = "pause"
    RESUME = "resume"
    PROMPTS = "prompts"
    HELP = "help"
    UNKNOWN = "unknown"


# The same word for the same meaning in every command (/lesson, /mentor, /erfaring): issue 9 §7.
SUBCOMMANDS = aliases(
    {
        Verb.STATUS: ("status", "settings", "innstillinger"),
        Verb.SUBSCRIBE: ("subscribe", "abonner"),
        Verb.UNSUBSCRIBE: ("unsubscribe", "avslutt", "stop", "stopp"),
        Verb.SCHEDULE: ("schedule", "tidsplan"),
        Verb.TIMEZONE: ("timezone", "tz", "tidssone"),
        Verb.LANGUAGE: ("language", "lang", "språk", "sprak"),
        Verb.HOLIDAYS: ("holidays", "holiday", "helligdager"),
        Verb.PAUSE: ("pause",),
        Verb.RESUME: ("resume", "fortsett"),
        Verb.PROMPTS: ("prompts", "prompt", "questions", "spørsmål", "sporsmal"),
        Verb.HELP: ("help", "hjelp"),
    }
)


class PromptAction(StrEnum):
    ADD = "add"
    LIST = "list"
    REMOVE = "remove"


PROMPT_ACTIONS = aliases(
    {
        PromptAction.ADD: ("add", "new", "ny"),
        PromptAction.LIST: ("list", "ls", "vis", "liste"),
        PromptAction.REMOVE: ("remove", "rm", "delete", "fjern", "slett"),
    }
)


@dataclass(frozen=True)
class RhythmCommand:
    verb: Verb
    words: tuple[str, ...] = ()  # the arguments, split on whitespace
    rest: str = ""  # the arguments as typed (a custom question keeps its spacing)


def parse(raw: str) -> RhythmCommand:
    text = (raw or "").strip()
    if not text:
        return RhythmCommand(Verb.STATUS)
    first, _, rest = text.partition(" ")
    rest = rest.strip()
    verb = SUBCOMMANDS.get(first.casefold(), Verb.UNKNOWN)
    words = tuple(rest.split())
    if verb is Verb.UNKNOWN:
        return RhythmCommand(Verb.UNKNOWN, (first, *words), text)
    return RhythmCommand(verb, words, rest)


def suggestion(command: RhythmCommand) -> str | None:
    """For an unknown subcommand close to a known one (`subscrbe`, `tidsplna digest fri 14:00`), the
    command it was most likely meant to be, with the rest as typed; None when nothing is close."""
    if command.verb is not Verb.UNKNOWN or not command.words:
        return None
    typed = command.words[0]
    meant = closest(typed, SUBCOMMANDS)
    if meant is None or meant == typed.casefold():
        return None
    rest = command.rest[len(typed) :].strip()
    return f"{COMMAND} {meant}" + (f" {rest}" if rest else "")


@dataclass(frozen=True)
class ScheduleChange:
    kind: Kind
    weekday: int
    time: str


def parse_schedule(words: tuple[str, ...]) -> ScheduleChange:
    """`prompt|digest <weekday> <HH:MM>`; raises InvalidValue for the first wrong or missing part."""
    kind = parse_kind(words[0] if words else "")
    weekday = parse_weekday(words[1] if len(words) > 1 else "")
    at = parse_time(words[2] if len(words) > 2 else "")
    if len(words) > 3:
        raise InvalidValue(Field.TIME, " ".join(words[2:]))
    return ScheduleChange(kind, weekday, at)


@dataclass(frozen=True)
class PromptRequest:
    action: PromptAction
    text: str = ""  # for ADD: the question, without a language prefix
    language: str | None = None  # for ADD: "en:" / "nb:" given before the question
    prompt_id: int | None = None  # for REMOVE


_LANGUAGE_PREFIX = re.compile(r"^(en|nb)\s*:\s*", re.IGNORECASE)


def parse_prompts(command: RhythmCommand) -> PromptRequest:
    """`prompts [list]`, `prompts add [en:|nb:] <question>`, `prompts remove <id>`."""
    if not command.words:
        return PromptRequest(PromptAction.LIST)
    action = PROMPT_ACTIONS.get(command.words[0].casefold())
    if action is None:
        raise InvalidValue(Field.PROMPT_ACTION, command.words[0])
    if action is PromptAction.ADD:
        text = command.rest[len(command.words[0]) :].strip()
        language = None
        match = _LANGUAGE_PREFIX.match(text)
        if match:
            language = match.group(1).lower()
            text = text[match.end() :].strip()
        return PromptRequest(action, text=text, language=language)
    if action is PromptAction.REMOVE:
        return PromptRequest(
            action, prompt_id=parse_prompt_id(command.words[1] if len(command.words) > 1 else "")
        )
    return PromptRequest(action)


def clean_text(raw: str) -> str:
    """One line, single spaces: a question is shown as one short paragraph."""
    return " ".join(raw.split())


# --- what a command changes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Subscribe:
    pass


@dataclass(frozen=True)
class Unsubscribe:
    pass


@dataclass(frozen=True)
class SetSchedule:
    kind: Kind
    weekday: int
    time: str


@dataclass(frozen=True)
class SetTimezone:
    zone: str


@dataclass(frozen=True)
class SetLanguage:
    language: str
    workspace: bool  # the whole workspace's language rather than the channel's


@dataclass(frozen=True)
class SetHolidays:
    country: str | None  # None: holidays off


@dataclass(frozen=True)
class Pause:
    weeks: int  # 0 resumes


@dataclass(frozen=True)
class AddPrompt:
    text: str  # as typed (given back when refused)
    language: str | None


@dataclass(frozen=True)
class RemovePrompt:
    prompt_id: int


Change = (
    Subscribe
    | Unsubscribe
    | SetSchedule
    | SetTimezone
    | SetLanguage
    | SetHolidays
    | Pause
    | AddPrompt
    | RemovePrompt
)

# `/erfaring language nb workspace`: the workspace's language rather than this channel's.
WORKSPACE_WORDS = frozenset({"workspace", "arbeidsområde", "arbeidsomrade", "all", "alle"})


def change_of(command: RhythmCommand) -> Change:
    """The checked change a command asks for. Raises InvalidValue for a wrong or missing value;
    ValueError for a command that changes nothing (help, status, unknown, `prompts list`)."""
    first = command.words[0] if command.words else ""
    verb = command.verb
    if verb is Verb.SUBSCRIBE:
        return Subscribe()
    if verb is Verb.UNSUBSCRIBE:
        return Unsubscribe()
    if verb is Verb.SCHEDULE:
        schedule = parse_schedule(command.words)
        return SetSchedule(schedule.kind, schedule.weekday, schedule.time)
    if verb is Verb.TIMEZONE:
        return SetTimezone(parse_timezone(first))
    if verb is Verb.LANGUAGE:
        language = parse_language(first)
        workspace = len(command.words) > 1 and command.words[1].casefold() in WORKSPACE_WORDS
        return SetLanguage(language, workspace)
    if verb is Verb.HOLIDAYS:
        return SetHolidays(parse_holidays(first))
    if verb is Verb.PAUSE:
        return Pause(parse_weeks(first))
    if verb is Verb.RESUME:
        return Pause(0)
    if verb is Verb.PROMPTS:
        request = parse_prompts(command)
        if request.action is PromptAction.ADD:
            question = clean_text(request.text)
            if not question or len(question) > CUSTOM_MAX:
                raise InvalidValue(Field.PROMPT_TEXT, question)
            return AddPrompt(request.text, request.language)
        if request.action is PromptAction.REMOVE:
            assert request.prompt_id is not None
            return RemovePrompt(request.prompt_id)
    raise ValueError(f"/erfaring {verb} changes nothing")
