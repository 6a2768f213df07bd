"""Every figure on a workspace built by hand (tests/unit/insights/dataset.py), where the answers are
known: per week, per scope (the workspace, a public and a private channel), and for one person."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.insights import figures
from bot.insights.data import Figures
from storage.db import Database
from tests.unit.insights import dataset
from tests.unit.insights.dataset import BOUNDS, LABELS, OSLO, PRIV, PUB, TEAM


def scope(
    session: Session, channel: str | None, *, members: int | None = 10, prompts: list[str] | None = None
) -> Figures:
    return figures.build(
        session,
        team_id=TEAM,
        channel_id=channel,
        bounds=BOUNDS,
        labels=LABELS,
        timezone=OSLO.key,
        members=members,
        prompt_channels=prompts if prompts is not None else [channel or PUB],
    )


@pytest.fixture
def built(db: Database) -> Database:
    with db.session() as session:
        dataset.build(session)
    return db


def test_the_weeks_are_calendar_weeks_in_the_zone(built: Database) -> None:
    assert LABELS == ("2026-W08", "2026-W09", "2026-W10")
    with built.read_session() as session:
        f = scope(session, None)
    assert [s.astimezone(OSLO).strftime("%a %d %b %H:%M") for s in f.starts] == [
        "Mon 16 Feb 00:00",
        "Mon 23 Feb 00:00",
        "Mon 02 Mar 00:00",
    ]


def test_the_workspace_counts_what_everyone_may_see(built: Database) -> None:
    with built.read_session() as session:
        f = scope(session, None)
    # Private-channel lessons (L3, L8, L13), an "only me" note (L7), a pending one (L9), a lesson from
    # before the window (L0) and another workspace's are not counted.
    assert f.lessons == (2, 3, 2)
    # bob's named and anonymous lessons share his keyed hash: one contributor, never named.
    assert f.contributors == (2, 2, 2)
    assert f.contributors_total == 3
    assert f.participation == (0.2, 0.2, 0.2)
    assert f.participation_total == pytest.approx(0.3)
    # Active marks by when they were made, on lessons everyone may see (L0's counts: it is visible).
    assert f.useful == (0, 3, 1)
    assert f.applied == (1, 0, 4)
    assert f.top_tags == (("deploy", 2), ("testing", 2))


def test_answers_per_weekly_question_count_posted_questions_and_visible_answers(built: Database) -> None:
    with built.read_session() as session:
        f = scope(session, None, prompts=[PUB])
        with_private = scope(session, None, prompts=[PUB, PRIV])
    assert f.prompts == (0, 1, 1), "a failed slot and a digest are not questions"
    assert f.answers == (0, 1, 2)
    assert f.answers_per_prompt == (None, 1.0, 2.0)
    assert f.answers_per_prompt_total == 1.5
    # Even when told to count the private channel's question, its answer stays hidden from everyone.
    assert with_private.prompts == (0, 1, 2) and with_private.answers == (0, 1, 2)


def test_a_public_channel_counts_its_own_lessons(built: Database) -> None:
    with built.read_session() as session:
        f = scope(session, PUB, members=4)
    assert f.lessons == (2, 3, 2)
    assert f.contributors == (2, 2, 2) and f.contributors_total == 3
    assert f.participation == (0.5, 0.5, 0.5)
    assert f.useful == (0, 3, 1) and f.applied == (1, 0, 4)
    assert (f.prompts, f.answers) == ((0, 1, 1), (0, 1, 2))


def test_a_private_channel_counts_what_its_members_may_see(built: Database) -> None:
    with built.read_session() as session:
        f = scope(session, PRIV, members=None)
    assert f.lessons == (1, 1, 1)
    assert f.contributors == (1, 1, 1) and f.contributors_total == 3
    assert f.participation == (None, None, None) and f.participation_total is None
    assert f.useful == (0, 1, 0) and f.applied == (0, 0, 0)
    assert (f.prompts, f.answers) == ((0, 0, 1), (0, 0, 1))
    assert f.top_tags == (("secret", 1),)


def test_mentoring_figures_are_the_workspaces(built: Database) -> None:
    with built.read_session() as session:
        everywhere, private = scope(session, None), scope(session, PRIV)
    for f in (everywhere, private):
        assert f.requests == (1, 2, 3)
        assert f.offers == (1, 2, 1), "a request asked of two mentors in a week is one"
        assert f.matches == (1, 1, 1)
        assert f.match_hours == (6.0, 48.0, 120.0)
        assert f.median_match_hours == 48.0
        assert f.completed == (0, 0, 1), "ended for want of an answer is not completed"
        # Platform → Product is across; "Platform" and "platform " are one team; unknown is neither.
        assert f.cross_team == (1, 0, 0) and f.known_units == (1, 1, 0)
        assert f.cross_team_share == (1.0, 0.0, None) and f.cross_team_share_total == 0.5
        # design's only mentor is paused; testing has an active one.
        assert f.unserved_topics == ("design", "kotlin")


def test_contribution_counts_anonymous_lessons_and_marks_from_others(built: Database) -> None:
    with built.read_session() as session:
        bob = figures.contribution(session, team_id=TEAM, user_id=dataset.BOB, secret_key=dataset.SECRET)
        alice = figures.contribution(session, team_id=TEAM, user_id=dataset.ALICE, secret_key=dataset.SECRET)
        nobody = figures.contribution(session, team_id=TEAM, user_id="U0NOBODY", secret_key=dataset.SECRET)
    assert (bob.named, bob.anonymous, bob.lessons) == (1, 2, 3)
    assert (bob.useful, bob.applied, bob.appliers) == (1, 3, 2), (
        "his own mark and a taken-back one do not count"
    )
    # All time, not a window: L0's early mark counts; and alice's private lesson is hers, so its mark
    # counts for her (only she sees this).
    assert (alice.named, alice.anonymous, alice.useful, alice.applied, alice.appliers) == (5, 0, 4, 2, 2)
    assert (nobody.lessons, nobody.useful, nobody.applied, nobody.appliers) == (0, 0, 0, 0)


def test_months_and_an_empty_workspace(db: Database) -> None:
    with db.read_session() as session:
        f = figures.build_months(
            session, team_id="T0EMPTY", month="2026-02", tz=OSLO, months=2, members=None, prompt_channels=[]
        )
    assert f.labels == ("2026-01", "2026-02")
    assert f.lessons == (0, 0) and f.contributors_total == 0 and f.median_match_hours is None
    assert f.unserved_topics == () and f.top_tags == () and f.answers_per_prompt == (None, None)


def test_labels_must_fit_the_periods(db: Database) -> None:
    with db.read_session() as session, pytest.raises(ValueError):
        figures.build(
            session,
            team_id=TEAM,
            channel_id=None,
            bounds=BOUNDS,
            labels=LABELS[:2],
            timezone="UTC",
            members=None,
            prompt_channels=[],
        )
