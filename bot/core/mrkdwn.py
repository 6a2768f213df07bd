"""Safe mrkdwn: user text never becomes a mention, a channel link or a broadcast."""

from __future__ import annotations


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
