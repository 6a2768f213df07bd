"""bot.rhythm.replies: a thread reply to a prompt saved once as a lesson, and finding the prompt a
message or a reaction belongs to."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.core import mrkdwn
from bot.lessons import service as lessons
from bot.lessons.data import TEXT_MAX
from bot.rhythm import replies
from bot.rhythm.data import Finders
from storage.db import Database
from storage.lessons.models import Lesson
from storage.lessons.visibility import AUTHOR, CHANNEL, PENDING, WORKSPACE
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


def save(
    db: Database, post_id: int, reply_ts: str, text: str, visibility: str = WORKSPACE
) -> replies.ReplyResult:
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
            visibility=visibility,
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

    short = save(db, post_id, "1772438600.000300", "CI")
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


# --- what reads as a lesson ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Great question!",
        "Takk!",
        "+1",
        "Enig",
        "ok",
        "👍",
        ":+1: :tada:",
        "@kari +1",
        "Thanks a lot!",
        "Thanks, this is a really great question!",
        "Tusen takk for et godt spørsmål!",
        "Helt enig, godt poeng",
        "Så bra, takk!",
        "",
    ],
)
def test_thanks_agreement_and_emoji_are_chatter(text: str) -> None:
    assert replies.judge(text) is replies.Reading.CHATTER


@pytest.mark.parametrize(
    "text",
    [
        "Test in prod",  # 3 words, 10 letters
        "Bruk feature flags",  # 3 words, 17 letters
        "Small PRs",
        "Pair program",
        "CI",
        "#perf",  # a tag is not a word, but it is not thanks either
        "Rollback 2x",
    ],
)
def test_a_few_words_are_not_yet_a_lesson(text: str) -> None:
    assert replies.judge(text) is replies.Reading.FRAGMENT


@pytest.mark.parametrize(
    "text",
    [
        "Write the rollback plan first",
        "Skriv tilbakerullingsplanen før du deployer",
        "Små pull requests blir lest samme dag",
        "Great question! Pairing on the deploy made it far less scary",
        "Takk! Vi lærte at kunden må se skissen før vi bygger",
        "@kari showed me how to read the flame graph & it paid off #perf",
        "We did this with our summer interns. It worked!",
    ],
)
def test_a_short_sentence_is_a_lesson(text: str) -> None:
    assert replies.judge(text) is replies.Reading.LESSON


def test_mentions_tags_emoji_links_and_numbers_are_not_words() -> None:
    assert replies.words_of("@kari #perf :tada: https://x.no/a-b 42 ok, Så bra") == ["ok", "Så", "bra"]
    assert replies.words_of("don't stop’n") == ["don't", "stop’n"]
    assert replies.MIN_WORDS == 3 and replies.MIN_LETTERS == 20


def test_chatter_and_fragments_are_not_saved_and_a_lesson_keeps_its_visibility(db: Database) -> None:
    post_id = prompt_post(db)
    chatter = save(db, post_id, "1772438500.000201", "Takk!")
    fragment = save(db, post_id, "1772438500.000202", "Test in prod")
    assert (chatter.reading, chatter.lesson_id, chatter.problems) == (replies.Reading.CHATTER, None, ())
    assert (fragment.reading, fragment.lesson_id, fragment.problems) == (replies.Reading.FRAGMENT, None, ())
    saved = save(db, post_id, "1772438500.000203", "Write the timeline while people remember", CHANNEL)
    with db.session() as session:
        [lesson] = session.scalars(select(Lesson))
        assert lesson.id == saved.lesson_id and lesson.visibility == CHANNEL
        assert not replies.reply_saved(session, T1, C1, "1772438500.000201"), "chatter leaves no marker"
        marker = replies.reply_of_lesson(session, T1, lesson.id)
        assert marker is not None and marker.reply_ts == "1772438500.000203"
        assert replies.reply_of_lesson(session, "T2", lesson.id) is None


def test_the_note_says_who_can_find_the_lesson_from_its_visibility() -> None:
    assert replies.finders(WORKSPACE) is Finders.WORKSPACE
    assert replies.finders(CHANNEL) is Finders.CHANNEL
    assert replies.finders(AUTHOR) is Finders.AUTHOR
    assert replies.finders(PENDING) is Finders.NOT_YET_KNOWN
