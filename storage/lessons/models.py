"""Lessons, their tags and the votes on them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, UTCDateTime
from storage.lessons import search_index


class Lesson(Base):
    __tablename__ = "lessons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    # Named authors only; anonymous lessons keep nothing but the keyed hash below.
    author_id: Mapped[str | None] = mapped_column(String(32))
    # HMAC(server secret, team:user): lets an author find and delete their own anonymous lessons.
    author_hash: Mapped[str] = mapped_column(String(64))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text)
    what_worked: Mapped[str | None] = mapped_column(Text)
    to_improve: Mapped[str | None] = mapped_column(Text)
    tags_text: Mapped[str] = mapped_column(Text, default="")
    source_link: Mapped[str | None] = mapped_column(Text)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    # Who may find the lesson (storage.lessons.visibility): decided where it was shared, never inferred later.
    visibility: Mapped[str] = mapped_column(String(16), default="pending")
    prompt_post_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # What search finds the lesson by (storage.lessons.stemming): words, their ASCII folds and stems,
    # written on every insert and on every change of the searched fields (storage.lessons.search_index).
    # Deferred: only search reads them (in SQL), and they are the widest columns of the row (~3 kB),
    # which every load of a lesson (a post, a vote, a refresh) would otherwise fetch.
    search_body: Mapped[str] = mapped_column(Text, default=search_index.body_default, deferred=True)
    search_tags: Mapped[str] = mapped_column(Text, default=search_index.tags_default, deferred=True)
    search_tails: Mapped[str] = mapped_column(Text, default=search_index.tails_default, deferred=True)

    tags: Mapped[list[LessonTag]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )

    __table_args__ = (
        Index("ix_lessons_team_created", "team_id", "created_at"),
        Index("ix_lessons_team_author", "team_id", "author_hash"),
        Index("ix_lessons_message", "team_id", "channel_id", "message_ts"),
        Index("ix_lessons_team_visibility", "team_id", "visibility", "channel_id"),
        Index("ix_lessons_team_id", "team_id", "id"),  # search: migration 0007
        # Search: who may see a full-text match, by id, without the wide row (migration 0013).
        Index(
            "ix_lessons_search_scope",
            "id",
            "team_id",
            "visibility",
            "channel_id",
            "author_hash",
            "created_at",
        ),
    )


class LessonTag(Base):
    __tablename__ = "lesson_tags"

    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(80), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))

    lesson: Mapped[Lesson] = relationship(back_populates="tags")

    __table_args__ = (Index("ix_lesson_tags_team_tag", "team_id", "tag"),)


class Vote(Base):
    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # "useful" | "applied"
    # A vote taken back stays as an inactive row, so a double click inside the debounce window is ignored.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("lesson_id", "user_id", "kind", name="uq_votes_lesson_user_kind"),
        Index("ix_votes_team_changed", "team_id", "changed_at"),
    )


search_index.keep_current(Lesson)


# The weekly digest reads a channel's lessons of a week and, for its 8-week trend, joins votes to the
# channel's lesson ids: (team, channel, created_at) ranges, and `id` so PostgreSQL can answer the join
# from the index alone (migration 0005).
Index(
    "ix_lessons_team_channel_created",
    Lesson.team_id,
    Lesson.channel_id,
    Lesson.created_at,
    Lesson.id,
)
