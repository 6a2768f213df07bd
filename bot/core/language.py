"""The one language resolver. English and Norwegian Bokmål.

- A reply only one person sees (ephemeral, DM, modal, App Home) is in that person's Slack language
  where Slack tells it (users.info's locale), else the channel's, else the workspace's.
- A channel post is in the channel's language: its own, else the workspace's.
- A workspace speaks its own language, else the deployment's default (ERFARING_LANGUAGE).

Languages looked up lately are remembered for a few seconds, so an ack does not wait for SELECTs
(bench/ack_bench.py); a change made here is seen at once by this process, by other replicas within
CACHE_SECONDS.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime

from bot.core.clock import Clock
from bot.core.i18n import Translator, translator
from bot.core.settings import LANGUAGES
from bot.core.slack import SlackGateway
from storage.core import queries
from storage.db import Database

CACHE_SECONDS = 30.0
CACHE_MAX = 10_000

# Slack locales (users.info include_locale) to our languages: Norwegian in any form reads Bokmål.
_LOCALE_LANGUAGES = {"nb": "nb", "no": "nb", "nn": "nb", "en": "en"}


def language_of_locale(locale: str | None) -> str | None:
    """'nb-NO' → 'nb', 'en-GB' → 'en'; a locale we have no language for → None."""
    if not locale:
        return None
    return _LOCALE_LANGUAGES.get(locale.replace("_", "-").split("-", 1)[0].casefold())


class Languages:
    def __init__(
        self,
        db: Database,
        slack: SlackGateway,
        clock: Clock,
        default: str,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._db = db
        self._slack = slack
        self._clock = clock
        self.default = default if default in LANGUAGES else "en"
        self._monotonic = monotonic
        self._cache: dict[tuple[str, str | None], tuple[float, str | None]] = {}
        self._lock = threading.Lock()

    # -- reading ------------------------------------------------------------------------------------

    def _remembered(self, key: tuple[str, str | None], load: Callable[[], str | None]) -> str | None:
        now = self._monotonic()
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None and now - cached[0] < CACHE_SECONDS:
            return cached[1]
        value = load()
        with self._lock:
            if len(self._cache) >= CACHE_MAX:
                self._cache.clear()
            self._cache[key] = (now, value)
        return value

    def _own_workspace(self, team_id: str) -> str | None:
        def load() -> str | None:
            with self._db.read_session() as session:
                found = queries.workspace_language(session, team_id)
            return found if found in LANGUAGES else None

        return self._remembered((team_id, None), load)

    def _own_channel(self, team_id: str, channel_id: str) -> str | None:
        def load() -> str | None:
            with self._db.read_session() as session:
                found = queries.channel_language(session, team_id, channel_id)
            return found if found in LANGUAGES else None

        return self._remembered((team_id, channel_id), load)

    def workspace(self, team_id: str | None) -> str:
        return (self._own_workspace(team_id) if team_id else None) or self.default

    def channel(self, team_id: str | None, channel_id: str | None) -> str:
        """A channel's language: its own, else the workspace's."""
        if team_id and channel_id:
            own = self._own_channel(team_id, channel_id)
            if own:
                return own
        return self.workspace(team_id)

    def channel_own(self, team_id: str, channel_id: str) -> str | None:
        """Only the channel's own language (None: it speaks the workspace's)."""
        return self._own_channel(team_id, channel_id)

    def person(self, team_id: str | None, user_id: str | None, channel_id: str | None = None) -> str:
        """A person's Slack language when Slack tells it, else the channel's, else the workspace's."""
        if team_id and user_id:
            info = self._slack.user_info(team_id, user_id, quick=True)
            spoken = language_of_locale(info.locale if info else None)
            if spoken:
                return spoken
        return self.channel(team_id, channel_id)

    def for_person(
        self, team_id: str | None, user_id: str | None, channel_id: str | None = None
    ) -> Translator:
        return translator(self.person(team_id, user_id, channel_id))

    def for_channel(self, team_id: str | None, channel_id: str | None) -> Translator:
        return translator(self.channel(team_id, channel_id))

    def for_workspace(self, team_id: str | None) -> Translator:
        return translator(self.workspace(team_id))

    # -- changing -----------------------------------------------------------------------------------

    def set_channel(
        self, team_id: str, channel_id: str, language: str | None, now: datetime | None = None
    ) -> None:
        if language is not None and language not in LANGUAGES:
            raise ValueError(language)
        with self._db.session() as session:
            queries.set_channel_language(session, team_id, channel_id, language, now or self._clock.now())
        self.forget(team_id)

    def set_workspace(self, team_id: str, language: str, now: datetime | None = None) -> None:
        if language not in LANGUAGES:
            raise ValueError(language)
        with self._db.session() as session:
            queries.set_workspace_language(session, team_id, language, now or self._clock.now())
        self.forget(team_id)

    def forget(self, team_id: str) -> None:
        """This process answers in a changed language at once (other replicas within CACHE_SECONDS)."""
        with self._lock:
            for key in [key for key in self._cache if key[0] == team_id]:
                del self._cache[key]
