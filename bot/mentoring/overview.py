"""Read-only overviews of mentoring for people, as the plain data the views take: lessons on a
topic, mentors with room, topics on offer, my status."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.lessons.data import ListedLesson
from bot.mentoring import followups, requests
from bot.mentoring.notices import (
    ListedMentor,
    MyStatus,
    PastMentorship,
    StatusMentorship,
    StatusOffer,
    StatusProfile,
    StatusRequest,
)
from bot.mentoring.views import EndedCard
from storage.lessons.visibility import Audience
from storage.mentoring import queries

BEST_LESSONS = 5
TOPICS_LISTED = 50
PAST_SHOWN = 5  # ended mentorships /mentor status shows


def best_lessons(
    session: Session, audience: Audience, topic: str, limit: int = BEST_LESSONS
) -> list[ListedLesson]:
    """Lessons tagged with the topic (the shared vocabulary) that `audience` may see (the one rule,
    storage.lessons.visibility), most useful first, then newest."""
    return [
        ListedLesson(
            id=lesson.id,
            text=lesson.text,
            tags=lesson.tags_text.split(),
            anonymous=bool(lesson.anonymous),
            channel_id=lesson.channel_id,
            useful=counts.useful,
            applied=counts.applied,
        )
        for lesson, counts in queries.best_lessons(session, audience, topic, limit)
    ]


def offered_topics(session: Session, team_id: str, limit: int = TOPICS_LISTED) -> list[str]:
    """Topics active mentors offer, the most offered first."""
    return [topic for topic, _ in queries.offered_topic_counts(session, team_id, limit)]


def mentors_with_room(
    session: Session, team_id: str, topic: str | None, *, exclude: str | None = None
) -> list[ListedMentor]:
    """Active mentors below capacity (optionally for one topic), the most room first; never `exclude`
    (the person asking: nobody is their own mentor)."""
    profiles = [p for p in queries.active_profiles(session, team_id, topic) if p.user_id != exclude]
    ids = [p.user_id for p in profiles]
    active = queries.active_mentee_counts(session, team_id, ids)
    pending = queries.pending_offer_counts(session, team_id, ids)
    listed = [
        ListedMentor(
            user_id=p.user_id,
            unit=p.team_or_department,
            topics=sorted(t.topic for t in p.topics),
            free=p.capacity - active.get(p.user_id, 0) - pending.get(p.user_id, 0),
            bio=p.bio,
        )
        for p in profiles
    ]
    return sorted((m for m in listed if m.free > 0), key=lambda m: (-m.free, m.user_id))


def my_status(session: Session, team_id: str, user_id: str) -> MyStatus:
    profile = queries.profile(session, team_id, user_id)
    shown_profile = (
        StatusProfile(
            status=profile.status, capacity=profile.capacity, topics=sorted(t.topic for t in profile.topics)
        )
        if profile
        else None
    )
    active_mentees = queries.active_mentee_counts(session, team_id, [user_id]).get(user_id, 0)
    open_requests = []
    for ref in requests.open_requests_of(session, team_id, user_id):
        pending = requests.pending_offer_for(session, ref.id)
        open_requests.append(StatusRequest(ref.topic, ref.status, pending.mentor_id if pending else None))
    offers = []
    for offer in requests.pending_offers_of_mentor(session, team_id, user_id):
        request = requests.get_request(session, offer.request_id)
        if request is not None:
            offers.append(
                StatusOffer(
                    requester_id=request.requester_id, topic=request.topic, expires_at=offer.expires_at
                )
            )
    mentorships = [
        StatusMentorship(
            other_id=m.mentee_id if m.mentor_id == user_id else m.mentor_id,
            topic=m.topic,
            as_mentor=m.mentor_id == user_id,
            channel_id=m.channel_id,
            # While a check-in is out (or waits for someone's morning), the next one is not yet known.
            next_check_in=m.next_followup_at if m.unanswered == 0 else None,
        )
        for m in queries.active_mentorships_of(session, team_id, user_id)
    ]
    past = [
        PastMentorship(
            other_id=m.mentee_id if m.mentor_id == user_id else m.mentor_id,
            topic=m.topic,
            as_mentor=m.mentor_id == user_id,
            reason=m.ended_reason or "",
            ended_at=m.ended_at or m.started_at,
        )
        for m in queries.ended_mentorships_of(session, team_id, user_id, PAST_SHOWN)
    ]
    return MyStatus(shown_profile, active_mentees, open_requests, offers, mentorships, past)


def ended_card(session: Session, mentorship_id: int, user_id: str, zone: ZoneInfo) -> EndedCard | None:
    """How a mentorship ended, for `user_id`'s follow-up DM (dates in their `zone`); None while it goes on."""
    m = followups.get_mentorship(session, mentorship_id)
    if m is None or m.ended_at is None:
        return None
    other = m.mentee_id if m.mentor_id == user_id else m.mentor_id
    return EndedCard(other, m.topic, m.ended_reason or "", m.ended_at, zone)
