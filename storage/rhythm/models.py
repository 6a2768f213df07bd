"""The weekly rhythm: channel subscriptions, custom prompts, prompt rotation and post claims."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime


class Subscription(Base):
    """A channel that gets the weekly prompt and digest. Times are wall-clock in `timezone`."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    prompt_weekday: Mapped[int] = mapped_column(Integer, default=0)  # Monday = 0, as datetime.weekday()
    prompt_time: Mapped[str] = mapped_column(String(5), default="09:00")  # "HH:MM"
    digest_weekday: Mapped[int] = mapped_column(Integer, default=4)
    digest_time: Mapped[str] = mapped_column(String(5), default="14:00")
    timezone: Mapped[str | None] = mapped_column(String(64))  # None: the workspace's, then the default
    holiday_country: Mapped[str | None] = mapped_column(String(8), default="NO")  # None: holidays off
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Why the last post failed (channel_not_found, is_archived, ...), shown to admins.
    last_error: Mapped[str | None] = mapped_column(String(120))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("team_id", "channel_id", name="uq_subscriptions_team_channel"),)


class CustomPrompt(Base):
    """A workspace's own prompt question, used beside the built-in library."""

    __tablename__ = "custom_prompts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    removed: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_custom_prompts_team_language", "team_id", "language"),)


class ScheduledPost(Base):
    """One (workspace, channel, kind, week) post. The unique key is the claim: whoever inserts the
    row posts; everyone else (a restart, another replica, a retry) sees it and does nothing."""

    __tablename__ = "scheduled_posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # "prompt" | "digest"
    week: Mapped[str] = mapped_column(String(10))  # ISO week in the channel's zone, "2026-W10"
    status: Mapped[str] = mapped_column(String(16))  # claimed | posted | failed | skipped
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_ts: Mapped[str | None] = mapped_column(String(32))
    prompt_key: Mapped[str | None] = mapped_column(String(64))  # which prompt: "builtin:en:3", "custom:12"
    detail: Mapped[str | None] = mapped_column(String(200))  # error code or why it was skipped

    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "kind", "week", name="uq_scheduled_posts_slot"),
        Index("ix_scheduled_posts_message", "team_id", "channel_id", "message_ts"),
    )


class PromptReply(Base):
    """A thread reply to a weekly prompt that became a lesson: one row per reply, keyed by the reply
    itself, so a reply is saved once however often (or however concurrently) its event arrives."""

    __tablename__ = "prompt_replies"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    reply_ts: Mapped[str] = mapped_column(String(32), primary_key=True)  # the person's message
    prompt_post_id: Mapped[int] = mapped_column(Integer)  # ScheduledPost.id of the prompt
    # The lesson made from it; a lesson deleted later leaves the row, so the reply is not saved again.
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
