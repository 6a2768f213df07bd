"""bot.lessons.voting, storage.lessons.queries.vote_counts and bot.core.events on every backend of the
`db` fixture."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.core.events import claim_event
from bot.lessons.ids import VoteKind, VoteSource
from bot.lessons.voting import DEBOUNCE, VoteResult, counts, set_vote, toggle_vote
from localslack.clock import FakeClock
from storage.core.models import ProcessedEvent
from storage.db import Database
from storage.lessons.models import Lesson, Vote
from storage.lessons.queries import Counts, vote_counts

T1 = "T1"
U1, U2, U3 = "U0000001", "U0000002", "U0000003"
PAST = DEBOUNCE + timedelta(milliseconds=1)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 1, 5, 8, 0, tzinfo=UTC))


def add_lesson(db: Database, text: str = "a lesson") -> int:
    with db.session() as session:
        lesson = Lesson(
            team_id=T1,
            author_id=U1,
            author_hash="a" * 64,
            anonymous=False,
            text=text,
            tags_text="",
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        session.add(lesson)
        session.flush()
        return lesson.id


@pytest.fixture
def lesson_id(db: Database) -> int:
    return add_lesson(db)


def toggle(
    db: Database, clock: FakeClock, lesson_id: int, user_id: str = U1, kind: VoteKind = VoteKind.USEFUL
) -> VoteResult:
    with db.session() as session:
        return toggle_vote(
            session, team_id=T1, lesson_id=lesson_id, user_id=user_id, kind=kind, now=clock.now()
        )


def react(
    db: Database,
    clock: FakeClock,
    lesson_id: int,
    active: bool,
    user_id: str = U1,
    kind: VoteKind = VoteKind.USEFUL,
) -> VoteResult:
    with db.session() as session:
        return set_vote(
            session,
            team_id=T1,
            lesson_id=lesson_id,
            user_id=user_id,
            kind=kind,
            active=active,
            now=clock.now(),
        )


def stored_counts(db: Database, lesson_id: int) -> Counts:
    with db.session() as session:
        return counts(session, lesson_id)


# --- toggle_vote ------------------------------------------------------------------------------------


def test_toggle_on_and_off(db: Database, clock: FakeClock, lesson_id: int) -> None:
    on = toggle(db, clock, lesson_id)
    assert on == VoteResult(changed=True, active=True, counts=Counts(useful=1, applied=0))
    clock.advance(PAST)
    off = toggle(db, clock, lesson_id)
    assert off == VoteResult(changed=True, active=False, counts=Counts(useful=0, applied=0))
    clock.advance(PAST)
    again = toggle(db, clock, lesson_id)
    assert again == VoteResult(changed=True, active=True, counts=Counts(useful=1, applied=0))
    assert stored_counts(db, lesson_id) == Counts(useful=1)


def test_second_toggle_within_debounce_is_ignored(db: Database, clock: FakeClock, lesson_id: int) -> None:
    toggle(db, clock, lesson_id)
    clock.advance(DEBOUNCE - timedelta(milliseconds=1))
    double_click = toggle(db, clock, lesson_id)
    assert double_click == VoteResult(changed=False, active=True, counts=Counts(useful=1))
    assert stored_counts(db, lesson_id) == Counts(useful=1)


def test_debounce_counts_from_the_last_real_change(db: Database, clock: FakeClock, lesson_id: int) -> None:
    toggle(db, clock, lesson_id)  # on at t0
    clock.advance(timedelta(seconds=1))
    assert toggle(db, clock, lesson_id).changed is False  # ignored, t0 + 1 s
    clock.advance(timedelta(seconds=1, milliseconds=1))
    off = toggle(db, clock, lesson_id)  # t0 + 2.001 s: past DEBOUNCE since the vote
    assert off.changed is True
    assert off.active is False
    clock.advance(timedelta(milliseconds=500))
    assert toggle(db, clock, lesson_id) == VoteResult(False, False, Counts())


def test_debounce_is_per_person(db: Database, clock: FakeClock, lesson_id: int) -> None:
    assert toggle(db, clock, lesson_id, U1).changed is True
    second = toggle(db, clock, lesson_id, U2)
    assert second.changed is True
    assert second.counts == Counts(useful=2)


def test_kinds_are_independent(db: Database, clock: FakeClock, lesson_id: int) -> None:
    useful = toggle(db, clock, lesson_id, kind=VoteKind.USEFUL)
    applied = toggle(db, clock, lesson_id, kind=VoteKind.APPLIED)  # same instant: another button
    assert useful.counts == Counts(useful=1, applied=0)
    assert applied == VoteResult(changed=True, active=True, counts=Counts(useful=1, applied=1))
    clock.advance(PAST)
    off = toggle(db, clock, lesson_id, kind=VoteKind.USEFUL)
    assert off.counts == Counts(useful=0, applied=1)


def test_one_person_counts_once(db: Database, clock: FakeClock, lesson_id: int) -> None:
    toggle(db, clock, lesson_id, U1)
    react(db, clock, lesson_id, True, U1)  # the same person also reacts with :+1:
    clock.advance(PAST)
    react(db, clock, lesson_id, True, U1)
    assert stored_counts(db, lesson_id) == Counts(useful=1)
    with db.session() as session:
        # One counted vote; beside it, the two ways it was given.
        assert session.scalar(select(func.count()).select_from(Vote).where(Vote.kind == VoteKind.USEFUL)) == 1
        assert sorted(session.scalars(select(Vote.kind).where(Vote.kind != VoteKind.USEFUL))) == [
            "useful:+1",
            "useful:button",
        ]
    toggle(db, clock, lesson_id, U2)
    toggle(db, clock, lesson_id, U3)
    assert stored_counts(db, lesson_id) == Counts(useful=3)


def test_votes_on_one_lesson_do_not_count_on_another(db: Database, clock: FakeClock, lesson_id: int) -> None:
    other = add_lesson(db, "another lesson")
    toggle(db, clock, lesson_id)
    assert stored_counts(db, other) == Counts()
    assert toggle(db, clock, other).counts == Counts(useful=1)


# --- set_vote (reactions) ---------------------------------------------------------------------------


def test_set_vote_is_idempotent(db: Database, clock: FakeClock, lesson_id: int) -> None:
    first = react(db, clock, lesson_id, True)
    assert first == VoteResult(changed=True, active=True, counts=Counts(useful=1))
    clock.advance(PAST)
    assert react(db, clock, lesson_id, True) == VoteResult(
        changed=False, active=True, counts=Counts(useful=1)
    )
    off = react(db, clock, lesson_id, False)
    assert off == VoteResult(changed=True, active=False, counts=Counts())
    assert react(db, clock, lesson_id, False) == VoteResult(changed=False, active=False, counts=Counts())


def test_set_vote_off_without_a_vote_stores_nothing(db: Database, clock: FakeClock, lesson_id: int) -> None:
    result = react(db, clock, lesson_id, False)
    assert result == VoteResult(changed=False, active=False, counts=Counts())
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Vote)) == 0


def test_set_vote_is_not_debounced(db: Database, clock: FakeClock, lesson_id: int) -> None:
    react(db, clock, lesson_id, True, kind=VoteKind.APPLIED)
    removed = react(db, clock, lesson_id, False, kind=VoteKind.APPLIED)  # reaction removed at once
    assert removed.changed is True
    assert removed.counts == Counts()


# --- vote_counts ------------------------------------------------------------------------------------


def test_vote_counts_for_several_lessons(db: Database, clock: FakeClock, lesson_id: int) -> None:
    second = add_lesson(db, "second")
    silent = add_lesson(db, "no votes")
    toggle(db, clock, lesson_id, U1, VoteKind.USEFUL)
    toggle(db, clock, lesson_id, U2, VoteKind.USEFUL)
    toggle(db, clock, lesson_id, U1, VoteKind.APPLIED)
    toggle(db, clock, second, U3, VoteKind.APPLIED)
    toggle(db, clock, second, U2, VoteKind.USEFUL)
    clock.advance(PAST)
    toggle(db, clock, second, U2, VoteKind.USEFUL)  # taken back: inactive rows do not count
    with db.session() as session:
        found = vote_counts(session, [lesson_id, second, silent, 9999])
    assert found == {
        lesson_id: Counts(useful=2, applied=1),
        second: Counts(useful=0, applied=1),
        silent: Counts(),
        9999: Counts(),
    }


def test_vote_counts_for_nothing(db: Database) -> None:
    with db.session() as session:
        assert vote_counts(session, []) == {}


def test_voting_counts_are_the_one_vote_count_query(db: Database, clock: FakeClock, lesson_id: int) -> None:
    """bot.lessons.voting.Counts is storage's Counts: one type, one query, for every feature."""
    from storage.lessons import queries

    assert Counts is queries.Counts
    toggle(db, clock, lesson_id, U1, VoteKind.APPLIED)
    with db.session() as session:
        assert counts(session, lesson_id) == vote_counts(session, [lesson_id])[lesson_id] == Counts(applied=1)


