"""Thread replies to a weekly prompt that became lessons: one row per reply, keyed by the reply itself,
so a reply is saved once however often (or however concurrently) its event arrives."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime


class PromptReply(Base):
    __tablename__ = "prompt_replies"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    reply_ts: Mapped[str] = mapped_column(String(32), primary_key=True)  # the person's message
    prompt_post_id: Mapped[int] = mapped_column(Integer)  # ScheduledPost.id of the prompt
    # The lesson made from it; a lesson deleted later leaves the row, so the reply is not saved again.
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
