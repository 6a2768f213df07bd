"""Lessons: validate, store, read, list and delete. Plain data in; ORM rows or plain data out; no Slack.

The plain data the views show (bot.lessons.data: LessonCard, ListedLesson) is made here, so views
never see a row.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.core import tags as tagging
from bot.lessons.data import (
    OPTIONAL_MAX,
    TEXT_MAX,
    TEXT_MIN,
    Deletion,
    EditableLesson,
    LessonCard,
    ListedLesson,
    Placement,
    Posting,
    Problem,
)
from bot.lessons.ids import Field as Field  # validation and the modal's block ids share these names
from bot.lessons.ids import ProblemCode
from storage.lessons import queries
from storage.lessons.models import Lesson, LessonTag
from storage.lessons.queries import Counts, VoteTarget
from storage.lessons.visibility import PENDING, VISIBILITIES, Audience

MINE_LIMIT = 20
# A #tag as bot.core.tags reads one: '#' and a letter or digit, not glued to a word, an entity or a link.
_TAG = re.compile(r"(?<![\w&#<])#[^\W_][\w-]*")


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


def has_words(text: str) -> bool:
    """Whether `text` says anything: a letter or digit outside its #tags. Whitespace, control and
    format characters and U+FFFD (what is left of bytes that were not text) say nothing."""
    rest = _TAG.sub(" ", unicodedata.normalize("NFC", text))
    return any(char.isalnum() and unicodedata.category(char)[0] != "C" for char in rest)


def validate(draft: LessonDraft) -> list[Problem]:
    problems: list[Problem] = []
    text = draft.text.strip()
    if not text:
        problems.append(Problem(Field.TEXT, ProblemCode.REQUIRED))
    elif not has_words(text):
        problems.append(Problem(Field.TEXT, ProblemCode.NO_WORDS))
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
    placement: Placement | None = None,
) -> Lesson:
    """Store a valid draft (raises LessonInvalid). Every feature that stores a lesson calls this.

    `placement` (bot.lessons.visibility.place) decides who may find it and the conversation it keeps;
    without one the lesson keeps `channel_id` and waits, visible to its author only, until
    bot.lessons.visibility.settle_pending asks Slack where that is."""
    problems = validate(draft)
    if problems:
        raise LessonInvalid(problems)
    visibility = PENDING
    if placement is not None:
        visibility, channel_id = _checked(placement.visibility), placement.channel_id
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
        visibility=visibility,
        prompt_post_id=draft.prompt_post_id,
        created_at=now,
    )
    lesson.tags = [LessonTag(tag=tag, team_id=team_id) for tag in lesson_tags]
    session.add(lesson)
    session.flush()
    return lesson


def _checked(visibility: str) -> str:
    if visibility not in VISIBILITIES:
        raise ValueError(f"unknown visibility {visibility!r}")
    return visibility


def set_placement(session: Session, team_id: str, lesson_id: int, placement: Placement) -> bool:
    """Give a stored lesson the visibility Slack's answer decided (and drop a DM's id); a PENDING
    placement (Slack could not say) leaves it waiting for settle_pending. False when it is gone."""
    lesson = get_lesson(session, team_id, lesson_id)
    if lesson is None:
        return False
    if placement.visibility != PENDING:
        lesson.visibility = _checked(placement.visibility)
        lesson.channel_id = placement.channel_id
        session.flush()
    return True


def is_author(lesson: Lesson | VoteTarget, secret_key: bytes, team_id: str, user_id: str) -> bool:
    """Whether `user_id` wrote `lesson`, anonymous lessons included (through the keyed hash)."""
    return hmac.compare_digest(lesson.author_hash, author_hash(secret_key, team_id, user_id))


def get_lesson(session: Session, team_id: str, lesson_id: int) -> Lesson | None:
    return queries.lesson(session, team_id, lesson_id)


def vote_target(session: Session, team_id: str, lesson_id: int) -> VoteTarget | None:
    """The lesson as a vote sees it: its author's keyed hash, and where it was posted."""
    return queries.vote_target(session, team_id, lesson_id)


def record_message(session: Session, team_id: str, lesson_id: int, channel_id: str, message_ts: str) -> None:
    """Where the lesson was posted (kept when an earlier post of it is recorded already)."""
    queries.record_post(session, team_id, lesson_id, channel_id, message_ts)


def find_by_message(session: Session, team_id: str, channel_id: str, message_ts: str) -> Lesson | None:
    return queries.lesson_at(session, team_id, channel_id, message_ts)


