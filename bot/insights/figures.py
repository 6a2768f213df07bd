"""The figures of a channel or a workspace over some periods, and one person's contribution: a few
aggregate queries (storage.insights.queries), no Slack. What only Slack knows — how many people are in
the channel, which channels are public — comes in as plain values from bot.insights.flows.

Who counts what: a channel's figures count the lessons shared there that its readers may see; the
workspace's count the lessons the whole workspace may see (storage.lessons.visibility). A lesson
shared in a private channel is counted in that channel's figures only; one only its author may see is
counted nowhere but in its author's own contribution. Mentoring is the workspace's in both.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.insights import periods
from bot.insights.data import Contribution, Figures, median
from bot.lessons.service import author_hash
from storage.insights import queries
from storage.insights.queries import APPLIED, USEFUL, Match
from storage.mentoring import queries as mentoring_queries

TOP_TAGS = 5
TOPICS_SHOWN = 8
HOUR = 3600.0


def _unit(name: str | None) -> str | None:
    folded = " ".join((name or "").split()).casefold()
    return folded or None


def across_teams(match: Match) -> bool | None:
    """True when the mentor's team or department is not the requester's; None when either is unknown."""
    mentor, requester = _unit(match.mentor_unit), _unit(match.requester_unit)
    if mentor is None or requester is None:
        return None
    return mentor != requester


def unserved_topics(session: Session, team_id: str, limit: int = TOPICS_SHOWN) -> list[str]:
    """Topics of open mentoring requests that no active mentor offers, the most asked for first."""
    offered = {topic for topic, _ in mentoring_queries.offered_topic_counts(session, team_id)}
    asked = mentoring_queries.open_request_counts_by_topic(session, team_id)
    return [topic for topic, _ in asked if topic not in offered][:limit]


def build(
    session: Session,
    *,
    team_id: str,
    channel_id: str | None,
    bounds: Sequence[datetime],
    labels: Sequence[str],
    timezone: str,
    members: int | None,
    prompt_channels: Sequence[str],
    tags: int = TOP_TAGS,
) -> Figures:
    """The figures for the periods between `bounds` (len(labels) + 1 instants, oldest first).

    `channel_id` None is the workspace. `prompt_channels` are the channels whose weekly questions the
    scope counts: the channel itself, or the workspace's public subscribed channels."""
    size = len(bounds) - 1
    if len(labels) != size or size < 1:
        raise ValueError("one label per period")
    start, end = bounds[0], bounds[-1]
    lessons = queries.lesson_periods(session, team_id, channel_id, bounds)
    marks = queries.mark_periods(session, team_id, channel_id, bounds)
    prompts, answers = queries.prompt_periods(session, team_id, channel_id, prompt_channels, bounds)
    matched: list[list[Match]] = [[] for _ in range(size)]
    for match in queries.matches_between(session, team_id, start, end):
        index = bisect.bisect_right(bounds, match.started_at) - 1
        if 0 <= index < size:
            matched[index].append(match)
    hours = [[(m.started_at - m.requested_at).total_seconds() / HOUR for m in week] for week in matched]
    sides = [[across_teams(m) for m in week] for week in matched]
    return Figures(
        team_id=team_id,
        channel_id=channel_id,
        timezone=timezone,
        labels=tuple(labels),
        starts=tuple(bounds[:-1]),
        end=end,
        members=members,
        lessons=tuple(week.lessons for week in lessons),
        contributors=tuple(week.contributors for week in lessons),
        contributors_total=queries.contributors_between(session, team_id, channel_id, start, end),
        useful=tuple(marks[USEFUL]),
        applied=tuple(marks[APPLIED]),
        prompts=tuple(prompts),
        answers=tuple(answers),
        requests=tuple(queries.request_periods(session, team_id, bounds)),
        offers=tuple(queries.offer_periods(session, team_id, bounds)),
        matches=tuple(len(week) for week in matched),
        completed=tuple(queries.completed_periods(session, team_id, bounds)),
        match_hours=tuple(median(week) for week in hours),
        cross_team=tuple(sum(1 for side in week if side) for week in sides),
        known_units=tuple(sum(1 for side in week if side is not None) for week in sides),
        median_match_hours=median([h for week in hours for h in week]),
        unserved_topics=tuple(unserved_topics(session, team_id)),
        top_tags=tuple(queries.top_tags(session, team_id, channel_id, start, end, tags)),
    )


def build_weeks(
    session: Session,
    *,
    team_id: str,
    channel_id: str | None,
    end: datetime,
    tz: ZoneInfo,
    weeks: int,
    members: int | None,
    prompt_channels: Sequence[str],
) -> Figures:
    """`weeks` calendar weeks in zone `tz`, the last one holding the instant before `end`."""
    bounds = periods.week_bounds(end, tz, weeks)
    return build(
        session,
        team_id=team_id,
        channel_id=channel_id,
        bounds=bounds,
        labels=periods.week_labels(bounds, tz),
        timezone=tz.key,
        members=members,
        prompt_channels=prompt_channels,
    )


def build_months(
    session: Session,
    *,
    team_id: str,
    month: str,
    tz: ZoneInfo,
    months: int,
    members: int | None,
    prompt_channels: Sequence[str],
) -> Figures:
    """The workspace's `months` months up to and including `month` ("2026-02")."""
    bounds = periods.month_bounds(month, tz, months)
    labels = [periods.shift_month(month, back) for back in range(1 - months, 1)]
    return build(
        session,
        team_id=team_id,
        channel_id=None,
        bounds=bounds,
        labels=labels,
        timezone=tz.key,
        members=members,
        prompt_channels=prompt_channels,
    )


def contribution(session: Session, *, team_id: str, user_id: str, secret_key: bytes) -> Contribution:
    """What `user_id` shared (named and anonymous: their keyed hash finds both) and what it earned."""
    got = queries.received(session, team_id, author_hash(secret_key, team_id, user_id), user_id)
    return Contribution(
        team_id=team_id,
        user_id=user_id,
        named=got.named,
        anonymous=got.anonymous,
        useful=got.useful,
        applied=got.applied,
        appliers=got.appliers,
    )
