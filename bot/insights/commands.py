"""What `/erfaring stats [weeks]` and `/erfaring leaders [add|remove|list] @person …` ask for. Pure
functions, testable without Slack or a database."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.words import aliases, ascii_number
from bot.insights.ids import LeadersAction

DEFAULT_WEEKS = 12
MAX_WEEKS = 52

# The first words handlers/commands.py routes here (English and Norwegian).
STATS_WORDS = ("stats", "statistikk")
LEADERS_WORDS = ("leaders", "ledere")

_ACTIONS = aliases(
    {
        LeadersAction.ADD: ("add", "ny", "legg"),  # "legg til @kari"
        LeadersAction.REMOVE: ("remove", "rm", "delete", "fjern", "slett"),
        LeadersAction.LIST: ("list", "ls", "liste", "vis"),
        LeadersAction.HELP: ("help", "hjelp"),
    }
)
_SEPARATORS = re.compile(r"[\s,;]+")


class InvalidWeeks(ValueError):
    def __init__(self, given: str) -> None:
        super().__init__(given)
        self.given = given


def parse_stats(text: str) -> int:
    """`stats`, `stats 8` → the number of weeks (1 to 52, default 12); InvalidWeeks otherwise."""
    words = text.split()[1:]
    if not words:
        return DEFAULT_WEEKS
    given = " ".join(words)
    weeks = ascii_number(words[0]) if len(words) == 1 else None
    if weeks is None or not 1 <= weeks <= MAX_WEEKS:
        raise InvalidWeeks(given)
    return weeks


@dataclass(frozen=True)
class LeadersCommand:
    action: LeadersAction
    people: str = ""  # what followed add/remove, as typed ("@kari @ola")
    unknown: str | None = None  # a subcommand we do not know (HELP then says what we do)


def parse_leaders(text: str) -> LeadersCommand:
    words = text.split()[1:]
    if not words:
        return LeadersCommand(LeadersAction.LIST)
    action = _ACTIONS.get(words[0].casefold())
    if action is None:
        return LeadersCommand(LeadersAction.HELP, unknown=words[0])
    rest = words[1:]
    if action is LeadersAction.ADD and words[0].casefold() == "legg" and rest and rest[0].casefold() == "til":
        rest = rest[1:]
    return LeadersCommand(action, " ".join(rest))


def person_words(people: str) -> list[str]:
    """ "@kari, @ola per" → ["kari", "ola", "per"]: the names or ids typed, without their @."""
    return [word.lstrip("@") for word in _SEPARATORS.split(people) if word.lstrip("@")]
