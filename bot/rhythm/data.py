"""Plain data the rhythm's services produce and its views show: frozen dataclasses, no behaviour
beyond a few derived values. Views import these, never ORM rows or services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True)
class ChannelSettings:
    """A subscription as people see it: inherited values filled in."""

    channel_id: str
    active: bool
    prompt_weekday: int
    prompt_time: str
    digest_weekday: int
    digest_time: str
    timezone: str
    timezone_inherited: bool  # from the workspace or ERFARING_TIMEZONE
    holiday_country: str | None
    paused_until: datetime | None  # only while the pause lasts
    last_error: str | None


@dataclass(frozen=True)
class ChannelLanguage:
    """The language a channel's posts are in, and whether it is the workspace's (not its own)."""

    language: str
    inherited: bool


@dataclass(frozen=True)
class PromptInfo:
    """One of the workspace's own questions."""

    id: int
    language: str
    text: str


class Finders(StrEnum):
    """Who can find a lesson, as the note about a saved reply says it (from its visibility)."""

    WORKSPACE = "workspace"  # everyone in the workspace
    CHANNEL = "channel"  # the members of the channel it was shared in
    AUTHOR = "author"  # only its author
    NOT_YET_KNOWN = "not_yet_known"  # only its author, until Slack says where it was shared


# --- the digest ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestLesson:
    id: int
    text: str
    author_id: str | None  # None for an anonymous lesson, whatever the row holds
    channel_id: str | None
    message_ts: str | None
    source_link: str | None  # e.g. the thread reply a prompt answer came from
    created_at: datetime
    useful: int
    applied: int


@dataclass(frozen=True)
class Period:
    """What a digest covers: everything since the channel's last digest, [start, end).

    `first_week` … `week` are the weeks whose digests it stands for (more than one when a digest was
    skipped for a holiday or a pause); `first` when no digest went out in the channel before, and
    `asked` when a weekly question did, before `end`. A first digest before any question says welcome.
    """

    start: datetime
    end: datetime
    first_week: str
    week: str
    first: bool = False
    asked: bool = True
    next_question: datetime | None = None  # when the first question comes, for a welcome

    @property
    def welcome(self) -> bool:
        return self.first and not self.asked


@dataclass(frozen=True)
class DigestContext:
    """What a section hook gets: the workspace, the channel, the week and the digest's language."""

    team_id: str
    channel_id: str
    start: datetime
    end: datetime
    language: str


@dataclass(frozen=True)
class DigestData:
    team_id: str
    channel_id: str
    week: str
    timezone: str
    start: datetime
    end: datetime
    lessons: list[DigestLesson]  # the channel's best, at most CHANNEL_LESSONS
    lesson_count: int  # all the channel's lessons this week
    others: list[DigestLesson]  # the week's top lessons from other channels
    applied_lessons: int  # the channel's lessons marked applied this week
    applied_marks: int  # how many times
    contributors: int  # people who shared or voted in the channel this week (anonymous authors too)
    trend: list[int]  # contributors per week, oldest first; the last is this week
    extra: list[str] = field(default_factory=list)
    first_week: str = ""  # the first week covered, when more than `week` (a skipped digest before)
    welcome: bool = False  # the channel's first digest, before its first question
    next_question: datetime | None = None  # for a welcome: when the first question comes

    @property
    def quiet(self) -> bool:
        return self.lesson_count == 0

    @property
    def weeks(self) -> tuple[str, str]:
        """(first, last) week covered; the same week twice for an ordinary digest."""
        return (self.first_week or self.week, self.week)

    @property
    def several_weeks(self) -> bool:
        first, last = self.weeks
        return first != last

    @property
    def more(self) -> int:
        return max(0, self.lesson_count - len(self.lessons))