# --- claim_event ------------------------------------------------------------------------------------


def test_claim_event_once(db: Database, clock: FakeClock) -> None:
    with db.session() as session:
        assert claim_event(session, team_id=T1, event_id="Ev001", now=clock.now()) is True
    with db.session() as session:
        assert claim_event(session, team_id=T1, event_id="Ev001", now=clock.now()) is False
    with db.session() as session:
        assert claim_event(session, team_id=T1, event_id="Ev002", now=clock.now()) is True
    with db.session() as session:
        assert sorted(session.scalars(select(ProcessedEvent.event_id))) == ["Ev001", "Ev002"]


def test_claim_event_twice_in_one_session_keeps_the_session_usable(db: Database, clock: FakeClock) -> None:
    with db.session() as session:
        assert claim_event(session, team_id=T1, event_id="Ev010", now=clock.now()) is True
        assert claim_event(session, team_id=T1, event_id="Ev010", now=clock.now()) is False
        assert claim_event(session, team_id=T1, event_id="Ev011", now=clock.now()) is True
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 2


def test_claim_event_retry_from_another_team_id_is_still_a_retry(db: Database, clock: FakeClock) -> None:
    with db.session() as session:
        assert claim_event(session, team_id=T1, event_id="Ev020", now=clock.now()) is True
    with db.session() as session:
        assert claim_event(session, team_id="T2", event_id="Ev020", now=clock.now()) is False


