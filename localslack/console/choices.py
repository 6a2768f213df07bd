"""What a person types into a field or menu (`:fill 2 text`, `:set 5 1 2`, `:click 7 @ola`), as the
value the driver submits for that kind of element, and what an input holds before anyone types."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from localslack.console.directory import Directory
from localslack.console.errors import ConsoleError
from localslack.console.render import options_of
from localslack.standin import JSON

TEXT_INPUTS = ("plain_text_input", "email_text_input", "url_text_input", "rich_text_input")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_INITIAL_KEYS = (
    "initial_user",
    "initial_users",
    "initial_channel",
    "initial_channels",
    "initial_conversation",
    "initial_conversations",
    "initial_date",
    "initial_time",
    "initial_date_time",
    "initial_value",
)


def initial_value(el: JSON) -> object:
    """What an input holds before the person touches it, in the shape parse() returns."""
    kind = str(el.get("type"))
    if kind in ("checkboxes", "multi_static_select", "multi_external_select"):
        return [o.get("value") for o in el.get("initial_options") or []]
    if kind in ("static_select", "external_select", "radio_buttons"):
        option = el.get("initial_option")
        return option.get("value") if isinstance(option, dict) else None
    return next((el[key] for key in _INITIAL_KEYS if key in el), None)


def is_empty(value: object) -> bool:
    return value is None or value == "" or value == []


def parse(el: JSON, raw: str, directory: Directory, timezone: str) -> object:
    """The value for element ``el`` from what the person typed. Text is taken as typed (\\n starts a
    new line, nothing clears the field); choices by number, value or label; people as @name;
    channels as #name; dates as 2026-03-09, times as 09:30."""
    kind = str(el.get("type"))
    text = raw.strip()
    multi = kind.startswith("multi_") or kind == "checkboxes"
    if kind in TEXT_INPUTS:
        return raw.replace("\\n", "\n").strip() or None
    if kind == "number_input":
        if text and not _NUMBER.fullmatch(text):
            raise ConsoleError(f"{text} is not a number.")
        return text or None
    if multi and text.casefold() in ("", "none", "-"):
        return []
    if kind.endswith("users_select"):
        people = [directory.person(t) for t in text.replace(",", " ").split()]
        return people if multi else people[0] if people else None
    if kind.endswith(("channels_select", "conversations_select")):
        rooms = [directory.room(t).id for t in text.replace(",", " ").split()]
        return rooms if multi else rooms[0] if rooms else None
    if kind == "datepicker":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ConsoleError(f"{text or 'Nothing'} is not a date like 2026-03-09.") from None
    if kind == "timepicker":
        try:
            return time.fromisoformat(text).strftime("%H:%M")
        except ValueError:
            raise ConsoleError(f"{text or 'Nothing'} is not a time like 09:30.") from None
    if kind == "datetimepicker":
        try:
            local = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(timezone))
        except ValueError:
            raise ConsoleError(f"{text or 'Nothing'} is not a date and time like 2026-03-09 09:30.") from None
        return int(local.timestamp())
    options = options_of(el)
    if not options and kind in ("external_select", "multi_external_select"):
        return [t.strip() for t in text.split(",") if t.strip()] if multi else text
    if not multi:
        return option(options, text)
    whole = option(options, text, fail=False)
    if whole is not None:
        return [whole]
    return [option(options, t) for t in re.split(r"[,\s]+", text) if t]


def option(options: list[JSON], token: str, *, fail: bool = True) -> str | None:
    """An option's value by its number (1-based), its value or its label."""
    for i, candidate in enumerate(options, start=1):
        label = str((candidate.get("text") or {}).get("text") or "")
        if token in (str(i), str(candidate.get("value"))) or token.casefold() == label.casefold():
            return str(candidate.get("value"))
    if not fail:
        return None
    listed = ", ".join(f"{i}) {(o.get('text') or {}).get('text')}" for i, o in enumerate(options, start=1))
    raise ConsoleError(f"No choice {token!r}. Choices: {listed or 'none'}.")
