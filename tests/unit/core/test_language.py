"""bot.core.language: the one language rule (person, then channel, then workspace, then default)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.language import Languages, language_of_locale
from bot.core.slack import UserInfo
from localslack.clock import FakeClock
from storage.db import Database

T1, C1, C2 = "T1", "C1", "C2"
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


class People:
    """A stand-in for SlackGateway.user_info: each person's Slack locale, or none known."""

    def __init__(self, locales: dict[str, str | None]) -> None:
        self.locales = locales
        self.asked: list[str] = []

    def user_info(
        self, team_id: str, user_id: str, *, fresh: bool = False, quick: bool = False
    ) -> UserInfo | None:
        self.asked.append(user_id)
        if user_id not in self.locales:
            return None
        return UserInfo(user_id, False, False, None, "", self.locales[user_id], user_id)


class Ticker:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def languages(db: Database, people: People, default: str = "en", ticker: Ticker | None = None) -> Languages:
    return Languages(db, people, FakeClock(NOW), default, monotonic=ticker or Ticker())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("nb-NO", "nb"),
        ("no", "nb"),
        ("nn_NO", "nb"),
        ("en-US", "en"),
        ("EN-gb", "en"),
        ("sv-SE", None),
        ("", None),
        (None, None),
    ],
)
def test_slack_locales_map_to_our_languages(locale: str | None, language: str | None) -> None:
    assert language_of_locale(locale) == language


def test_a_channel_speaks_its_own_language_else_the_workspaces_else_the_default(db: Database) -> None:
    langs = languages(db, People({}), default="en")
    assert (langs.workspace(T1), langs.channel(T1, C1)) == ("en", "en")
    langs.set_workspace(T1, "nb")
    assert (langs.workspace(T1), langs.channel(T1, C1), langs.channel_own(T1, C1)) == ("nb", "nb", None)
    langs.set_channel(T1, C1, "en")
    assert (langs.channel(T1, C1), langs.channel(T1, C2), langs.channel_own(T1, C1)) == ("en", "nb", "en")
    langs.set_channel(T1, C1, None)
    assert langs.channel(T1, C1) == "nb", "a channel can go back to the workspace's language"
    assert langs.channel(None, None) == "en", "no workspace known: the deployment's default"
    with pytest.raises(ValueError):
        langs.set_channel(T1, C1, "sv")


def test_a_person_is_answered_in_their_slack_language_else_the_channels(db: Database) -> None:
    people = People({"UNB": "nb-NO", "UEN": "en-GB", "USV": "sv-SE"})
    langs = languages(db, people)
    langs.set_channel(T1, C1, "nb")
    assert langs.person(T1, "UNB") == "nb"
    assert langs.person(T1, "UEN", C1) == "en", "the person's language wins over the channel's"
    assert langs.person(T1, "USV", C1) == "nb", "a locale we do not speak: the channel's"
    assert langs.person(T1, "UNKNOWN", C1) == "nb", "Slack cannot say: the channel's"
    assert langs.person(T1, "UNKNOWN") == "en", "no channel: the workspace's"
    assert langs.for_person(T1, "UNB").language == "nb"


def test_what_was_read_is_remembered_briefly_and_a_change_here_is_seen_at_once(db: Database) -> None:
    from storage.core.queries import set_channel_language

    ticker = Ticker()
    langs = languages(db, People({}), ticker=ticker)
    assert langs.channel(T1, C1) == "en"
    with db.session() as session:  # another replica changes it
        set_channel_language(session, T1, C1, "nb", NOW)
    assert langs.channel(T1, C1) == "en", "remembered"
    ticker.now += 31
    assert langs.channel(T1, C1) == "nb", "forgotten after CACHE_SECONDS"
    langs.set_channel(T1, C1, "en")
    assert langs.channel(T1, C1) == "en", "a change made here is seen at once"
