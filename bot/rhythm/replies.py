"""Answers to a weekly prompt: a reply in its thread becomes a lesson linked to the prompt, once.

Also finds the prompt a message belongs to, for the :raised_hand: reminder and the share button.
The reply's text arrives as the person typed it (bot.core.slack.SlackGateway.readable decodes
Slack's wire text, names included); it is stored that way, and views escape it on the way out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.lessons import service as lessons
from bot.lessons.data import Problem
from bot.rhythm.ids import PROMPT, RAISED_HANDS
from storage.rhythm import queries
from storage.rhythm.models import PromptReply, ScheduledPost


def is_raised_hand(reaction: str) -> bool:
    """:raised_hand: or :hand:, any skin tone."""
    return reaction.split("::", 1)[0] in RAISED_HANDS


def find_prompt_post(session: Session, team_id: str, channel_id: str, ts: str) -> ScheduledPost | None:
    """The posted prompt whose message is (channel_id, ts), or None."""
    if not ts:
        return None
    return queries.post_by_message(session, team_id, channel_id, ts, PROMPT)


def prompt_for_reaction(
    session: Session, team_id: str, channel_id: str, ts: str, reaction: str
) -> ScheduledPost | None:
    """The prompt a :raised_hand: (or :hand:, any skin tone) was put on, or None for anything else."""
    if not is_raised_hand(reaction):
        return None
    return find_prompt_post(session, team_id, channel_id, ts)


def get_prompt_post(session: Session, team_id: str, post_id: int) -> ScheduledPost | None:
    post = session.get(ScheduledPost, post_id)
    if post is None or post.team_id != team_id or post.kind != PROMPT:
        return None
    return post


# --- saving a reply ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyResult:
    lesson_id: int | None = None  # set when the reply was saved now
    duplicate: bool = False  # this reply was saved before (a repeated event)
    problems: tuple[Problem, ...] = ()  # why it could not be a lesson


def save_reply(
    session: Session,
    *,
    post: ScheduledPost,
    reply_ts: str,
    user_id: str,
    text: str,
    source_link: str | None,
    secret_key: bytes,
    now: datetime,
) -> ReplyResult:
    """Store a thread reply to `post` as a lesson in the prompt's channel, at most once per reply.
    `text` is what the person typed."""
    draft = lessons.LessonDraft(text=text, source_link=source_link, prompt_post_id=post.id)
    problems = lessons.validate(draft)
    if problems:
        return ReplyResult(problems=tuple(problems))
    marker = PromptReply(
        team_id=post.team_id,
        channel_id=post.channel_id,
        reply_ts=reply_ts,
        prompt_post_id=post.id,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(marker)
    except IntegrityError:
        return ReplyResult(duplicate=True)
    lesson = lessons.create_lesson(
        session,
        team_id=post.team_id,
        user_id=user_id,
        draft=draft,
        secret_key=secret_key,
        now=now,
        channel_id=post.channel_id,
    )
    marker.lesson_id = lesson.id
    session.flush()
    return ReplyResult(lesson_id=lesson.id)


def reply_saved(session: Session, team_id: str, channel_id: str, reply_ts: str) -> bool:
    return session.get(PromptReply, (team_id, channel_id, reply_ts)) is not None
