"""The weekly digest end to end, through signed requests: what each channel's readers may see (a
public channel, a private one whose members the stand-in knows, a DM, a member who leaves), and
digests that miss nothing (a holiday week, a pause, back to back, the first week after subscribing,
a post asked for by hand, across a DST change)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.lessons.ids import LessonAction
from localslack.clock import FakeClock
from localslack.standin import Message
from localslack.workspace import LocalWorkspace
from storage.lessons.models import Lesson
from storage.lessons.visibility import AUTHOR, CHANNEL, WORKSPACE
from storage.rhythm.models import ScheduledPost
from tests.scenario.helpers import bot_messages, last_bot_message
from tests.scenario.test_rhythm_schedule import (
    FRIDAY_14_OSLO,
    MONDAY_09_OSLO,
    dumped,
    posts_of,
    run,
    subscribe,
)


def share(ws: LocalWorkspace, who: str, channel_id: str, text: str) -> Message:
    """`/lesson <text>` typed by `who` in the channel; the lesson's post in that channel."""
    assert ws.driver.command(ws.user_id(who), channel_id, "/lesson", text).ok
    ws.settle()
    return bot_messages(ws, channel_id)[-1]


def useful(ws: LocalWorkspace, post: Message, *voters: str) -> None:
    for voter in voters:
        assert ws.driver.click(ws.user_id(voter), action_id=LessonAction.USEFUL, message=post).ok
    ws.settle()


def digest_of(ws: LocalWorkspace, channel: str) -> str:
    [digest] = posts_of(ws, channel, "digest")[-1:]
    return dumped(digest)


def lesson_row(ws: LocalWorkspace, text: str) -> Lesson:
    with ws.deps.db.session() as session:
        found = session.scalar(select(Lesson).where(Lesson.text == text))
        assert found is not None, text
        session.expunge(found)
        return found


# --- who may see what ------------------------------------------------------------------------------------


