"""The words people type in commands: alias tables (English and Norwegian) and plain numbers."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import TypeVar

Meaning = TypeVar("Meaning")


def aliases(groups: Mapping[Meaning, Iterable[str]]) -> dict[str, Meaning]:
    """Every word that may be typed for a meaning (lower case), looked up to that meaning."""
    return {word: meaning for meaning, words in groups.items() for word in words}


def ascii_number(word: str) -> int | None:
    """A whole number written in ASCII digits only ("12", not "-1", "1.5" or "١٢"); None otherwise."""
    return int(word) if word.isascii() and word.isdigit() else None


def closest(word: str, vocabulary: Iterable[str], *, cutoff: float = 0.75) -> str | None:
    """The vocabulary word `word` was most likely meant to be ("serach" → "search", "slet" → "slett"),
    or None when nothing is close. Case-insensitive; an exact word is its own answer."""
    typed = word.casefold()
    words = sorted({w.casefold() for w in vocabulary})
    if typed in words:
        return typed
    if len(typed) < 3:
        return None
    best = difflib.get_close_matches(typed, words, n=1, cutoff=cutoff)
    return best[0] if best else None
