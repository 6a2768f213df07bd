"""What `/mentor ...` asks for. Parsing is product logic, so it lives here, testable without Slack."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.core.words import aliases, ascii_number


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
_QUOTED = re.compile(r'^["“”«»\']([^"“”«»\']+)["“”«»\']\s*(.*)$', re.DOTALL)
# "topic: note" when the colon comes early; longer text before a colon is a note, not a topic.
_COLON = re.compile(r"^([^:\n]{1,40}):\s*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class MentorCommand:
    verb: MentorVerb
    text: str = ""  # everything after the subcommand
    topic: str = ""  # as typed; the caller normalises it
    note: str = ""
    number: int | None = None


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
    if verb is None:
        return MentorCommand(MentorVerb.UNKNOWN, first)
    if verb is MentorVerb.REQUEST:
        topic, note = split_topic(rest)
        return MentorCommand(verb, rest, topic=topic, note=note)
    if verb in (MentorVerb.CANCEL, MentorVerb.LIST):
        return MentorCommand(verb, rest, topic=rest)
    if verb is MentorVerb.FOLLOWUP_DAYS:
        return MentorCommand(verb, rest, number=ascii_number(rest))
    return MentorCommand(verb, rest)