def test_each_digest_shows_only_what_its_channels_readers_may_see(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    kari, ola = ws.user_id("kari"), ws.user_id("ola")
    # A private channel with a C… id (new private channels have them): Slack says it is private.
    review = ws.standin.add_channel(
        "incident-review", id="C0REVIEW01", is_private=True, members=[kari, ola, ws.standin.bot_user_id]
    )
    general, platform = subscribe(ws, "general"), subscribe(ws, "team-platform")
    subscribe(ws, review.id)
    clock.set(MONDAY_09_OSLO)
    assert len(run(ws).posted) == 3  # the week's question in all three
    [prompt] = posts_of(ws, review.id, "prompt")
    clock.advance(timedelta(hours=1))

    # In the private channel: an answer in the question's thread and a lesson, both voted on.
    ws.driver.user_types(ola, review.id, "Write the timeline while people still remember it", prompt.ts)
    ws.settle()
    secret = share(ws, "kari", review.id, "The database failover took 40 minutes, not 4 #incident")
    useful(ws, secret, "ola", "ingrid")
    # In #general: an anonymous lesson, with votes.
    anonymous = share(ws, "per", general, "anon Shipping on a Friday afternoon cost us the weekend")
    useful(ws, anonymous, "kari", "ola")
    # In Ola's DM with the app: his own note, which nobody else may find.
    dm = ws.standin.im_channel(ola)
    # (a private note is never posted, not even in the DM: the command's answer is all Ola sees)
    assert ws.driver.command(ola, dm, "/lesson", "Note to self: ask Kari about the on-call swap").ok
    ws.settle()
    # Ola leaves the private channel: the channel's lessons stay the channel's.
    ws.standin.remove_member(review.id, ola)

    clock.set(FRIDAY_14_OSLO)
    report = run(ws, kinds=("digest",))
    assert {o.channel_id for o in report.posted} == {general, platform, review.id}
    assert lesson_row(ws, "Write the timeline while people still remember it").visibility == CHANNEL
    assert lesson_row(ws, "Shipping on a Friday afternoon cost us the weekend").visibility == WORKSPACE
    assert lesson_row(ws, "Note to self: ask Kari about the on-call swap").visibility == AUTHOR

    private_digest = digest_of(ws, review.id)
    assert "*Shared here this week* · 2 lessons" in private_digest
    assert (
        "Write the timeline while people" in private_digest and "failover took 40 minutes" in private_digest
    )
    assert "Shipping on a Friday afternoon" in private_digest, "the workspace's best crosses into it"

    for channel in (general, platform):
        shown = digest_of(ws, channel)
        for hidden in ("Write the timeline", "failover took 40 minutes", "Note to self", review.id, dm):
            assert hidden not in shown, (channel, hidden)
    # #team-platform gets the anonymous lesson from #general, with nothing that points to where it was.
    shown = digest_of(ws, platform)
    assert "Shipping on a Friday afternoon" in shown and "shared anonymously" in shown
    assert general not in shown and anonymous.ts.replace(".", "") not in shown
    # #general's own digest: its one lesson, and counts that know nothing of the others.
    shown = digest_of(ws, general)
    assert "*Shared here this week* · 1 lesson" in shown
    assert "3 people shared or voted here this week" in shown  # Per (anonymously), Kari, Ola
    assert "Top lessons from other channels" not in shown


# --- digests that miss nothing ------------------------------------------------------------------------


def test_a_holiday_weeks_lessons_come_in_the_next_digest_across_the_change_to_summer_time(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    monday = datetime(2026, 3, 23, 8, 0, tzinfo=UTC)  # Monday 23 March, 09:00 CET
    general = subscribe(ws, "general", created_at=monday - timedelta(days=1))  # Norway's holidays
    clock.set(monday)
    assert len(run(ws, kinds=("prompt",)).posted) == 1
    clock.set(datetime(2026, 3, 27, 13, 0, tzinfo=UTC))  # Friday 27 March, 14:00 CET
    assert len(run(ws, kinds=("digest",)).posted) == 1
    assert "Lessons from Mar 20 at 14:00 to Mar 27, 2026 at 14:00" in digest_of(ws, "general")

    clock.set(datetime(2026, 3, 31, 10, 0, tzinfo=UTC))  # summer time since Sunday
    share(ws, "ola", general, "Freeze the release branch a day before a long weekend")
    clock.set(datetime(2026, 4, 3, 12, 0, tzinfo=UTC))  # Good Friday, 14:00 CEST: no digest
    [skipped] = run(ws, kinds=("digest",)).outcomes
    assert skipped.status == "skipped" and "Good Friday" in skipped.detail
    clock.set(datetime(2026, 4, 8, 10, 0, tzinfo=UTC))
    share(ws, "per", general, "Tell support before the release, not after")

    clock.set(datetime(2026, 4, 10, 12, 0, tzinfo=UTC))  # Friday 10 April, 14:00 CEST
    assert len(run(ws, kinds=("digest",)).posted) == 1
    shown = digest_of(ws, "general")
    assert "Weekly digest · weeks 14–15" in shown
    assert "Lessons from Mar 27 at 14:00 to Apr 10, 2026 at 14:00" in shown
    assert "*Shared here since Mar 27* · 2 lessons" in shown
    assert "Freeze the release branch" in shown and "Tell support before the release" in shown
    assert "2 people shared or voted here since Mar 27." in shown
    with ws.deps.db.session() as session:
        rows = session.scalars(
            select(ScheduledPost).where(ScheduledPost.kind == "digest").order_by(ScheduledPost.id)
        ).all()
        assert [(r.week, r.status) for r in rows] == [
            ("2026-W13", "posted"),
            ("2026-W14", "skipped"),
            ("2026-W15", "posted"),
        ]


def test_a_pause_leaves_nothing_out_of_the_digest_after_it(ws: LocalWorkspace, clock: FakeClock) -> None:
    general = subscribe(ws, "general")
    clock.set(MONDAY_09_OSLO)
    run(ws)
    clock.set(FRIDAY_14_OSLO)
    assert len(run(ws).posted) == 1  # week 10's digest
    clock.advance(timedelta(hours=1))
    assert ws.driver.command(ws.user_id("kari"), general, "/erfaring", "pause 2").ok
    ws.settle()
    clock.advance(timedelta(days=3))
    share(ws, "ola", general, "A pause is a good time to prune the alert rules")
    for friday in (FRIDAY_14_OSLO + timedelta(weeks=1), FRIDAY_14_OSLO + timedelta(weeks=2)):
        clock.set(friday)  # paused until an hour after the second of them
        [outcome] = run(ws, kinds=("digest",)).outcomes
        assert outcome.status == "skipped" and outcome.detail.startswith("paused until")
    clock.set(FRIDAY_14_OSLO + timedelta(weeks=3))
    assert len(run(ws, kinds=("digest",)).posted) == 1
    shown = digest_of(ws, "general")
    assert "Weekly digest · weeks 11–13" in shown
    assert "Lessons from Mar 6 at 14:00 to Mar 27, 2026 at 14:00" in shown
    assert "A pause is a good time to prune the alert rules" in shown


def test_back_to_back_digests_meet_at_the_due_time_and_never_overlap(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    general = subscribe(ws, "general")
    clock.set(MONDAY_09_OSLO)
    run(ws)
    clock.set(FRIDAY_14_OSLO - timedelta(minutes=1))
    share(ws, "ola", general, "Just before the digest: keep the runbook next to the alert")
    clock.set(FRIDAY_14_OSLO)  # shared the very second the digest is due: it belongs to the next one
    share(ws, "per", general, "At the stroke of two: write the handover note first")
    assert len(run(ws).posted) == 1
    first = digest_of(ws, "general")
    clock.set(MONDAY_09_OSLO + timedelta(weeks=1))
    run(ws)
    clock.set(FRIDAY_14_OSLO + timedelta(weeks=1))
    assert len(run(ws).posted) == 1
    second = digest_of(ws, "general")
    assert "keep the runbook next to the alert" in first and "handover note" not in first
    assert "handover note" in second and "keep the runbook" not in second
    assert "Weekly digest · week 10" in first and "to Mar 6, 2026 at 14:00" in first
    assert "Weekly digest · week 11" in second and "Lessons from Mar 6 at 14:00 to Mar 13" in second


def test_the_first_digest_before_the_first_question_says_welcome(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 3, 4, 11, 0, tzinfo=UTC))  # Wednesday: after this week's question time
    assert ws.driver.command(ws.user_id("kari"), ws.channel_id("general"), "/erfaring", "subscribe").ok
    ws.settle()
    assert run(ws).outcomes == [], "this week's question time came before the subscription"
    clock.set(FRIDAY_14_OSLO)
    assert [(o.kind, o.status) for o in run(ws).outcomes] == [("digest", "posted")]
    welcome = last_bot_message(ws, "general")
    shown = dumped(welcome)
    assert "Welcome to the weekly rhythm!" in shown
    assert "The first question comes on Monday, Mar 9 at 09:00." in shown
    assert "0 people" not in shown and "Participation" not in shown and "A quiet week" not in shown
    assert welcome.text == "Weekly digest, week 10: Welcome to the weekly rhythm!"

    clock.set(MONDAY_09_OSLO + timedelta(weeks=1))
    assert [(o.kind, o.status) for o in run(ws).outcomes] == [("prompt", "posted"), ("digest", "done")]
    clock.set(FRIDAY_14_OSLO + timedelta(weeks=1))
    run(ws)
    shown = digest_of(ws, "general")
    assert "Welcome" not in shown and "0 people shared or voted here this week" in shown
    assert "Lessons from Mar 6 at 14:00 to Mar 13, 2026 at 14:00" in shown


def test_a_digest_asked_for_by_hand_is_where_the_next_one_starts(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    general = subscribe(ws, "general")
    clock.set(MONDAY_09_OSLO)
    run(ws)
    wednesday = datetime(2026, 3, 4, 11, 0, tzinfo=UTC)
    clock.set(wednesday)
    share(ws, "ola", general, "Before the digest by hand: label the dashboards")
    clock.advance(timedelta(minutes=5))
    assert len(run(ws, kinds=("digest",), force=True).posted) == 1  # `python app.py digest`
    clock.advance(timedelta(hours=1))
    share(ws, "per", general, "After the digest by hand: rotate the keys yearly")
    clock.set(FRIDAY_14_OSLO)
    assert [o.status for o in run(ws, kinds=("digest",)).outcomes] == ["done"], "this week's went out"
    clock.set(FRIDAY_14_OSLO + timedelta(weeks=1))
    assert len(run(ws, kinds=("digest",)).posted) == 1
    by_hand, scheduled = (dumped(m) for m in posts_of(ws, "general", "digest"))
    assert "label the dashboards" in by_hand and "rotate the keys" not in by_hand
    assert "rotate the keys" in scheduled and "label the dashboards" not in scheduled
    assert "to Mar 4, 2026 at 12:05" in by_hand and "Lessons from Mar 4 at 12:05 to Mar 13" in scheduled
    assert "Weekly digest · week 10" in by_hand and "Weekly digest · week 11" in scheduled
    with ws.deps.db.session() as session:
        row = session.scalar(select(ScheduledPost).where(ScheduledPost.kind == "digest"))
        assert row is not None and row.due_at == wednesday + timedelta(minutes=5), "due when asked for"