# --- one vote per person, however they give it --------------------------------------------------------


def give(
    db: Database, clock: FakeClock, lesson_id: int, source: VoteSource, active: bool, user_id: str = U2
) -> VoteResult:
    with db.session() as session:
        return set_vote(
            session,
            team_id=T1,
            lesson_id=lesson_id,
            user_id=user_id,
            kind=VoteKind.USEFUL,
            active=active,
            now=clock.now(),
            source=source,
        )


def test_every_way_of_saying_useful_is_one_vote(db: Database, clock: FakeClock, lesson_id: int) -> None:
    assert toggle(db, clock, lesson_id, U2).counts == Counts(useful=1)
    assert give(db, clock, lesson_id, VoteSource.THUMBS_UP, True) == VoteResult(False, True, Counts(useful=1))
    assert give(db, clock, lesson_id, VoteSource.BULB, True).counts == Counts(useful=1)
    # Taking one back keeps the vote while another remains.
    held = frozenset({VoteSource.BUTTON, VoteSource.BULB})
    assert give(db, clock, lesson_id, VoteSource.THUMBS_UP, False) == VoteResult(
        False, True, Counts(useful=1), held_by=held
    )
    assert give(db, clock, lesson_id, VoteSource.BULB, False).counts == Counts(useful=1)
    clock.advance(PAST)
    assert toggle(db, clock, lesson_id, U2) == VoteResult(True, False, Counts())


def test_the_button_taken_back_while_a_reaction_holds_says_so(
    db: Database, clock: FakeClock, lesson_id: int
) -> None:
    give(db, clock, lesson_id, VoteSource.BULB, True)
    toggle(db, clock, lesson_id, U2)
    clock.advance(PAST)
    held = toggle(db, clock, lesson_id, U2)
    assert held == VoteResult(False, True, Counts(useful=1), held_by=frozenset({VoteSource.BULB}))
    assert give(db, clock, lesson_id, VoteSource.BULB, False) == VoteResult(True, False, Counts())


def test_a_vote_from_before_sources_counts_as_the_way_taken_back(
    db: Database, clock: FakeClock, lesson_id: int
) -> None:
    with db.session() as session:  # a vote stored before its sources were remembered
        session.add(
            Vote(
                team_id=T1,
                lesson_id=lesson_id,
                user_id=U2,
                kind="useful",
                active=True,
                changed_at=clock.now(),
            )
        )
    clock.advance(PAST)
    assert give(db, clock, lesson_id, VoteSource.THUMBS_UP, False) == VoteResult(True, False, Counts())
    with db.session() as session:
        session.add(
            Vote(
                team_id=T1,
                lesson_id=lesson_id,
                user_id=U3,
                kind="useful",
                active=True,
                changed_at=clock.now(),
            )
        )
    clock.advance(PAST)
    assert toggle(db, clock, lesson_id, U3) == VoteResult(True, False, Counts())


def test_applied_and_useful_sources_do_not_mix(db: Database, clock: FakeClock, lesson_id: int) -> None:
    toggle(db, clock, lesson_id, U2, VoteKind.APPLIED)
    give(db, clock, lesson_id, VoteSource.THUMBS_UP, True)
    clock.advance(PAST)
    assert toggle(db, clock, lesson_id, U2, VoteKind.APPLIED).counts == Counts(useful=1, applied=0)
