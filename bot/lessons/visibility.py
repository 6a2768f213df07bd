"""Who may find a lesson, decided from where it was shared, and who is looking (storage.lessons.visibility
holds the rule itself). Asks Slack through the gateway: what kind of conversation a channel is
(conversations.info, never the id's prefix) and which private conversations a person is in
(users.conversations, remembered for a minute).
"""

from __future__ import annotations

import logging

from bot.core.deps import Deps
from bot.core.slack import Conversation, SlackGateway
from bot.lessons.data import Placement
from bot.lessons.service import author_hash
from storage.lessons import queries
from storage.lessons.visibility import AUTHOR, CHANNEL, PENDING, WORKSPACE, Audience

log = logging.getLogger(__name__)

# A private conversation this small names its few members: an anonymous lesson never shows it.
SMALL_CONVERSATION = 2
SETTLE_BATCH = 200
# Slack's answers that mean "Erfaring cannot see this conversation": it will never be shown to others.
NOT_VISIBLE = frozenset({"channel_not_found", "not_in_channel", "missing_scope"})


__all__ = ["Placement", "audience_of", "place", "settle_pending"]


def place(
    slack: SlackGateway,
    team_id: str,
    channel_id: str | None,
    *,
    only_me: bool = False,
    cached_only: bool = False,
) -> Placement:
    """The visibility of a lesson shared in `channel_id` (None: nowhere, e.g. a form opened from App
    Home). "Only me" makes it a private note wherever it was shared. With `cached_only`, only what the
    gateway remembers is used (no Web API call): PENDING when it remembers nothing."""
    if channel_id is None:
        return Placement(AUTHOR, None, Conversation.UNKNOWN)
    info = slack.conversation(team_id, channel_id, cached_only=cached_only)
    if info.kind is Conversation.DM:
        return Placement(AUTHOR, None, info.kind)  # the DM's id would name the author
    if only_me:
        return Placement(AUTHOR, channel_id, info.kind)
    if info.kind is Conversation.PUBLIC:
        return Placement(WORKSPACE, channel_id, info.kind)
    if info.kind in (Conversation.PRIVATE, Conversation.GROUP_DM):
        small = info.members is not None and info.members <= SMALL_CONVERSATION
        return Placement(CHANNEL, channel_id, info.kind, small)
    if info.error in NOT_VISIBLE:
        return Placement(AUTHOR, channel_id, info.kind)
    return Placement(PENDING, channel_id, info.kind)  # Slack could not say now: settled later


def audience_of(deps: Deps, team_id: str, user_id: str) -> Audience:
    """What `user_id` may see: every workspace lesson, the lessons of the private conversations Slack
    says they are in, and their own. When Slack cannot say, only the first and the last."""
    channels = deps.slack.private_channels(team_id, user_id)
    return Audience.person(
        team_id, author_hash(deps.settings.secret_key, team_id, user_id), channels or frozenset()
    )


def settle_pending(deps: Deps, limit: int = SETTLE_BATCH) -> int:
    """Ask Slack where the lessons of unknown visibility were shared, and settle them. Lessons from a
    conversation Erfaring cannot see become the author's only; an outage leaves them for the next
    run. How many lessons were settled."""
    with deps.db.read_session() as session:
        pending = queries.pending_visibility(session, limit)
    settled = 0
    for team_id, channel_id in dict.fromkeys((team, channel) for _, team, channel in pending):
        placement = place(deps.slack, team_id, channel_id)
        if placement.visibility == PENDING:
            continue
        with deps.db.session() as session:
            settled += queries.settle_visibility(
                session,
                team_id,
                channel_id,
                placement.visibility,
                keep_channel=placement.channel_id is not None,
            )
    if settled:
        log.info("settled the visibility of %s lessons", settled)
    return settled
