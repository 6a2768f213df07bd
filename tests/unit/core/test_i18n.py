"""Every user-facing string exists in Norwegian Bokmål, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file

from bot.core.i18n import load_catalog, translator

ROOT = Path(__file__).parents[3]
KEYWORDS = {"_": None, "ngettext": (1, 2)}
METHOD = [("**.py", "python")]


def source_messages() -> set[str | tuple[str, ...]]:
    found: set[str | tuple[str, ...]] = set()
    for folder in ("bot", "handlers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, METHOD, keywords=KEYWORDS
        ):
            found.add(message)
    for name in ("app.py", "scheduler.py"):
        for _line, message, _comments, _context in extract_from_file(
            "python", ROOT / name, keywords=KEYWORDS
        ):
            found.add(message)
    return found


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


MESSAGES = sorted(source_messages(), key=str)


def test_source_has_strings_to_translate() -> None:
    assert len(MESSAGES) > 40


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: str(m)[:60])
def test_every_string_has_a_bokmal_translation_with_the_same_placeholders(
    message: str | tuple[str, ...],
) -> None:
    catalog = load_catalog("nb")
    assert catalog is not None, "bot/core/locale/nb/LC_MESSAGES/messages.po is missing"
    msgid = message[0] if isinstance(message, tuple) else message
    entry = catalog.get(msgid)
    assert entry is not None, f"no Bokmål entry for {message!r}: run `make messages` and translate it"
    assert not entry.fuzzy, f"fuzzy translation for {msgid!r}"
    translations = entry.string if isinstance(entry.string, tuple) else (entry.string,)
    assert all(translations), f"empty translation for {msgid!r}"
    if isinstance(message, tuple):
        # A singular form may leave out {n} ("one lesson"); no form may invent a placeholder.
        allowed = placeholders(message[0]) | placeholders(message[1])
        assert all(placeholders(t) <= allowed for t in translations), f"unknown placeholder in {msgid!r}"
        assert placeholders(translations[-1]) == placeholders(message[1]), f"plural differs in {msgid!r}"
    else:
        assert placeholders(translations[0]) == placeholders(message), f"placeholders differ in {msgid!r}"
    for translated in translations:
        assert not re.search(r"<[!@#]", translated), "a translation must not contain a Slack mention"


def test_translator_switches_language() -> None:
    assert translator("en")._("Useful") == "Useful"
    assert translator("nb")._("Useful") != "Useful"
    assert translator("nb").ngettext("{n} lesson matches *{query}*", "Top {n} lessons matching *{query}*", 1)
    assert translator("xx")._("Useful") == "Useful", "an unknown language falls back to English"
