"""Who the leaders are (stored and ERFARING_LEADERS), and finding "@name" among the workspace's people."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.insights import leaders
from bot.insights.data import LeaderEntry, Person
from storage.db import Database
from storage.insights import queries
from storage.insights.models import Leader, ReportClaim

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
TEAM = "T0LEAD"
PEOPLE = [
    Person("U0KARI", "kari", "Kari", "Kari Nordmann"),
    Person("U0OLA", "ola", "", "Ola Hansen"),
    Person("U0OLA2", "ola.h", "Ola", "Ola Holm"),
    Person("U0BOT", "helper", "Helper", "Helper", is_bot=True),
    Person("U0GONE", "gone", "Gone", "Gone Away", deleted=True),
]
DIRECTORY = leaders.Directory(PEOPLE)


def ids(found: leaders.Found) -> list[str]:
    return [p.id for p in found.people]


def test_names_are_found_by_id_handle_display_name_and_real_name() -> None:
    assert ids(DIRECTORY.find("@kari")) == ["U0KARI"]
    assert ids(DIRECTORY.find("@KARI")) == ["U0KARI"]
    assert ids(DIRECTORY.find("@U0OLA2")) == ["U0OLA2"]
    assert ids(DIRECTORY.find("@Kari Nordmann")) == ["U0KARI"], "a whole name with a space"
    assert ids(DIRECTORY.find("@ola")) == ["U0OLA"], "a handle beats someone's display name"
    assert ids(DIRECTORY.find("@kari @ola.h, @kari")) == ["U0KARI", "U0OLA2"]


def test_unknown_and_ambiguous_names_are_reported() -> None:
    both = leaders.Directory(
        [
            *PEOPLE,
            Person("U0ANNE", "anne.b", "Anne", "Anne Berg"),
            Person("U0ANNE2", "anne.l", "Anne", "Anne Li"),
        ]
    )
    found = both.find("@Anne @nobody")
    assert found.people == [] and found.ambiguous == ["Anne"] and found.unknown == ["nobody"]
    assert ids(both.find("@anne.l")) == ["U0ANNE2"], "the handle is exact"
    assert ids(both.find("@Kari")) == ["U0KARI"], "a handle beats another's display name"


def test_leaders_are_stored_ones_then_configured_ones(db: Database) -> None:
    with db.session() as session:
        change = leaders.add_found(
            session, TEAM, DIRECTORY.find("@kari @ola @helper @gone @nobody"), "U0ADMIN", NOW
        )
    assert change.added == ["U0KARI", "U0OLA"]
    assert change.not_people == ["U0BOT", "U0GONE"] and change.unknown == ["nobody"]
    with db.session() as session:
        again = leaders.add_found(session, TEAM, DIRECTORY.find("@kari"), "U0ADMIN", NOW)
        entries = leaders.leaders_of(session, TEAM, frozenset({"U0OLA", "U0CONF"}))
        others = leaders.leaders_of(session, "T0ELSE", frozenset())
    assert again.added == [] and again.unchanged == ["U0KARI"]
    assert entries == [
        LeaderEntry("U0KARI", stored=True, configured=False),
        LeaderEntry("U0OLA", stored=True, configured=True),
        LeaderEntry("U0CONF", stored=False, configured=True),
    ]
    assert others == []


def test_removing_leaders(db: Database) -> None:
    with db.session() as session:
        leaders.add(session, TEAM, ["U0KARI", "U0LEFT"], "U0ADMIN", NOW)
    configured = frozenset({"U0CONF"})
    with db.session() as session:
        # U0LEFT is no longer in Slack's list, but a stored leader can be removed by id.
        change = leaders.remove_found(session, TEAM, DIRECTORY.find("@kari @U0LEFT @ola @U0CONF"), configured)
    assert sorted(change.removed) == ["U0KARI", "U0LEFT"]
    assert change.unchanged == ["U0OLA"], "not a leader: nothing to remove"
    assert change.unknown == ["U0CONF"] and change.configured == []
    with db.session() as session:
        leaders.add(session, TEAM, ["U0KARI"], "U0ADMIN", NOW)
        both = leaders.remove_found(session, TEAM, DIRECTORY.find("@kari"), frozenset({"U0KARI"}))
        assert both.removed == ["U0KARI"] and both.configured == ["U0KARI"]
        assert leaders.leader_ids(session, TEAM, frozenset()) == []


def test_an_erased_person_leaves_no_trace_in_insights(db: Database) -> None:
    with db.session() as session:
        leaders.add(session, TEAM, ["U0KARI"], "U0ADMIN", NOW)
        leaders.add(session, TEAM, ["U0OLA"], "U0KARI", NOW)
        leaders.add(session, "T0ELSE", ["U0KARI"], "U0ADMIN", NOW)
        assert queries.claim_report(session, TEAM, "2026-02", "U0KARI", "r", NOW) is not None
        assert queries.claim_report(session, TEAM, "2026-02", "U0OLA", "r", NOW) is not None
    with db.session() as session:
        assert queries.forget_person(session, TEAM, "U0KARI") == 3
    with db.read_session() as session:
        rows = [
            (r.team_id, r.user_id, r.added_by)
            for r in session.scalars(select(Leader).order_by(Leader.team_id))
        ]
        claims = [c.leader_id for c in session.scalars(select(ReportClaim))]
    assert rows == [("T0ELSE", "U0KARI", "U0ADMIN"), (TEAM, "U0OLA", "erased")], "another workspace's stays"
    assert claims == ["U0OLA"]
