"""bot.lessons.commands.parse: what `/lesson ...` asks for, in English and Norwegian."""

from __future__ import annotations

import pytest

from bot.lessons.commands import LessonCommand, Verb, parse, parse_managed


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", LessonCommand(Verb.MODAL)),
        ("   ", LessonCommand(Verb.MODAL)),
        (
            "Always pin dependency versions #ci",
            LessonCommand(Verb.SHARE, "Always pin dependency versions #ci"),
        ),
        ("  padded lesson text  ", LessonCommand(Verb.SHARE, "padded lesson text")),
        pytest.param("search flaky tests", LessonCommand(Verb.SEARCH, "flaky tests"), id="find-words"),
        pytest.param("search", LessonCommand(Verb.SEARCH, ""), id="find-alone"),
        pytest.param("SEARCH Flaky", LessonCommand(Verb.SEARCH, "Flaky"), id="find-uppercase"),
        ("mine", LessonCommand(Verb.MINE)),
        ("mine-lessons", LessonCommand(Verb.MINE)),
        ("Mine", LessonCommand(Verb.MINE)),
        ("help", LessonCommand(Verb.HELP)),
        ("HELP", LessonCommand(Verb.HELP)),
        ("delete 12", LessonCommand(Verb.DELETE, "12", lesson_id=12)),
        ("delete #12", LessonCommand(Verb.DELETE, "#12", lesson_id=12)),
        ("delete   7  ", LessonCommand(Verb.DELETE, "7", lesson_id=7)),
        ("delete x", LessonCommand(Verb.DELETE, "x", lesson_id=None)),
        ("delete", LessonCommand(Verb.DELETE, "", lesson_id=None)),
        ("delete #", LessonCommand(Verb.DELETE, "#", lesson_id=None)),
        ("delete -3", LessonCommand(Verb.DELETE, "-3", lesson_id=None)),
        ("delete 1.5", LessonCommand(Verb.DELETE, "1.5", lesson_id=None)),
    ],
)
def test_parse_verbs(raw: str, expected: LessonCommand) -> None:
    assert parse(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("søk flaky tester", LessonCommand(Verb.SEARCH, "flaky tester")),
        ("SØK ci", LessonCommand(Verb.SEARCH, "ci")),
        ("slett 12", LessonCommand(Verb.DELETE, "12", lesson_id=12)),
        ("slett #3", LessonCommand(Verb.DELETE, "#3", lesson_id=3)),
        ("hjelp", LessonCommand(Verb.HELP)),
        ("anonym Husk å teste backup", LessonCommand(Verb.SHARE, "Husk å teste backup", anonymous=True)),
        ("anonymt Husk å teste backup", LessonCommand(Verb.SHARE, "Husk å teste backup", anonymous=True)),
        ("anonym", LessonCommand(Verb.MODAL, anonymous=True)),
    ],
)
def test_parse_norwegian_aliases(raw: str, expected: LessonCommand) -> None:
    assert parse(raw) == expected


@pytest.mark.parametrize("word", ["anon", "anonymous", "ANON", "Anonym", "anonymt"])
def test_anon_alone_opens_the_modal_anonymously(word: str) -> None:
    command = parse(word)
    assert command.verb is Verb.MODAL
    assert command.anonymous is True
    assert command.text == ""


def test_anon_with_text_shares_anonymously() -> None:
    command = parse("anon Ask for help early #teamwork")
    assert command == LessonCommand(Verb.SHARE, "Ask for help early #teamwork", anonymous=True)


def test_named_commands_are_not_anonymous() -> None:
    for raw in ["", "a lesson about things", "search x", "mine", "help", "delete 1"]:
        assert parse(raw).anonymous is False, raw


@pytest.mark.parametrize(
    "raw",
    [
        "mine are the best tests we ever wrote",
        "help others before yourself",
        "hjelp kommer fra uventede steder",
        "Mine-lessons taught me patience",
    ],
)
def test_subcommand_word_starting_a_sentence_is_a_share(raw: str) -> None:
    assert parse(raw) == LessonCommand(Verb.SHARE, raw)


def test_mine_are_great_is_a_share() -> None:
    command = parse("mine are great")
    assert command.verb is Verb.SHARE
    assert command.text == "mine are great"


@pytest.mark.parametrize("word", ["list", "stats", "hello", "lærdom"])
def test_lone_unknown_word_is_unknown(word: str) -> None:
    assert parse(word) == LessonCommand(Verb.UNKNOWN, word)


