"""bot.rhythm.commands: `/erfaring ...` and its values, in English and Norwegian."""

from __future__ import annotations

import re

import pytest

from bot.core.i18n import load_catalog, translator
from bot.rhythm.commands import (
    DIGEST,
    HOLIDAYS_OFF,
    PROMPT,
    PROMPT_ACTIONS,
    SUBCOMMANDS,
    WORKSPACE_WORDS,
    AddPrompt,
    Change,
    Field,
    InvalidValue,
    Pause,
    PromptAction,
    PromptRequest,
    RemovePrompt,
    RhythmCommand,
    ScheduleChange,
    SetHolidays,
    SetLanguage,
    SetSchedule,
    SetTimezone,
    Subscribe,
    Unsubscribe,
    Verb,
    change_of,
    parse,
    parse_holidays,
    parse_kind,
    parse_language,
    parse_prompts,
    parse_schedule,
    parse_time,
    parse_timezone,
    parse_weekday,
    parse_weeks,
    suggestion,
)
from bot.rhythm.views import usages
from handlers.commands import ROUTES


@pytest.mark.parametrize(
    ("word", "weekday"),
    [
        ("monday", 0),
        ("Mon", 0),
        ("mandag", 0),
        ("man", 0),
        ("tuesday", 1),
        ("tirsdag", 1),
        ("wed", 2),
        ("onsdag", 2),
        ("THURSDAY", 3),
        ("torsdag", 3),
        ("fri", 4),
        ("fredag", 4),
        ("saturday", 5),
        ("lørdag", 5),
        ("lordag", 5),
        ("sunday", 6),
        ("søndag", 6),
        ("Søndag", 6),
        ("sondag", 6),
        ("søn", 6),
        (" friday. ", 4),
    ],
)
def test_weekdays_in_english_and_norwegian(word: str, weekday: int) -> None:
    assert parse_weekday(word) == weekday


@pytest.mark.parametrize("word", ["", "funday", "mondag", "7", "m", "weekend"])
def test_unknown_weekdays_are_refused_naming_the_field(word: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_weekday(word)
    assert caught.value.field is Field.WEEKDAY
    assert caught.value.given == word.strip()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("09:00", "09:00"),
        ("9:00", "09:00"),
        ("14:30", "14:30"),
        ("00:00", "00:00"),
        ("23:59", "23:59"),
        ("09.15", "09:15"),
    ],
)
def test_times_are_24_hour_and_normalised(raw: str, expected: str) -> None:
    assert parse_time(raw) == expected


