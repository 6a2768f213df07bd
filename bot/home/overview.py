"""What a Home shows, gathered from the database as plain data (bot.home.data): the person's mentoring
with the ids its buttons need, a few lessons they may see, and for admins the subscribed channels
with their next posts and the workspace's own settings. No Slack here: bot.home.flows asks it first
(who the person is, which private channels they are in) and hands the answers in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot.home.data import (
    CHANNELS_SHOWN,
    LESSONS_SHOWN,
    MENTORING_SHOWN,
    TOPIC_LESSONS_SHOWN,
    ChannelRow,
    LessonItem,
    MentorProfileLine,
    MentorshipItem,
    MyMentoring,
    OfferItem,
    RequestItem,
    WorkspaceSettings,
)
from bot.insights import leaders
from bot.mentoring import followups, overview, requests
from bot.rhythm import prompts, runs, subscriptions, timing
from bot.rhythm.data import ChannelLanguage
from bot.rhythm.ids import DIGEST, PROMPT
from storage.home import queries
from storage.home.queries import HomeLesson
from storage.lessons.queries import vote_counts
from storage.lessons.visibility import Audience

# A pause lasts at most a year, and no country has a year of holidays: the next post is found well
# within this many weeks, or there is none.
NEXT_POST_WEEKS = 60


# --- your mentoring -------------------------------------------------------------------------------------


def my_mentoring(session: Session, team_id: str, user_id: str) -> MyMentoring:
    """The person's mentor profile, the offers waiting for their answer, their open requests and their
    mentorships (at most MENTORING_SHOWN of those three together, offers first: they wait for them)."""
    status = overview.my_status(session, team_id, user_id)
    profile = (
        MentorProfileLine(
            status.profile.status, status.profile.capacity, status.profile.topics, status.active_mentees
        )
        if status.profile
        else None
    )
    pending_offers = requests.pending_offers_of_mentor(session, team_id, user_id)
    open_requests = requests.open_requests_of(session, team_id, user_id)
    offers: list[OfferItem] = []
    for offer in pending_offers[:MENTORING_SHOWN]:
        request = requests.get_request(session, offer.request_id)
        if request is not None:
            offers.append(OfferItem(offer.id, request.requester_id, request.topic, offer.expires_at))
    room = MENTORING_SHOWN - len(offers)
    asked: list[RequestItem] = []
    for ref in open_requests[: max(0, room)]:
        pending = requests.pending_offer_for(session, ref.id)
        asked.append(RequestItem(ref.id, ref.topic, ref.status, pending.mentor_id if pending else None))
    room -= len(asked)
    active = status.mentorships  # all of them, as /mentor status lists them
    mentorships = [
        MentorshipItem(
            id=m.id,
            other_id=m.mentee_id if m.mentor_id == user_id else m.mentor_id,
            topic=m.topic,
            as_mentor=m.mentor_id == user_id,
            channel_id=m.channel_id,
            # While a check-in is out (or waits for someone's morning), the next one is not yet known.
            next_check_in=m.next_followup_at if m.unanswered == 0 else None,
            # The latest follow-up DM's buttons, while this person has not answered it.
            answer_round=m.followup_round if m.followup_round >= 1 and not m.answered_round else None,
        )
        for m in queries.active_mentorships(session, team_id, user_id, max(0, room))
    ]
    more = (
        len(pending_offers) + len(open_requests) + len(active) - len(offers) - len(asked) - len(mentorships)
    )
    return MyMentoring(profile, offers, asked, mentorships, more=max(0, more))


# --- lessons -----------------------------------------------------------------------------------------------


def _items(session: Session, found: Sequence[HomeLesson]) -> list[LessonItem]:
    counts = vote_counts(session, [lesson.id for lesson in found])
    return [
        LessonItem(
            id=lesson.id,
            text=lesson.text,
            tags=lesson.tags_text.split(),
            author_id=None if lesson.anonymous else lesson.author_id,
            channel_id=None if lesson.anonymous else lesson.channel_id,
            useful=counts[lesson.id].useful,
            applied=counts[lesson.id].applied,
        )
        for lesson in found
    ]


def lessons_for(
    session: Session, audience: Audience, topics: Sequence[str]
) -> tuple[list[LessonItem], list[LessonItem]]:
    """The newest lessons the reader may see (not their own), and the newest on the topics they follow
    besides those."""
    recent = queries.recent_lessons(session, audience, not_by=audience.author_hash, limit=LESSONS_SHOWN)
    on_topics = queries.lessons_on_topics(
        session,
        audience,
        topics,
        not_by=audience.author_hash,
        besides=[lesson.id for lesson in recent],
        limit=TOPIC_LESSONS_SHOWN,
    )
    return _items(session, recent), _items(session, on_topics)


# --- the workspace's settings -----------------------------------------------------------------------------


def next_post(channel: runs.Channel, kind: str, now: datetime) -> datetime | None:
    """When the channel's next post of `kind` goes out: the next slot after `now` that is neither in its
    pause nor on one of its public holidays (runs.skip_reason's rules)."""
    schedule = channel.schedules.get(kind)
    if schedule is None:
        return None
    slot = timing.next_due(now, schedule, channel.tz, kind)
    for _ in range(NEXT_POST_WEEKS):
        paused = channel.paused_until is not None and slot.due_at < channel.paused_until
        holiday = timing.holiday_name(channel.holiday_country, slot.due_at.astimezone(channel.tz).date())
        if not paused and not holiday:
            return slot.due_at
        slot = timing.next_due(slot.due_at, schedule, channel.tz, kind)
    return None


def subscribed(
    session: Session, team_id: str, *, default_timezone: str, language_of: Callable[[str, str], str]
) -> tuple[list[runs.Channel], int]:
    """The workspace's subscribed channels (the rhythm's own reading: zone and language filled in), at
    most CHANNELS_SHOWN, and how many more there are."""
    active = runs.active_channels(
        session, default_timezone=default_timezone, language_of=language_of, team=team_id
    )
    return active[:CHANNELS_SHOWN], max(0, len(active) - CHANNELS_SHOWN)


def channel_row(
    session: Session,
    channel: runs.Channel,
    *,
    default_timezone: str,
    own_language: str | None,
    workspace_language: str,
    now: datetime,
) -> ChannelRow | None:
    """A subscribed channel as /erfaring status shows it, with its next posts; None when it is not
    subscribed (any more)."""
    settings = subscriptions.channel_settings(
        session, channel.team_id, channel.channel_id, default_timezone=default_timezone, now=now
    )
    if settings is None:
        return None
    return ChannelRow(
        settings=settings,
        language=ChannelLanguage(own_language or workspace_language, inherited=own_language is None),
        next_prompt=next_post(channel, PROMPT, now),
        next_digest=next_post(channel, DIGEST, now),
    )


def workspace_settings(
    session: Session, team_id: str, *, language: str, configured_leaders: frozenset[str]
) -> WorkspaceSettings:
    return WorkspaceSettings(
        language=language,
        followup_days=followups.followup_days(session, team_id),
        leaders=leaders.leaders_of(session, team_id, configured_leaders),
        questions=[prompts.info(p) for p in prompts.custom_prompts(session, team_id)],
    )
