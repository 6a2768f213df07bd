"""English and Norwegian Bokmål. Source strings are English; Bokmål comes from a gettext catalog.

Call sites write `tr._("...")` and `tr.ngettext("...", "...", n)` so Babel's extractor finds them
(`make messages` refreshes the catalog; a test fails when a string lacks its translation).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.core.settings import LANGUAGES

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def load_catalog(language: str) -> Catalog | None:
    path = catalog_path(language)
    if not path.exists():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


class Translator:
    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else "en"
        self._singular: dict[str, str] = {}
        self._plural: dict[str, tuple[str, ...]] = {}
        catalog = load_catalog(self.language) if self.language != "en" else None
        if catalog is not None:
            for message in catalog:
                if not message.id or message.fuzzy:
                    continue
                if isinstance(message.id, tuple):
                    forms = tuple(message.string) if isinstance(message.string, tuple) else ()
                    if all(forms):
                        self._plural[message.id[0]] = forms
                elif isinstance(message.id, str) and isinstance(message.string, str) and message.string:
                    self._singular[message.id] = message.string

    def _(self, message: str) -> str:
        return self._singular.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self._plural.get(singular)
        # Both English and Bokmål have two forms: one, and everything else.
        if forms and len(forms) >= 2:
            return forms[0] if n == 1 else forms[1]
        return singular if n == 1 else plural


@cache
def translator(language: str) -> Translator:
    return Translator(language)
