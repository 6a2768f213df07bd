"""#tags in lesson text and mentor topics share one vocabulary."""

from __future__ import annotations

import re
import unicodedata

MAX_TAG_LENGTH = 40
MAX_TAGS = 10
# A tag is '#' followed by letters of any language, digits, '-' or '_' ('#æøå-test' is one tag).
_TAG = re.compile(r"(?<![\w&#<])#([^\W_][\w-]*)", re.UNICODE)


def normalize(topic: str) -> str:
    """Canonical form of a tag or topic: NFC, case-folded, inner spaces as '-', trimmed of punctuation."""
    value = unicodedata.normalize("NFC", topic).strip().lstrip("#").casefold()
    value = re.sub(r"[\s_]+", "-", value)
    value = re.sub(r"[^\w-]", "", value)
    return value.strip("-")[:MAX_TAG_LENGTH]


def extract(text: str) -> list[str]:
    """Tags found in `text`, normalised, first occurrence first, without duplicates."""
    found: list[str] = []
    for match in _TAG.finditer(unicodedata.normalize("NFC", text)):
        tag = normalize(match.group(1))
        if tag and not tag.isdigit() and tag not in found:
            found.append(tag)
    return found[:MAX_TAGS]


def parse_list(raw: str) -> list[str]:
    """Tags typed in a field: separated by commas or spaces, with or without '#'."""
    found: list[str] = []
    for part in re.split(r"[,\s]+", raw or ""):
        tag = normalize(part)
        if tag and tag not in found:
            found.append(tag)
    return found[:MAX_TAGS]
