"""Reading `/erfaring export [json|csv]`. (Its words and Bokmål aliases, export/eksport,
my-data/mine-data and forget-me/glem-meg, are routed in handlers/commands.py.)"""

from __future__ import annotations

from bot.privacy.ids import Format


def export_format(text: str) -> Format | None:
    """`export [json|csv]` → its format (JSON when none is given); None for anything else after it."""
    words = text.split()
    rest = [word.casefold() for word in words[1:]]
    if not rest:
        return Format.JSON
    if len(rest) == 1:
        try:
            return Format(rest[0])
        except ValueError:
            return None
    return None
