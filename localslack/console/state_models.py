"""The terminal console's own table, in the console's own database file (never in the app's
migrations or in a production database): its stand-in workspace (people, channels, messages), who
is typing where, and how far `:wait` has moved the clock. One row per console workspace."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.base import NAMING, UTCDateTime


class ConsoleBase(DeclarativeBase):
    """The console's metadata: created with create_all in its own SQLite file (see persistence)."""

    metadata = MetaData(naming_convention=NAMING)


class ConsoleState(ConsoleBase):
    __tablename__ = "console_state"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # JSON written and read by localslack.console.persistence; only the console ever reads it.
    state: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())
