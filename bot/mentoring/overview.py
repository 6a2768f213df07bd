"""Read-only overviews of mentoring for people, as the plain data the views take: lessons on a
topic, mentors with room, topics on offer, my status."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.lessons.data import ListedLesson
from bot.mentoring import requests
from bot.mentoring.notices import (
    ListedMentor,
    MyStatus,
    StatusMentorship,
    StatusOffer,
    StatusProfile,
    StatusRequest,
)
from storage.mentoring import queries

BEST_LESSONS = 5
TOPICS_LISTED = 50


def best_lessons(session: Session, team_id: str, topic: str, limit: int = BEST_LESSONS) -> list[ListedLesson]:
    """Lessons tagged with the topic (the shared vocabulary), most useful first, then newest."""
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
        for lesson, counts in queries.best_lessons(session, team_id, topic, limit)
    ]


def offered_topics(session: Session, team_id: str, limit: int = TOPICS_LISTED) -> list[str]:
    """Topics active mentors offer, the most offered first."""
    return [topic for topic, _ in queries.offered_topic_counts(session, team_id, limit)]


def mentors_with_room(session: Session, team_id: str, topic: str | None) -> list[ListedMentor]:
    """Active mentors below capacity (optionally for one topic), the most room first."""
    profiles = queries.active_profiles(session, team_id, topic)
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
        )
        for m in queries.active_mentorships_of(session, team_id, user_id)
    ]
    return MyStatus(shown_profile, active_mentees, open_requests, offers, mentorships)
