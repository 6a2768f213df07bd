"""Who may see a lesson: the one rule, for every query that shows lessons to someone.

A lesson's visibility is decided when it is stored, from where it was shared, and kept:
- WORKSPACE: shared in a public channel, so everyone in the workspace may find it;
- CHANNEL: shared in a private channel or a group DM, so only that conversation's members may
  (asked from Slack: users.conversations, remembered briefly, so someone who leaves stops finding it);
- AUTHOR: shared in the DM with the app, marked "Only me", or from a conversation Erfaring cannot see;
- PENDING: not yet known (Slack could not say when it was stored, or it predates this rule): treated
  as AUTHOR until bot.lessons.visibility settles it.
Its author always sees their own lesson, anonymous ones included (through the keyed hash).

Search, "my lessons", the digest (its own channel and the cross-channel section), the lessons shown to
a mentee, App Home and exports all filter with `visible()`. Nothing else decides what may be shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, false, or_

from storage.lessons.models import Lesson

WORKSPACE = "workspace"
CHANNEL = "channel"
AUTHOR = "author"
PENDING = "pending"
VISIBILITIES = (WORKSPACE, CHANNEL, AUTHOR, PENDING)


@dataclass(frozen=True)
class Audience:
    """Who is looking: a person (their keyed author hash and the private conversations Slack says
    they are in) or a channel's readers (everyone in that one conversation)."""

    team_id: str
    author_hash: str | None = None
    channels: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def person(cls, team_id: str, author_hash: str, private_channels: frozenset[str]) -> Audience:
        return cls(team_id, author_hash, private_channels)

    @classmethod
    def channel(cls, team_id: str, channel_id: str | None) -> Audience:
        """Everyone who reads `channel_id` (None: the whole workspace, e.g. other channels' digests)."""
        return cls(team_id, None, frozenset({channel_id}) if channel_id else frozenset())

    @classmethod
    def workspace(cls, team_id: str) -> Audience:
        return cls(team_id)


def visible(audience: Audience) -> ColumnElement[bool]:
    """The lessons `audience` may see (of its workspace): the one rule."""
    shared = Lesson.visibility == CHANNEL
    in_channel = (
        and_(shared, Lesson.channel_id.in_(sorted(audience.channels))) if audience.channels else false()
    )
    own = Lesson.author_hash == audience.author_hash if audience.author_hash else false()
    return and_(Lesson.team_id == audience.team_id, or_(Lesson.visibility == WORKSPACE, in_channel, own))
