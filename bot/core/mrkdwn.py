"""Text between people and Slack, both ways.

In: Slack sends typed text with `&`, `<`, `>` as entities and its own markup (`<@U123>`,
`<#C123|team>`, `<!here>`, `<https://…|label>`). `from_slack` turns that into what the person typed
and sees, once, at the edge (handlers/payloads.py reads it; SlackGateway resolves names).
Out: `escape` makes any stored text safe mrkdwn: it never becomes a mention, a channel link or a
broadcast. The database holds typed text; output escapes it exactly once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping


def escape(value: str) -> str:
    """Escape the three characters Slack treats as control sequences in mrkdwn and `text`.

    `<!channel>`, `<@U123>` and friends only work inside angle brackets, so escaping `<`, `>`
    (and `&`, so existing entities stay literal) is exactly what Slack asks for, and enough.
    """
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(value: str, limit: int, ellipsis: str = "…") -> str:
    """Cut `value` to at most `limit` characters, marking the cut when there is room for the mark."""
    if len(value) <= limit:
        return value
    if limit <= len(ellipsis):
        return value[: max(0, limit)]
    return value[: limit - len(ellipsis)] + ellipsis


# The longest entity escape() makes is "&amp;": a hard cut must not land inside one.
_LONGEST_ENTITY = 5


def _cut_at(rest: str, size: int) -> tuple[str, str]:
    newline = rest.rfind("\n", 0, size + 1)
    if newline > 0:
        return rest[:newline], rest[newline:].lstrip("\n")
    space = rest.rfind(" ", 0, size)
    if space > 0:
        # Keep the space with the first piece, so rejoining the pieces gives the text back.
        return rest[: space + 1], rest[space + 1 :]
    cut = size
    amp = rest.rfind("&", max(0, size - _LONGEST_ENTITY + 1), size)
    if amp > 0 and ";" not in rest[amp:size]:
        cut = amp
    return rest[:cut], rest[cut:]


def chunks(value: str, size: int) -> list[str]:
    """Split text into pieces of at most `size` characters at line breaks, else at spaces, and never
    inside an escaped entity such as `&lt;`."""
    pieces: list[str] = []
    rest = value
    while len(rest) > size:
        piece, rest = _cut_at(rest, size)
        pieces.append(piece)
    if rest:
        pieces.append(rest)
    return pieces


# --- Slack's wire format to what the person typed ------------------------------------------------------

_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


def decode_entities(text: str) -> str:
    """`&lt;` `&gt;` `&amp;` as the characters typed (only these three: Slack escapes nothing else)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mentioned_users(text: str) -> list[str]:
    """User ids mentioned as <@U123> in wire text, first mention first."""
    found: list[str] = []
    for match in _MARKUP.finditer(text):
        target = match.group(1)
        if target.startswith("@") and target[1:] not in found:
            found.append(target[1:])
    return found


def mentioned_channels(text: str) -> list[str]:
    """Channel ids mentioned as <#C123> without a name in wire text."""
    found: list[str] = []
    for match in _MARKUP.finditer(text):
        target, label = match.group(1), match.group(2)
        if target.startswith("#") and not label and target[1:] not in found:
            found.append(target[1:])
    return found


def from_slack(
    text: str, users: Mapping[str, str] | None = None, channels: Mapping[str, str] | None = None
) -> str:
    """Wire text as the person sees it: `<@U123>` as @name, `<#C123|team>` as #team, `<!here>` as
    @here, links as their address (with the label before it when there is one), and entities as the
    characters typed. Views escape it again on the way out, so nothing in it can ping anyone."""
    users, channels = users or {}, channels or {}

    def replace(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            user_id = target[1:]
            return "@" + (users.get(user_id) or decode_entities(label or user_id))
        if target.startswith("#"):
            channel_id = target[1:]
            return "#" + (decode_entities(label) if label else channels.get(channel_id) or channel_id)
        if target.startswith("!"):
            special = target[1:].split("^", 1)[0]
            if special == "subteam":
                return decode_entities(label) if label else "@group"
            return decode_entities(label) if label else _SPECIAL.get(special, "")
        address = decode_entities(target.removeprefix("mailto:"))
        label = decode_entities(label) if label else None
        return f"{label} ({address})" if label and label != address else address

    # Markup first: an entity inside it (a label with &amp;) is decoded with it, and the entities
    # left are the person's own characters.
    pieces: list[str] = []
    last = 0
    for match in _MARKUP.finditer(text):
        pieces.append(decode_entities(text[last : match.start()]))
        pieces.append(replace(match))
        last = match.end()
    pieces.append(decode_entities(text[last:]))
    return "".join(pieces)


def to_slack(text: str) -> str:
    """Typed text the way Slack sends it (entities on the wire); the inverse of from_slack for text
    without markup. The local stand-in and its driver use it to send text exactly as Slack does."""
    return escape(text)
