"""What `/lesson ...` asks for. Parsing is product logic, so it lives here, testable without Slack.

A first word that is almost a subcommand ("serach", "slet", "anno") is a slip of the keyboard far more
often than the start of a lesson: it becomes Verb.MEANT, and the person is asked whether they meant
the command or want the text shared as it is. Nothing is stored until they choose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.core.words import aliases, ascii_number, closest


class Verb(StrEnum):
    SHARE = "share"
    MODAL = "modal"
    SEARCH = "search"
    MINE = "mine"
    DELETE = "delete"
    EDIT = "edit"
    HELP = "help"
    UNKNOWN = "unknown"
    MEANT = "meant"  # "Did you mean `/lesson search deploy`?"


SUBCOMMANDS = aliases(
    {
        Verb.SEARCH: ("search", "søk"),
        Verb.MINE: ("mine", "mine-lessons"),
        Verb.DELETE: ("delete", "slett"),
        Verb.EDIT: ("edit", "endre"),
        Verb.HELP: ("help", "hjelp"),
    }
)
ANON_WORDS = {"anon", "anonymous", "anonym", "anonymt"}
VOCABULARY = (*SUBCOMMANDS, *sorted(ANON_WORDS))
# Words people start sentences with that happen to be close to "anon": never taken for a slip.
_NOT_SLIPS = frozenset({"anyone", "anna", "anne"})
# A subcommand that takes no words ("mine", "help") followed by one word is a slip ("mine lærdommer");
# followed by more, a lesson that starts with that word ("mine are great").
_NO_ARGUMENT_REST = 1
# "serach flaky deploys" is a search; a longer text starting with "Searching ..." is a lesson.
_SEARCH_REST_WORDS = 5
# A subcommand word followed by this many words or more is a sentence, not a command ("Delete dead
# code before it rots"): shared as a lesson.
_SENTENCE_WORDS = 3
# A lone word that looks like a command, e.g. "/lesson stats": almost surely a typo, not a lesson.
_LONE_WORD = re.compile(r"^[^\W\d_][\w-]{0,23}$")


@dataclass(frozen=True)
class LessonCommand:
    verb: Verb
    text: str = ""
    anonymous: bool = False
    lesson_id: int | None = None
    meant: str | None = None  # Verb.MEANT: the command it most likely meant ("search deploy")


def _lesson_id(rest: str) -> int | None:
    return ascii_number(rest.lstrip("#"))


def _words(text: str) -> int:
    return len(text.split())


def _meant(first: str, rest: str) -> str | None:
    """The command `first rest` most likely meant when `first` is a slip of the keyboard, else None."""
    typed = first.casefold()
    if typed in _NOT_SLIPS:
        return None
    near = closest(typed, VOCABULARY)
    if near is None or near == typed or near[0] != typed[0]:  # typos rarely hit the first letter
        return None
    verb = SUBCOMMANDS.get(near)
    if near in ANON_WORDS:
        # Always asked: a lesson meant to be anonymous must never go out with its author's name.
        return f"{near} {rest}".strip()
    if verb in (Verb.MINE, Verb.HELP):
        return near if _words(rest) <= _NO_ARGUMENT_REST else None
    if verb in (Verb.DELETE, Verb.EDIT):
        return f"{near} {rest}".strip() if not rest or _lesson_id(rest) is not None else None
    if verb is Verb.SEARCH:
        return f"{near} {rest}".strip() if _words(rest) <= _SEARCH_REST_WORDS else None
    return None


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
    if verb in (Verb.DELETE, Verb.EDIT):
        lesson_id = _lesson_id(rest)
        if lesson_id is None and _words(rest) >= _SENTENCE_WORDS:
            return LessonCommand(Verb.SHARE, text)  # "Delete dead code before it rots"
        return LessonCommand(verb, rest, lesson_id=lesson_id)
    if verb in (Verb.MINE, Verb.HELP) and rest:
        if _words(rest) <= _NO_ARGUMENT_REST:
            return LessonCommand(Verb.MEANT, text, meant=word)  # "/lesson mine lærdommer"
        # "/lesson mine are the best tests ..." is a lesson that happens to start with a subcommand.
        return LessonCommand(Verb.SHARE, text)
    if verb is not None:
        return LessonCommand(verb, rest)
    meant = _meant(first, rest)
    if meant is not None:
        return LessonCommand(Verb.MEANT, text, meant=meant)
    if not rest and _LONE_WORD.match(first):
        return LessonCommand(Verb.UNKNOWN, first)
    return LessonCommand(Verb.SHARE, text)


def parse_managed(value: str) -> tuple[str, str] | None:
    """A "my lessons" menu value `<option>:<lesson id>` as (option, id text), else None."""
    option, sep, lesson = (value or "").partition(":")
    return (option, lesson) if sep and option and lesson else None
