"""Who has an App Home: one row per person who opened Erfaring's Home tab at least once.

A Home is published again after a change only for the people who have one (bot.home_refresh), so
nobody gets a Home published who never looked. The row also holds the one line the Home shows about
the person's last action there ("The weekly digest now comes every Friday at 14:00"), until they next
open the tab.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime


class HomeView(Base):
    __tablename__ = "home_views"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # What became of the person's last action on the Home (mrkdwn, escaped); None when nothing to say.
    notice: Mapped[str | None] = mapped_column(Text)
    notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
