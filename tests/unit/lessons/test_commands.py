"""bot.lessons.commands.parse: what `/lesson ...` asks for, in English and Norwegian."""

from __future__ import annotations

import pytest

from bot.lessons.commands import LessonCommand, Verb, parse


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


@pytest.mark.parametrize("word", ["serch", "delet", "list", "Hjelpe", "søke", "stats"])
def test_lone_unknown_word_is_unknown(word: str) -> None:
    assert parse(word) == LessonCommand(Verb.UNKNOWN, word)


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
