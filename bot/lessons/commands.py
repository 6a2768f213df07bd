"""What `/lesson ...` asks for. Parsing is product logic, so it lives here, testable without Slack."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.core.words import aliases, ascii_number


class Verb(StrEnum):
    SHARE = "share"
    MODAL = "modal"
    SEARCH = "search"
    MINE = "mine"
    DELETE = "delete"
    HELP = "help"
    UNKNOWN = "unknown"


SUBCOMMANDS = aliases(
    {
        Verb.SEARCH: ("search", "søk"),
        Verb.MINE: ("mine", "mine-lessons"),
        Verb.DELETE: ("delete", "slett"),
        Verb.HELP: ("help", "hjelp"),
    }
)
ANON_WORDS = {"anon", "anonymous", "anonym", "anonymt"}
# A lone word that looks like a command, e.g. "/lesson serch": almost surely a typo, not a lesson.
_LONE_WORD = re.compile(r"^[^\W\d_][\w-]{0,23}$")


@dataclass(frozen=True)
class LessonCommand:
    verb: Verb
    text: str = ""
    anonymous: bool = False
    lesson_id: int | None = None


def parse(raw: str) -> LessonCommand:
    text = (raw or "").strip()
    if not text:
        return LessonCommand(Verb.MODAL)
    first, _, rest = text.partition(" ")
    rest = rest.strip()
    word = first.casefold()
    if word in ANON_WORDS:
        return LessonCommand(Verb.SHARE if rest else Verb.MODAL, rest, anonymous=True)
    verb = SUBCOMMANDS.get(word)
    if verb is Verb.DELETE:
        return LessonCommand(Verb.DELETE, rest, lesson_id=ascii_number(rest.lstrip("#")))
    if verb in (Verb.MINE, Verb.HELP) and rest:
        # "/lesson mine are the best tests ..." is a lesson that happens to start with a subcommand.
        return LessonCommand(Verb.SHARE, text)
    if verb is not None:
        return LessonCommand(verb, rest)
    if not rest and _LONE_WORD.match(first):
        return LessonCommand(Verb.UNKNOWN, first)
    return LessonCommand(Verb.SHARE, text)
