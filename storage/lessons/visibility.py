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
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, false, or_

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
    return _rule(audience.team_id, sorted(audience.channels) or None, audience.author_hash or None)


# Which parts of the rule an audience needs: (private conversations, an author hash).
Shape = tuple[bool, bool]


def visible_values(audience: Audience) -> tuple[Shape, dict[str, object]]:
    """The audience's shape and its values for `visible_template(shape)`."""
    values: dict[str, object] = {"visible_team": audience.team_id}
    if audience.channels:
        values["visible_channels"] = sorted(audience.channels)
    if audience.author_hash:
        values["visible_author"] = audience.author_hash
    return (bool(audience.channels), bool(audience.author_hash)), values


def visible_template(shape: Shape) -> ColumnElement[bool]:
    """The same rule with its values as parameters, supplied at each run by `visible_values`: for a
    statement built once per shape and run for every searcher (storage.lessons.search). Every
    parameter is required, so a statement run without an audience's values fails; it never falls back
    to another audience's."""
    channels, own = shape
    return _rule(
        bindparam("visible_team"),
        bindparam("visible_channels", expanding=True) if channels else None,
        bindparam("visible_author") if own else None,
    )


def _rule(team: Any, channels: Any | None, author_hash: Any | None) -> ColumnElement[bool]:
    """Its workspace's lessons shared in public, in one of `channels` (private conversations the
    audience is in) or written by `author_hash`."""
    in_channel = (
        and_(Lesson.visibility == CHANNEL, Lesson.channel_id.in_(channels))
        if channels is not None
        else false()
    )
    own = Lesson.author_hash == author_hash if author_hash is not None else false()
    return and_(Lesson.team_id == team, or_(Lesson.visibility == WORKSPACE, in_channel, own))
