"""bot.home_refresh on every backend: a refresh is stored only for people who have a Home, one waiting
per person however many changes ask, paced per person, and delivered as nothing to do when no Home is
loaded."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot import home_refresh
from bot.core.deps import Deps
from bot.core.settings import Settings
from bot.core.slack import SlackGateway
from localslack.clock import FakeClock
from storage.core.models import OutboxEffect
from storage.db import Database
from storage.home import queries

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def deps(db: Database) -> Deps:
    settings = Settings(bot_token="xoxb-test", signing_secret="s")
    return Deps.build(settings, db, FakeClock(NOW), SlackGateway(None))  # type: ignore[arg-type]


def stored(deps: Deps) -> list[tuple[str, str | None, str | None, str]]:
    with deps.db.read_session() as session:
        rows = session.scalars(select(OutboxEffect).where(OutboxEffect.kind == home_refresh.KIND)).all()
        return [(json.loads(r.payload)["user"], r.channel_key, r.pending_key, r.status) for r in rows]


def test_only_people_with_a_home_get_a_refresh_and_one_waits_per_person(deps: Deps) -> None:
    assert home_refresh.refresh(deps, "T1", "U1", "U2") == 0
    with deps.db.session() as session:
        queries.opened(session, "T1", "U1", NOW)
    assert home_refresh.refresh(deps, "T1", "U1", "U2", None, "U1") == 1
    assert home_refresh.refresh(deps, "T1", "U1") == 1, "coalesced with the one waiting"
    assert home_refresh.refresh(deps, "T2", "U1") == 0, "another workspace's U1 has no Home"
    assert stored(deps) == [("U1", "home:U1", "T1:home:U1", "pending")]


def test_a_refresh_is_stored_in_the_callers_transaction(deps: Deps) -> None:
    with deps.db.session() as session:
        queries.opened(session, "T1", "U1", NOW)
    try:
        with deps.db.session() as session:
            home_refresh.refresh(deps, "T1", "U1", session=session)
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    assert stored(deps) == []


def test_without_a_publisher_a_refresh_is_delivered_as_nothing_to_do(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(home_refresh, "_publishers", [])
    with deps.db.session() as session:
        queries.opened(session, "T1", "U1", NOW)
        home_refresh.refresh(deps, "T1", "U1", session=session)
    assert deps.outbox.drain() == 1
    assert [status for *_, status in stored(deps)] == ["done"]


def test_a_registered_publisher_publishes(deps: Deps, monkeypatch: pytest.MonkeyPatch) -> None:
    published: list[tuple[str, str]] = []
    monkeypatch.setattr(home_refresh, "_publishers", [])
    home_refresh.publishes(lambda d, team, user: published.append((team, user)))
    with deps.db.session() as session:
        queries.opened(session, "T1", "U1", NOW)
        home_refresh.refresh(deps, "T1", "U1", session=session)
    deps.outbox.drain()
    assert published == [("T1", "U1")]
