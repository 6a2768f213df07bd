"""#tags in lesson text and mentor topics share one vocabulary."""

from __future__ import annotations

import re
import unicodedata

MAX_TAG_LENGTH = 40
MAX_TAGS = 10
# A tag starts with '#' and a letter or digit, not glued to a word, an entity or a Slack link.
_TAG_START = re.compile(r"(?<![\w&#<])#(?=[^\W_])")


def _tag_char(char: str) -> bool:
    # Letters, digits and combining marks (Devanagari and Tamil vowel signs are marks, not \w).
    return char in "-_" or unicodedata.category(char)[0] in "LMN"


def _scan(text: str, start: int) -> str:
    end = start
    while end < len(text) and _tag_char(text[end]):
        end += 1
    return text[start:end]


def normalize(topic: str) -> str:
    """Canonical form of a tag or topic: NFC, case-folded, inner spaces as '-', trimmed of punctuation."""
    value = unicodedata.normalize("NFC", topic).strip().lstrip("#").casefold()
    value = re.sub(r"[\s_]+", "-", value)
    value = "".join(char for char in value if char == "-" or unicodedata.category(char)[0] in "LMN")
    return value.strip("-")[:MAX_TAG_LENGTH]


def extract(text: str) -> list[str]:
    """Tags found in `text`, normalised, first occurrence first, without duplicates."""
    found: list[str] = []
    text = unicodedata.normalize("NFC", text)
    for match in _TAG_START.finditer(text):
        tag = normalize(_scan(text, match.end()))
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
