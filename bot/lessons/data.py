"""Lessons as plain data: what the views show and the limits a lesson keeps. No rows, no services."""

from __future__ import annotations

from dataclasses import dataclass

# The main field fits one section with room for its label; optional fields get their own sections.
TEXT_MAX = 2000
OPTIONAL_MAX = 1000
TEXT_MIN = 3


@dataclass(frozen=True)
class Problem:
    field: str
    code: str  # ProblemCode: "required" | "too_short" | "too_long"
    limit: int = 0
    length: int = 0


@dataclass(frozen=True)
class LessonCard:
    """A lesson as its channel message shows it."""

    id: int
    text: str
    what_worked: str | None
    to_improve: str | None
    tags: list[str]
    author_id: str | None  # always None for an anonymous lesson
    source_link: str | None
    useful: int = 0
    applied: int = 0


@dataclass(frozen=True)
class Posting:
    """Where a lesson's channel message is."""

    channel_id: str
    message_ts: str


@dataclass(frozen=True)
class ListedLesson:
    """A lesson as a list shows it (search results, "my lessons", mentoring's best lessons)."""

    id: int
    text: str
    tags: list[str]
    anonymous: bool
    channel_id: str | None
    useful: int
    applied: int
