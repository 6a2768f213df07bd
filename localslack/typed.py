"""What the Slack client sends when a person types a message: the wire text.

Slack's message box turns what is typed into markup before it reaches the app (and its stored
``text``): ``&``, ``<``, ``>`` become entities, a picked ``@name`` becomes ``<@U123>``, ``#channel``
becomes ``<#C123|channel>``, ``@here`` / ``@channel`` / ``@everyone`` become ``<!here>`` and so on,
and a typed address becomes a link ``<https://…>``. Names that match nobody stay as typed.
``SlackDriver.typed`` and ``SlackDriver.user_types`` use this; ``bot.core.mrkdwn.from_slack`` is
its inverse on the app's side.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.mrkdwn import escape

BROADCASTS = ("here", "channel", "everyone")

# One pass, leftmost match first, so an address keeps the @ or # inside it.
_TYPED = re.compile(
    r"(?P<url>https?://(?:(?!&[lg]t;)[^\s<>])+)"
    r"|(?<![\w&<@])@(?P<person>[\w.\-]+)"
    r"|(?<![\w&<#])#(?P<room>[\w\-]+)"
)

_TRAILING = ".,;:!?)]'\""  # punctuation after an address ends the sentence, not the address

FindPerson = Callable[[str], str | None]
"""A typed name (without @) → the user id it picks, or None."""
FindRoom = Callable[[str], tuple[str, str] | None]
"""A typed channel name (without #) → (channel id, channel name), or None."""


def encode(text: str, *, person: FindPerson, room: FindRoom) -> str:
    """``text`` as the Slack client puts it on the wire."""

    def replace(match: re.Match[str]) -> str:
        if match.group("url"):
            url, after = _split_url(match.group("url"))
            return f"<{url}>{after}"
        if match.group("person"):
            typed = match.group("person")
            name = typed.rstrip(".")  # "thanks @ola." ends a sentence
            rest = typed[len(name) :]
            if name.casefold() in BROADCASTS:
                return f"<!{name.casefold()}>{rest}"
            user_id = person(name)
            return match.group(0) if user_id is None else f"<@{user_id}>{rest}"
        found = room(match.group("room"))
        return match.group(0) if found is None else f"<#{found[0]}|{found[1]}>"

    return _TYPED.sub(replace, escape(text))


def _split_url(found: str) -> tuple[str, str]:
    url = found.rstrip(_TRAILING)
    if found[len(url) :].startswith(";") and url.endswith("&amp"):
        url += ";"  # an escaped & at the end belongs to the address
    return url, found[len(url) :]
