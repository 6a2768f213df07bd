"""What a channel's weekly digest says, read with a few indexed queries (storage.rhythm.queries).

A digest covers everything since the channel's last digest (`digest_period`): from the instant the
last one was due to the instant this one is due (Friday 14:00 to Friday 14:00 in the channel's zone,
or two weeks when a digest was skipped for a holiday or a pause), so nothing is missed and no two
digests overlap, and a digest made up late says what it would have said on time. The first digest
covers the week before it (or back to the subscription); before the channel's first question it
says welcome instead of counting nobody.

It shows only what the channel's readers may see (storage.lessons.visibility): its own section and
counts the lessons shared in the channel that are not someone's private note; the cross-channel
section only lessons the whole workspace may see. An anonymous lesson from another channel is shown
without its channel or a link to it.

Other features add sections (mentoring figures, ...) with `register_section`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.lessons.service import author_hash
from bot.rhythm import timing
from bot.rhythm.data import DigestContext, DigestData, DigestLesson, Period
from bot.rhythm.ids import DIGEST, PROMPT
from bot.rhythm.runs import Channel
from bot.rhythm.timing import WEEK, weeks_before
from storage.rhythm import queries
from storage.rhythm.queries import AUTHOR, RankedLesson

__all__ = [
    "CHANNEL_LESSONS",
    "OTHER_LESSONS",
    "TREND_WEEKS",
    "DigestContext",
    "DigestData",
    "DigestLesson",
    "Period",
    "SectionHook",
    "applied_this_week",
    "build_digest",
    "channel_lessons",
    "contributor_trend",
    "digest_period",
    "other_lessons",
    "register_section",
    "registered_sections",
]

log = logging.getLogger(__name__)

TREND_WEEKS = 8
CHANNEL_LESSONS = 10  # shown in full; the rest are counted and pointed to search
OTHER_LESSONS = 3
# A first digest covers at most this many weeks back to the subscription.
FIRST_WEEKS_MAX = 52
# How far ahead to look for the first question that is not skipped (a pause, holidays).
NEXT_QUESTION_WEEKS = 60

# A hook returns mrkdwn lines (already translated and escaped), or nothing when it has nothing to say.
SectionHook = Callable[[Session, DigestContext], Sequence[str]]

_hooks: list[SectionHook] = []
_hooks_lock = threading.Lock()


def register_section(hook: SectionHook) -> None:
    """Add a section to every digest (e.g. mentoring figures). Registering the same hook twice is one."""
    with _hooks_lock:
        if hook not in _hooks:
            _hooks.append(hook)


def registered_sections() -> list[SectionHook]:
    with _hooks_lock:
        return list(_hooks)


def _lesson(row: RankedLesson, here: str) -> DigestLesson:
    # An anonymous lesson from elsewhere keeps no reference to where it was shared: a channel (or a
    # link into it) can tell who wrote it.
    hidden = row.anonymous and row.channel_id != here
    return DigestLesson(
        id=row.id,
        text=row.text,
        author_id=None if row.anonymous else row.author_id,
        channel_id=None if hidden else row.channel_id,
        message_ts=None if hidden else row.message_ts,
        source_link=None if hidden else row.source_link,
        created_at=row.created_at,
        useful=row.useful,
        applied=row.applied,
    )


# --- what a digest covers ----------------------------------------------------------------------------


def _since_subscribing(sub: Channel, end: datetime) -> datetime:
    """A first digest's start: a whole number of wall-clock weeks before `end`, at least one, back to
    the subscription (so a channel whose digests were all skipped misses nothing either)."""
    start = timing.shift_wall_clock(end, sub.tz, -WEEK)
    back = 1
    while start > sub.created_at and back < FIRST_WEEKS_MAX:
        back += 1
        start = timing.shift_wall_clock(end, sub.tz, -WEEK * back)
    return start


def _next_question(sub: Channel, after: datetime) -> datetime | None:
    """When the channel's first question will come: the next prompt slot not paused or a holiday."""
    schedule = sub.schedules.get(PROMPT)
    if schedule is None:
        return None
    slot = timing.next_due(after, schedule, sub.tz)
    for _ in range(NEXT_QUESTION_WEEKS):
        paused = sub.paused_until is not None and slot.due_at < sub.paused_until
        if not paused and not timing.holiday_name(sub.holiday_country, slot.due_at.astimezone(sub.tz).date()):
            return slot.due_at
        slot = timing.next_due(slot.due_at, schedule, sub.tz)
    return None


