"""storage.home.queries on every backend: who has a Home and its notice, the lessons a Home lists (the
one visibility rule; never the reader's own), a person's mentorships and what they answered, erasure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from storage.db import Database
from storage.home import queries
from storage.lessons.models import Lesson, LessonTag
from storage.lessons.visibility import AUTHOR, CHANNEL, WORKSPACE, Audience
from storage.mentoring.models import FollowUpAnswer, MentorRequest, Mentorship

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_who_has_a_home_and_the_line_about_their_last_action(db: Database) -> None:
    with db.session() as s:
        queries.set_notice(s, "T1", "U1", "Saved.", NOW)
        queries.opened(s, "T1", "U2", NOW)
        queries.opened(s, "T1", "U2", NOW + timedelta(minutes=1))  # again: one row
    with db.read_session() as s:
        assert queries.with_home(s, "T1", ["U3", "U2", "U1"]) == ["U2", "U1"]
        assert queries.with_home(s, "T1", []) == []
        assert queries.notice_of(s, "T1", "U1") == "Saved."
        assert queries.of_person(s, "T1", "U1") == {
            "opened_at": NOW.isoformat(),
            "notice": "Saved.",
            "notice_at": NOW.isoformat(),
        }
        assert queries.of_person(s, "T1", "U9") is None
    with db.session() as s:
        queries.opened(s, "T1", "U1", NOW)  # opening the tab again drops the line
        assert queries.notice_of(s, "T1", "U1") is None
        assert queries.forget_person(s, "T1", "U1") == 1
    with db.read_session() as s:
        assert queries.with_home(s, "T1", ["U1", "U2"]) == ["U2"]


def _lesson(
    s: Session, n: int, *, visibility: str, author: str, channel: str | None, tags: tuple[str, ...] = ()
) -> int:
    lesson = Lesson(
        team_id="T1",
        author_id=None if author == "anon" else author,
        author_hash=f"hash-{author}",
        anonymous=author == "anon",
        text=f"lesson {n}",
        tags_text=" ".join(tags),
        channel_id=channel,
        visibility=visibility,
        created_at=NOW + timedelta(minutes=n),
    )
    s.add(lesson)
    s.flush()
    for tag in tags:
        s.add(LessonTag(lesson_id=lesson.id, tag=tag, team_id="T1"))
    s.flush()
    return lesson.id


def test_the_lessons_a_home_lists_follow_the_visibility_rule(db: Database) -> None:
    with db.session() as s:
        public = _lesson(s, 1, visibility=WORKSPACE, author="U2", channel="C1", tags=("deploy",))
        private = _lesson(s, 2, visibility=CHANNEL, author="U2", channel="G1", tags=("deploy",))
        secret = _lesson(s, 3, visibility=CHANNEL, author="U2", channel="G2", tags=("deploy",))
        note = _lesson(s, 4, visibility=AUTHOR, author="U2", channel=None, tags=("deploy",))
        mine = _lesson(s, 5, visibility=WORKSPACE, author="U1", channel="C1", tags=("deploy",))
        anon = _lesson(s, 6, visibility=WORKSPACE, author="anon", channel="C1", tags=("testing",))
    reader = Audience.person("T1", "hash-U1", frozenset({"G1"}))
    with db.read_session() as s:
        recent = queries.recent_lessons(s, reader, not_by="hash-U1", limit=10)
        assert [lesson.id for lesson in recent] == [anon, private, public]
        assert recent[0].anonymous and recent[0].author_id is None
        assert [x.id for x in queries.recent_lessons(s, reader, not_by="hash-U1", limit=1)] == [anon]
        on = queries.lessons_on_topics(s, reader, ["deploy"], not_by="hash-U1", besides=[private], limit=5)
        assert [lesson.id for lesson in on] == [public]
        assert queries.lessons_on_topics(s, reader, [], not_by=None, besides=[], limit=5) == []
        everything = {x.id for x in queries.recent_lessons(s, reader, not_by=None, limit=10)}
        assert mine in everything and secret not in everything and note not in everything


def test_a_persons_mentorships_with_what_they_answered(db: Database) -> None:
    with db.session() as s:
        ids = []
        for n, (mentor, mentee, status) in enumerate(
            [("U1", "U2", "active"), ("U3", "U1", "active"), ("U1", "U4", "ended"), ("U5", "U6", "active")]
        ):
            request = MentorRequest(
                team_id="T1",
                requester_id=mentee,
                topic=f"t{n}",
                status="matched",
                created_at=NOW,
                updated_at=NOW,
                open_key=None,
            )
            s.add(request)
            s.flush()
            ship = Mentorship(
                team_id="T1",
                request_id=request.id,
                mentor_id=mentor,
                mentee_id=mentee,
                topic=f"t{n}",
                status=status,
                started_at=NOW + timedelta(minutes=n),
                followup_round=1,
                unanswered=1,
            )
            s.add(ship)
            s.flush()
            ids.append(ship.id)
        s.add(
            FollowUpAnswer(
                team_id="T1", mentorship_id=ids[1], user_id="U1", round=1, answer="going_well", at=NOW
            )
        )
    with db.read_session() as s:
        found = queries.active_mentorships(s, "T1", "U1", 10)
        assert [(m.id, m.answered_round) for m in found] == [(ids[0], False), (ids[1], True)]
        assert len(queries.active_mentorships(s, "T1", "U1", 1)) == 1
