"""Safe mrkdwn: user text never becomes a mention, a channel link or a broadcast."""

from __future__ import annotations


def escape(value: str) -> str:
    """Escape the three characters Slack treats as control sequences in mrkdwn and `text`.

    `<!channel>`, `<@U123>` and friends only work inside angle brackets, so escaping `<`, `>`
    (and `&`, so existing entities stay literal) is exactly what Slack asks for, and enough.
    """
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(value: str, limit: int, ellipsis: str = "…") -> str:
    """Cut `value` to at most `limit` characters, marking the cut."""
    if len(value) <= limit:
        return value
    return value[: max(0, limit - len(ellipsis))] + ellipsis


def chunks(value: str, size: int) -> list[str]:
    """Split text into pieces of at most `size` characters, preferring line breaks."""
    pieces: list[str] = []
    rest = value
    while len(rest) > size:
        cut = rest.rfind("\n", 0, size)
        if cut <= 0:
            cut = size
        pieces.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    if rest:
        pieces.append(rest)
    return pieces
