"""Plain data insights' services produce and its views and chart show: frozen dataclasses, no
behaviour beyond derived values. Views import these, never ORM rows or services."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime


def ratio(part: float, whole: float | None) -> float | None:
    """part ÷ whole, or None when there is no whole to divide by."""
    return part / whole if whole else None


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass(frozen=True)
class Figures:
    """One scope's figures per period, oldest first: a channel's (what its readers may see) or, with
    `channel_id` None, the workspace's (what everyone may see). Mentoring is the workspace's in both."""

    team_id: str
    channel_id: str | None
    timezone: str
    labels: tuple[str, ...]  # the periods: ISO weeks ("2026-W09") or months ("2026-02")
    starts: tuple[datetime, ...]  # each period's first instant (UTC)
    end: datetime  # the last period's end (exclusive)
    members: int | None  # people in the channel (or workspace), when Slack says
    lessons: tuple[int, ...]
    contributors: tuple[int, ...]  # distinct authors per period (anonymous ones too, by keyed hash)
    contributors_total: int  # distinct authors over all the periods
    useful: tuple[int, ...]
    applied: tuple[int, ...]
    prompts: tuple[int, ...]  # weekly questions posted
    answers: tuple[int, ...]  # answers to them (prompt-thread lessons)
    requests: tuple[int, ...]
    offers: tuple[int, ...]  # requests offered to a mentor
    matches: tuple[int, ...]
    completed: tuple[int, ...]  # mentorships ended as done
    match_hours: tuple[float | None, ...]  # median hours from request to match, per period
    cross_team: tuple[int, ...]  # matches whose mentor's unit differs from the requester's
    known_units: tuple[int, ...]  # matches where both units are known
    median_match_hours: float | None  # over all the periods
    unserved_topics: tuple[str, ...]  # open requests' topics that no active mentor offers
    top_tags: tuple[tuple[str, int], ...]

    @property
    def periods(self) -> int:
        return len(self.labels)

    @property
    def participation(self) -> tuple[float | None, ...]:
        """Contributors ÷ members, per period."""
        return tuple(ratio(n, self.members) for n in self.contributors)

    @property
    def participation_total(self) -> float | None:
        return ratio(self.contributors_total, self.members)

    @property
    def answers_per_prompt(self) -> tuple[float | None, ...]:
        return tuple(ratio(a, p) for a, p in zip(self.answers, self.prompts, strict=True))

    @property
    def answers_per_prompt_total(self) -> float | None:
        return ratio(sum(self.answers), sum(self.prompts))

    @property
    def cross_team_share(self) -> tuple[float | None, ...]:
        return tuple(ratio(c, k) for c, k in zip(self.cross_team, self.known_units, strict=True))

    @property
    def cross_team_share_total(self) -> float | None:
        return ratio(sum(self.cross_team), sum(self.known_units))


@dataclass(frozen=True)
class Contribution:
    """One person's part: lessons they shared (named, and anonymous — found through the keyed hash,
    shown only to them), the marks others gave those, and how many people applied one."""

    team_id: str
    user_id: str
    named: int
    anonymous: int
    useful: int
    applied: int
    appliers: int  # distinct other people who applied a lesson of theirs

    @property
    def lessons(self) -> int:
        return self.named + self.anonymous


@dataclass(frozen=True)
class ReportLesson:
    """A highlight: a lesson everyone may see, and the marks of one kind it got in the month.
    `author_id` is None for an anonymous lesson."""

    id: int
    text: str
    author_id: str | None
    channel_id: str | None
    marks: int


@dataclass(frozen=True)
class Report:
    """A month of the workspace for its leaders, against the month before."""

    team_id: str
    month: str  # "2026-02": the month it covers
    previous: str  # "2026-01"
    timezone: str
    months: Figures  # two periods: `previous`, then `month`
    weeks: Figures  # the 12 weeks up to the month's end (the chart)
    most_useful: tuple[ReportLesson, ...]
    most_applied: tuple[ReportLesson, ...]
    new_topics: tuple[tuple[str, int], ...]  # what the month's new mentorships are about

    def this(self, series: Sequence[int]) -> int:
        return series[-1]

    def before(self, series: Sequence[int]) -> int:
        return series[0]

    @property
    def funnel(self) -> tuple[int, int, int, int]:
        """The month's mentoring: requests → offers → matches → completed."""
        m = self.months
        return m.requests[-1], m.offers[-1], m.matches[-1], m.completed[-1]


@dataclass(frozen=True)
class Person:
    """Someone in the workspace as users.list shows them (to find "@name" typed in a command)."""

    id: str
    handle: str  # Slack's `name`
    display_name: str
    real_name: str
    deleted: bool = False
    is_bot: bool = False

    @property
    def shown(self) -> str:
        return self.display_name or self.real_name or self.handle or self.id


@dataclass(frozen=True)
class LeaderEntry:
    """A leader of the workspace, and where they come from: `/erfaring leaders add` (stored) and/or
    ERFARING_LEADERS (configured, not removable in Slack)."""

    user_id: str
    stored: bool
    configured: bool


@dataclass(frozen=True)
class LeadersChange:
    """What `/erfaring leaders add|remove` did: who changed, who did not need to, and what was not
    understood (names nobody has, several people share, or people who cannot get the report)."""

    added: Sequence[str] = field(default_factory=tuple)
    removed: Sequence[str] = field(default_factory=tuple)
    unchanged: Sequence[str] = field(default_factory=tuple)
    configured: Sequence[str] = field(default_factory=tuple)  # in ERFARING_LEADERS: not removable here
    unknown: Sequence[str] = field(default_factory=tuple)
    ambiguous: Sequence[str] = field(default_factory=tuple)
    not_people: Sequence[str] = field(default_factory=tuple)  # bots, deactivated accounts
