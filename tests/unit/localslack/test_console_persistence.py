"""The console's saved workspace: its own SQLite file beside the app's database, never a table of
the app's migrations (0011 drops the one 0004 used to make)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from bot.core.clock import Clock
from localslack.clock import FakeClock
from localslack.console import persistence
from localslack.console.persistence import ConsoleStore, SavedConsole, state_url_for
from localslack.standin import SlackStandIn
from localslack.workspace import seed
from storage.db import Database
from storage.migrate import alembic_config, current_revisions, head_revisions, upgrade
from storage.schema import Base

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("app_url", "state_url"),
    [
        ("sqlite:///erfaring-console.db", "sqlite:///erfaring-console.slack.db"),
        ("sqlite:////srv/demo/app.db", "sqlite:////srv/demo/app.slack.db"),
        ("sqlite:///data/console", "sqlite:///data/console.slack.db"),
        ("sqlite://", "sqlite://"),
        ("sqlite:///:memory:", "sqlite://"),
        ("postgresql+psycopg://me:secret@db.example/erfaring", persistence.DEFAULT_STATE_URL),
    ],
)
def test_the_state_lives_beside_the_apps_database(app_url: str, state_url: str) -> None:
    assert state_url_for(app_url) == state_url


def test_the_console_store_makes_its_table_and_keeps_one_row_per_workspace(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'console.slack.db'}"
    clock: Clock = FakeClock(NOW)
    store = ConsoleStore(url)
    try:
        assert store.load("T1") is None
        store.save("T1", SavedConsole("U1", "C1", timedelta(hours=2)), clock)
        store.save("T1", SavedConsole("U2", "C2", timedelta(days=3)), clock)
    finally:
        store.close()
    again = ConsoleStore(url)  # a new process: the file and its table are there
    try:
        loaded = again.load("T1")
        assert loaded is not None and (loaded.user_id, loaded.clock_offset) == ("U2", timedelta(days=3))
    finally:
        again.close()


def test_a_captured_workspace_is_restored_with_its_ids_and_timestamps() -> None:
    clock = FakeClock(NOW)
    with SlackStandIn(clock=lambda: clock.now().timestamp()) as first:
        ids = seed(first)
        message = first.user_post_message(ids["kari"], ids["#general"], "Hei &amp; velkommen <@UBOT>")
        first.user_add_reaction(ids["ola"], ids["#general"], message.ts, "wave")
        dm = first.im_channel(ids["ola"])
        first.set_locale(ids["ola"], "nb-NO")
        saved = persistence.from_json(
            persistence.to_json(persistence.capture(first, ids["kari"], ids["#general"], timedelta(0)))
        )
    assert saved is not None
    with SlackStandIn(clock=lambda: clock.now().timestamp()) as second:
        assert persistence.restore(second, saved) == ids
        [restored] = second.messages(ids["#general"])
        assert (restored.ts, restored.text, restored.reactions) == (
            message.ts,
            message.text,
            {"wave": [ids["ola"]]},
        )
        assert second.im_channel(ids["ola"]) == dm and second.user(ids["ola"]).locale == "nb-NO"
        # New ids and timestamps come after the restored ones.
        newer = second.user_post_message(ids["ola"], ids["#general"], "later")
        assert newer.ts > message.ts and second.add_user("nils").id not in ids.values()


def test_migration_0011_drops_console_state_from_the_apps_database(db: Database) -> None:
    with db.engine.connect() as conn:
        assert not inspect(conn).has_table("console_state")
    try:
        command.downgrade(alembic_config(db.engine), "0010")
        with db.engine.begin() as conn:
            assert inspect(conn).has_table("console_state")  # as 0004 made it
            conn.execute(
                text("INSERT INTO console_state (team_id, state, saved_at) VALUES ('T1', '{}', :at)"),
                {"at": NOW},
            )
    finally:
        upgrade(db.engine)
    with db.engine.connect() as conn:
        assert not inspect(conn).has_table("console_state")
    assert current_revisions(db.engine) == head_revisions(db.engine)
    assert "console_state" not in Base.metadata.tables


def test_migration_0011_is_harmless_where_the_table_is_already_gone(db: Database) -> None:
    try:
        command.downgrade(alembic_config(db.engine), "0010")
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE console_state"))
    finally:
        upgrade(db.engine)
    assert current_revisions(db.engine) == head_revisions(db.engine)
