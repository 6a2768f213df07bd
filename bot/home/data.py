"""The App Home as plain data: what the services gather and the views show. Frozen dataclasses, no
rows, no services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.insights.data import Contribution, Figures, LeaderEntry
from bot.rhythm.data import ChannelLanguage, ChannelSettings, PromptInfo

# How much a Home lists of each kind (Slack allows 100 blocks; views.home_view keeps within it).
LESSONS_SHOWN = 5
TOPIC_LESSONS_SHOWN = 5
MENTORING_SHOWN = 8  # offers, requests and mentorships together
CHANNELS_SHOWN = 20


# --- your mentoring -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferItem:
    """Someone asks the person to mentor them: Accept / Decline (mentoring's own buttons)."""

    offer_id: int
    requester_id: str
    topic: str
    expires_at: datetime


@dataclass(frozen=True)
class RequestItem:
    """The person's open request for a mentor."""

    request_id: int
    topic: str
    status: str  # RequestStatus
    asked: str | None  # the mentor asked right now


@dataclass(frozen=True)
class MentorshipItem:
    id: int
    other_id: str
    topic: str
    as_mentor: bool
    channel_id: str | None  # the group DM of the two
    next_check_in: datetime | None
    answer_round: int | None  # the follow-up its buttons answer; None: nothing to answer now


@dataclass(frozen=True)
class MentorProfileLine:
    status: str  # ProfileStatus
    capacity: int
    topics: list[str]
    active_mentees: int


@dataclass(frozen=True)
class MyMentoring:
    profile: MentorProfileLine | None = None
    offers: list[OfferItem] = field(default_factory=list)
    requests: list[RequestItem] = field(default_factory=list)
    mentorships: list[MentorshipItem] = field(default_factory=list)
    more: int = 0  # offers, requests and mentorships not listed (MENTORING_SHOWN)

    @property
    def empty(self) -> bool:
        return not (self.profile or self.offers or self.requests or self.mentorships)

    @property
    def topics(self) -> list[str]:
        """The topics the person follows: the ones they mentor in, ask about, or are matched on."""
        found = list(self.profile.topics if self.profile else [])
        found += [r.topic for r in self.requests] + [m.topic for m in self.mentorships]
        return list(dict.fromkeys(found))


# --- lessons ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonItem:
    id: int
    text: str
    tags: list[str]
    author_id: str | None  # None for an anonymous lesson, whatever the row holds
    channel_id: str | None  # None for an anonymous lesson: it never shows where it was shared
    useful: int
    applied: int


# --- the workspace's settings (admins) --------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelRow:
    """A subscribed channel as the admin's Home shows it, with its next posts (holidays and a pause
    skipped)."""

    settings: ChannelSettings
    language: ChannelLanguage
    next_prompt: datetime | None
    next_digest: datetime | None

    @property
    def channel_id(self) -> str:
        return self.settings.channel_id


@dataclass(frozen=True)
class WorkspaceSettings:
    language: str
    followup_days: int
    leaders: list[LeaderEntry]
    questions: list[PromptInfo]  # the workspace's own, beside the built-in ones


@dataclass(frozen=True)
class AdminPart:
    figures: Figures | None  # None when they could not be built (the rest of the Home still shows)
    channels: list[ChannelRow]
    more_channels: int  # subscribed channels not listed (CHANNELS_SHOWN)
    workspace: WorkspaceSettings


@dataclass(frozen=True)
class HomeData:
    user_id: str
    zone: ZoneInfo  # the reader's: every time is shown where they are
    contribution: Contribution
    mentoring: MyMentoring
    recent: list[LessonItem]
    on_topics: list[LessonItem]
    notice: str | None = None  # what became of their last action here (mrkdwn, escaped)
    admin: AdminPart | None = None
