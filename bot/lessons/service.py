"""Lessons: validate, store, read, list and delete. Plain data in; ORM rows or plain data out; no Slack.

The plain data the views show (bot.lessons.data: LessonCard, ListedLesson) is made here, so views
never see a row.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.core import tags as tagging
from bot.lessons.data import (
    OPTIONAL_MAX,
    TEXT_MAX,
    TEXT_MIN,
    LessonCard,
    ListedLesson,
    Posting,
    Problem,
)
from bot.lessons.ids import Field as Field  # validation and the modal's block ids share these names
from bot.lessons.ids import ProblemCode
from storage.lessons import queries
from storage.lessons.models import Lesson, LessonTag
from storage.lessons.queries import Counts

MINE_LIMIT = 20


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


def validate(draft: LessonDraft) -> list[Problem]:
    problems: list[Problem] = []
    text = draft.text.strip()
    if not text:
        problems.append(Problem(Field.TEXT, ProblemCode.REQUIRED))
    elif len(text) < TEXT_MIN:
        problems.append(Problem(Field.TEXT, ProblemCode.TOO_SHORT, TEXT_MIN, len(text)))
    elif len(text) > TEXT_MAX:
        problems.append(Problem(Field.TEXT, ProblemCode.TOO_LONG, TEXT_MAX, len(text)))
    for name, value in ((Field.WHAT_WORKED, draft.what_worked), (Field.TO_IMPROVE, draft.to_improve)):
        if value and len(value.strip()) > OPTIONAL_MAX:
            problems.append(Problem(name, ProblemCode.TOO_LONG, OPTIONAL_MAX, len(value.strip())))
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
    return queries.lesson(session, team_id, lesson_id)


def record_message(session: Session, lesson: Lesson, channel_id: str, message_ts: str) -> None:
    lesson.channel_id = channel_id
    lesson.message_ts = message_ts
    session.flush()


def find_by_message(session: Session, team_id: str, channel_id: str, message_ts: str) -> Lesson | None:
    return queries.lesson_at(session, team_id, channel_id, message_ts)


def lessons_by_author(
    session: Session, team_id: str, user_id: str, secret_key: bytes, limit: int = MINE_LIMIT
) -> list[Lesson]:
    return queries.lessons_by_author_hash(session, team_id, author_hash(secret_key, team_id, user_id), limit)


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


# --- plain data for the views ------------------------------------------------------------------------


def card_of(lesson: Lesson, counts: Counts) -> LessonCard:
    return LessonCard(
        id=lesson.id,
        text=lesson.text,
        what_worked=lesson.what_worked,
        to_improve=lesson.to_improve,
        tags=lesson.tags_text.split(),
        # The card never learns who wrote an anonymous lesson.
        author_id=None if lesson.anonymous else lesson.author_id,
        source_link=lesson.source_link,
        useful=counts.useful,
        applied=counts.applied,
    )


def lesson_card(session: Session, team_id: str, lesson_id: int) -> LessonCard | None:
    """The team's lesson with its current vote counts, or None when it is gone."""
    lesson = get_lesson(session, team_id, lesson_id)
    if lesson is None:
        return None
    return card_of(lesson, queries.vote_counts(session, [lesson.id])[lesson.id])


def posting(session: Session, team_id: str, lesson_id: int) -> Posting | None:
    """Where the lesson was posted; None when it is gone or was never posted."""
    lesson = get_lesson(session, team_id, lesson_id)
    if lesson is None or not lesson.channel_id or not lesson.message_ts:
        return None
    return Posting(lesson.channel_id, lesson.message_ts)


def list_mine(
    session: Session, team_id: str, user_id: str, secret_key: bytes, limit: int = MINE_LIMIT
) -> list[ListedLesson]:
    """The person's latest lessons, named and anonymous, newest first, with their votes."""
    mine = lessons_by_author(session, team_id, user_id, secret_key, limit)
    counts = queries.vote_counts(session, [lesson.id for lesson in mine])
    return [
        ListedLesson(
            id=lesson.id,
            text=lesson.text,
            tags=lesson.tags_text.split(),
            anonymous=lesson.anonymous,
            channel_id=lesson.channel_id,
            useful=counts[lesson.id].useful,
            applied=counts[lesson.id].applied,
        )
        for lesson in mine
    ]
