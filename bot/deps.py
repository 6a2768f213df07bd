"""What listeners and jobs need, built once by app.py and handed to listeners via Bolt's context."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.clock import Clock
from bot.i18n import Translator, translator
from bot.settings import Settings
from bot.workspaces import language_for
from storage.db import Database


@dataclass
class Deps:
    settings: Settings
    db: Database
    clock: Clock
    client: WebClient

    def translator_for(self, team_id: str | None) -> Translator:
        if not team_id:
            return translator(self.settings.language)
        with self.db.read_session() as session:
            return translator(language_for(session, team_id, self.settings.language))
