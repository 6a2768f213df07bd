"""Rows every feature shares: a workspace's and a channel's own settings, and the Slack event ids
already handled."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime


class Workspace(Base):
    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ChannelSetting(Base):
    """A channel's own settings, whatever features it uses: today its language (None: the workspace's)."""

    __tablename__ = "channel_settings"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProcessedEvent(Base):
    """Event IDs already handled, so a retried delivery has its effect once."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class OutboxEffect(Base):
    """A Slack side effect to deliver after the ack, stored in the same transaction as the change that
    asks for it (bot.core.outbox): post this lesson, refresh its counts, send this DM, ...

    `pending_key` coalesces: while one effect with a key waits, another with the same key is not
    stored (a second vote's refresh is the first one's); it is cleared when the effect finishes."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(48))
    payload: Mapped[str] = mapped_column(Text)  # JSON
    channel_key: Mapped[str | None] = mapped_column(String(64))  # paced per conversation
    pending_key: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))  # pending | running | done | failed | dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    result: Mapped[str | None] = mapped_column(Text)  # JSON: what Slack answered (a message's ts, ...)
    last_error: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        UniqueConstraint("pending_key", name="uq_outbox_pending_key"),
        Index("ix_outbox_status_due", "status", "due_at"),
        Index("ix_outbox_channel_status", "channel_key", "status"),
    )


class OutboxPace(Base):
    """When a conversation may get its next message (Slack: about one per second per channel; after a
    429, its Retry-After)."""

    __tablename__ = "outbox_pace"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime())
