"""Answers to a weekly prompt: a reply in its thread becomes a lesson linked to the prompt, once.

Also finds the prompt a message belongs to, for the :raised_hand: reminder and the share button.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.lessons import service as lessons
from bot.rhythm.commands import PROMPT
from storage.rhythm.models import PromptReply, ScheduledPost

RAISED_HANDS = frozenset({"raised_hand", "hand"})


def find_prompt_post(session: Session, team_id: str, channel_id: str, ts: str) -> ScheduledPost | None:
    """The posted prompt whose message is (channel_id, ts), or None."""
    if not ts:
        return None
    return session.scalar(
        select(ScheduledPost).where(
            ScheduledPost.team_id == team_id,
            ScheduledPost.channel_id == channel_id,
            ScheduledPost.message_ts == ts,
            ScheduledPost.kind == PROMPT,
        )
    )


def prompt_for_reaction(
    session: Session, team_id: str, channel_id: str, ts: str, reaction: str
) -> ScheduledPost | None:
    """The prompt a :raised_hand: (or :hand:, any skin tone) was put on, or None for anything else."""
    if reaction.split("::", 1)[0] not in RAISED_HANDS:
        return None
    return find_prompt_post(session, team_id, channel_id, ts)


def get_prompt_post(session: Session, team_id: str, post_id: int) -> ScheduledPost | None:
    post = session.get(ScheduledPost, post_id)
    if post is None or post.team_id != team_id or post.kind != PROMPT:
        return None
    return post


# --- Slack's message format to plain text -------------------------------------------------------------

_LINK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


def mentioned_users(text: str) -> list[str]:
    """User ids mentioned as <@U123> in a message, first mention first."""
    found: list[str] = []
    for match in _LINK.finditer(text):
        target = match.group(1)
        if target.startswith("@") and target[1:] not in found:
            found.append(target[1:])
    return found


def plain_text(text: str, names: Mapping[str, str] | None = None) -> str:
    """A message as the person sees it: mentions as @name, links as their label and address, and
    &amp; &lt; &gt; as the characters typed. Lesson views escape it again on the way out, so nothing
    in it can ping anyone."""
    names = names or {}

    def replace(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            return "@" + (names.get(target[1:]) or label or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            special = target[1:].split("^", 1)[0]
            return label or _SPECIAL.get(special, "")
        address = target.removeprefix("mailto:")
        return f"{label} ({address})" if label and label != address else address

    converted = _LINK.sub(replace, text)
    return converted.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# --- saving a reply ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyResult:
    lesson_id: int | None = None  # set when the reply was saved now
    duplicate: bool = False  # this reply was saved before (a repeated event)
    problems: tuple[lessons.Problem, ...] = ()  # why it could not be a lesson


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
    """Store a thread reply to `post` as a lesson in the prompt's channel, at most once per reply."""
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
