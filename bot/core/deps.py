"""What listeners and jobs need, built once by app.py and handed to listeners via Bolt's context."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.core.clock import Clock
from bot.core.i18n import Translator
from bot.core.language import Languages
from bot.core.settings import Settings
from bot.core.slack import SlackGateway
from storage.db import Database


@dataclass
class Deps:
    settings: Settings
    db: Database
    clock: Clock
    slack: SlackGateway
    languages: Languages

    @classmethod
    def build(cls, settings: Settings, db: Database, clock: Clock, slack: SlackGateway) -> Deps:
        return cls(settings, db, clock, slack, Languages(db, slack, clock, settings.language))

    # -- transitional: removed once every feature uses `slack` and `languages` -------------------------

    @property
    def client(self) -> WebClient:
        return self.slack.client("")

    def translator_for(self, team_id: str | None, channel_id: str | None = None) -> Translator:
        return self.languages.for_channel(team_id, channel_id)

    def forget_languages(self, team_id: str) -> None:
        self.languages.forget(team_id)
