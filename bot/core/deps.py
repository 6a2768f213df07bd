"""What listeners and jobs need, built once by app.py and handed to listeners via Bolt's context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.core.clock import Clock
from bot.core.language import Languages
from bot.core.outbox import Outbox
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
    outbox: Outbox = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.outbox = Outbox(self, lease=timedelta(seconds=self.settings.outbox_lease_seconds))

    @classmethod
    def build(cls, settings: Settings, db: Database, clock: Clock, slack: SlackGateway) -> Deps:
        return cls(settings, db, clock, slack, Languages(db, slack, clock, settings.language))
