"""Posting and refreshing lesson messages in Slack. Runs after ack(): the lesson is already stored."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError

from bot.core.blockkit import Rendered
from bot.core.deps import Deps
from bot.core.slack import error_code
from bot.lessons import service as lessons
from bot.lessons import voting
from bot.lessons.views import LessonCard, lesson_message

log = logging.getLogger(__name__)

# Refreshes of one lesson's message run one at a time in this process (striped locks: bounded memory).
_REFRESH_LOCKS = tuple(threading.Lock() for _ in range(64))
# A refresh that rendered counts which changed before its chat.update landed renders again; votes
# arriving faster than this many rounds are left to the refresh their own vote triggers.
MAX_REFRESH_ROUNDS = 3


@dataclass(frozen=True)
class PostResult:
    ok: bool
    ts: str | None = None
    error: str | None = None


def render_lesson(deps: Deps, team_id: str, lesson_id: int, channel_id: str | None = None) -> Rendered | None:
    """The lesson's channel message, in that channel's language."""
    found = _render_with_counts(deps, team_id, lesson_id, channel_id)
    return found[0] if found else None


def _render_with_counts(
    deps: Deps, team_id: str, lesson_id: int, channel_id: str | None
) -> tuple[Rendered, voting.Counts] | None:
    tr = deps.translator_for(team_id, channel_id)
    with deps.db.read_session() as session:
        lesson = lessons.get_lesson(session, team_id, lesson_id)
        if lesson is None:
            return None
        counts = voting.counts(session, lesson_id)
        return lesson_message(tr, LessonCard.of(lesson, counts)), counts


def post_lesson(deps: Deps, team_id: str, lesson_id: int, channel_id: str) -> PostResult:
    rendered = render_lesson(deps, team_id, lesson_id, channel_id)
    if rendered is None:
        return PostResult(False, error="lesson_not_found")
    try:
        response = deps.client.chat_postMessage(
            channel=channel_id, text=rendered.text, blocks=rendered.blocks, unfurl_links=False
        )
    except SlackApiError as exc:
        code = error_code(exc)
        log.warning("posting lesson %s to %s failed: %s", lesson_id, channel_id, code)
        return PostResult(False, error=code)
    ts = str(response["ts"])
    posted_channel = str(response.get("channel") or channel_id)
    with deps.db.session() as session:
        lesson = lessons.get_lesson(session, team_id, lesson_id)
        if lesson is not None:
            lessons.record_message(session, lesson, posted_channel, ts)
    return PostResult(True, ts=ts)


def refresh_lesson_message(deps: Deps, team_id: str, lesson_id: int) -> bool:
    """Bring a posted lesson's vote counts up to date (chat.update).

    Two votes refreshed side by side can reach Slack in the opposite order to the one they read the
    counts in, leaving the older count showing. So after updating, the counts are read again and the
    message re-rendered when they moved: whoever updates last also checks last.
    """
    with deps.db.read_session() as session:
        lesson = lessons.get_lesson(session, team_id, lesson_id)
        where = (lesson.channel_id, lesson.message_ts) if lesson else (None, None)
    channel_id, ts = where
    if not channel_id or not ts:
        return False
    with _REFRESH_LOCKS[lesson_id % len(_REFRESH_LOCKS)]:
        for _ in range(MAX_REFRESH_ROUNDS):
            found = _render_with_counts(deps, team_id, lesson_id, channel_id)
            if found is None:
                return False
            rendered, shown = found
            try:
                deps.client.chat_update(channel=channel_id, ts=ts, text=rendered.text, blocks=rendered.blocks)
            except SlackApiError as exc:
                log.warning("updating lesson %s failed: %s", lesson_id, error_code(exc))
                return False
            with deps.db.read_session() as session:
                if voting.counts(session, lesson_id) == shown:
                    return True
    return True


def delete_lesson_message(deps: Deps, channel_id: str, ts: str) -> bool:
    try:
        deps.client.chat_delete(channel=channel_id, ts=ts)
    except SlackApiError as exc:
        log.warning("deleting a lesson message in %s failed: %s", channel_id, error_code(exc))
        return False
    return True


def tell_user(deps: Deps, user_id: str, text: str, channel_id: str | None = None) -> bool:
    """An ephemeral note in the channel when there is one, else a DM; failures are logged, not raised."""
    try:
        if channel_id:
            deps.client.chat_postEphemeral(channel=channel_id, user=user_id, text=text)
        else:
            deps.client.chat_postMessage(channel=user_id, text=text)
    except SlackApiError as exc:
        code = error_code(exc)
        if channel_id:
            log.info("ephemeral note failed in %s (%s); sending a DM instead", channel_id, code)
            return tell_user(deps, user_id, text, None)
        log.warning("could not tell a user something: %s", code)
        return False
    return True
