"""The weekly rhythm end to end: whole weeks on a fake clock, restarts, holidays, DST, downtime,
failing channels, rate limits, replicas, the scheduler's jobs and the CLI."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler
from sqlalchemy import func, select

import app as erfaring
import scheduler
from bot.lessons.ids import LessonAction
from bot.rhythm import claims, jobs, runs
from bot.rhythm.claims import Status
from bot.rhythm.ids import METADATA_EVENT
from bot.rhythm.runs import RunReport
from localslack.clock import FakeClock
from localslack.standin import Message
from localslack.workspace import LOCAL_BOT_TOKEN, LOCAL_SIGNING_SECRET, LOCAL_TEAM_ID, LocalWorkspace
from storage.db import Database
from storage.lessons.models import Lesson, Vote
from storage.rhythm.models import ScheduledPost, Subscription
from tests.scenario.conftest import START
from tests.scenario.helpers import bot_messages, last_bot_message

MONDAY_09_OSLO = START  # 2026-03-02 08:00 UTC
FRIDAY_14_OSLO = datetime(2026, 3, 6, 13, 0, tzinfo=UTC)


class Sleeps(list[float]):
    """Stands in for time.sleep: records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def subscribe(ws: LocalWorkspace, channel: str, **fields: Any) -> str:
    """A subscription row as `/erfaring subscribe` makes it, the day before the test starts."""
    channel_id = ws.channel_id(channel) if not channel.startswith(("C", "G")) else channel
    values: dict[str, Any] = {
        "team_id": LOCAL_TEAM_ID,
        "channel_id": channel_id,
        "active": True,
        "prompt_weekday": 0,
        "prompt_time": "09:00",
        "digest_weekday": 4,
        "digest_time": "14:00",
        "holiday_country": "NO",
        "created_by": ws.user_id("kari"),
        "created_at": START - timedelta(days=1),
        "updated_at": START - timedelta(days=1),
    }
    values.update(fields)
    with ws.deps.db.session() as session:
        sub = Subscription(**values)
        session.add(sub)
        session.flush()
        # An explicit None on insert would get the column default ("NO"); an update keeps it.
        for name, value in fields.items():
            if value is None:
                setattr(sub, name, None)
    return channel_id


def run(ws: LocalWorkspace, sleeps: Sleeps | None = None, **kwargs: Any) -> RunReport:
    kwargs.setdefault("replica_id", "test-replica")
    report = jobs.run_due(ws.deps, ws.clock.now(), sleep=sleeps if sleeps is not None else Sleeps(), **kwargs)
    ws.settle()  # what the run asked the outbox to send (notes to admins) goes out, as workers would
    return report


def posts_of(ws: LocalWorkspace, channel: str, kind: str) -> list[Message]:
    return [
        m
        for m in bot_messages(ws, channel)
        if (m.metadata or {}).get("event_payload", {}).get("kind") == kind
    ]


def slots(db: Database) -> list[tuple[str, str, str, str, str | None]]:
    with db.session() as session:
        rows = session.scalars(select(ScheduledPost).order_by(ScheduledPost.id))
        return [(r.channel_id, r.kind, r.week, r.status, r.detail) for r in rows]


def dumped(message: Message) -> str:
    return json.dumps(message.blocks, ensure_ascii=False) + message.text


def dms_to(ws: LocalWorkspace, user: str) -> list[Message]:
    return bot_messages(ws, ws.standin.im_channel(ws.user_id(user)))


# --- a whole week -------------------------------------------------------------------------------------