@pytest.mark.parametrize("raw", ["24:00", "12:60", "9", "9am", "09:5", "-1:00", "", "12:00:00", "١٢:٠٠"])
def test_invalid_times_are_refused(raw: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_time(raw)
    assert caught.value.field is Field.TIME


def test_time_zones_are_iana_names_in_their_canonical_spelling() -> None:
    assert parse_timezone("Europe/Oslo") == "Europe/Oslo"
    assert parse_timezone("europe/oslo") == "Europe/Oslo"
    assert parse_timezone("America/New_York") == "America/New_York"
    for bad in ("Oslo", "CET+1", "../../etc/passwd", "", "Europe/Atlantis"):
        with pytest.raises(InvalidValue) as caught:
            parse_timezone(bad)
        assert caught.value.field is Field.TIMEZONE


def test_languages() -> None:
    assert parse_language("en") == "en"
    assert parse_language("NB") == "nb"
    assert parse_language("norsk") == "nb"
    for bad in ("no", "nn", "de", ""):
        with pytest.raises(InvalidValue) as caught:
            parse_language(bad)
        assert caught.value.field is Field.LANGUAGE


def test_holiday_countries_come_from_the_holidays_package_and_off_switches_them_off() -> None:
    assert parse_holidays("NO") == "NO"
    assert parse_holidays("no") == "NO", "no is Norway, not a word for off"
    assert parse_holidays("se") == "SE"
    assert parse_holidays("off") is None
    assert parse_holidays("av") is None
    for bad in ("XX", "Norway", ""):
        with pytest.raises(InvalidValue) as caught:
            parse_holidays(bad)
        assert caught.value.field is Field.HOLIDAYS


def test_weeks_are_0_to_52() -> None:
    assert parse_weeks("0") == 0
    assert parse_weeks("2") == 2
    assert parse_weeks("52") == 52
    for bad in ("53", "-1", "two", "1.5", "", "²"):
        with pytest.raises(InvalidValue) as caught:
            parse_weeks(bad)
        assert caught.value.field is Field.WEEKS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", RhythmCommand(Verb.STATUS)),
        ("status", RhythmCommand(Verb.STATUS)),
        ("subscribe", RhythmCommand(Verb.SUBSCRIBE)),
        ("SUBSCRIBE", RhythmCommand(Verb.SUBSCRIBE)),
        ("abonner", RhythmCommand(Verb.SUBSCRIBE)),
        ("unsubscribe", RhythmCommand(Verb.UNSUBSCRIBE)),
        (
            "schedule prompt mandag 09:00",
            RhythmCommand(Verb.SCHEDULE, ("prompt", "mandag", "09:00"), "prompt mandag 09:00"),
        ),
        ("timezone Europe/Oslo", RhythmCommand(Verb.TIMEZONE, ("Europe/Oslo",), "Europe/Oslo")),
        ("språk nb", RhythmCommand(Verb.LANGUAGE, ("nb",), "nb")),
        ("holidays off", RhythmCommand(Verb.HOLIDAYS, ("off",), "off")),
        ("pause 2", RhythmCommand(Verb.PAUSE, ("2",), "2")),
        ("resume", RhythmCommand(Verb.RESUME)),
        ("hjelp", RhythmCommand(Verb.HELP)),
        ("subscrbe now", RhythmCommand(Verb.UNKNOWN, ("subscrbe", "now"), "subscrbe now")),
    ],
)
def test_parse_verbs(raw: str, expected: RhythmCommand) -> None:
    assert parse(raw) == expected


def test_schedule_takes_kind_weekday_and_time_and_names_the_first_wrong_part() -> None:
    assert parse_schedule(("prompt", "monday", "9:00")) == ScheduleChange(PROMPT, 0, "09:00")
    assert parse_schedule(("digest", "fredag", "14:00")) == ScheduleChange(DIGEST, 4, "14:00")
    cases = [
        ((), Field.KIND),
        (("weekly", "monday", "09:00"), Field.KIND),
        (("prompt",), Field.WEEKDAY),
        (("prompt", "someday", "09:00"), Field.WEEKDAY),
        (("prompt", "monday"), Field.TIME),
        (("prompt", "monday", "25:00"), Field.TIME),
        (("prompt", "monday", "09:00", "CET"), Field.TIME),
    ]
    for words, field in cases:
        with pytest.raises(InvalidValue) as caught:
            parse_schedule(words)
        assert caught.value.field is field, words


def test_prompt_subcommands() -> None:
    assert parse_prompts(parse("prompts")) == PromptRequest(PromptAction.LIST)
    assert parse_prompts(parse("prompts list")) == PromptRequest(PromptAction.LIST)
    assert parse_prompts(parse("prompts add  What  did you   learn?")) == PromptRequest(
        PromptAction.ADD, text="What  did you   learn?"
    )
    assert parse_prompts(parse("prompts add nb: Hva lærte du?")) == PromptRequest(
        PromptAction.ADD, text="Hva lærte du?", language="nb"
    )
    # "en" is also a Norwegian word: only "en:" with a colon picks the language.
    assert parse_prompts(parse("prompts add En ting du lærte?")).language is None
    assert parse_prompts(parse("prompts remove 12")) == PromptRequest(PromptAction.REMOVE, prompt_id=12)
    assert parse_prompts(parse("prompts remove #12")).prompt_id == 12
    for raw, field in (
        ("prompts remove", Field.PROMPT_ID),
        ("prompts remove twelve", Field.PROMPT_ID),
        ("prompts shuffle", Field.PROMPT_ACTION),
    ):
        with pytest.raises(InvalidValue) as caught:
            parse_prompts(parse(raw))
        assert caught.value.field is field


