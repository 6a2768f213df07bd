"""`/erfaring stats [weeks]` and `/erfaring leaders …` as typed, in English and Norwegian."""

from __future__ import annotations

import pytest

from bot.insights.commands import (
    LEADERS_WORDS,
    STATS_WORDS,
    InvalidWeeks,
    parse_leaders,
    parse_stats,
    person_words,
)
from bot.insights.ids import LeadersAction
from handlers import commands as router
from handlers.insights import commands as listeners


def test_stats_takes_one_to_fifty_two_weeks() -> None:
    assert parse_stats("stats") == 12
    assert parse_stats("statistikk 8") == 8
    assert parse_stats("stats 1") == 1 and parse_stats("stats 52") == 52
    for wrong in ("0", "53", "-1", "1.5", "١٢", "many", "4 weeks", "999999999999"):
        with pytest.raises(InvalidWeeks) as refused:
            parse_stats(f"stats {wrong}")
        assert refused.value.given == wrong


@pytest.mark.parametrize(
    ("typed", "action", "people"),
    [
        ("leaders", LeadersAction.LIST, ""),
        ("ledere liste", LeadersAction.LIST, ""),
        ("leaders list", LeadersAction.LIST, ""),
        ("leaders add @kari", LeadersAction.ADD, "@kari"),
        ("ledere legg til @kari @ola", LeadersAction.ADD, "@kari @ola"),
        ("ledere ny @kari", LeadersAction.ADD, "@kari"),
        ("leaders remove @kari", LeadersAction.REMOVE, "@kari"),
        ("ledere fjern @kari", LeadersAction.REMOVE, "@kari"),
        ("leaders help", LeadersAction.HELP, ""),
        ("ledere hjelp", LeadersAction.HELP, ""),
    ],
)
def test_leaders_subcommands(typed: str, action: LeadersAction, people: str) -> None:
    cmd = parse_leaders(typed)
    assert (cmd.action, cmd.people, cmd.unknown) == (action, people, None)


def test_an_unknown_leaders_subcommand_asks_for_help() -> None:
    cmd = parse_leaders("leaders promote @kari")
    assert cmd.action is LeadersAction.HELP and cmd.unknown == "promote"


def test_person_words() -> None:
    assert person_words("@kari, @ola;per  @") == ["kari", "ola", "per"]
    assert person_words("") == []


def test_every_alias_is_routed_to_insights() -> None:
    for word in STATS_WORDS:
        assert router.route(f"{word} 4") is listeners.on_stats
        assert router.route(word.upper()) is listeners.on_stats
    for word in LEADERS_WORDS:
        assert router.route(f"{word} add @kari") is listeners.on_leaders
    assert router.route("subscribe") is not listeners.on_stats
