"""The words people type in commands: alias tables (English and Norwegian) and plain numbers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

Meaning = TypeVar("Meaning")


def aliases(groups: Mapping[Meaning, Iterable[str]]) -> dict[str, Meaning]:
    """Every word that may be typed for a meaning (lower case), looked up to that meaning."""
    return {word: meaning for meaning, words in groups.items() for word in words}


def ascii_number(word: str) -> int | None:
    """A whole number written in ASCII digits only ("12", not "-1", "1.5" or "١٢"); None otherwise."""
    return int(word) if word.isascii() and word.isdigit() else None