@pytest.mark.parametrize(
    ("word", "meant"),
    [("serch", "search"), ("delet", "delete"), ("Hjelpe", "hjelp"), ("søke", "søk"), ("mien", "mine")],
)
def test_lone_slip_of_a_subcommand_asks_what_was_meant(word: str, meant: str) -> None:
    assert parse(word) == LessonCommand(Verb.MEANT, word, meant=meant)


@pytest.mark.parametrize(
    ("raw", "meant"),
    [
        ("serach deploy", "search deploy"),
        ("Serach flaky deploys on friday", "search flaky deploys on friday"),
        ("seach #ci", "search #ci"),
        ("søke prosjekt", "søk prosjekt"),
        ("slet 3", "slett 3"),
        ("slet #3", "slett #3"),
        ("delet 12", "delete 12"),
        ("eidt 4", "edit 4"),
        ("ende 4", "endre 4"),
        ("mien", "mine"),
        ("mine lærdommer", "mine"),
        ("help me", "help"),
        ("hjelpe meg", "hjelp"),
        # Anonymous by mistake would share with the author's name: always asked, however long.
        ("anno I shipped on a Friday and regretted it", "anon I shipped on a Friday and regretted it"),
        ("anonymus Ask for help early", "anonymous Ask for help early"),
        ("anonimt Husk backup", "anonymt Husk backup"),
    ],
)
def test_a_slip_of_the_keyboard_asks_what_was_meant(raw: str, meant: str) -> None:
    command = parse(raw)
    assert command == LessonCommand(Verb.MEANT, raw, meant=meant)
    assert parse(meant).verb is not Verb.MEANT, "running what was meant does not ask again"


@pytest.mark.parametrize(
    "raw",
    [
        "Searching for the root cause took us two whole days",  # a sentence, not a search
        "Deleting old branches weekly keeps the repo tidy",
        "Delete dead code before it rots",  # a subcommand word starting a sentence
        "Edit your commit messages before you push",
        "Andre team trenger mer tid enn vi tror",  # "andre" is a word, not "endre"
        "Anyone can break production on a Friday",
        "Anna showed me how to pair",
        "Mind the gap between plan and reality",
        "Sett av tid til refleksjon",
        "Hele teamet lærte noe",
        "Held the retro on time for once",
        "synonym names confuse new people",
    ],
)
def test_real_words_close_to_a_subcommand_are_lessons(raw: str) -> None:
    assert parse(raw) == LessonCommand(Verb.SHARE, raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("edit 12", LessonCommand(Verb.EDIT, "12", lesson_id=12)),
        ("endre #12", LessonCommand(Verb.EDIT, "#12", lesson_id=12)),
        ("EDIT", LessonCommand(Verb.EDIT, "", lesson_id=None)),
        ("endre x", LessonCommand(Verb.EDIT, "x", lesson_id=None)),
    ],
)
def test_parse_edit(raw: str, expected: LessonCommand) -> None:
    assert parse(raw) == expected


def test_parse_managed() -> None:
    assert parse_managed("edit:12") == ("edit", "12")
    assert parse_managed("delete:x") == ("delete", "x")
    for garbage in ("", "edit", "edit:", ":12", "12"):
        assert parse_managed(garbage) is None


@pytest.mark.parametrize(
    "raw",
    ["Testing!", "#testing", "42", "a" * 30, "https://example.com", "Retrospectives matter"],
)
def test_lone_token_that_is_not_a_word_is_a_share(raw: str) -> None:
    assert parse(raw) == LessonCommand(Verb.SHARE, raw)


# str.isdigit() is True for these, but int() refuses them: parse must not raise.
@pytest.mark.parametrize(
    "number", [pytest.param("²", id="superscript-two"), pytest.param("#³", id="hash-cube")]
)
def test_delete_with_digit_like_characters_has_no_id(number: str) -> None:
    assert parse(f"delete {number}") == LessonCommand(Verb.DELETE, number, lesson_id=None)


def test_parse_tolerates_none() -> None:
    assert parse(None) == LessonCommand(Verb.MODAL)  # type: ignore[arg-type]


def test_multiline_text_keeps_its_lines() -> None:
    raw = "First line\nsecond line"
    assert parse(raw) == LessonCommand(Verb.SHARE, raw)
