"""What `/mentor ...` asks for. Parsing is product logic, so it lives here, testable without Slack."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.core.words import aliases, ascii_number, closest


class MentorVerb(StrEnum):
    OFFER = "offer"
    REQUEST = "request"
    CANCEL = "cancel"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    LIST = "list"
    STATUS = "status"
    HELP = "help"
    FOLLOWUP_DAYS = "followup-days"
    UNKNOWN = "unknown"


# One word per meaning in every command (issue 9 §7); "be om" (two words) is read in parse().
SUBCOMMANDS = aliases(
    {
        MentorVerb.OFFER: ("offer", "tilby"),
        MentorVerb.REQUEST: ("request", "ask", "find", "finn", "spør"),
        MentorVerb.CANCEL: ("cancel", "avbryt"),
        MentorVerb.PAUSE: ("pause",),
        MentorVerb.RESUME: ("resume", "fortsett"),
        MentorVerb.STOP: ("stop", "stopp"),
        MentorVerb.LIST: ("list", "liste"),
        MentorVerb.STATUS: ("status",),
        MentorVerb.HELP: ("help", "hjelp"),
        MentorVerb.FOLLOWUP_DAYS: ("followup-days", "followup", "oppfølging"),
    }
)
REQUEST_PHRASE = ("be", "om")  # "/mentor be om testing"
# "@per" as Slack sends a mention of Per to a command that does not escape them (should_escape false).
_NAMED = re.compile(r"^@([^\s@]+)\s*(.*)$", re.DOTALL)
_QUOTED = re.compile(r'^["“”«»\']([^"“”«»\']+)["“”«»\']\s*(.*)$', re.DOTALL)
# "topic: note" when the colon comes early; longer text before a colon is a note, not a topic.
_COLON = re.compile(r"^([^:\n]{1,40}):\s*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class MentorCommand:
    verb: MentorVerb
    text: str = ""  # everything after the subcommand (UNKNOWN: the word that is none)
    topic: str = ""  # as typed; the caller normalises it
    note: str = ""
    number: int | None = None
    mentor: str = ""  # REQUEST: the name after "@" of the mentor asked for ("per" in "@per testing")
    meant: str | None = None  # UNKNOWN: the command a slip of the keyboard most likely meant


def split_mentor(text: str) -> tuple[str, str]:
    """A request's named mentor ("@per testing" → "per", "testing"), or no name and the text."""
    named = _NAMED.match(text.strip())
    if named is None:
        return "", text.strip()
    return named.group(1), named.group(2).strip()


def split_topic(text: str) -> tuple[str, str]:
    """A request's topic and note: `"machine learning" note`, `machine learning: note`, or the first
    word as the topic (the way a #tag is written) and the rest as the note."""
    text = text.strip()
    quoted = _QUOTED.match(text)
    if quoted:
        return quoted.group(1).strip(), quoted.group(2).strip()
    colon = _COLON.match(text)
    if colon:
        return colon.group(1).strip(), colon.group(2).strip()
    first, _, rest = text.partition(" ")
    return first, rest.strip()


def parse(raw: str) -> MentorCommand:
    text = (raw or "").strip()
    if not text:
        return MentorCommand(MentorVerb.HELP)
    first, _, rest = text.partition(" ")
    rest = rest.strip()
    verb = SUBCOMMANDS.get(first.casefold())
    second, _, after_second = rest.partition(" ")
    if verb is None and (first.casefold(), second.casefold()) == REQUEST_PHRASE:
        verb, rest = MentorVerb.REQUEST, after_second.strip()
    if verb is None:
        word = closest(first, SUBCOMMANDS)
        meant = f"/mentor {word} {rest}".strip() if word else None
        return MentorCommand(MentorVerb.UNKNOWN, first, meant=meant)
    if verb is MentorVerb.REQUEST:
        mentor, rest_after = split_mentor(rest)
        topic, note = split_topic(rest_after)
        return MentorCommand(verb, rest, topic=topic, note=note, mentor=mentor)
    if verb in (MentorVerb.CANCEL, MentorVerb.LIST):
        return MentorCommand(verb, rest, topic=rest)
    if verb is MentorVerb.FOLLOWUP_DAYS:
        return MentorCommand(verb, rest, number=ascii_number(rest))
    return MentorCommand(verb, rest)
