"""Who is asked first: the pure ranking, the query behind it, and topics sharing the lesson-tag vocabulary."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from bot.core import tags
from bot.lessons import service as lessons
from bot.lessons.ids import VoteKind
from bot.lessons.voting import set_vote
from bot.mentoring import profiles, requests
from bot.mentoring.ids import ProfileStatus
from bot.mentoring.matching import RECENT_DECLINE, Candidate, candidates_for, rank, supply
from bot.mentoring.overview import best_lessons
from storage.db import Database
from storage.lessons.visibility import AUTHOR, CHANNEL, WORKSPACE, Audience

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
TEAM = "T1"
EVERYONE = Audience.workspace(TEAM)


def ids(ranked: list[Candidate]) -> list[str]:
    return [c.user_id for c in ranked]


def test_another_department_comes_before_the_requesters_own() -> None:
    same = Candidate("U1", "Platform", capacity=2)
    other = Candidate("U2", "Product", capacity=2, active_mentees=1)
    unknown = Candidate("U3", None, capacity=2, active_mentees=1)
    ranked = rank([same, other, unknown], requester_id="U9", requester_unit="platform ")
    # Silos first: even with more mentees, another (or an unknown) department beats the same one.
    assert ids(ranked) == ["U2", "U3", "U1"]


def test_fewest_mentees_first_counting_offers_waiting_for_an_answer() -> None:
    busy = Candidate("U1", "A", capacity=5, active_mentees=2)
    asked = Candidate("U2", "A", capacity=5, active_mentees=0, pending_offers=1)
    free = Candidate("U3", "A", capacity=5)
    assert ids(rank([busy, asked, free], requester_id="U9", requester_unit="B")) == ["U3", "U2", "U1"]


def test_recent_decliners_come_after_others_with_as_few_mentees() -> None:
    decliner = Candidate("U1", "A", capacity=2, declined_requester_recently=True)
    fresh = Candidate("U2", "A", capacity=2)
    busier = Candidate("U3", "A", capacity=3, active_mentees=1)
    assert ids(rank([decliner, fresh, busier], requester_id="U9", requester_unit="B")) == ["U2", "U1", "U3"]


def test_ties_go_to_whoever_was_asked_least_recently_then_by_id_whatever_the_input_order() -> None:
    never_b = Candidate("UB", "A", capacity=2)
    never_a = Candidate("UA", "A", capacity=2)
    long_ago = Candidate("U0", "A", capacity=2, last_offered_at=NOW - timedelta(days=30))
    lately = Candidate("U1", "A", capacity=2, last_offered_at=NOW - timedelta(days=1))
    people = [never_b, long_ago, lately, never_a]
    expected = ["UA", "UB", "U0", "U1"]
    for seed in range(10):
        random.Random(seed).shuffle(people)
        assert ids(rank(people, requester_id="U9", requester_unit="B")) == expected


def test_full_mentors_the_requester_and_those_already_asked_are_left_out() -> None:
    full = Candidate("U1", "A", capacity=1, active_mentees=1)
    full_with_offer = Candidate("U2", "A", capacity=2, active_mentees=1, pending_offers=1)
    myself = Candidate("U9", "A", capacity=2)
    asked = Candidate("U3", "A", capacity=2)
    ok = Candidate("U4", "A", capacity=2, active_mentees=1)
    ranked = rank(
        [full, full_with_offer, myself, asked, ok], requester_id="U9", requester_unit="B", exclude=["U3"]
    )
    assert ids(ranked) == ["U4"]


def test_topics_are_normalised_like_lesson_tags() -> None:
    assert profiles.parse_topics("Testing, Machine  Learning;  ÆØÅ-Design\nTESTING, 2024, ,") == [
        "testing",
        "machine-learning",
        "æøå-design",
    ]
    # å typed as a + combining ring (macOS) is the same topic as the composed letter.
    assert profiles.normalize_topic("Sa\u030akalt") == profiles.normalize_topic("Såkalt") == "såkalt"
    # The same word as a #tag in a lesson and as a mentor topic is the same string.
    assert tags.extract("We learned this #Testing and #Æøå-design") == ["testing", "æøå-design"]
    assert profiles.normalize_topic("#Testing ") == "testing"
    assert profiles.normalize_topic("2024") == ""


def test_department_from_the_slack_title() -> None:
    assert profiles.department_from_title("Developer, Platform") == "Platform"
    assert profiles.department_from_title("Lead, Customer Care, Oslo") == "Oslo"
    assert profiles.department_from_title("Customer Care") == "Customer Care"
    assert profiles.department_from_title("") == ""
    assert profiles.same_unit("Customer  care", "customer care")
    assert not profiles.same_unit(None, None) and not profiles.same_unit("", "")


def offer(db: Database, user: str, topics: str, capacity: int | None = None, unit: str | None = None) -> None:
    with db.session() as session:
        profiles.save_offer(
            session,
            team_id=TEAM,
            user_id=user,
            topics=profiles.parse_topics(topics),
            now=NOW,
            replace_topics=unit is not None,
            capacity=capacity,
            unit=unit,
        )


def test_the_query_gathers_what_ranking_needs(db: Database) -> None:
    offer(db, "UA", "Testing", capacity=2, unit="Product")
    offer(db, "UB", "testing, onboarding", unit="Platform")
    offer(db, "UC", "onboarding")
    offer(db, "UD", "TESTING")
    with db.session() as session:
        profiles.set_status(session, TEAM, "UD", ProfileStatus.PAUSED, NOW)
        # Ola asked before; UA declined him; UB accepted someone else.
        first = requests.create_request(
            session, team_id=TEAM, requester_id="UOLA", topic="testing", note=None, now=NOW
        )
        offer_a = requests.claim_offer(session, request_id=first.request.id, mentor_id="UA", now=NOW)
        assert offer_a is not None
        requests.decline(session, team_id=TEAM, offer_id=offer_a, user_id="UA", now=NOW)
        other = requests.create_request(
            session, team_id=TEAM, requester_id="UPER", topic="testing", note=None, now=NOW
        )
        offer_b = requests.claim_offer(session, request_id=other.request.id, mentor_id="UB", now=NOW)
        assert offer_b is not None
        requests.accept(session, team_id=TEAM, offer_id=offer_b, user_id="UB", now=NOW, followup_days=14)

    with db.session() as session:
        found = {
            c.user_id: c
            for c in candidates_for(session, team_id=TEAM, topic="testing", requester_id="UOLA", now=NOW)
        }
        assert set(found) == {"UA", "UB"}  # UC offers another topic, UD is paused
        assert found["UA"].declined_requester_recently and not found["UB"].declined_requester_recently
        assert found["UB"].active_mentees == 1 and found["UA"].active_mentees == 0
        assert found["UA"].unit == "Product" and found["UA"].last_offered_at == NOW
        later = candidates_for(
            session,
            team_id=TEAM,
            topic="testing",
            requester_id="UOLA",
            now=NOW + RECENT_DECLINE + timedelta(days=1),
        )
        assert not any(c.declined_requester_recently for c in later), "a decline is forgotten after a while"
        assert supply(session, team_id=TEAM, topic="testing", requester_id="UA").others == 1
        assert supply(session, team_id=TEAM, topic="testing", requester_id="UA").requester_offers


def test_a_lesson_tagged_testing_and_a_mentor_for_testing_meet_most_useful_first(db: Database) -> None:
    with db.session() as session:
        shared = [
            lessons.create_lesson(
                session,
                team_id=TEAM,
                user_id="UA",
                draft=lessons.LessonDraft(text=text),
                secret_key=b"k" * 16,
                now=NOW + timedelta(minutes=i),
            )
            for i, text in enumerate(
                ("Write the test first #testing", "Deploy on Fridays #ops", "Flaky #Testing runs")
            )
        ]
        for lesson in shared:
            lesson.visibility = WORKSPACE  # shared in a public channel
        created = [lesson.id for lesson in shared]
        for voter in ("U1", "U2"):
            set_vote(
                session,
                team_id=TEAM,
                lesson_id=created[0],
                user_id=voter,
                kind=VoteKind.USEFUL,
                active=True,
                now=NOW,
            )
        topic = profiles.normalize_topic("Testing")
        found = best_lessons(session, EVERYONE, topic)
    assert [item.text for item in found] == ["Write the test first #testing", "Flaky #Testing runs"]
    assert [item.useful for item in found] == [2, 0]


def test_best_lessons_rank_useful_then_applied_then_newest_and_keep_to_the_workspace(db: Database) -> None:
    with db.session() as session:

        def lesson(text: str, minute: int, team: str = TEAM) -> int:
            created = lessons.create_lesson(
                session,
                team_id=team,
                user_id="UA",
                draft=lessons.LessonDraft(text=text),
                secret_key=b"k" * 16,
                now=NOW + timedelta(minutes=minute),
            )
            created.visibility = WORKSPACE  # shared in a public channel
            return created.id

        def vote(lesson_id: int, kind: VoteKind, *voters: str, team: str = TEAM) -> None:
            for voter in voters:
                set_vote(
                    session, team_id=team, lesson_id=lesson_id, user_id=voter, kind=kind, active=True, now=NOW
                )

        old = lesson("Old and applied #testing", 0)
        applied = lesson("Applied twice #testing", 1)
        newest = lesson("Newest, no votes #testing", 9)
        useful = lesson("Useful once #testing", 2)
        lesson("Elsewhere #testing", 10, team="T2")
        vote(old, VoteKind.APPLIED, "U1")
        vote(applied, VoteKind.APPLIED, "U1", "U2")
        vote(useful, VoteKind.USEFUL, "U3")
        vote(newest, VoteKind.USEFUL, "U4")
        set_vote(
            session, team_id=TEAM, lesson_id=newest, user_id="U4", kind=VoteKind.USEFUL, active=False, now=NOW
        )
        found = best_lessons(session, EVERYONE, "testing")
        assert [item.id for item in found] == [useful, applied, old, newest]
        assert [(item.useful, item.applied) for item in found] == [(1, 0), (0, 2), (0, 1), (0, 0)]
        assert [item.id for item in best_lessons(session, EVERYONE, "testing", limit=2)] == [useful, applied]
        assert best_lessons(session, EVERYONE, "nothing-here") == []


def test_best_lessons_are_only_those_the_reader_may_see(db: Database) -> None:
    key = b"k" * 16
    with db.session() as session:

        def lesson(text: str, visibility: str, channel: str | None, author: str = "UA") -> int:
            created = lessons.create_lesson(
                session,
                team_id=TEAM,
                user_id=author,
                draft=lessons.LessonDraft(text=text),
                secret_key=key,
                now=NOW,
                channel_id=channel,
            )
            created.visibility = visibility
            return created.id

        public = lesson("Public #testing", WORKSPACE, "CGEN")
        leaders = lesson("Leaders only #testing", CHANNEL, "GLEAD")
        note = lesson("My own note #testing", AUTHOR, None, author="UB")
        pending = lesson("Not settled yet #testing", "pending", "CNEW", author="UB")
        # Someone in no private channel sees the public lesson only, in every count and position.
        outsider = Audience.person(TEAM, lessons.author_hash(key, TEAM, "UC"), frozenset({"GOTHER"}))
        assert [item.id for item in best_lessons(session, outsider, "testing")] == [public]
        assert [item.id for item in best_lessons(session, outsider, "testing", limit=1)] == [public]
        # A member of #leaders sees its lesson too; the author sees their own note (and the unsettled one).
        member = Audience.person(TEAM, lessons.author_hash(key, TEAM, "UC"), frozenset({"GLEAD"}))
        assert sorted(item.id for item in best_lessons(session, member, "testing")) == sorted(
            [public, leaders]
        )
        author = Audience.person(TEAM, lessons.author_hash(key, TEAM, "UB"), frozenset())
        assert sorted(item.id for item in best_lessons(session, author, "testing")) == sorted(
            [public, note, pending]
        )
