"""The terminal console's own state: its stand-in workspace (people, channels, messages), who is
typing where, and how far `:wait` has moved the clock. One row per console workspace."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime


class ConsoleState(Base):
    __tablename__ = "console_state"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # JSON written and read by localslack.console.persistence; only the console ever reads it.
    state: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())
