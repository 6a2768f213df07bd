"""What listeners and jobs need, built once by app.py and handed to listeners via Bolt's context."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.clock import Clock
from bot.i18n import Translator, translator
from bot.rhythm.subscriptions import channel_language
from bot.settings import Settings
from bot.workspaces import language_for
from storage.db import Database


@dataclass
class Deps:
    settings: Settings
    db: Database
    clock: Clock
    client: WebClient

    def translator_for(self, team_id: str | None, channel_id: str | None = None) -> Translator:
        """The channel's language when it has one of its own, else the workspace's, else the default."""
        if not team_id:
            return translator(self.settings.language)
        with self.db.read_session() as session:
            if channel_id:
                return translator(channel_language(session, team_id, channel_id, self.settings.language))
            return translator(language_for(session, team_id, self.settings.language))