def test_a_whole_week_prompt_on_monday_replies_and_votes_restart_digest_on_friday(
    ws: LocalWorkspace, db: Database, clock: FakeClock
) -> None:
    general = subscribe(ws, "general")
    subscribe(ws, "team-platform")
    ola, per, ingrid, kari = (ws.user_id(n) for n in ("ola", "per", "ingrid", "kari"))

    # Sunday evening: nothing is due yet this week (and last week's slots came before the subscription).
    clock.set(MONDAY_09_OSLO - timedelta(minutes=1))
    assert run(ws).outcomes == []

    # Monday 09:00 in Oslo: one prompt per channel, with the question and the "Share a lesson" button.
    clock.set(MONDAY_09_OSLO)
    report = run(ws)
    assert sorted((o.channel_id, o.kind, o.status) for o in report.outcomes) == sorted(
        [(general, "prompt", "posted"), (ws.channel_id("team-platform"), "prompt", "posted")]
    )
    [prompt] = posts_of(ws, "general", "prompt")
    assert "Share a lesson" in dumped(prompt)
    with db.session() as session:
        row = session.scalar(select(ScheduledPost).where(ScheduledPost.channel_id == general))
        assert row is not None
        assert (row.status, row.week, row.message_ts) == ("posted", "2026-W10", prompt.ts)
        assert row.prompt_key and row.prompt_key.startswith(("builtin:en:", "custom:"))
    # The scheduler fires again, the catch-up pass runs: nothing more is posted.
    clock.advance(timedelta(minutes=10))
    assert [o.status for o in run(ws).outcomes] == ["done", "done"]
    assert len(posts_of(ws, "general", "prompt")) == 1

    # During the week: answers in the prompt's thread become lessons; lessons get votes.
    clock.advance(timedelta(hours=2))
    ws.driver.user_says(ola, general, "Run the migration on a copy of production first", thread_ts=prompt.ts)
    ws.driver.user_says(
        per, general, "Ask the customer what they tried before you answer", thread_ts=prompt.ts
    )
    ws.settle()
    ws.driver.command(ingrid, general, "/lesson", "Show the sketch before the pixels #design")
    ws.settle()
    lesson_message = last_bot_message(ws, "general")
    clock.advance(timedelta(days=1))
    ws.driver.click(kari, action_id=LessonAction.USEFUL, message=lesson_message)
    ws.driver.click(ola, action_id=LessonAction.USEFUL, message=lesson_message)
    ws.driver.click(per, action_id=LessonAction.APPLIED, message=lesson_message)
    ws.settle()
    with db.session() as session:
        saved = session.scalars(select(Lesson).where(Lesson.channel_id == general).order_by(Lesson.id)).all()
        assert len(saved) == 3 and sum(1 for lesson in saved if lesson.prompt_post_id == row.id) == 2
        assert session.scalar(select(func.count()).select_from(Vote)) == 3

    # Wednesday: the process restarts (a new app on the same database and a fresh Slack connection).
    ws.close()
    clock.set(datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
    restarted = erfaring.local_workspace(db, clock)
    try:
        assert [o.status for o in run(restarted).outcomes] == ["done", "done"]
        assert posts_of(restarted, "general", "prompt") == [], "the restart does not post the prompt again"

        # Friday 14:00 in Oslo: the digest, ranked by votes, with participation.
        clock.set(FRIDAY_14_OSLO - timedelta(seconds=1))
        assert [o.status for o in run(restarted).outcomes] == ["done", "done"]
        clock.set(FRIDAY_14_OSLO)
        report = run(restarted)
        assert sorted(o.status for o in report.outcomes) == ["done", "done", "posted", "posted"]
        [digest] = posts_of(restarted, "general", "digest")
        text = dumped(digest)
        assert "Weekly digest · week 10" in text
        assert "3 lessons" in text
        assert text.index("Show the sketch before the pixels") < text.index("Run the migration on a copy")
        assert "👍 2 · ✅ 1" in text
        assert "1 lesson from this channel was marked applied this week (1 time)" in text
        assert "4 people shared or voted here this week" in text  # ola, per, ingrid, kari
        assert "▁▁▁▁▁▁▁█" in text
        # Quiet channel: encouragement, not an empty list.
        [quiet] = posts_of(restarted, "team-platform", "digest")
        assert "A quiet week here" in dumped(quiet)
        assert "Top lessons from other channels" in dumped(quiet)  # #general's voted lesson crosses over
        assert "Show the sketch before the pixels" in dumped(quiet)

        clock.advance(timedelta(hours=1))
        assert {o.status for o in run(restarted).outcomes} == {"done"}
        assert len(posts_of(restarted, "general", "digest")) == 1
        assert restarted.standin.invalid_payloads == []
    finally:
        restarted.settle()
        restarted.close()
    assert [(kind, week, status) for _, kind, week, status, _ in slots(db)] == [
        ("prompt", "2026-W10", "posted"),
        ("prompt", "2026-W10", "posted"),
        ("digest", "2026-W10", "posted"),
        ("digest", "2026-W10", "posted"),
    ]


# --- holidays, DST, downtime ----------------------------------------------------------------------------


def test_no_prompt_on_a_public_holiday_unless_holidays_are_off(ws: LocalWorkspace, clock: FakeClock) -> None:
    general = subscribe(ws, "general")  # Norway's holidays (the default)
    platform = subscribe(ws, "team-platform", holiday_country=None)  # holidays off
    product = subscribe(ws, "team-product", holiday_country="US")
    # Easter Monday, 6 April 2026, 09:00 in Oslo (summer time: 07:00 UTC).
    clock.set(datetime(2026, 4, 6, 7, 0, tzinfo=UTC))
    report = run(ws, kinds=("prompt",))
    by_channel = {o.channel_id: o for o in report.outcomes}
    assert by_channel[general].status == "skipped" and "Easter Monday" in by_channel[general].detail
    assert by_channel[platform].status == "posted"
    assert by_channel[product].status == "posted"  # not a holiday in the United States
    assert posts_of(ws, "general", "prompt") == []
    # Later that day the skip stands: a holiday is not made up.
    clock.advance(timedelta(hours=3))
    assert run(ws, kinds=("prompt",)).posted == []
    # The digest that Friday goes out as usual.
    clock.set(datetime(2026, 4, 10, 12, 0, tzinfo=UTC))
    assert {o.channel_id for o in run(ws, kinds=("digest",)).posted} == {general, platform, product}


def test_17_may_and_christmas_are_norwegian_holidays(ws: LocalWorkspace, clock: FakeClock) -> None:
    general = subscribe(ws, "general", prompt_weekday=0, digest_weekday=4)
    # 17 May 2027 is a Monday; 25 December 2026 is a Friday.
    clock.set(datetime(2027, 5, 17, 7, 0, tzinfo=UTC))
    assert [(o.kind, o.status) for o in run(ws, kinds=("prompt",)).outcomes] == [("prompt", "skipped")]
    clock.set(datetime(2026, 12, 25, 13, 0, tzinfo=UTC))
    [outcome] = run(ws, kinds=("digest",)).outcomes
    assert outcome.status == "skipped" and "Christmas" in outcome.detail and outcome.channel_id == general


def test_posts_keep_their_wall_clock_time_across_a_dst_change(ws: LocalWorkspace, clock: FakeClock) -> None:
    general = subscribe(ws, "general")
    # Sunday 02:30 does not exist in Oslo on 29 March 2026 (02:00 → 03:00): due at 03:00 CEST.
    platform = subscribe(ws, "team-platform", prompt_weekday=6, prompt_time="02:30")
    clock.set(datetime(2026, 3, 23, 8, 0, tzinfo=UTC))  # Monday 09:00 CET
    assert [o.channel_id for o in run(ws, kinds=("prompt",)).posted] == [general]

    clock.set(datetime(2026, 3, 29, 0, 59, tzinfo=UTC))  # 01:59 CET, just before the gap
    assert run(ws, kinds=("prompt",)).posted == []
    clock.set(datetime(2026, 3, 29, 1, 0, tzinfo=UTC))  # 03:00 CEST, the first instant after it
    [posted] = run(ws, kinds=("prompt",)).posted
    assert (posted.channel_id, posted.week) == (platform, "2026-W13")

    # Monday after the change: 09:00 CEST is 07:00 UTC, an hour earlier in UTC than the week before.
    clock.set(datetime(2026, 3, 30, 6, 59, tzinfo=UTC))
    assert run(ws, kinds=("prompt",)).posted == []
    clock.set(datetime(2026, 3, 30, 7, 0, tzinfo=UTC))
    [posted] = run(ws, kinds=("prompt",)).posted
    assert (posted.channel_id, posted.week) == (general, "2026-W14")
    assert len(posts_of(ws, "general", "prompt")) == 2


def test_a_repeated_hour_in_the_fall_posts_once(ws: LocalWorkspace, clock: FakeClock) -> None:
    # New York falls back on Sunday 1 November 2026: 01:30 happens at 05:30 and again at 06:30 UTC.
    subscribe(ws, "general", prompt_weekday=6, prompt_time="01:30", timezone="America/New_York")
    clock.set(datetime(2026, 11, 1, 5, 29, tzinfo=UTC))
    assert run(ws, kinds=("prompt",)).posted == []
    clock.set(datetime(2026, 11, 1, 5, 30, tzinfo=UTC))
    assert len(run(ws, kinds=("prompt",)).posted) == 1
    clock.set(datetime(2026, 11, 1, 6, 30, tzinfo=UTC))
    assert run(ws, kinds=("prompt",)).posted == []
    assert len(posts_of(ws, "general", "prompt")) == 1


def test_downtime_is_made_up_within_the_grace_period_and_skipped_after_it(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    on_time = subscribe(ws, "general")  # Monday 09:00
    early = subscribe(ws, "team-platform", prompt_time="03:00")  # Monday 03:00
    # The service was down from Sunday until Monday 14:00 in Oslo.
    clock.set(datetime(2026, 3, 2, 13, 0, tzinfo=UTC))
    report = run(ws, kinds=("prompt",))
    by_channel = {o.channel_id: o for o in report.outcomes}
    assert by_channel[on_time].status == "posted"  # 5 hours late: within the default 6
    assert by_channel[early].status == "skipped" and by_channel[early].detail.startswith("missed")
    assert posts_of(ws, "team-platform", "prompt") == []
    # A shorter grace period is honoured too.
    product = subscribe(ws, "team-product")
    assert run(ws, kinds=("prompt",), grace=timedelta(hours=4)).skipped[0].channel_id == product


def test_a_paused_channel_is_skipped_until_the_pause_ends(ws: LocalWorkspace, clock: FakeClock) -> None:
    general = subscribe(ws, "general", paused_until=datetime(2026, 3, 9, 0, 0, tzinfo=UTC))
    report = run(ws)
    assert [(o.kind, o.status) for o in report.outcomes] == [("prompt", "skipped")]
    assert report.outcomes[0].detail.startswith("paused until")
    clock.set(datetime(2026, 3, 9, 8, 0, tzinfo=UTC))
    assert [o.channel_id for o in run(ws).posted] == [general]


def test_a_schedule_change_applies_from_the_next_run(ws: LocalWorkspace, clock: FakeClock) -> None:
    subscribe(ws, "general")
    clock.set(datetime(2026, 3, 3, 8, 0, tzinfo=UTC))  # Tuesday 09:00: Monday's slot was missed by far
    assert [o.status for o in run(ws, kinds=("prompt",)).outcomes] == ["skipped"]
    with ws.deps.db.session() as session:
        sub = session.scalar(select(Subscription))
        assert sub is not None
        sub.digest_weekday, sub.digest_time = 1, "10:00"  # digest on Tuesdays at 10:00
    assert run(ws, kinds=("digest",)).posted == []
    clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    assert len(run(ws, kinds=("digest",)).posted) == 1
    # Moving it to later the same week does not give a second digest that week.
    with ws.deps.db.session() as session:
        sub = session.scalar(select(Subscription))
        assert sub is not None
        sub.digest_weekday = 3
    clock.set(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    assert run(ws, kinds=("digest",)).posted == []


# --- faults -----------------------------------------------------------------------------------------------


def test_failing_channels_are_recorded_reported_and_do_not_stop_the_others(
    ws: LocalWorkspace, db: Database, clock: FakeClock
) -> None:
    archived = ws.standin.add_channel("old-project", is_archived=True, members=[ws.standin.bot_user_id]).id
    subscribe(ws, archived)
    leaders = subscribe(ws, "leaders")  # private, the bot was never invited
    gone = subscribe(ws, "C0DELETED")
    general = subscribe(ws, "general")
    report = run(ws, kinds=("prompt",))
    statuses = {o.channel_id: (o.status, o.detail) for o in report.outcomes}
    assert statuses == {
        archived: ("failed", "is_archived"),
        leaders: ("failed", "not_in_channel"),
        gone: ("failed", "channel_not_found"),
        general: ("posted", ""),
    }
    assert not report.ok and len(report.failed) == 3
    assert len(posts_of(ws, "general", "prompt")) == 1
    with db.session() as session:
        subs = {s.channel_id: s for s in session.scalars(select(Subscription))}
        assert subs[archived].active is False  # an archived channel's subscription is paused
        assert subs[leaders].active and subs[leaders].last_error == "not_in_channel"
        assert subs[gone].last_error == "channel_not_found"
        assert subs[general].last_error is None
    assert {(c, s, d) for c, _, _, s, d in slots(db)} >= {
        (archived, "failed", "is_archived"),
        (leaders, "failed", "not_in_channel"),
        (gone, "failed", "channel_not_found"),
    }
    # The admin hears about each, with what to do.
    dms = [m.text for m in dms_to(ws, "kari")]
    assert len(dms) == 3
    assert any("archived" in t and "paused" in t for t in dms)
    assert any("/invite @Erfaring" in t and f"<#{leaders}>" in t for t in dms)

    # The digest fails the same way: no second DM about the same problem; the archived channel is off.
    clock.set(FRIDAY_14_OSLO)
    report = run(ws, kinds=("digest",))
    assert {o.channel_id for o in report.failed} == {leaders, gone}
    assert len(dms_to(ws, "kari")) == 3
    assert archived not in {o.channel_id for o in report.outcomes}


def test_rate_limits_are_honoured_with_retry_after(ws: LocalWorkspace) -> None:
    subscribe(ws, "general")
    # slack_sdk's own handler waits for Retry-After and tries again.
    ws.standin.fail("chat.postMessage", "ratelimited", status=429, retry_after=1, times=1)
    assert len(run(ws, kinds=("prompt",)).posted) == 1
    answers = [c.status for c in ws.standin.calls_to("chat.postMessage")]
    assert answers == [429, 200]


def test_our_own_retries_wait_at_least_retry_after_and_back_off(ws: LocalWorkspace) -> None:
    subscribe(ws, "general")
    ws.deps.slack.client(LOCAL_TEAM_ID).retry_handlers = [
        ConnectionErrorRetryHandler()
    ]  # only our layer retries here
    ws.standin.fail("chat.postMessage", "ratelimited", status=429, retry_after=30, times=2)
    ws.standin.fail("chat.postMessage", "internal_error", status=500, times=1)
    sleeps = Sleeps()
    assert len(run(ws, sleeps, kinds=("prompt",)).posted) == 1
    assert sleeps == [30.0, 30.0, 4.0]  # Retry-After twice, then the doubled backoff (1, 2, 4)
    assert len(posts_of(ws, "general", "prompt")) == 1


def test_a_slack_outage_is_retried_by_a_later_pass_within_the_grace(
    ws: LocalWorkspace, db: Database, clock: FakeClock
) -> None:
    subscribe(ws, "general")
    ws.deps.slack.client(LOCAL_TEAM_ID).retry_handlers = []
    ws.standin.fail("chat.postMessage", "service_unavailable", status=503, times=runs.ATTEMPTS)
    sleeps = Sleeps()
    report = run(ws, sleeps, kinds=("prompt",))
    assert [(o.status, o.detail) for o in report.outcomes] == [("retry", "service_unavailable")]
    assert sleeps == [1.0, 2.0, 4.0]
    assert slots(db)[0][3] == Status.RETRY
    clock.advance(timedelta(minutes=1))
    assert run(ws, kinds=("prompt",)).outcomes[0].status == "done"  # still waiting before a retry
    clock.advance(claims.RETRY_AFTER)
    assert len(run(ws, kinds=("prompt",)).posted) == 1
    assert len(posts_of(ws, "general", "prompt")) == 1
    assert dms_to(ws, "kari") == []  # a passing problem that resolved itself bothers nobody


def test_a_crash_after_claiming_is_taken_over_and_a_crash_after_posting_is_not_posted_twice(
    ws: LocalWorkspace, db: Database, clock: FakeClock
) -> None:
    general = subscribe(ws, "general")
    platform = subscribe(ws, "team-platform")
    crashed_at = MONDAY_09_OSLO
    # Two processes died mid-run at 09:00: one right after claiming #general's prompt, the other
    # after posting #team-platform's prompt but before recording it.
    with db.session() as session:
        for channel in (general, platform):
            session.add(
                ScheduledPost(
                    team_id=LOCAL_TEAM_ID,
                    channel_id=channel,
                    kind="prompt",
                    week="2026-W10",
                    status="claimed",
                    due_at=crashed_at,
                    claimed_by="dead-replica",
                    claimed_at=crashed_at,
                    attempts=1,
                )
            )
    with db.session() as session:
        platform_post = session.scalar(select(ScheduledPost).where(ScheduledPost.channel_id == platform))
        assert platform_post is not None
        platform_post_id = platform_post.id
    posted_before_crash = ws.deps.slack.client(LOCAL_TEAM_ID).chat_postMessage(
        channel=platform,
        text="This week's question",
        metadata={
            "event_type": METADATA_EVENT,
            "event_payload": {"post_id": platform_post_id, "kind": "prompt", "week": "2026-W10"},
        },
    )
    # While the claims are fresh, nobody touches them.
    clock.set(crashed_at + timedelta(minutes=5))
    assert {o.status for o in run(ws, kinds=("prompt",)).outcomes} == {"done"}
    # Once stale, another process takes them over.
    clock.set(crashed_at + claims.STALE_AFTER + timedelta(minutes=1))
    report = run(ws, kinds=("prompt",))
    by_channel = {o.channel_id: o for o in report.outcomes}
    assert by_channel[general].status == "posted" and by_channel[general].detail == ""
    assert (
        by_channel[platform].status == "posted" and by_channel[platform].detail == "recovered an earlier post"
    )
    assert by_channel[platform].message_ts == posted_before_crash["ts"]
    assert len(posts_of(ws, "general", "prompt")) == 1
    assert len(posts_of(ws, "team-platform", "prompt")) == 1
    with db.session() as session:
        rows = {r.channel_id: r for r in session.scalars(select(ScheduledPost))}
        assert rows[general].attempts == 2 and rows[general].claimed_by == "test-replica"
        assert rows[platform].message_ts == posted_before_crash["ts"]


def test_an_abandoned_claim_found_too_late_is_skipped_unless_it_was_posted(
    ws: LocalWorkspace, db: Database, clock: FakeClock
) -> None:
    general = subscribe(ws, "general")
    platform = subscribe(ws, "team-platform")
    with db.session() as session:
        for channel in (general, platform):
            session.add(
                ScheduledPost(
                    team_id=LOCAL_TEAM_ID,
                    channel_id=channel,
                    kind="prompt",
                    week="2026-W10",
                    status="claimed",
                    due_at=MONDAY_09_OSLO,
                    claimed_by="dead-replica",
                    claimed_at=MONDAY_09_OSLO,
                    attempts=1,
                )
            )
    with db.session() as session:
        platform_id = session.scalar(select(ScheduledPost.id).where(ScheduledPost.channel_id == platform))
    ws.deps.slack.client(LOCAL_TEAM_ID).chat_postMessage(
        channel=platform,
        text="This week's question",
        metadata={"event_type": METADATA_EVENT, "event_payload": {"post_id": platform_id}},
    )
    clock.set(MONDAY_09_OSLO + timedelta(hours=8))  # nobody looked until the grace period was over
    by_channel = {o.channel_id: o for o in run(ws, kinds=("prompt",)).outcomes}
    assert by_channel[general].status == "skipped" and by_channel[general].detail.startswith("missed")
    assert by_channel[platform].status == "posted"  # it did go out: recorded, not skipped
    assert posts_of(ws, "general", "prompt") == []
    assert {(c, st) for c, _, _, st, _ in slots(db)} == {(general, "skipped"), (platform, "posted")}


# --- replicas ---------------------------------------------------------------------------------------------


@pytest.fixture
def replicas(ws: LocalWorkspace) -> Iterator[list[Any]]:
    """Four `serve` processes' worth of dependencies: own engines on the same database."""
    made = [dataclasses.replace(ws.deps, db=Database(ws.deps.db.url)) for _ in range(4)]
    yield made
    for deps in made:
        deps.db.dispose()


def test_replicas_on_one_database_post_each_slot_once(
    ws: LocalWorkspace, db: Database, clock: FakeClock, replicas: list[Any]
) -> None:
    channels = [subscribe(ws, name) for name in ("general", "team-platform", "team-product")]
    reports: list[RunReport] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(replicas))

    def replica(index: int) -> None:
        try:
            start.wait()
            reports.append(
                jobs.run_due(replicas[index], clock.now(), replica_id=f"replica-{index}", sleep=Sleeps())
            )
        except BaseException as exc:
            errors.append(exc)

    for moment in (MONDAY_09_OSLO, FRIDAY_14_OSLO):
        clock.set(moment)
        threads = [threading.Thread(target=replica, args=(i,)) for i in range(len(replicas))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
    posted = [o for report in reports for o in report.posted]
    assert sorted((o.channel_id, o.kind) for o in posted) == sorted(
        (channel, kind) for channel in channels for kind in ("prompt", "digest")
    )
    for name in ("general", "team-platform", "team-product"):
        assert len(posts_of(ws, name, "prompt")) == 1
        assert len(posts_of(ws, name, "digest")) == 1
    assert len(slots(db)) == 6
    assert all(report.ok for report in reports)


# --- the scheduler ----------------------------------------------------------------------------------------


def test_the_scheduler_keeps_one_cron_job_per_subscription_and_kind_in_the_channel_zone(
    ws: LocalWorkspace,
) -> None:
    subscribe(ws, "general")
    subscribe(ws, "team-platform", timezone="America/New_York", digest_weekday=0, digest_time="17:30")
    apscheduler, jobs = scheduler.build(ws.deps, replica_id="test")
    apscheduler.start(paused=True)
    try:
        jobs.reconcile()
        cron = {job.id: job for job in apscheduler.get_jobs() if job.id.startswith(scheduler.JOB_PREFIX)}
        platform_digest = f"rhythm:{LOCAL_TEAM_ID}:{ws.channel_id('team-platform')}:digest"
        general_prompt = f"rhythm:{LOCAL_TEAM_ID}:{ws.channel_id('general')}:prompt"
        assert len(cron) == 4
        assert str(cron[general_prompt].trigger) == "cron[day_of_week='mon', hour='9', minute='0']"
        assert str(cron[general_prompt].trigger.timezone) == "Europe/Oslo"
        assert str(cron[platform_digest].trigger) == "cron[day_of_week='mon', hour='17', minute='30']"
        assert str(cron[platform_digest].trigger.timezone) == "America/New_York"
        assert cron[general_prompt].misfire_grace_time == 6 * 3600
        assert cron[general_prompt].coalesce and cron[general_prompt].max_instances == 1
        for fixed in ("prune_processed_events", "rhythm_reconcile", "rhythm_catch_up"):
            assert apscheduler.get_job(fixed) is not None

        # A schedule change and an unsubscribe take effect at the next reconcile, without a restart.
        with ws.deps.db.session() as session:
            subs = {s.channel_id: s for s in session.scalars(select(Subscription))}
            subs[ws.channel_id("general")].prompt_time = "10:15"
            subs[ws.channel_id("team-platform")].active = False
        jobs.reconcile()
        cron = {job.id: job for job in apscheduler.get_jobs() if job.id.startswith(scheduler.JOB_PREFIX)}
        assert sorted(cron) == sorted(
            [general_prompt, f"rhythm:{LOCAL_TEAM_ID}:{ws.channel_id('general')}:digest"]
        )
        assert str(cron[general_prompt].trigger) == "cron[day_of_week='mon', hour='10', minute='15']"
    finally:
        apscheduler.shutdown(wait=False)


def test_maintenance_runs_at_start_up_and_every_ten_minutes_and_never_stops_the_others(
    ws: LocalWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    apscheduler, _ = scheduler.build(ws.deps, replica_id="test")
    apscheduler.start(paused=True)
    try:
        settle = apscheduler.get_job("settle_lesson_visibility")
        prune = apscheduler.get_job("prune_processed_events")
        assert settle is not None and prune is not None
        assert settle.trigger.interval == timedelta(minutes=10) and prune.trigger.interval == timedelta(
            hours=1
        )
        assert settle.next_run_time <= datetime.now(UTC) + timedelta(seconds=1), "at start-up"
        assert prune.next_run_time > datetime.now(UTC) + timedelta(minutes=59), "after its first hour"
    finally:
        apscheduler.shutdown(wait=False)
    ran: list[str] = []

    def broken(deps: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(
        scheduler,
        "MAINTENANCE",
        (
            scheduler.Maintenance("broken", broken, timedelta(minutes=1)),
            scheduler.Maintenance("after", lambda deps: ran.append("after"), timedelta(minutes=1)),
        ),
    )
    scheduler.run_maintenance(ws.deps)
    assert ran == ["after"]


def test_a_fired_job_posts_for_its_channel_only(ws: LocalWorkspace, clock: FakeClock) -> None:
    subscribe(ws, "general")
    subscribe(ws, "team-platform")
    _, jobs = scheduler.build(ws.deps, replica_id="test")
    jobs.fire(LOCAL_TEAM_ID, ws.channel_id("general"), "prompt")
    assert len(posts_of(ws, "general", "prompt")) == 1
    assert posts_of(ws, "team-platform", "prompt") == []
    jobs.catch_up()
    assert len(posts_of(ws, "team-platform", "prompt")) == 1
    assert len(posts_of(ws, "general", "prompt")) == 1


def test_run_due_now_walks_through_every_slot_since_the_last_look(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    subscribe(ws, "general")
    since = MONDAY_09_OSLO - timedelta(hours=1)
    clock.set(since + timedelta(days=7))  # the console jumped a whole week ahead
    report = scheduler.run_due_now(ws.deps, since=since, replica_id="console")
    assert sorted((o.kind, o.week) for o in report.posted) == [("digest", "2026-W10"), ("prompt", "2026-W10")]
    assert [o.status for o in scheduler.run_due_now(ws.deps).outcomes] == ["done", "done"]


# --- the command line -------------------------------------------------------------------------------------


def cli_env(ws: LocalWorkspace) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": LOCAL_BOT_TOKEN,
        "SLACK_SIGNING_SECRET": LOCAL_SIGNING_SECRET,
        "SLACK_API_URL": ws.standin.api_url,
        "DATABASE_URL": ws.deps.db.url,
        "ERFARING_SECRET_KEY": "local-workspace-secret-key",
        "ERFARING_ADMINS": ws.user_id("kari"),
    }


def test_cli_prompt_and_digest_post_once_and_preview_posts_nothing(
    ws: LocalWorkspace, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    # The CLI runs on the system clock: the workspace's lessons are made "now" as well.
    clock.set(datetime.now(UTC) - timedelta(minutes=1))
    general = subscribe(ws, "general")
    subscribe(ws, "team-platform")
    env = cli_env(ws)
    assert erfaring.main(["prompt", "--channel", general], env=env) == 0
    assert len(posts_of(ws, "general", "prompt")) == 1 and posts_of(ws, "team-platform", "prompt") == []
    assert erfaring.main(["prompt"], env=env) == 0  # the rest; #general's is not posted twice
    assert len(posts_of(ws, "general", "prompt")) == 1 and len(posts_of(ws, "team-platform", "prompt")) == 1
    out = capsys.readouterr().out
    assert "posted" in out and "already posted" in out

    ws.driver.command(ws.user_id("ola"), general, "/lesson", "Preview me #cli")
    ws.settle()
    # The preview reads the database only: a lesson whose visibility is not settled yet is left out
    # until the maintenance job (every ten minutes) has asked Slack where it was shared.
    scheduler.run_maintenance(ws.deps)
    calls_before = len(ws.standin.calls_to("chat.postMessage"))
    preview_env = {k: v for k, v in env.items() if not k.startswith("SLACK_")}  # no Slack credentials
    assert erfaring.main(["digest", "--channel", general, "--preview"], env=preview_env) == 0
    out = capsys.readouterr().out
    assert "Weekly digest" in out and "Preview me #cli" in out
    assert len(ws.standin.calls_to("chat.postMessage")) == calls_before

    assert erfaring.main(["digest", "--channel", general], env=env) == 0
    assert erfaring.main(["digest", "--channel", general], env=env) == 0
    assert len(posts_of(ws, "general", "digest")) == 1


def test_cli_exits_non_zero_with_a_line_per_failed_channel(
    ws: LocalWorkspace, capsys: pytest.CaptureFixture[str]
) -> None:
    subscribe(ws, "general")
    leaders = subscribe(ws, "leaders")
    gone = subscribe(ws, "C0DELETED")
    assert erfaring.main(["prompt"], env=cli_env(ws)) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert any(leaders in line and "not_in_channel" in line for line in err)
    assert any(gone in line and "channel_not_found" in line for line in err)
    assert len(posts_of(ws, "general", "prompt")) == 1
    assert erfaring.main(["digest", "--channel", "C0NOTSUBSCRIBED"], env=cli_env(ws)) == 1
    assert "not subscribed" in capsys.readouterr().err
    assert erfaring.main(["digest", "--channel", "C0NOTSUBSCRIBED", "--preview"], env=cli_env(ws)) == 1
