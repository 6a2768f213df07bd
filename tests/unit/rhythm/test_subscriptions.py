"""bot.rhythm.subscriptions (and replies): subscribe, settings, pause, effective values, reply saving.

A channel's language is no longer a subscription setting: tests/unit/core/test_language.py."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.lessons import service as lessons
from bot.rhythm import replies, subscriptions
from bot.rhythm.commands import DIGEST, PROMPT, Field, InvalidValue
from storage.core.queries import ensure_workspace
from storage.db import Database
from storage.lessons.models import Lesson
from storage.rhythm.models import PromptReply, ScheduledPost, Subscription

T1, C1, C2 = "T1", "C1", "C2"
ADMIN = "UADMIN01"
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
KEY = b"k" * 32


def subscribe(db: Database, channel: str = C1, now: datetime = NOW) -> subscriptions.SubscribeResult:
    with db.session() as session:
        return subscriptions.subscribe(session, team_id=T1, channel_id=channel, user_id=ADMIN, now=now)


def current(db: Database, channel: str = C1) -> Subscription:
    with db.session() as session:
        sub = subscriptions.get(session, T1, channel)
    assert sub is not None
    return sub


def effective(db: Database, channel: str = C1) -> subscriptions.ChannelSettings:
    with db.session() as session:
        sub = subscriptions.get(session, T1, channel)
        assert sub is not None
        return subscriptions.settings_of(
            session,
            sub,
            language="en",
            language_inherited=True,
            default_timezone="Europe/Oslo",
            now=NOW,
        )


def test_subscribe_creates_with_the_defaults_and_is_idempotent(db: Database) -> None:
    first = subscribe(db)
    assert first.created and not first.reactivated
    sub = current(db)
    assert (sub.active, sub.prompt_weekday, sub.prompt_time, sub.digest_weekday, sub.digest_time) == (
        True,
        0,
        "09:00",
        4,
        "14:00",
    )
    assert sub.holiday_country == "NO" and sub.timezone is None
    again = subscribe(db, now=NOW + timedelta(minutes=1))
    assert not again.created and not again.reactivated
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == 1


def test_unsubscribe_keeps_the_settings_and_subscribe_reactivates_them(db: Database) -> None:
    subscribe(db)
    with db.session() as session:
        subscriptions.set_schedule(session, T1, C1, DIGEST, 3, "15:30", NOW)
        sub = subscriptions.get(session, T1, C1)
        assert sub is not None
        sub.last_error = "is_archived"
        assert subscriptions.unsubscribe(session, T1, C1, NOW)
        assert not subscriptions.unsubscribe(session, T1, C1, NOW), "a second time changes nothing"
        assert not subscriptions.unsubscribe(session, T1, C2, NOW), "never subscribed"
    assert not current(db).active
    result = subscribe(db)
    assert result.reactivated and not result.created
    sub = current(db)
    assert sub.active and (sub.digest_weekday, sub.digest_time) == (3, "15:30")
    assert sub.last_error is None


def test_settings_need_a_subscription(db: Database) -> None:
    with db.session() as session:
        for change in (
            lambda: subscriptions.set_schedule(session, T1, C1, PROMPT, 0, "09:00", NOW),
            lambda: subscriptions.set_timezone(session, T1, C1, "Europe/Oslo", NOW),
            lambda: subscriptions.set_holidays(session, T1, C1, None, NOW),
            lambda: subscriptions.pause(session, T1, C1, 1, NOW),
        ):
            with pytest.raises(subscriptions.NotSubscribed):
                change()


def test_setters_store_checked_values(db: Database) -> None:
    subscribe(db)
    with db.session() as session:
        subscriptions.set_schedule(session, T1, C1, PROMPT, 2, "7:05", NOW)
        subscriptions.set_timezone(session, T1, C1, "america/new_york", NOW)
        subscriptions.set_holidays(session, T1, C1, "se", NOW)
    sub = current(db)
    assert (sub.prompt_weekday, sub.prompt_time) == (2, "07:05")
    assert sub.timezone == "America/New_York"
    assert sub.holiday_country == "SE"
    with db.session() as session:
        subscriptions.set_holidays(session, T1, C1, None, NOW)
    assert current(db).holiday_country is None

    with db.session() as session:
        for change, field in (
            (lambda: subscriptions.set_schedule(session, T1, C1, "weekly", 0, "09:00", NOW), Field.KIND),
            (lambda: subscriptions.set_schedule(session, T1, C1, PROMPT, 7, "09:00", NOW), Field.WEEKDAY),
            (lambda: subscriptions.set_schedule(session, T1, C1, PROMPT, 0, "24:00", NOW), Field.TIME),
            (lambda: subscriptions.set_timezone(session, T1, C1, "Mars/Olympus", NOW), Field.TIMEZONE),
            (lambda: subscriptions.set_holidays(session, T1, C1, "ZZ", NOW), Field.HOLIDAYS),
            (lambda: subscriptions.pause(session, T1, C1, 53, NOW), Field.WEEKS),
        ):
            with pytest.raises(InvalidValue) as caught:
                change()
            assert caught.value.field is field
    assert current(db).timezone == "America/New_York", "nothing bad was stored"


def test_pause_sets_an_end_and_zero_resumes(db: Database) -> None:
    subscribe(db)
    with db.session() as session:
        subscriptions.pause(session, T1, C1, 3, NOW)
    assert current(db).paused_until == NOW + timedelta(weeks=3)
    assert effective(db).paused_until == NOW + timedelta(weeks=3)
    with db.session() as session:
        subscriptions.pause(session, T1, C1, 0, NOW)
    assert current(db).paused_until is None


def test_effective_settings_fall_back_to_the_workspace_then_the_defaults(db: Database) -> None:
    subscribe(db)
    shown = effective(db)
    assert (shown.timezone, shown.timezone_inherited) == ("Europe/Oslo", True)
    with db.session() as session:
        ensure_workspace(session, T1, NOW).timezone = "Europe/London"
    shown = effective(db)
    assert (shown.timezone, shown.timezone_inherited) == ("Europe/London", True)
    with db.session() as session:
        subscriptions.set_timezone(session, T1, C1, "Asia/Tokyo", NOW)
    shown = effective(db)
    assert (shown.timezone, shown.timezone_inherited) == ("Asia/Tokyo", False)


# --- replies to a prompt ------------------------------------------------------------------------------------


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
    long = save(db, post_id, "1772438700.000400", "x" * (lessons.TEXT_MAX + 1))
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


def test_slack_formatting_becomes_plain_text_that_pings_nobody() -> None:
    text = (
        "<@U0KARI> showed me <https://example.com/runbook|the runbook> &amp; <#C0GEN|general>; "
        "<!here> &lt;3 <mailto:a@b.no|a@b.no> <https://x.no>"
    )
    assert replies.mentioned_users(text) == ["U0KARI"]
    assert replies.plain_text(text, {"U0KARI": "Kari"}) == (
        "@Kari showed me the runbook (https://example.com/runbook) & #general; @here <3 a@b.no https://x.no"
    )
    assert replies.plain_text("<@U0KARI> hi") == "@U0KARI hi"