def digest_period(session: Session, sub: Channel, *, week: str, end: datetime) -> Period:
    """What the channel's digest of `week`, due at `end`, covers: everything since its last digest."""
    last = queries.last_posted(session, sub.team_id, sub.channel_id, DIGEST, end)
    if last is not None:
        last_week, start = last
    else:
        last_week, start = "", _since_subscribing(sub, end)
    schedule = sub.schedules.get(DIGEST)
    covered = [
        slot.week
        for slot in (timing.due_between(start, end, schedule, sub.tz) if schedule is not None else [])
        if last_week < slot.week <= week and slot.due_at >= sub.created_at  # not before subscribing
    ]
    asked = queries.last_posted(session, sub.team_id, sub.channel_id, PROMPT, end) is not None
    return Period(
        start=start,
        end=end,
        first_week=min([*covered, week]),
        week=week,
        first=last is None,
        asked=asked,
        next_question=None if asked else _next_question(sub, end),
    )


def channel_lessons(
    session: Session, team_id: str, channel_id: str, start: datetime, end: datetime, limit: int
) -> tuple[list[DigestLesson], int]:
    """The channel's lessons of the week, most useful first (votes and reactions), and their count."""
    count = queries.week_lesson_count(session, team_id, channel_id, start, end)
    if not count:
        return [], 0
    rows = queries.channel_top_lessons(session, team_id, channel_id, start, end, limit)
    return [_lesson(row, channel_id) for row in rows], count


def other_lessons(
    session: Session,
    team_id: str,
    channel_id: str,
    start: datetime,
    end: datetime,
    limit: int,
) -> list[DigestLesson]:
    """The most useful lessons of [start, end) shared in the workspace's other channels (at least one
    vote) that everyone in the workspace may see."""
    rows = queries.other_top_lessons(session, team_id, channel_id, start, end, limit)
    return [_lesson(row, channel_id) for row in rows]


def applied_this_week(
    session: Session, team_id: str, channel_id: str, start: datetime, end: datetime
) -> tuple[int, int]:
    """(lessons, marks): the channel's lessons someone marked "I applied this" during the week."""
    return queries.applied_marks(session, team_id, channel_id, start, end)


def contributor_trend(
    session: Session, team_id: str, channel_id: str, bounds: list[datetime], secret_key: bytes
) -> list[int]:
    """People who shared a lesson in the channel or voted on one, per week between `bounds`.

    Authors are counted by their keyed hash, so anonymous authors count without being known; voters
    are hashed the same way here (a handful of distinct ids per week), so a person who both shared
    and voted counts once.
    """
    people: list[set[str]] = [set() for _ in range(len(bounds) - 1)]
    hashed: dict[str, str] = {}  # a voter active in several weeks is hashed once
    for bucket, kind, who in queries.contributions(session, team_id, channel_id, bounds):
        if not 0 <= bucket < len(people):
            continue
        if kind != AUTHOR:
            if who not in hashed:
                hashed[who] = author_hash(secret_key, team_id, who)
            who = hashed[who]
        people[bucket].add(who)
    return [len(week) for week in people]


def build_digest(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    week: str,
    end: datetime,
    tz: ZoneInfo,
    secret_key: bytes,
    language: str = "en",
    period: Period | None = None,
    sections: Sequence[SectionHook] | None = None,
    channel_limit: int = CHANNEL_LESSONS,
    other_limit: int = OTHER_LESSONS,
) -> DigestData:
    """The digest due at `end` in zone `tz`: of `period` (digest_period: since the channel's last
    digest), else of the wall-clock week ending at `end`. The trend is always eight weeks."""
    bounds = weeks_before(end, tz, TREND_WEEKS)
    start = bounds[-2] if period is None else period.start
    lessons, count = channel_lessons(session, team_id, channel_id, start, end, channel_limit)
    others = other_lessons(session, team_id, channel_id, start, end, other_limit)
    applied_lessons, applied_marks = applied_this_week(session, team_id, channel_id, start, end)
    trend = contributor_trend(session, team_id, channel_id, bounds, secret_key)
    if start == bounds[-2]:
        contributors = trend[-1]
    else:  # since the last digest, which was not exactly a week ago
        [contributors] = contributor_trend(session, team_id, channel_id, [start, end], secret_key)
    context = DigestContext(team_id, channel_id, start, end, language)
    extra: list[str] = []
    for hook in registered_sections() if sections is None else sections:
        try:
            with session.begin_nested():  # a failed query in a hook must not spoil the session
                extra.extend(line for line in hook(session, context) if line)
        except Exception:
            # Another feature's figures are a bonus: the digest goes out without them.
            log.exception("a digest section failed for %s in %s", channel_id, team_id)
    return DigestData(
        team_id=team_id,
        channel_id=channel_id,
        week=week,
        timezone=tz.key,
        start=start,
        end=end,
        lessons=lessons,
        lesson_count=count,
        others=others,
        applied_lessons=applied_lessons,
        applied_marks=applied_marks,
        contributors=contributors,
        trend=trend,
        extra=extra,
        first_week=period.first_week if period is not None else week,
        welcome=period.welcome if period is not None else False,
        next_question=period.next_question if period is not None else None,
    )
