"""Read-only views of mentoring for people: lessons on a topic, mentors with room, my status."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.lessons.list_views import ListedLesson
from bot.mentoring.list_views import ListedMentor, MyStatus, StatusMentorship, StatusOffer, StatusRequest
from bot.mentoring.profiles import ProfileStatus, profile_view
from bot.mentoring.requests import MentorshipStatus, OfferStatus, open_requests_of, pending_offer_for
from storage.lessons.models import Lesson, LessonTag, Vote
from storage.mentoring.models import MentorOffer, MentorProfile, MentorRequest, Mentorship, MentorTopic

BEST_LESSONS = 5


def best_lessons(session: Session, team_id: str, topic: str, limit: int = BEST_LESSONS) -> list[ListedLesson]:
    """Lessons tagged with the topic (the shared vocabulary), most useful first, then newest."""
    useful = (
        select(Vote.lesson_id, func.count().label("n"))
        .where(Vote.team_id == team_id, Vote.kind == "useful", Vote.active.is_(True))
        .group_by(Vote.lesson_id)
        .subquery()
    )
    applied = (
        select(Vote.lesson_id, func.count().label("n"))
        .where(Vote.team_id == team_id, Vote.kind == "applied", Vote.active.is_(True))
        .group_by(Vote.lesson_id)
        .subquery()
    )
    useful_n = func.coalesce(useful.c.n, 0)
    applied_n = func.coalesce(applied.c.n, 0)
    rows = session.execute(
        select(
            Lesson.id, Lesson.text, Lesson.tags_text, Lesson.anonymous, Lesson.channel_id, useful_n, applied_n
        )
        .join(LessonTag, LessonTag.lesson_id == Lesson.id)
        .outerjoin(useful, useful.c.lesson_id == Lesson.id)
        .outerjoin(applied, applied.c.lesson_id == Lesson.id)
        .where(Lesson.team_id == team_id, LessonTag.team_id == team_id, LessonTag.tag == topic)
        .order_by(useful_n.desc(), applied_n.desc(), Lesson.created_at.desc(), Lesson.id.desc())
        .limit(limit)
    ).all()
    return [
        ListedLesson(
            id=row[0],
            text=row[1],
            tags=row[2].split(),
            anonymous=bool(row[3]),
            channel_id=row[4],
            useful=int(row[5]),
            applied=int(row[6]),
        )
        for row in rows
    ]


def offered_topics(session: Session, team_id: str, limit: int = 50) -> list[str]:
    """Topics active mentors offer, the most offered first."""
    rows = session.execute(
        select(MentorTopic.topic, func.count())
        .join(MentorProfile, MentorProfile.id == MentorTopic.profile_id)
        .where(MentorTopic.team_id == team_id, MentorProfile.status == ProfileStatus.ACTIVE)
        .group_by(MentorTopic.topic)
        .order_by(func.count().desc(), MentorTopic.topic)
        .limit(limit)
    ).all()
    return [str(topic) for topic, _ in rows]


def mentors_with_room(session: Session, team_id: str, topic: str | None) -> list[ListedMentor]:
    """Active mentors below capacity (optionally for one topic), the most room first."""
    query = select(MentorProfile).where(
        MentorProfile.team_id == team_id, MentorProfile.status == ProfileStatus.ACTIVE
    )
    if topic:
        query = query.join(MentorTopic, MentorTopic.profile_id == MentorProfile.id).where(
            MentorTopic.topic == topic
        )
    profiles = list(session.scalars(query))
    if not profiles:
        return []
    ids = [p.user_id for p in profiles]
    load: dict[str, int] = {}
    for table_user, count in session.execute(
        select(Mentorship.mentor_id, func.count())
        .where(
            Mentorship.team_id == team_id,
            Mentorship.status == MentorshipStatus.ACTIVE,
            Mentorship.mentor_id.in_(ids),
        )
        .group_by(Mentorship.mentor_id)
    ):
        load[str(table_user)] = int(count)
    for table_user, count in session.execute(
        select(MentorOffer.mentor_id, func.count())
        .where(
            MentorOffer.team_id == team_id,
            MentorOffer.status == OfferStatus.PENDING,
            MentorOffer.mentor_id.in_(ids),
        )
        .group_by(MentorOffer.mentor_id)
    ):
        load[str(table_user)] = load.get(str(table_user), 0) + int(count)
    listed = [
        ListedMentor(
            user_id=p.user_id,
            unit=p.team_or_department,
            topics=sorted(t.topic for t in p.topics),
            free=p.capacity - load.get(p.user_id, 0),
            bio=p.bio,
        )
        for p in profiles
    ]
    return sorted((m for m in listed if m.free > 0), key=lambda m: (-m.free, m.user_id))


def my_status(session: Session, team_id: str, user_id: str) -> MyStatus:
    profile = profile_view(session, team_id, user_id)
    active_mentees = int(
        session.scalar(
            select(func.count())
            .select_from(Mentorship)
            .where(
                Mentorship.team_id == team_id,
                Mentorship.mentor_id == user_id,
                Mentorship.status == MentorshipStatus.ACTIVE,
            )
        )
        or 0
    )
    requests = []
    for ref in open_requests_of(session, team_id, user_id):
        pending = pending_offer_for(session, ref.id)
        requests.append(StatusRequest(ref.topic, ref.status, pending.mentor_id if pending else None))
    offers = [
        StatusOffer(requester_id=r.requester_id, topic=r.topic, expires_at=o.expires_at)
        for o, r in session.execute(
            select(MentorOffer, MentorRequest)
            .join(MentorRequest, MentorRequest.id == MentorOffer.request_id)
            .where(
                MentorOffer.team_id == team_id,
                MentorOffer.mentor_id == user_id,
                MentorOffer.status == OfferStatus.PENDING,
            )
            .order_by(MentorOffer.offered_at)
        )
    ]
    mentorships = [
        StatusMentorship(
            other_id=m.mentee_id if m.mentor_id == user_id else m.mentor_id,
            topic=m.topic,
            as_mentor=m.mentor_id == user_id,
            channel_id=m.channel_id,
        )
        for m in session.scalars(
            select(Mentorship)
            .where(
                Mentorship.team_id == team_id,
                Mentorship.status == MentorshipStatus.ACTIVE,
                (Mentorship.mentor_id == user_id) | (Mentorship.mentee_id == user_id),
            )
            .order_by(Mentorship.started_at)
        )
    ]
    return MyStatus(profile, active_mentees, requests, offers, mentorships)
