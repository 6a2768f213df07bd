"""bot.rhythm.replies: a thread reply to a prompt saved once as a lesson, and finding the prompt a
message or a reaction belongs to."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.core import mrkdwn
from bot.lessons import service as lessons
from bot.lessons.data import TEXT_MAX
from bot.rhythm import replies
from storage.db import Database
from storage.lessons.models import Lesson
from storage.rhythm.models import PromptReply, ScheduledPost

T1, C1, C2 = "T1", "C1", "C2"
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
KEY = b"k" * 32


def prompt_post(db: Database, ts: str = "1772438400.000100") -> int:
    with db.session() as session:
        post = ScheduledPost(
            team_id=T1,
            channel_id=C1,
            kind="prompt",
            week="2026-W10",
            status="posted",
            due_at=NOW,
            claimed_by="test",
            claimed_at=NOW,
            attempts=1,
            posted_at=NOW,
            message_ts=ts,
            prompt_key="builtin:en:0",
        )
        session.add(post)
        session.flush()
        return post.id


def save(db: Database, post_id: int, reply_ts: str, text: str) -> replies.ReplyResult:
    with db.session() as session:
        post = replies.get_prompt_post(session, T1, post_id)
        assert post is not None
        return replies.save_reply(
            session,
            post=post,
            reply_ts=reply_ts,
            user_id="UOLA0001",
            text=text,
            source_link=None,
            secret_key=KEY,
            now=NOW,
        )


def test_a_reply_is_saved_once_as_a_lesson_linked_to_its_prompt(db: Database) -> None:
    post_id = prompt_post(db)
    first = save(
        db, post_id, "1772438500.000200", "Pairing on the deploy made it boring, in a good way #deploy"
    )
    assert first.lesson_id is not None and not first.duplicate
    again = save(
        db, post_id, "1772438500.000200", "Pairing on the deploy made it boring, in a good way #deploy"
    )
    assert again.duplicate and again.lesson_id is None
    with db.session() as session:
        [lesson] = session.scalars(select(Lesson))
        assert (lesson.prompt_post_id, lesson.channel_id, lesson.message_ts) == (post_id, C1, None)
        assert lesson.author_id == "UOLA0001" and lesson.tags_text == "deploy"
        [marker] = session.scalars(select(PromptReply))
        assert marker.lesson_id == lesson.id and marker.prompt_post_id == post_id
        assert replies.reply_saved(session, T1, C1, "1772438500.000200")

    short = save(db, post_id, "1772438600.000300", "ok")
    assert short.lesson_id is None and [p.code for p in short.problems] == ["too_short"]
    long = save(db, post_id, "1772438700.000400", "x" * (TEXT_MAX + 1))
    assert [p.code for p in long.problems] == ["too_long"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Lesson)) == 1
        assert not replies.reply_saved(session, T1, C1, "1772438600.000300"), "a refused reply can come back"


def test_the_same_reply_handled_twice_at_once_is_saved_once(db: Database) -> None:
    post_id = prompt_post(db)
    start = threading.Barrier(2)
    results: list[replies.ReplyResult] = []

    def handle() -> None:
        start.wait()
        results.append(save(db, post_id, "1772438500.000200", "Both threads see this reply"))

    threads = [threading.Thread(target=handle) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(r.duplicate for r in results) == [False, True]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Lesson)) == 1


def test_deleting_the_lesson_keeps_the_reply_from_being_saved_again(db: Database) -> None:
    post_id = prompt_post(db)
    saved = save(db, post_id, "1772438500.000200", "Ask for the runbook before the on-call week")
    with db.session() as session:
        lessons.delete_lesson(
            session,
            team_id=T1,
            lesson_id=saved.lesson_id or 0,
            user_id="UOLA0001",
            secret_key=KEY,
            is_admin=False,
        )
    assert save(db, post_id, "1772438500.000200", "Ask for the runbook before the on-call week").duplicate
    with db.session() as session:
        [marker] = session.scalars(select(PromptReply))
        assert marker.lesson_id is None


def test_finding_a_prompt_by_its_message_and_raised_hands(db: Database) -> None:
    post_id = prompt_post(db, "1772438400.000100")
    with db.session() as session:
        found = replies.find_prompt_post(session, T1, C1, "1772438400.000100")
        assert found is not None and found.id == post_id
        assert replies.find_prompt_post(session, T1, C2, "1772438400.000100") is None
        assert replies.find_prompt_post(session, "T2", C1, "1772438400.000100") is None
        assert replies.find_prompt_post(session, T1, C1, "") is None
        for name in ("raised_hand", "hand", "raised_hand::skin-tone-3"):
            assert replies.prompt_for_reaction(session, T1, C1, "1772438400.000100", name) is not None
        assert replies.prompt_for_reaction(session, T1, C1, "1772438400.000100", "+1") is None
        assert replies.get_prompt_post(session, "T2", post_id) is None


def test_a_replys_slack_formatting_reads_as_typed_and_pings_nobody() -> None:
    """Replies are decoded by bot.core.mrkdwn (through SlackGateway.readable), the rhythm's own copy
    of that code is gone; what it promised still holds."""
    text = (
        "<@U0KARI> showed me <https://example.com/runbook|the runbook> &amp; <#C0GEN|general>; "
        "<!here> &lt;3 <mailto:a@b.no|a@b.no> <https://x.no>"
    )
    assert mrkdwn.mentioned_users(text) == ["U0KARI"]
    assert mrkdwn.from_slack(text, {"U0KARI": "Kari"}) == (
        "@Kari showed me the runbook (https://example.com/runbook) & #general; @here <3 a@b.no https://x.no"
    )
    assert mrkdwn.from_slack("<@U0KARI> hi") == "@U0KARI hi"
    assert mrkdwn.from_slack("x &lt; y &amp;&amp; y &gt; z") == "x < y && y > z"
    assert not hasattr(replies, "plain_text") and not hasattr(replies, "mentioned_users")
