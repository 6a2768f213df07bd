"""What listeners and jobs need, built once by app.py and handed to listeners via Bolt's context."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from slack_sdk import WebClient

from bot.clock import Clock
from bot.i18n import Translator, translator
from bot.rhythm.subscriptions import channel_language
from bot.settings import Settings
from bot.workspaces import language_for
from storage.db import Database

LANGUAGE_CACHE_SECONDS = 30.0


@dataclass
class Deps:
    settings: Settings
    db: Database
    clock: Clock
    client: WebClient
    # Languages looked up lately, so a command's ack does not wait for two SELECTs (bench/ack_bench.py).
    _languages: dict[tuple[str, str | None], tuple[float, str]] = field(default_factory=dict, repr=False)
    _languages_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def translator_for(self, team_id: str | None, channel_id: str | None = None) -> Translator:
        """The channel's language when it has one of its own, else the workspace's, else the default."""
        if not team_id:
            return translator(self.settings.language)
        key = (team_id, channel_id)
        now = time.monotonic()
        with self._languages_lock:
            cached = self._languages.get(key)
        if cached is not None and now - cached[0] < LANGUAGE_CACHE_SECONDS:
            return translator(cached[1])
        with self.db.read_session() as session:
            if channel_id:
                language = channel_language(session, team_id, channel_id, self.settings.language)
            else:
                language = language_for(session, team_id, self.settings.language)
        with self._languages_lock:
            self._languages[key] = (now, language)
        return translator(language)

    def forget_languages(self, team_id: str) -> None:
        """After a language change: this process answers in the new language at once (other
        replicas within LANGUAGE_CACHE_SECONDS)."""
        with self._languages_lock:
            for key in [key for key in self._languages if key[0] == team_id]:
                del self._languages[key]