@pytest.mark.parametrize(
    ("raw", "change"),
    [
        ("subscribe", Subscribe()),
        ("avslutt", Unsubscribe()),
        ("schedule digest fredag 9:5", None),  # a wrong time: refused below
        ("schedule prompt tirsdag 9:30", SetSchedule(PROMPT, 1, "09:30")),
        ("tz europe/oslo", SetTimezone("Europe/Oslo")),
        ("language nb", SetLanguage("nb", workspace=False)),
        ("språk english arbeidsområde", SetLanguage("en", workspace=True)),
        ("language nb channel", SetLanguage("nb", workspace=False)),
        ("holidays off", SetHolidays(None)),
        ("holidays se", SetHolidays("SE")),
        ("pause 3", Pause(3)),
        ("resume", Pause(0)),
        ("prompts add nb: Hva lærte du?", AddPrompt("Hva lærte du?", "nb")),
        ("prompts ny   What  helped? ", AddPrompt("What  helped?", None)),
        ("prompts remove #7", RemovePrompt(7)),
    ],
)
def test_a_command_that_changes_something_is_a_checked_change(raw: str, change: Change | None) -> None:
    command = parse(raw)
    if change is None:
        with pytest.raises(InvalidValue):
            change_of(command)
        return
    assert change_of(command) == change


def test_a_question_of_ones_own_is_checked_before_anything_happens() -> None:
    for raw in ("prompts add", "prompts add    ", "prompts add " + "x" * 301):
        with pytest.raises(InvalidValue) as caught:
            change_of(parse(raw))
        assert caught.value.field is Field.PROMPT_TEXT
    assert isinstance(change_of(parse("prompts add " + "x" * 300)), AddPrompt)


@pytest.mark.parametrize("raw", ["", "status", "help", "whatever", "prompts", "prompts list"])
def test_commands_that_change_nothing_have_no_change(raw: str) -> None:
    with pytest.raises(ValueError):
        change_of(parse(raw))


# --- Norwegian all the way (issue 9 §7) --------------------------------------------------------------

# The same word for the same meaning in every command: the addendum's table, as far as /erfaring goes.
NORWEGIAN = [
    ("hjelp", Verb.HELP),
    ("status", Verb.STATUS),
    ("abonner", Verb.SUBSCRIBE),
    ("avslutt", Verb.UNSUBSCRIBE),
    ("stopp", Verb.UNSUBSCRIBE),
    ("tidsplan", Verb.SCHEDULE),
    ("tidssone", Verb.TIMEZONE),
    ("språk", Verb.LANGUAGE),
    ("helligdager", Verb.HOLIDAYS),
    ("pause", Verb.PAUSE),
    ("fortsett", Verb.RESUME),
    ("spørsmål", Verb.PROMPTS),
    ("Spørsmål", Verb.PROMPTS),
]


@pytest.mark.parametrize(("word", "verb"), NORWEGIAN)
def test_norwegian_subcommands(word: str, verb: Verb) -> None:
    assert parse(word).verb is verb


