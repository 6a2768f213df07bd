"""Fixtures of the local-Slack unit tests: a stand-in served over HTTP with a real WebClient."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from localslack.standin import SlackStandIn
from tests.unit.localslack.support import FakeTime, Workspace


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # WebClient takes HTTPS_PROXY from the environment and ignores NO_PROXY, even for 127.0.0.1.
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def ws() -> Iterator[Workspace]:
    clock = FakeTime()
    with SlackStandIn(clock=clock) as standin:
        alice = standin.add_user("alice", "Alice Ås", is_admin=True, title="Engineer")
        bob = standin.add_user("bob", tz="America/New_York")
        bot = standin.bot_user_id
        yield Workspace(
            standin=standin,
            client=WebClient(token="xoxb-local", base_url=standin.api_url),
            clock=clock,
            alice=alice,
            bob=bob,
            general=standin.add_channel("general", members=[alice.id, bob.id]),
            team=standin.add_channel("team", is_private=True, members=[alice.id, bot]),
            secret=standin.add_channel("secret", is_private=True, members=[alice.id]),
            old=standin.add_channel("old", is_archived=True, members=[alice.id, bot]),
        )