def lessons_by_author(
    session: Session, team_id: str, user_id: str, secret_key: bytes, limit: int = MINE_LIMIT
) -> list[Lesson]:
    """The person's own lessons, through the one visibility rule: an author always sees their own, so
    their audience needs no private channels (and no Slack call before the answer)."""
    digest = author_hash(secret_key, team_id, user_id)
    return queries.lessons_by_author_hash(
        session, team_id, digest, limit, Audience.person(team_id, digest, frozenset())
    )


class NotFound(LookupError):
    pass


class NotAllowed(PermissionError):
    pass


@dataclass(frozen=True)
class DeletedLesson:
    id: int
    channel_id: str | None
    message_ts: str | None
    text: str = ""
    author_id: str | None = None  # None for an anonymous lesson: nobody can tell its author
    by_author: bool = True


def deletion(
    session: Session, *, team_id: str, lesson_id: int, user_id: str, secret_key: bytes, is_admin: bool
) -> Deletion:
    """What the confirmation step shows before `user_id` deletes the lesson (raises NotFound /
    NotAllowed: only its author or an admin may)."""
    lesson = get_lesson(session, team_id, lesson_id)
    if lesson is None:
        raise NotFound(lesson_id)
    mine = is_author(lesson, secret_key, team_id, user_id)
    if not mine and not is_admin:
        raise NotAllowed(lesson_id)
    author = None if lesson.anonymous else lesson.author_id
    return Deletion(lesson.id, lesson.text, lesson.anonymous, author, by_author=mine)


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
    mine = is_author(lesson, secret_key, team_id, user_id)
    if not is_admin and not mine:
        raise NotAllowed(lesson_id)
    deleted = DeletedLesson(
        lesson.id,
        lesson.channel_id,
        lesson.message_ts,
        text=lesson.text,
        author_id=None if lesson.anonymous else lesson.author_id,
        by_author=mine,
    )
    session.delete(lesson)
    session.flush()
    return deleted


def editable(
    session: Session, *, team_id: str, lesson_id: int, user_id: str, secret_key: bytes
) -> EditableLesson:
    """The lesson as its author's edit form shows it (raises NotFound / NotAllowed: only its author
    may edit it)."""
    lesson = get_lesson(session, team_id, lesson_id)
    if lesson is None:
        raise NotFound(lesson_id)
    if not is_author(lesson, secret_key, team_id, user_id):
        raise NotAllowed(lesson_id)
    return EditableLesson(
        lesson.id, lesson.text, lesson.what_worked, lesson.to_improve, lesson.tags_text.split()
    )


def edit_lesson(
    session: Session, *, team_id: str, lesson_id: int, user_id: str, secret_key: bytes, draft: LessonDraft
) -> Lesson:
    """Its author's new text, fields and tags for a lesson (raises NotFound, NotAllowed, LessonInvalid).
    Whether it is anonymous, where it was shared and who may find it stay as they were."""
    lesson = get_lesson(session, team_id, lesson_id)
    if lesson is None:
        raise NotFound(lesson_id)
    if not is_author(lesson, secret_key, team_id, user_id):
        raise NotAllowed(lesson_id)
    problems = validate(draft)
    if problems:
        raise LessonInvalid(problems)
    lesson_tags = draft.all_tags()
    lesson.text = draft.text.strip()
    lesson.what_worked = (draft.what_worked or "").strip() or None
    lesson.to_improve = (draft.to_improve or "").strip() or None
    lesson.tags_text = " ".join(lesson_tags)
    kept = {tag.tag: tag for tag in lesson.tags}
    lesson.tags = [kept.get(tag) or LessonTag(tag=tag, team_id=team_id) for tag in lesson_tags]
    session.flush()
    return lesson


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
    """Where the lesson was posted; None when it is gone or was never posted (read from the row, not
    from a lesson this session may hold from before its post was recorded)."""
    lesson = queries.vote_target(session, team_id, lesson_id)
    return None if lesson is None else posted_at(lesson)


def posted_at(lesson: VoteTarget) -> Posting | None:
    """Where a lesson read for a vote was posted; None when it never was."""
    if not lesson.channel_id or not lesson.message_ts:
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
            # An anonymous lesson never carries a channel reference, even to its author's eyes.
            channel_id=None if lesson.anonymous else lesson.channel_id,
            useful=counts[lesson.id].useful,
            applied=counts[lesson.id].applied,
            visibility=lesson.visibility,
        )
        for lesson in mine
    ]