def test_norwegian_words_inside_subcommands() -> None:
    assert change_of(parse("tidsplan oppsummering fredag 15:00")) == SetSchedule(DIGEST, 4, "15:00")
    assert change_of(parse("tidsplan spørsmål mandag 9:00")) == SetSchedule(PROMPT, 0, "09:00")
    assert change_of(parse("helligdager av")) == SetHolidays(None)
    assert change_of(parse("språk nb arbeidsområde")) == SetLanguage("nb", workspace=True)
    assert parse_prompts(parse("spørsmål liste")).action is PromptAction.LIST
    assert change_of(parse("spørsmål ny Hva lærte du?")) == AddPrompt("Hva lærte du?", None)
    assert change_of(parse("spørsmål fjern 3")) == RemovePrompt(3)
    assert change_of(parse("spørsmål slett 3")) == RemovePrompt(3)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("subscrbe", "/erfaring subscribe"),
        ("Subscibe", "/erfaring subscribe"),
        ("abonerr", "/erfaring abonner"),
        ("unsubscibe", "/erfaring unsubscribe"),
        ("tidsplna digest fredag 14:00", "/erfaring tidsplan digest fredag 14:00"),
        ("shedule prompt monday 09:00", "/erfaring schedule prompt monday 09:00"),
        ("helligdagr off", "/erfaring helligdager off"),
        ("stauts", "/erfaring status"),
    ],
)
def test_a_slip_of_the_keyboard_suggests_the_subcommand(typed: str, meant: str) -> None:
    assert suggestion(parse(typed)) == meant


@pytest.mark.parametrize("typed", ["banana", "xy", "subscribe", "hjelp", "", "what is this"])
def test_nothing_is_suggested_for_what_is_far_from_a_subcommand_or_is_one(typed: str) -> None:
    assert suggestion(parse(typed)) is None


def meaning(word: str) -> str:
    """What a word after the subcommand means, whichever language it is in."""
    if word in PROMPT_ACTIONS:
        return str(PROMPT_ACTIONS[word])
    if word in WORKSPACE_WORDS:
        return "workspace"
    if word in HOLIDAYS_OFF:
        return "off"
    return parse_kind_or_none(word) or word


def parse_kind_or_none(word: str) -> str | None:
    try:
        return str(parse_kind(word))
    except InvalidValue:
        return None


def test_the_bokmal_help_shows_norwegian_subcommands_that_work_as_typed() -> None:
    english, bokmal = usages(translator("en")), usages(translator("nb"))
    assert len(english) == len(bokmal)
    for (en, _), (nb, _) in zip(english, bokmal, strict=True):
        assert en != nb or en == "/erfaring status", "the Bokmål help names the Norwegian subcommands"
        en_words = [w for w in en.split()[1:] if "<" not in w and ">" not in w]
        nb_words = [w for w in nb.split()[1:] if "<" not in w and ">" not in w]
        assert nb_words[0] in SUBCOMMANDS and parse(nb_words[0]).verb is parse(en_words[0]).verb, nb
        for en_word, nb_word in zip(en_words[1:], nb_words[1:], strict=True):
            en_choices = [w for w in en_word.split("|") if w and "<" not in w]
            nb_choices = [w for w in nb_word.split("|") if w and "<" not in w]
            assert [meaning(w) for w in nb_choices] == [meaning(w) for w in en_choices], nb
    placeholders = " ".join(nb for nb, _ in bokmal)
    for norwegian in ("<ukedag>", "<TT:MM>", "<landkode>", "<uker>", "<IANA-navn>"):
        assert norwegian in placeholders


def test_every_erfaring_command_a_bokmal_text_names_works_as_typed() -> None:
    catalog = load_catalog("nb")
    assert catalog is not None
    named = 0
    for message in catalog:
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in translations:
            for words in re.findall(r"/erfaring ((?:[\wæøåÆØÅ|-]+ ?){1,2})", text or ""):
                first, *more = words.split()
                if first in ROUTES:  # a subcommand another feature owns (handlers/commands.py)
                    named += 1
                    continue
                assert first in SUBCOMMANDS, (first, text)
                named += 1
                if SUBCOMMANDS[first] is Verb.PROMPTS and more:
                    for action in more[0].split("|"):
                        assert action in PROMPT_ACTIONS, (action, text)
                if SUBCOMMANDS[first] is Verb.SCHEDULE and more:
                    for kind in more[0].split("|"):
                        assert parse_kind_or_none(kind), (kind, text)
    assert named > 20
