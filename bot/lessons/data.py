"""Lessons as plain data: what the views show and the limits a lesson keeps. No rows, no services."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.slack import Conversation

# Who can find a lesson, by the rule's own names: the views, which import nothing from storage, take
# them from here.
from storage.lessons.visibility import AUTHOR as AUTHOR
from storage.lessons.visibility import CHANNEL as CHANNEL
from storage.lessons.visibility import PENDING as PENDING
from storage.lessons.visibility import WORKSPACE as WORKSPACE

# The main field fits one section with room for its label; optional fields get their own sections.
TEXT_MAX = 2000
OPTIONAL_MAX = 1000
TEXT_MIN = 3


@dataclass(frozen=True)
class Placement:
    """Where a new lesson belongs (bot.lessons.visibility.place decides it): its visibility (one of
    storage.lessons.visibility.VISIBILITIES), and the conversation it keeps (None for the DM with the
    app, whose id would name its author)."""

    visibility: str
    channel_id: str | None
    kind: Conversation
    small: bool = False  # a private conversation of two: never shown beside an anonymous lesson


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
    channel_id: str | None  # a list never shows it beside an anonymous lesson
    useful: int
    applied: int
    visibility: str | None = None  # who can find it ("my lessons" shows it); None: not shown


@dataclass(frozen=True)
class EditableLesson:
    """A lesson as its author's edit form shows it."""

    id: int
    text: str
    what_worked: str | None
    to_improve: str | None
    tags: list[str]


@dataclass(frozen=True)
class Deletion:
    """A lesson someone may delete, as the confirmation step shows it."""

    id: int
    text: str
    anonymous: bool
    author_id: str | None  # None for an anonymous lesson: its author cannot be named, or told
    by_author: bool  # the person deleting it wrote it
