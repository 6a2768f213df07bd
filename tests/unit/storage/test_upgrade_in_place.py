"""A database made by Erfaring 0.1 (the five migration heads before the one chain) upgrades in place
and loses nothing: lessons, votes, tags, subscriptions and their languages, mentoring rows, prompts.
Text stored in Slack's wire format comes out as typed, and search still finds it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import inspect, text

from storage.db import Database
from storage.lessons.search import search_lesson_ids
from storage.migrate import alembic_config, current_revisions, head_revisions

OLD_HEADS = ("0003", "0004", "0005", "0006", "0007")
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL.startswith("postgresql") else [])
THEN = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def old_db(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Database]:
    """An empty database at 0.1's five heads, on each backend."""
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path}/old.db")  # type: ignore[str-bytes-safe]
        admin = None
        schema = None
    else:
        schema = f"erfaring_upgrade_{os.getpid()}"
        admin = Database(PG_URL)
        with admin.engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        separator = "&" if "?" in PG_URL else "?"
        database = Database(f"{PG_URL}{separator}options=-csearch_path%3D{schema}")
    config = alembic_config(database.engine)
    for head in OLD_HEADS:
        command.upgrade(config, head)
    yield database
    database.dispose()
    if admin is not None:
        with admin.engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def _fill(database: Database) -> None:
    """Rows as Erfaring 0.1 wrote them (raw SQL: today's models no longer match that schema)."""
    rows = {
        "workspaces": [{"team_id": "T1", "language": "en", "timezone": None, "created_at": THEN}],
        "lessons": [
            {
                "id": 1,
                "team_id": "T1",
                "author_id": "U1",
                "author_hash": "h1",
                "anonymous": False,
                "text": "x &lt; y &amp;&amp; y &gt; z, ask <@U2|kari> in <#C9|team-x> #math",
                "what_worked": "pairing &amp; tests",
                "to_improve": None,
                "tags_text": "math",
                "source_link": None,
                "channel_id": "C1",
                "message_ts": "1.000001",
                "prompt_post_id": None,
                "created_at": THEN,
            },
            {
                "id": 2,
                "team_id": "T1",
                "author_id": None,
                "author_hash": "h2",
                "anonymous": True,
                "text": "Typed in the form: plain text stays as it is",
                "what_worked": None,
                "to_improve": None,
                "tags_text": "",
                "source_link": None,
                "channel_id": "C1",
                "message_ts": None,
                "prompt_post_id": None,
                "created_at": THEN,
            },
        ],
        "lesson_tags": [{"lesson_id": 1, "tag": "math", "team_id": "T1"}],
        "votes": [
            {
                "id": 1,
                "team_id": "T1",
                "lesson_id": 1,
                "user_id": "U3",
                "kind": "useful",
                "active": True,
                "changed_at": THEN,
            },
        ],
        "subscriptions": [
            {
                "id": 1,
                "team_id": "T1",
                "channel_id": "C1",
                "active": True,
                "prompt_weekday": 0,
                "prompt_time": "09:00",
                "digest_weekday": 4,
                "digest_time": "14:00",
                "timezone": "Europe/Oslo",
                "language": "nb",
                "holiday_country": "NO",
                "paused_until": None,
                "last_error": None,
                "created_by": "U1",
                "created_at": THEN,
                "updated_at": THEN,
            },
            {
                "id": 2,
                "team_id": "T1",
                "channel_id": "C2",
                "active": True,
                "prompt_weekday": 0,
                "prompt_time": "09:00",
                "digest_weekday": 4,
                "digest_time": "14:00",
                "timezone": None,
                "language": None,
                "holiday_country": None,
                "paused_until": None,
                "last_error": None,
                "created_by": "U1",
                "created_at": THEN,
                "updated_at": THEN,
            },
        ],
        "custom_prompts": [
            {
                "id": 1,
                "team_id": "T1",
                "language": "en",
                "text": "What did Q&amp;A &lt;teach&gt; you?",
                "created_by": "U1",
                "created_at": THEN,
                "removed": False,
            },
        ],
        "mentor_requests": [
            {
                "id": 1,
                "team_id": "T1",
                "requester_id": "U4",
                "requester_unit": None,
                "topic": "testing",
                "note": "tests &amp; more",
                "status": "waiting",
                "open_key": "T1:U4:testing",
                "created_at": THEN,
                "updated_at": THEN,
                "closed_at": None,
            },
        ],
        "console_state": [{"team_id": "T0LOCAL", "state": "{}", "saved_at": THEN}],
    }
    with database.engine.begin() as conn:
        for table, values in rows.items():
            for row in values:
                columns = ", ".join(row)
                params = ", ".join(f":{name}" for name in row)
                conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({params})"), row)
        if database.is_postgresql:  # explicit ids leave the sequences behind
            for table in ("lessons", "votes", "subscriptions", "custom_prompts", "mentor_requests"):
                conn.execute(text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))


def test_a_database_of_0_1_upgrades_in_place_and_loses_nothing(old_db: Database) -> None:
    _fill(old_db)
    command.upgrade(alembic_config(old_db.engine), "head")
    assert current_revisions(old_db.engine) == head_revisions(old_db.engine)
    with old_db.engine.connect() as conn:
        one = lambda sql: conn.execute(text(sql)).one()  # noqa: E731
        lesson = one("SELECT text, what_worked, tags_text, author_id, channel_id FROM lessons WHERE id = 1")
        assert lesson == (
            "x < y && y > z, ask @kari in #team-x #math",
            "pairing & tests",
            "math",
            "U1",
            "C1",
        )
        assert one("SELECT text, anonymous, author_id FROM lessons WHERE id = 2") == (
            "Typed in the form: plain text stays as it is",
            True,
            None,
        )
        assert one("SELECT count(*) FROM votes WHERE lesson_id = 1 AND active = true")[0] == 1
        assert one("SELECT tag FROM lesson_tags WHERE lesson_id = 1") == ("math",)
        assert one("SELECT text FROM custom_prompts WHERE id = 1") == ("What did Q&A <teach> you?",)
        assert one("SELECT note, status FROM mentor_requests WHERE id = 1") == ("tests & more", "waiting")
        # The channel's language left the subscription for channel_settings; the rest stayed.
        settings = conn.execute(
            text("SELECT channel_id, language FROM channel_settings ORDER BY channel_id")
        ).all()
        assert [tuple(row) for row in settings] == [("C1", "nb")]
        sub = one("SELECT timezone, holiday_country, prompt_time FROM subscriptions WHERE id = 1")
        assert sub == ("Europe/Oslo", "NO", "09:00")
        assert one("SELECT count(*) FROM subscriptions")[0] == 2
        # The console's saved workspace left the app's database for a file of its own (0011).
        assert not inspect(conn).has_table("console_state")
    with old_db.session() as session:
        found = search_lesson_ids(session, "T1", ["pairing"])
    assert [lesson_id for lesson_id, _ in found] == [1], "the search index follows the decoded text"
    # New rows get new ids (PostgreSQL's sequences were carried along).
    with old_db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO lessons (team_id, author_hash, anonymous, text, tags_text, created_at) "
                "VALUES ('T1', 'h3', false, 'after the upgrade', '', :now)"
            ),
            {"now": THEN},
        )
        assert conn.execute(text("SELECT max(id) FROM lessons")).scalar() == 3
