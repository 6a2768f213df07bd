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
from bot.rhythm.digest import DigestContext, DigestData, build_digest
from bot.rhythm.digest_views import Decorations, digest_as_text, digest_message, sparkline
from localslack.standin import validate_blocks
from storage.db import Database
from storage.lessons.models import Lesson, Vote

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
) -> Lesson:
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
    return build_digest(
        session,
        team_id=TEAM,
        channel_id=HERE,
        week="2026-W10",
        end=END,
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
        old = lesson(s, "Other channel, last month", channel=OTHER, at=END - timedelta(days=30))
        mine = lesson(s, "This channel's own")
        for target, users in (
            (best, ("U1", "U2")),
            (good, ("U3",)),
            (secret, ("U1", "U2", "U3")),
            (old, ("U1",)),
        ):
            for user in users:
                vote(s, target, user)
        vote(s, mine, "U9")
        data = digest(s, show_channel=lambda channel: channel != PRIVATE)
        unfiltered = digest(s)
    assert [item.text for item in data.others] == ["Other channel, two votes", "Other channel, one vote"]
    assert unfiltered.others[0].text == "From a private channel"
    assert all(item.channel_id != HERE for item in unfiltered.others)


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
