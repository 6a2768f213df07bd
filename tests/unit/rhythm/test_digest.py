"""The weekly digest: what it counts (indexed queries) and how it shows it (Block Kit within limits)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.i18n import translator
from bot.lessons.service import LessonDraft, create_lesson
from bot.rhythm.digest import DigestContext, DigestData, build_digest, digest_period
from bot.rhythm.digest_views import Decorations, digest_as_text, digest_message, sparkline
from bot.rhythm.runs import Channel
from bot.rhythm.timing import Schedule
from localslack.standin import validate_blocks
from storage.db import Database
from storage.lessons.models import Lesson, Vote
from storage.lessons.visibility import AUTHOR, CHANNEL, PENDING, WORKSPACE
from storage.rhythm.models import ScheduledPost

TEAM = "T0DIGEST"
HERE = "C0HERE"
OTHER = "C0OTHER"
PRIVATE = "G0SECRET"
OSLO = ZoneInfo("Europe/Oslo")
SECRET = b"digest-test-secret-key"
END = datetime(2026, 3, 6, 13, 0, tzinfo=UTC)  # Friday 14:00 in Oslo: the digest's due time
IN_WEEK = END - timedelta(days=2)
TR = translator("en")


def lesson(
    session: Session,
    text: str,
    *,
    user: str = "U0AUTHOR",
    channel: str | None = HERE,
    at: datetime = IN_WEEK,
    anonymous: bool = False,
    visibility: str | None = None,
) -> Lesson:
    """A lesson as it is stored where it was shared: public channels are the workspace's, G… here is
    a private channel (the visibility is decided from Slack when a lesson is stored, never the id)."""
    made = create_lesson(
        session,
        team_id=TEAM,
        user_id=user,
        draft=LessonDraft(text=text, anonymous=anonymous),
        secret_key=SECRET,
        now=at,
        channel_id=channel,
    )
    made.message_ts = f"{at.timestamp():.6f}"
    made.visibility = visibility or (CHANNEL if channel == PRIVATE else WORKSPACE if channel else AUTHOR)
    session.flush()
    return made


def vote(
    session: Session,
    target: Lesson,
    user: str,
    kind: str = "useful",
    *,
    at: datetime = IN_WEEK,
    active: bool = True,
) -> None:
    session.add(
        Vote(team_id=TEAM, lesson_id=target.id, user_id=user, kind=kind, active=active, changed_at=at)
    )
    session.flush()


def digest(session: Session, **kwargs: object) -> DigestData:
    kwargs.setdefault("channel_id", HERE)
    kwargs.setdefault("week", "2026-W10")
    kwargs.setdefault("end", END)
    return build_digest(
        session,
        team_id=TEAM,
        tz=OSLO,
        secret_key=SECRET,
        **kwargs,  # type: ignore[arg-type]
    )


def assert_valid(blocks: Sequence[dict[str, object]]) -> None:
    assert len(blocks) <= 50
    assert validate_blocks(list(blocks)) == []


def test_channel_lessons_are_ranked_by_useful_votes_then_applied(db: Database) -> None:
    with db.session() as s:
        quiet = lesson(s, "Nobody voted for this one", at=IN_WEEK - timedelta(hours=1))
        popular = lesson(s, "Three people found this useful")
        middling = lesson(s, "One useful vote and one applied")
        tie = lesson(s, "One useful vote only")
        for user in ("U1", "U2", "U3"):
            vote(s, popular, user)
        vote(s, middling, "U1")
        vote(s, middling, "U2", "applied")
        vote(s, tie, "U4")
        vote(s, quiet, "U5", active=False)  # taken back: does not count
        lesson(s, "Last week's lesson", at=END - timedelta(days=8))
        lesson(s, "Shared after the digest was due", at=END + timedelta(minutes=1))
        data = digest(s)
    assert [item.text for item in data.lessons] == [
        "Three people found this useful",
        "One useful vote and one applied",
        "One useful vote only",
        "Nobody voted for this one",
    ]
    assert [(item.useful, item.applied) for item in data.lessons] == [(3, 0), (1, 1), (1, 0), (0, 0)]
    assert data.lesson_count == 4 and data.more == 0 and not data.quiet


def test_the_week_is_the_wall_clock_week_ending_at_the_due_time(db: Database) -> None:
    with db.session() as s:
        lesson(s, "Just inside the window", at=END - timedelta(days=7))
        lesson(s, "Just outside the window", at=END - timedelta(days=7, seconds=1))
        data = digest(s)
    assert [item.text for item in data.lessons] == ["Just inside the window"]
    assert data.start == END - timedelta(days=7) and data.end == END


def test_top_lessons_from_other_public_channels_cross_over(db: Database) -> None:
    with db.session() as s:
        best = lesson(s, "Other channel, two votes", channel=OTHER)
        good = lesson(s, "Other channel, one vote", channel=OTHER)
        lesson(s, "Other channel, no votes", channel=OTHER)
        secret = lesson(s, "From a private channel", channel=PRIVATE)
        note = lesson(
            s, "Someone's private note, shared from a public channel", channel=OTHER, visibility=AUTHOR
        )
        unknown = lesson(s, "Not known yet who may see it", channel=OTHER, visibility=PENDING)
        old = lesson(s, "Other channel, last month", channel=OTHER, at=END - timedelta(days=30))
        mine = lesson(s, "This channel's own")
        for target, users in (
            (best, ("U1", "U2")),
            (good, ("U3",)),
            (secret, ("U1", "U2", "U3")),
            (note, ("U1", "U2", "U3", "U4")),
            (unknown, ("U1", "U2", "U3", "U4")),
            (old, ("U1",)),
        ):
            for user in users:
                vote(s, target, user)
        vote(s, mine, "U9")
        data = digest(s)
        in_private = digest(s, channel_id=PRIVATE)
    assert [item.text for item in data.others] == ["Other channel, two votes", "Other channel, one vote"]
    assert all(item.channel_id != HERE for item in data.others)
    # The private channel's own digest has its lesson; what crosses into it is only the workspace's.
    assert [item.text for item in in_private.lessons] == ["From a private channel"]
    assert [item.text for item in in_private.others][:2] == [
        "Other channel, two votes",
        "Other channel, one vote",
    ]


def test_applied_counts_this_weeks_marks_on_this_channels_lessons(db: Database) -> None:
    with db.session() as s:
        older = lesson(s, "Shared a month ago, applied this week", at=END - timedelta(days=30))
        fresh = lesson(s, "Shared and applied this week")
        elsewhere = lesson(s, "Applied, but in another channel", channel=OTHER)
        vote(s, older, "U1", "applied")
        vote(s, older, "U2", "applied")
        vote(s, fresh, "U3", "applied")
        vote(s, fresh, "U4", "applied", active=False)
        vote(s, fresh, "U5", "applied", at=END - timedelta(days=9))  # marked the week before
        vote(s, elsewhere, "U6", "applied")
        data = digest(s)
    assert (data.applied_lessons, data.applied_marks) == (2, 3)
    blocks = json.dumps(digest_message(TR, data).blocks, ensure_ascii=False)
    assert "2 lessons from this channel were marked applied this week (3 times)" in blocks


def test_contributors_count_authors_including_anonymous_ones_and_voters_once_each(db: Database) -> None:
    with db.session() as s:
        kari = lesson(s, "Kari's lesson", user="U0KARI")
        lesson(s, "Kari again", user="U0KARI")
        lesson(s, "Ola, anonymously", user="U0OLA", anonymous=True)
        vote(s, kari, "U0KARI")  # an author who also votes is one person
        vote(s, kari, "U0PER")
        vote(s, kari, "U0INGRID", "applied")
        lesson(s, "Someone elsewhere", user="U0ELSE", channel=OTHER)
        data = digest(s)
    assert data.contributors == 4  # Kari, Ola (anonymous), Per, Ingrid
    assert data.trend[-1] == 4


def test_trend_counts_eight_weeks_in_one_go(db: Database) -> None:
    with db.session() as s:
        # Week 0 is the oldest (7-8 weeks before the due time); week 7 is this week.
        for weeks_back, people in ((7, 1), (5, 3), (2, 2), (0, 5)):
            for person in range(people):
                lesson(
                    s,
                    f"Lesson {weeks_back}/{person}",
                    user=f"U{weeks_back}{person}",
                    at=IN_WEEK - timedelta(weeks=weeks_back),
                )
        lesson(s, "Nine weeks ago", user="U0OLD", at=IN_WEEK - timedelta(weeks=9))
        data = digest(s)
    assert data.trend == [1, 0, 3, 0, 0, 2, 0, 5]
    assert data.contributors == 5
    assert sparkline(data.trend) == "▂▁▅▁▁▄▁█"


def test_sparkline_scales_to_the_busiest_week() -> None:
    assert sparkline([0, 0, 0]) == "▁▁▁"
    assert sparkline([1, 2, 3, 5, 7]) == "▂▃▄▆█"
    assert sparkline([4]) == "█"
    assert sparkline([0, 1, 100]) == "▁▂█"  # a little activity still shows
    assert len(sparkline([0] * 8)) == 8


def test_a_busy_week_stays_within_block_kit_limits_and_summarises_the_rest(db: Database) -> None:
    long_text = "<&> " * 500  # 2000 characters that escaping makes five times longer
    with db.session() as s:
        for n in range(60):
            lesson(s, f"Lesson number {n} {long_text}"[:2000], user=f"U{n:04d}")
        for n in range(10):
            lesson(s, f"Elsewhere {n} {long_text}"[:2000], channel=OTHER)
        for target in s.scalars(select(Lesson).where(Lesson.channel_id == OTHER)):
            vote(s, target, "U0VOTER")
        data = digest(s, sections=[lambda _s, _c: [f"Mentoring line {i}" for i in range(200)]])
    rendered = digest_message(TR, data, Decorations(names={f"U{n:04d}": "N" * 500 for n in range(60)}))
    assert_valid(rendered.blocks)
    assert data.lesson_count == 60 and len(data.lessons) == 10 and data.more == 50
    dumped = json.dumps(rendered.blocks, ensure_ascii=False)
    assert "50 more — find them with /lesson search &lt;words&gt;" in dumped
    assert len(rendered.text) <= 3000


def test_anonymous_lessons_name_nobody(db: Database) -> None:
    with db.session() as s:
        secret = lesson(s, "Anonymous but excellent", user="U0SECRET", anonymous=True)
        # Even a row that (wrongly) kept an author id must not show it.
        secret.author_id = "U0SECRET"
        other = lesson(s, "From elsewhere, anonymous", user="U0HIDDEN", channel=OTHER, anonymous=True)
        vote(s, other, "U1")
        s.flush()
        data = digest(s)
    assert all(item.author_id is None for item in [*data.lessons, *data.others])
    deco = Decorations(names={"U0SECRET": "Secret Person", "U0HIDDEN": "Hidden Person"})
    rendered = digest_message(TR, data, deco)
    everything = (
        json.dumps(rendered.blocks, ensure_ascii=False) + rendered.text + digest_as_text(TR, data, deco)
    )
    for leak in ("U0SECRET", "Secret Person", "U0HIDDEN", "Hidden Person"):
        assert leak not in everything
    assert "shared anonymously" in everything


def test_named_authors_are_shown_by_name_not_mentioned(db: Database) -> None:
    with db.session() as s:
        lesson(s, "Named lesson", user="U0KARI")
        data = digest(s)
    rendered = digest_message(TR, data, Decorations(names={"U0KARI": "Kari <Nordmann>"}))
    dumped = json.dumps(rendered.blocks, ensure_ascii=False)
    assert "by Kari &lt;Nordmann&gt;" in dumped
    assert "<@U0KARI>" not in dumped


def test_a_quiet_week_gets_encouragement_not_an_empty_list(db: Database) -> None:
    with db.session() as s:
        data = digest(s)
    assert data.quiet and data.lessons == [] and data.contributors == 0
    rendered = digest_message(TR, data)
    assert_valid(rendered.blocks)
    dumped = json.dumps(rendered.blocks, ensure_ascii=False)
    assert "A quiet week here" in dumped and "Shared here this week" not in dumped
    assert "A quiet week here" in digest_as_text(TR, data)
    assert rendered.text.startswith("Weekly digest, week 10: 0 lessons shared in this channel")


def test_user_text_is_escaped_everywhere_it_reaches_mrkdwn(db: Database) -> None:
    with db.session() as s:
        lesson(s, "Ping <!channel> and <@U0BOSS> & <#C0SECRET> please")
        data = digest(s)
    rendered = digest_message(TR, data)
    dumped = json.dumps(rendered.blocks, ensure_ascii=False)
    assert "&lt;!channel&gt;" in dumped and "&lt;@U0BOSS&gt;" in dumped and " &amp; " in dumped
    assert "<!channel>" not in dumped and "<@U0BOSS>" not in dumped
    assert "<!channel>" not in rendered.text and "U0BOSS" not in rendered.text  # no user text in the fallback


def test_links_and_channels_are_shown_when_known(db: Database) -> None:
    with db.session() as s:
        mine = lesson(s, "Here")
        theirs = lesson(s, "There", channel=OTHER)
        vote(s, theirs, "U1")
        s.flush()
        data = digest(s)
        ids = (mine.id, theirs.id)
    deco = Decorations(links={ids[0]: "https://example.slack.com/archives/C0HERE/p1"})
    dumped = json.dumps(digest_message(TR, data, deco).blocks, ensure_ascii=False)
    assert f"<https://example.slack.com/archives/C0HERE/p1|Lesson #{ids[0]}>" in dumped
    assert f"in <#{OTHER}>" in dumped and f"#{ids[1]}" in dumped


def test_extra_sections_are_added_and_a_failing_one_is_left_out(db: Database) -> None:
    seen: list[DigestContext] = []

    def mentoring(session: Session, context: DigestContext) -> list[str]:
        seen.append(context)
        return ["*Mentoring* · 3 pairs met this week"]

    def broken(session: Session, context: DigestContext) -> list[str]:
        session.execute(select(func.count()).select_from(Lesson).where(Lesson.id == "not a number"))
        raise RuntimeError("boom")

    with db.session() as s:
        lesson(s, "A lesson")
        data = digest(s, sections=[broken, mentoring])
        assert s.scalar(select(func.count()).select_from(Lesson)) == 1  # the session still works
    assert data.extra == ["*Mentoring* · 3 pairs met this week"]
    assert seen and seen[0].channel_id == HERE and seen[0].end == END and seen[0].start == data.start
    assert "3 pairs met this week" in json.dumps(digest_message(TR, data).blocks, ensure_ascii=False)


def test_text_preview_reads_like_the_message(db: Database) -> None:
    with db.session() as s:
        top = lesson(s, "Write the rollback plan first", user="U0KARI")
        vote(s, top, "U1")
        data = digest(s)
    text = digest_as_text(TR, data, Decorations(names={"U0KARI": "Kari"}))
    assert "Weekly digest · week 10" in text and "2026-W10" in text
    assert "1. Write the rollback plan first" in text and "by Kari" in text
    assert "Participation" in text and "█" in text


def test_norwegian_digest_uses_norwegian_dates(db: Database) -> None:
    with db.session() as s:
        data = digest(s)
    dumped = json.dumps(digest_message(translator("nb"), data).blocks, ensure_ascii=False)
    assert "27. feb." in dumped or "27 feb" in dumped


# --- who may see what: the channel's readers ------------------------------------------------------------


def test_a_channel_counts_only_what_its_readers_may_see(db: Database) -> None:
    """A private note kept in this channel, or a lesson whose visibility is not known yet, changes
    nothing a reader of the digest can see: no lesson, no count, no contributor, no applied mark."""
    with db.session() as s:
        shared = lesson(s, "Shared with the channel", user="U0KARI")
        vote(s, shared, "U0OLA")
        vote(s, shared, "U0OLA", "applied")
        visible_only = digest(s)
        note = lesson(s, "Only for me", user="U0SECRET", visibility=AUTHOR)
        pending = lesson(s, "Not known yet", user="U0PENDING", visibility=PENDING)
        for hidden in (note, pending):
            vote(s, hidden, "U0VOTER1")
            vote(s, hidden, "U0VOTER2", "applied")
        with_hidden = digest(s)
    assert [item.text for item in with_hidden.lessons] == ["Shared with the channel"]
    for field in ("lesson_count", "contributors", "trend", "applied_lessons", "applied_marks"):
        assert getattr(with_hidden, field) == getattr(visible_only, field), field
    assert (with_hidden.lesson_count, with_hidden.contributors, with_hidden.applied_marks) == (1, 2, 1)


def test_an_anonymous_lesson_from_another_channel_carries_no_channel_reference(db: Database) -> None:
    with db.session() as s:
        theirs = lesson(s, "Anonymous, from elsewhere", user="U0ANON", channel=OTHER, anonymous=True)
        theirs.source_link = f"https://example.slack.com/archives/{OTHER}/p1"
        vote(s, theirs, "U1")
        mine = lesson(s, "Anonymous, from here", user="U0ANON", anonymous=True)
        data = digest(s)
    [other] = data.others
    assert (other.channel_id, other.message_ts, other.source_link) == (None, None, None)
    [own] = data.lessons
    assert own.channel_id == HERE and own.id == mine.id  # the channel's own: its readers are there
    rendered = digest_message(TR, data)
    everything = json.dumps(rendered.blocks, ensure_ascii=False) + digest_as_text(TR, data)
    assert OTHER not in everything and f"#{other.id}" in everything


# --- what a digest covers --------------------------------------------------------------------------------


def subscription(**changes: object) -> Channel:
    values: dict[str, object] = {
        "id": 1,
        "team_id": TEAM,
        "channel_id": HERE,
        "timezone": "Europe/Oslo",
        "language": "en",
        "holiday_country": "NO",
        "paused_until": None,
        "created_by": "U0KARI",
        "created_at": END - timedelta(days=60),
        "schedules": {"prompt": Schedule(0, 9, 0), "digest": Schedule(4, 14, 0)},
    }
    values.update(changes)
    return Channel(**values)  # type: ignore[arg-type]


def post(session: Session, kind: str, week: str, due: datetime, status: str = "posted") -> None:
    session.add(
        ScheduledPost(
            team_id=TEAM,
            channel_id=HERE,
            kind=kind,
            week=week,
            status=status,
            due_at=due,
            claimed_by="test",
            claimed_at=due,
            attempts=1,
            posted_at=due if status == "posted" else None,
        )
    )
    session.flush()


def covered(session: Session, sub: Channel, end: datetime = END, week: str = "2026-W10") -> DigestData:
    period = digest_period(session, sub, week=week, end=end)
    return digest(session, end=end, week=week, period=period)


def test_a_skipped_weeks_lessons_come_in_the_next_digest_with_a_label_that_says_so(db: Database) -> None:
    week_8 = END - timedelta(weeks=2)  # Friday 20 February, 14:00 in Oslo
    with db.session() as s:
        post(s, "prompt", "2026-W08", week_8 - timedelta(days=4))
        post(s, "digest", "2026-W08", week_8)
        post(s, "digest", "2026-W09", END - timedelta(weeks=1), status="skipped")  # a holiday, say
        lesson(s, "Before the last digest", at=week_8 - timedelta(minutes=1))
        lesson(s, "In the skipped week", at=END - timedelta(days=9))
        lesson(s, "This week", at=END - timedelta(days=2))
        data = covered(s, subscription())
    assert (data.start, data.end) == (week_8, END)
    assert [item.text for item in data.lessons] == ["In the skipped week", "This week"]
    assert data.weeks == ("2026-W09", "2026-W10") and data.several_weeks and not data.welcome
    rendered = digest_message(TR, data)
    dumped = json.dumps(rendered.blocks, ensure_ascii=False)
    assert "Weekly digest · weeks 9–10" in dumped
    assert "Lessons from Feb 20 at 14:00 to Mar 6, 2026 at 14:00" in dumped
    assert "*Shared here since Feb 20* · 2 lessons" in dumped
    assert (
        "shared or voted here since Feb 20" in dumped and "this week" not in dumped.split("Participation")[1]
    )
    assert rendered.text.startswith("Weekly digest, weeks 9–10: 2 lessons shared in this channel")
    text = digest_as_text(TR, data)
    assert "2026-W09–2026-W10" in text and "Shared here since Feb 20: 2 lessons" in text
    assert_valid(rendered.blocks)


def test_back_to_back_digests_meet_but_never_overlap(db: Database) -> None:
    week_9 = END - timedelta(weeks=1)
    sub = subscription(created_at=week_9 - timedelta(days=6))
    with db.session() as s:
        post(s, "prompt", "2026-W09", week_9 - timedelta(days=4))
        lesson(s, "Just before the first digest", at=week_9 - timedelta(seconds=1))
        lesson(s, "Exactly when the first digest was due", at=week_9)
        first = covered(s, sub, end=week_9, week="2026-W09")
        post(s, "digest", "2026-W09", week_9)
        second = covered(s, sub)
    assert first.end == second.start == week_9
    assert [item.text for item in first.lessons] == ["Just before the first digest"]
    assert [item.text for item in second.lessons] == ["Exactly when the first digest was due"]
    assert not second.several_weeks and second.weeks == ("2026-W10", "2026-W10")
    first_label = json.dumps(digest_message(TR, first).blocks, ensure_ascii=False)
    second_label = json.dumps(digest_message(TR, second).blocks, ensure_ascii=False)
    assert "to Feb 27, 2026 at 14:00" in first_label and "Lessons from Feb 27 at 14:00 to" in second_label
    assert "Weekly digest · week 9" in first_label and "Weekly digest · week 10" in second_label


def test_the_first_digest_before_any_question_says_welcome(db: Database) -> None:
    sub = subscription(created_at=END - timedelta(days=2))  # subscribed on Wednesday
    with db.session() as s:
        data = covered(s, sub)
    assert data.welcome and data.quiet and data.contributors == 0
    assert data.next_question == datetime(2026, 3, 9, 8, 0, tzinfo=UTC)  # Monday 09:00 in Oslo
    rendered = digest_message(TR, data)
    dumped = json.dumps(rendered.blocks, ensure_ascii=False)
    assert "Welcome to the weekly rhythm!" in dumped and f"first digest in <#{HERE}>" in dumped
    assert "The first question comes on Monday, Mar 9 at 09:00." in dumped
    assert "0 people" not in dumped and "A quiet week" not in dumped and "Participation" not in dumped
    assert rendered.text == "Weekly digest, week 10: Welcome to the weekly rhythm!"
    assert "Welcome to the weekly rhythm!" in digest_as_text(TR, data)
    assert_valid(rendered.blocks)
    # Once the question was asked, the first digest is an ordinary one.
    with db.session() as s:
        post(s, "prompt", "2026-W10", END - timedelta(days=4))
        assert not covered(s, sub).welcome


def test_the_first_question_skips_a_pause_and_holidays(db: Database) -> None:
    # Subscribed before Easter 2026, paused over the next Monday: Easter Monday (6 April) is a holiday.
    end = datetime(2026, 3, 27, 13, 0, tzinfo=UTC)
    sub = subscription(created_at=end - timedelta(days=1), paused_until=datetime(2026, 4, 1, tzinfo=UTC))
    with db.session() as s:
        data = covered(s, sub, end=end, week="2026-W13")
    assert data.next_question == datetime(2026, 4, 13, 7, 0, tzinfo=UTC)  # Monday 13 April, 09:00 CEST


def test_the_first_digest_reaches_back_to_the_subscription(db: Database) -> None:
    sub = subscription(created_at=END - timedelta(days=17))  # three digests ago, none posted
    with db.session() as s:
        post(s, "prompt", "2026-W08", END - timedelta(days=11))
        lesson(s, "Right after subscribing", at=END - timedelta(days=16))
        lesson(s, "Before subscribing", at=END - timedelta(days=22))
        data = covered(s, sub)
    assert data.start == END - timedelta(weeks=3) and data.weeks == ("2026-W08", "2026-W10")
    assert [item.text for item in data.lessons] == ["Right after subscribing"]


def test_a_digest_across_a_dst_change_keeps_the_wall_clock(db: Database) -> None:
    # Oslo moves to summer time on 29 March 2026: Friday 14:00 is 13:00 UTC before, 12:00 UTC after.
    before, after = datetime(2026, 3, 27, 13, 0, tzinfo=UTC), datetime(2026, 4, 3, 12, 0, tzinfo=UTC)
    with db.session() as s:
        post(s, "prompt", "2026-W14", after - timedelta(days=4))
        post(s, "digest", "2026-W13", before)
        data = covered(s, subscription(holiday_country=None), end=after, week="2026-W14")
    assert data.end - data.start == timedelta(hours=167)
    assert "Lessons from Mar 27 at 14:00 to Apr 3, 2026 at 14:00" in json.dumps(
        digest_message(TR, data).blocks, ensure_ascii=False
    )


def test_norwegian_labels_for_a_range_of_weeks(db: Database) -> None:
    with db.session() as s:
        post(s, "prompt", "2026-W08", END - timedelta(days=18))
        post(s, "digest", "2026-W08", END - timedelta(weeks=2))
        data = covered(s, subscription())
    dumped = json.dumps(digest_message(translator("nb"), data).blocks, ensure_ascii=False)
    assert "Ukeoppsummering · uke 9–10" in dumped
    assert "Lærdommer fra 20. feb. kl. 14:00 til 6. mars 2026 kl. 14:00" in dumped
