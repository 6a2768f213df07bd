"""Lessons: validate, store, list and delete. Plain data in, ORM rows out; no Slack here."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core import tags as tagging
from storage.lessons.models import Lesson, LessonTag

# The main field fits one section with room for its label; optional fields get their own sections.
TEXT_MAX = 2000
OPTIONAL_MAX = 1000
TEXT_MIN = 3


class Field:
    """Names of the lesson fields, shared by validation and the modal's block ids."""

    TEXT = "text"
    WHAT_WORKED = "what_worked"
    TO_IMPROVE = "to_improve"
    TAGS = "tags"


@dataclass(frozen=True)
class LessonDraft:
    text: str
    what_worked: str | None = None
    to_improve: str | None = None
    tags: list[str] = field(default_factory=list)
    anonymous: bool = False
    source_link: str | None = None
    prompt_post_id: int | None = None

    def all_tags(self) -> list[str]:
        """Tags given explicitly plus #tags written in any text field."""
        found: list[str] = []
        for tag in self.tags:
            normal = tagging.normalize(tag)
            if normal and normal not in found:
                found.append(normal)
        for value in (self.text, self.what_worked or "", self.to_improve or ""):
            for tag in tagging.extract(value):
                if tag not in found:
                    found.append(tag)
        return found[: tagging.MAX_TAGS]


@dataclass(frozen=True)
class Problem:
    field: str
    code: str  # "required" | "too_short" | "too_long"
    limit: int = 0
    length: int = 0


def validate(draft: LessonDraft) -> list[Problem]:
    problems: list[Problem] = []
    text = draft.text.strip()
    if not text:
        problems.append(Problem(Field.TEXT, "required"))
    elif len(text) < TEXT_MIN:
        problems.append(Problem(Field.TEXT, "too_short", TEXT_MIN, len(text)))
    elif len(text) > TEXT_MAX:
        problems.append(Problem(Field.TEXT, "too_long", TEXT_MAX, len(text)))
    for name, value in ((Field.WHAT_WORKED, draft.what_worked), (Field.TO_IMPROVE, draft.to_improve)):
        if value and len(value.strip()) > OPTIONAL_MAX:
            problems.append(Problem(name, "too_long", OPTIONAL_MAX, len(value.strip())))
    return problems


def author_hash(secret_key: bytes, team_id: str, user_id: str) -> str:
    """Keyed hash of the author: without the server's key, nobody can tell who wrote a lesson."""
    return hmac.new(secret_key, f"{team_id}:{user_id}".encode(), hashlib.sha256).hexdigest()


class LessonInvalid(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(", ".join(f"{p.field}:{p.code}" for p in problems))
        self.problems = problems


def create_lesson(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    draft: LessonDraft,
    secret_key: bytes,
    now: datetime,
    channel_id: str | None = None,
) -> Lesson:
    problems = validate(draft)
    if problems:
        raise LessonInvalid(problems)
    lesson_tags = draft.all_tags()
    lesson = Lesson(
        team_id=team_id,
        author_id=None if draft.anonymous else user_id,
        author_hash=author_hash(secret_key, team_id, user_id),
        anonymous=draft.anonymous,
        text=draft.text.strip(),
        what_worked=(draft.what_worked or "").strip() or None,
        to_improve=(draft.to_improve or "").strip() or None,
        tags_text=" ".join(lesson_tags),
        source_link=draft.source_link,
        channel_id=channel_id,
        prompt_post_id=draft.prompt_post_id,
        created_at=now,
    )
    lesson.tags = [LessonTag(tag=tag, team_id=team_id) for tag in lesson_tags]
    session.add(lesson)
    session.flush()
    return lesson


def get_lesson(session: Session, team_id: str, lesson_id: int) -> Lesson | None:
    return session.scalar(select(Lesson).where(Lesson.team_id == team_id, Lesson.id == lesson_id))


def record_message(session: Session, lesson: Lesson, channel_id: str, message_ts: str) -> None:
    lesson.channel_id = channel_id
    lesson.message_ts = message_ts
    session.flush()


def find_by_message(session: Session, team_id: str, channel_id: str, message_ts: str) -> Lesson | None:
    return session.scalar(
        select(Lesson).where(
            Lesson.team_id == team_id, Lesson.channel_id == channel_id, Lesson.message_ts == message_ts
        )
    )


def lessons_by_author(
    session: Session, team_id: str, user_id: str, secret_key: bytes, limit: int = 20
) -> list[Lesson]:
    digest = author_hash(secret_key, team_id, user_id)
    query = (
        select(Lesson)
        .where(Lesson.team_id == team_id, Lesson.author_hash == digest)
        .order_by(Lesson.created_at.desc(), Lesson.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


class NotFound(LookupError):
    pass


class NotAllowed(PermissionError):
    pass


@dataclass(frozen=True)
class DeletedLesson:
    id: int
    channel_id: str | None
    message_ts: str | None


def delete_lesson(
    session: Session,
    *,
    team_id: str,
    lesson_id: int,
    user_id: str,
    secret_key: bytes,
    is_admin: bool,
) -> DeletedLesson:
    lesson = get_lesson(session, team_id, lesson_id)
    if lesson is None:
        raise NotFound(lesson_id)
    if not is_admin and lesson.author_hash != author_hash(secret_key, team_id, user_id):
        raise NotAllowed(lesson_id)
    deleted = DeletedLesson(lesson.id, lesson.channel_id, lesson.message_ts)
    session.delete(lesson)
    session.flush()
    return deleted
