"""What `/mentor ...` asks for: the Norwegian words, a mentor named with @, and slips of the keyboard."""

from __future__ import annotations

import pytest

from bot.mentoring import profiles
from bot.mentoring.commands import MentorVerb, parse

# The addendum's table: the same word for the same meaning in every command.
ALIASES = {
    "tilby testing": MentorVerb.OFFER,
    "be om testing": MentorVerb.REQUEST,
    "Be Om testing": MentorVerb.REQUEST,
    "finn testing": MentorVerb.REQUEST,
    "spør testing": MentorVerb.REQUEST,
    "avbryt testing": MentorVerb.CANCEL,
    "liste": MentorVerb.LIST,
    "status": MentorVerb.STATUS,
    "pause": MentorVerb.PAUSE,
    "fortsett": MentorVerb.RESUME,
    "stopp": MentorVerb.STOP,
    "hjelp": MentorVerb.HELP,
    "oppfølging 7": MentorVerb.FOLLOWUP_DAYS,
}


@pytest.mark.parametrize(("typed", "verb"), ALIASES.items())
def test_norwegian_subcommands(typed: str, verb: MentorVerb) -> None:
    assert parse(typed).verb is verb


def test_be_om_reads_the_topic_after_both_words() -> None:
    cmd = parse("be om testing jeg vil skrive bedre tester")
    assert (cmd.topic, cmd.note) == ("testing", "jeg vil skrive bedre tester")
    assert parse("be testing").verb is MentorVerb.UNKNOWN  # "be" alone is no subcommand


def test_a_mentor_named_with_at_comes_before_the_topic() -> None:
    cmd = parse("request @per testing I want tests that catch bugs")
    assert (cmd.mentor, cmd.topic, cmd.note) == ("per", "testing", "I want tests that catch bugs")
    assert parse('spør @per "machine learning" hei').topic == "machine learning"
    assert (parse("request @per").mentor, parse("request @per").topic) == ("per", "")
    assert parse("request testing @per").mentor == ""  # a name after the topic is part of the note


def test_a_slip_of_the_keyboard_suggests_the_command_it_meant() -> None:
    assert parse("reqest testing").meant == "/mentor request testing"
    assert parse("avbyrt testing").meant == "/mentor avbryt testing"
    assert parse("stauts").meant == "/mentor status"
    slip = parse("reqest testing")
    assert (slip.verb, slip.text) == (MentorVerb.UNKNOWN, "reqest")
    assert parse("kubernetes").meant is None  # not close to any subcommand: the help


def test_mentions_and_punctuation_are_no_topics() -> None:
    for typed in ("@per", "@here", "!!!", "...", "—", "🙂", "123"):
        assert profiles.normalize_topic(typed) == "", typed
    assert profiles.is_mention(" @per") and not profiles.is_mention("#testing")
    assert profiles.parse_topics("testing, @per, !!!, onboarding") == ["testing", "onboarding"]
