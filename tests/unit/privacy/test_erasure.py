"""bot.privacy.erasure and storage.privacy.queries on every backend: what an erasure removes, keeps
and scrubs, table by table, and that afterwards no column anywhere holds the person's id or hash."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.lessons.service import author_hash
from bot.privacy import erasure, personal
from bot.privacy.erasure import Erasure
from storage.core.models import OutboxEffect, OutboxPace
from storage.db import Database
from storage.lessons.models import Lesson, LessonTag, Vote
from storage.lessons.visibility import AUTHOR, CHANNEL, WORKSPACE
from storage.mentoring.models import (
    FollowUpAnswer,
    MentoringSettings,
    MentorOffer,
    MentorProfile,
    MentorRequest,
    Mentorship,
    MentorTopic,
)
from storage.privacy import queries
from storage.privacy.queries import ERASED
from storage.rhythm.models import CustomPrompt, PromptReply, ScheduledPost, Subscription
from storage.schema import Base

T1, T2 = "T1", "T2"
PER, OLA, INGRID = "UPER0001", "UOLA0001", "UINGRID1"
KEY = b"k" * 32
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def digest(user: str, team: str = T1) -> str:
    return author_hash(KEY, team, user)


def lesson(
    team: str,
    user: str,
    text: str,
    *,
    anonymous: bool = False,
    visibility: str = WORKSPACE,
    channel: str | None = "CGENERAL",
    ts: str | None = None,
) -> Lesson:
    row = Lesson(
        team_id=team,
        author_id=None if anonymous else user,
        author_hash=digest(user, team),
        anonymous=anonymous,
        text=text,
        tags_text="deploy",
        source_link=f"https://x.slack.com/archives/{channel}/p1" if channel else None,
        channel_id=channel,
        message_ts=ts,
        visibility=visibility,
        created_at=NOW,
    )
    row.tags = [LessonTag(tag="deploy", team_id=team)]
    return row


class World:
    """Per in T1: lessons (named, anonymous, a private note, a prompt reply's), votes, a mentor
    profile with a pending offer, an open request with another mentor's pending offer, a matched
    request (mentee) and a mentorship as mentor, follow-up answers, settings; and the same user id
    in T2, which an erasure in T1 must not touch."""

    def __init__(self, db: Database) -> None:
        with db.session() as s:
            self.named = lesson(T1, PER, "Named lesson", ts="1.1")
            self.anon = lesson(T1, PER, "Anonymous lesson", anonymous=True, ts="1.2")
            self.note = lesson(T1, PER, "Only for me", visibility=AUTHOR, channel=None)
            self.private = lesson(
                T1, PER, "In a private channel", visibility=CHANNEL, channel="GPRIV", ts="1.3"
            )
            self.olas = lesson(T1, OLA, "Ola's lesson", ts="1.4")
            self.olas_anon = lesson(T1, OLA, "Ola's anonymous lesson", anonymous=True, ts="1.5")
            self.elsewhere = lesson(T2, PER, "Per in another workspace", ts="2.1")
            s.add_all(
                [self.named, self.anon, self.note, self.private, self.olas, self.olas_anon, self.elsewhere]
            )
            s.flush()
            s.add_all(
                [
                    Vote(
                        team_id=T1,
                        lesson_id=self.olas.id,
                        user_id=PER,
                        kind="useful",
                        active=True,
                        changed_at=NOW,
                    ),
                    Vote(
                        team_id=T1,
                        lesson_id=self.olas.id,
                        user_id=PER,
                        kind="applied",
                        active=False,
                        changed_at=NOW,
                    ),
                    Vote(
                        team_id=T1,
                        lesson_id=self.named.id,
                        user_id=OLA,
                        kind="useful",
                        active=True,
                        changed_at=NOW,
                    ),
                    Vote(
                        team_id=T2,
                        lesson_id=self.elsewhere.id,
                        user_id=PER,
                        kind="useful",
                        active=True,
                        changed_at=NOW,
                    ),
                ]
            )
            post = ScheduledPost(
                team_id=T1,
                channel_id="CGENERAL",
                kind="prompt",
                week="2026-W10",
                status="posted",
                due_at=NOW,
                claimed_by="w",
                claimed_at=NOW,
            )
            s.add(post)
            s.flush()
            s.add(
                PromptReply(
                    team_id=T1,
                    channel_id="CGENERAL",
                    reply_ts="9.9",
                    prompt_post_id=post.id,
                    lesson_id=self.anon.id,
                    created_at=NOW,
                )
            )
            profile = MentorProfile(
                team_id=T1,
                user_id=PER,
                team_or_department="Care",
                bio="Hi",
                capacity=2,
                status="active",
                created_at=NOW,
                updated_at=NOW,
            )
            profile.topics = [MentorTopic(topic="onboarding", team_id=T1)]
            s.add(profile)
            # Ingrid asked for onboarding; Per is the mentor being asked right now.
            self.ingrids = MentorRequest(
                team_id=T1,
                requester_id=INGRID,
                topic="onboarding",
                status="offered",
                open_key=f"{T1}:{INGRID}:onboarding",
                created_at=NOW,
                updated_at=NOW,
            )
            # Per asked for testing; Ola is being asked.
            self.pers_open = MentorRequest(
                team_id=T1,
                requester_id=PER,
                requester_unit="Care",
                topic="testing",
                note="Flaky tests",
                status="offered",
                open_key=f"{T1}:{PER}:testing",
                created_at=NOW,
                updated_at=NOW,
            )
            # Per was Ola's mentee in design (matched); Per mentors Ingrid in review (an older request).
            self.pers_matched = MentorRequest(
                team_id=T1,
                requester_id=PER,
                topic="design",
                status="matched",
                created_at=NOW,
                updated_at=NOW,
            )
            self.ingrids_review = MentorRequest(
                team_id=T1,
                requester_id=INGRID,
                topic="review",
                status="matched",
                created_at=NOW,
                updated_at=NOW,
            )
            s.add_all([self.ingrids, self.pers_open, self.pers_matched, self.ingrids_review])
            s.flush()
            expires = NOW + timedelta(hours=48)
            s.add_all(
                [
                    MentorOffer(
                        team_id=T1,
                        request_id=self.ingrids.id,
                        mentor_id=PER,
                        status="pending",
                        pending_key=self.ingrids.id,
                        offered_at=NOW,
                        expires_at=expires,
                        dm_channel="DPER",
                        dm_ts="5.1",
                    ),
                    MentorOffer(
                        team_id=T1,
                        request_id=self.pers_open.id,
                        mentor_id=OLA,
                        status="pending",
                        pending_key=self.pers_open.id,
                        offered_at=NOW,
                        expires_at=expires,
                        dm_channel="DOLA",
                        dm_ts="5.2",
                    ),
                    MentorOffer(
                        team_id=T1,
                        request_id=self.pers_matched.id,
                        mentor_id=OLA,
                        status="accepted",
                        offered_at=NOW,
                        expires_at=expires,
                    ),
                    MentorOffer(
                        team_id=T1,
                        request_id=self.ingrids_review.id,
                        mentor_id=PER,
                        status="accepted",
                        offered_at=NOW,
                        expires_at=expires,
                    ),
                ]
            )
            self.as_mentee = Mentorship(
                team_id=T1,
                request_id=self.pers_matched.id,
                mentor_id=OLA,
                mentee_id=PER,
                topic="design",
                channel_id="GMPIM1",
                intro_ts="6.1",
                status="ended",
                ended_reason="done",
                started_at=NOW,
                ended_at=NOW,
            )
            self.as_mentor = Mentorship(
                team_id=T1,
                request_id=self.ingrids_review.id,
                mentor_id=PER,
                mentee_id=INGRID,
                topic="review",
                channel_id="GMPIM2",
                intro_ts="6.2",
                status="active",
                started_at=NOW,
                next_followup_at=NOW,
            )
            s.add_all([self.as_mentee, self.as_mentor])
            s.flush()
            s.add_all(
                [
                    FollowUpAnswer(
                        team_id=T1,
                        mentorship_id=self.as_mentor.id,
                        user_id=PER,
                        round=1,
                        answer="going_well",
                        at=NOW,
                    ),
                    FollowUpAnswer(
                        team_id=T1,
                        mentorship_id=self.as_mentor.id,
                        user_id=INGRID,
                        round=1,
                        answer="done",
                        at=NOW,
                    ),
                    Subscription(
                        team_id=T1, channel_id="CGENERAL", created_by=PER, created_at=NOW, updated_at=NOW
                    ),
                    CustomPrompt(
                        team_id=T1, language="en", text="What surprised you?", created_by=PER, created_at=NOW
                    ),
                    MentoringSettings(team_id=T1, followup_days=14, updated_by=PER, updated_at=NOW),
                ]
            )
            for payload, pending in (
                ({"user": PER, "text": "hello"}, None),
                ({"user": "UPER00012", "text": "someone else"}, None),
                ({"lesson": 1}, f"{T1}:lessons.tell:{PER}"),
                ({"hash": digest(PER)}, None),
            ):
                s.add(
                    OutboxEffect(
                        team_id=T1,
                        kind="test.dm",
                        payload=json.dumps(payload),
                        pending_key=pending,
                        status="done",
                        attempts=1,
                        due_at=NOW,
                        created_at=NOW,
                    )
                )
            s.add(OutboxPace(team_id=T1, channel_key=PER, next_at=NOW))
            s.add(OutboxPace(team_id=T1, channel_key="CGENERAL", next_at=NOW))


@pytest.fixture
def world(db: Database) -> World:
    return World(db)


def fake_hashes() -> Iterator[str]:
    for n in itertools.count(1):
        yield f"{n:064x}"


def erase(db: Database, *, keep: bool, user: str = PER) -> Erasure:
    hashes = fake_hashes()
    with db.session() as s:
        return erasure.erase(
            s,
            team_id=T1,
            user_id=user,
            author_hash=digest(user),
            keep_lessons=keep,
            now=NOW + timedelta(minutes=5),
            new_hash=lambda: next(hashes),
        )


def dump(db: Database, team: str | None = T1) -> str:
    """Every column of every row of every table (of one team where the table has one)."""
    values: list[str] = []
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(table.select()).mappings():
                if team is not None and "team_id" in row and row["team_id"] != team:
                    continue
                values += [f"{table.name}.{key}={value}" for key, value in row.items()]
    return "\n".join(values)


def all_of(db: Database, model: type[Base]) -> list[object]:
    with db.session() as s:
        return list(s.scalars(select(model)))


def test_deleting_leaves_neither_id_nor_hash_in_any_column(db: Database, world: World) -> None:
    assert PER in dump(db) and digest(PER) in dump(db)
    done = erase(db, keep=False)
    text = dump(db)
    assert PER not in text.replace("UPER00012", ""), "the whole word is erased, never a longer id"
    assert digest(PER) not in text
    assert done.summary.lessons_deleted == 4 and done.summary.lessons_kept == 0
    assert sorted(p.message_ts for p in done.deleted_posts) == ["1.1", "1.2", "1.3"]
    assert done.refreshed_lessons == [world.olas.id], "Ola's post loses Per's vote"
    # The same person in another workspace is another workspace's business.
    assert PER in dump(db, T2) and digest(PER, T2) in dump(db, T2)


def test_keeping_makes_lessons_untraceable_one_by_one(db: Database, world: World) -> None:
    done = erase(db, keep=True)
    kept = {row.id: row for row in all_of(db, Lesson) if isinstance(row, Lesson) and row.team_id == T1}
    assert world.note.id not in kept, "a lesson only Per could see is deleted either way"
    for row in (kept[world.named.id], kept[world.anon.id], kept[world.private.id]):
        assert row.anonymous and row.author_id is None and row.source_link is None
    hashes = {kept[i].author_hash for i in (world.named.id, world.anon.id, world.private.id)}
    assert len(hashes) == 3 and digest(PER) not in hashes
    assert done.summary.lessons_kept == 3 and done.summary.lessons_deleted == 1
    assert done.deleted_posts == [], "the private note had no post"
    assert set(done.refreshed_lessons) == {world.named.id, world.anon.id, world.private.id, world.olas.id}
    [reply] = all_of(db, PromptReply)
    assert isinstance(reply, PromptReply) and reply.lesson_id is None, "the reply named Per's message"
    text = dump(db)
    assert PER not in text.replace("UPER00012", "") and digest(PER) not in text
    # Ola's anonymous lesson is untouched.
    assert kept[world.olas_anon.id].author_hash == digest(OLA)


def test_mentoring_is_wound_down_and_the_other_side_kept(db: Database, world: World) -> None:
    done = erase(db, keep=False)
    requests = {r.id: r for r in all_of(db, MentorRequest) if isinstance(r, MentorRequest)}
    assert world.pers_open.id not in requests, "an open request nobody else needs is deleted"
    # Ingrid's request, which waited for Per's answer, looks for the next mentor.
    assert requests[world.ingrids.id].status == "open" and done.reopened_requests == [world.ingrids.id]
    # Per was Ola's mentee: the request stays for Ola's history, with nothing of Per.
    matched = requests[world.pers_matched.id]
    assert (matched.requester_id, matched.requester_unit, matched.note, matched.open_key) == (
        ERASED,
        None,
        None,
        None,
    )
    # Ola's offer DM about Per's open request is to be updated.
    assert [(d.mentor_id, d.channel_id, d.message_ts) for d in done.offer_dms] == [(OLA, "DOLA", "5.2")]
    ships = {m.topic: m for m in all_of(db, Mentorship) if isinstance(m, Mentorship)}
    assert (ships["design"].mentor_id, ships["design"].mentee_id) == (OLA, ERASED)
    assert ships["design"].channel_id is None and ships["design"].intro_ts is None
    review = ships["review"]
    assert (review.mentor_id, review.mentee_id, review.status, review.ended_reason) == (
        ERASED,
        INGRID,
        "ended",
        "left",
    )
    assert review.next_followup_at is None
    assert [(e.partner_id, e.topic) for e in done.ended] == [(INGRID, "review")]
    answers = [a for a in all_of(db, FollowUpAnswer) if isinstance(a, FollowUpAnswer)]
    assert [a.user_id for a in answers] == [INGRID]
    assert all(isinstance(p, MentorProfile) and p.user_id != PER for p in all_of(db, MentorProfile))
    assert all_of(db, MentorTopic) == []
    assert all(isinstance(o, MentorOffer) and o.mentor_id != PER for o in all_of(db, MentorOffer))


def test_settings_stay_without_their_maker_and_queued_messages_about_them_go(
    db: Database, world: World
) -> None:
    done = erase(db, keep=False)
    [subscription] = all_of(db, Subscription)
    [prompt] = all_of(db, CustomPrompt)
    [mentoring] = all_of(db, MentoringSettings)
    assert isinstance(subscription, Subscription) and subscription.created_by == ERASED
    assert (
        isinstance(prompt, CustomPrompt)
        and prompt.created_by == ERASED
        and prompt.text == "What surprised you?"
    )
    assert isinstance(mentoring, MentoringSettings) and mentoring.updated_by is None
    assert mentoring.followup_days == 14
    effects = [json.loads(e.payload) for e in all_of(db, OutboxEffect) if isinstance(e, OutboxEffect)]
    assert effects == [{"user": "UPER00012", "text": "someone else"}], (
        "by payload, key or hash; whole ids only"
    )
    assert done.summary.outbox == 3
    assert [p.channel_key for p in all_of(db, OutboxPace) if isinstance(p, OutboxPace)] == ["CGENERAL"]


def test_erasing_twice_finds_nothing_the_second_time(db: Database, world: World) -> None:
    erase(db, keep=True)
    again = erase(db, keep=True)
    assert not again.summary.anything
    assert again.deleted_posts == [] and again.refreshed_lessons == [] and again.ended == []


def test_the_preview_counts_what_will_go(db: Database, world: World) -> None:
    with db.read_session() as s:
        seen = erasure.preview(s, team_id=T1, user_id=PER, author_hash=digest(PER))
    assert (seen.lessons, seen.private_lessons, seen.shared_lessons) == (4, 1, 3)
    assert (seen.votes, seen.profile, seen.requests, seen.offers, seen.mentorships, seen.settings) == (
        2,
        True,
        2,
        2,
        2,
        2,
    )
    with db.read_session() as s:
        assert not erasure.preview(s, team_id=T1, user_id="UNOBODY1", author_hash=digest("UNOBODY1")).anything


def test_my_data_holds_their_anonymous_lessons_and_nobody_elses(db: Database, world: World) -> None:
    with db.read_session() as s:
        data = personal.document(s, team_id=T1, user_id=PER, author_hash=digest(PER), now=NOW)
    texts = {lesson["text"] for lesson in data["lessons"]}
    assert texts == {"Named lesson", "Anonymous lesson", "Only for me", "In a private channel"}
    assert "Ola's anonymous lesson" not in json.dumps(data) and digest(OLA) not in json.dumps(data)
    assert [r["lesson_id"] for r in data["prompt_replies"]] == [world.anon.id]
    assert {m["role"] for m in data["mentorships"]} == {"mentor", "mentee"}
    assert [a["answer"] for a in data["followup_answers"]] == ["going_well"]
    assert data["settings_created"]["custom_prompts"][0]["text"] == "What surprised you?"
    assert "Per in another workspace" not in json.dumps(data)
    assert json.loads(personal.as_bytes(data)) == data


def test_the_outbox_purge_matches_whole_ids_only(db: Database) -> None:
    with db.session() as s:
        for user in ("U1", "U12", "XU1"):
            s.add(
                OutboxEffect(
                    team_id=T1,
                    kind="t",
                    payload=json.dumps({"user": user}),
                    status="pending",
                    attempts=0,
                    due_at=NOW,
                    created_at=NOW,
                )
            )
    with db.session() as s:
        assert queries.purge_outbox(s, T1, ["U1"]) == 1
        assert queries.purge_outbox(s, T2, ["U12"]) == 0, "another workspace's effects are not looked at"
    left = sorted(
        json.loads(e.payload)["user"] for e in all_of(db, OutboxEffect) if isinstance(e, OutboxEffect)
    )
    assert left == ["U12", "XU1"]


def test_teams_lists_every_workspace_with_data(db: Database, world: World) -> None:
    with db.read_session() as s:
        assert queries.teams(s) == [T1, T2]
