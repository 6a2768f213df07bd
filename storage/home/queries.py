"""Every query of the App Home: who has a Home (and the line it shows about their last action), the
few recent lessons a Home lists, and a person's active mentorships with what their buttons need.

Lessons shown to someone follow storage.lessons.visibility's one rule (`visible`); the Home reads other
features' tables only here, one way (home → lessons, mentoring).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Executable, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.db import rowcount
from storage.home.models import HomeView
from storage.lessons.models import Lesson, LessonTag
from storage.lessons.visibility import Audience, visible
from storage.mentoring.models import FollowUpAnswer, Mentorship
from storage.mentoring.states import MentorshipStatus

# --- who has a Home ---------------------------------------------------------------------------------------


def _row(session: Session, team_id: str, user_id: str, now: datetime) -> HomeView:
    """The person's row, created on first use (a second request at the same moment is fine)."""
    found = session.get(HomeView, (team_id, user_id))
    if found is not None:
        return found
    try:
        with session.begin_nested():
            found = HomeView(team_id=team_id, user_id=user_id, opened_at=now)
            session.add(found)
    except IntegrityError:
        found = session.get(HomeView, (team_id, user_id), populate_existing=True)
        assert found is not None
    return found


def opened(session: Session, team_id: str, user_id: str, now: datetime) -> None:
    """The person opened their Home tab: remember it, and drop the line about their last action there
    (they saw it, or left it behind)."""
    row = _row(session, team_id, user_id, now)
    row.opened_at, row.notice, row.notice_at = now, None, None
    session.flush()


def with_home(session: Session, team_id: str, user_ids: Sequence[str]) -> list[str]:
    """The people among these who have opened their Home at least once, in the order given."""
    if not user_ids:
        return []
    found = set(
        session.scalars(
            select(HomeView.user_id).where(HomeView.team_id == team_id, HomeView.user_id.in_(list(user_ids)))
        )
    )
    return [user_id for user_id in user_ids if user_id in found]


def set_notice(session: Session, team_id: str, user_id: str, notice: str, now: datetime) -> None:
    """What the Home says about the person's last action there, until they open it again."""
    row = _row(session, team_id, user_id, now)
    row.notice, row.notice_at = notice, now
    session.flush()


def notice_of(session: Session, team_id: str, user_id: str) -> str | None:
    return session.scalar(
        select(HomeView.notice).where(HomeView.team_id == team_id, HomeView.user_id == user_id)
    )


def of_person(session: Session, team_id: str, user_id: str) -> dict[str, object] | None:
    """What is stored about the person's Home (for /erfaring my-data), or None."""
    row = session.get(HomeView, (team_id, user_id))
    if row is None:
        return None
    return {
        "opened_at": row.opened_at.isoformat(),
        "notice": row.notice,
        "notice_at": row.notice_at.isoformat() if row.notice_at else None,
    }


def forget_person(session: Session, team_id: str, user_id: str) -> int:
    """Erasure: the person's row goes (how many rows did)."""
    result = session.execute(delete(HomeView).where(HomeView.team_id == team_id, HomeView.user_id == user_id))
    return rowcount(result)


# --- lessons a Home lists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HomeLesson:
    id: int
    text: str
    tags_text: str
    anonymous: bool
    author_id: str | None
    channel_id: str | None
    created_at: datetime


def _lessons(session: Session, query: Executable) -> list[HomeLesson]:
    rows = session.execute(query).all()
    return [
        HomeLesson(
            id=int(row.id),
            text=row.text,
            tags_text=row.tags_text or "",
            anonymous=bool(row.anonymous),
            author_id=None if row.anonymous else row.author_id,
            channel_id=row.channel_id,
            created_at=row.created_at,
        )
        for row in rows
    ]


_COLUMNS = (
    Lesson.id,
    Lesson.text,
    Lesson.tags_text,
    Lesson.anonymous,
    Lesson.author_id,
    Lesson.channel_id,
    Lesson.created_at,
)


def recent_lessons(
    session: Session, audience: Audience, *, not_by: str | None, limit: int
) -> list[HomeLesson]:
    """The newest lessons `audience` may see, besides the ones whose author hash is `not_by` (the
    reader's own: their contribution counts those)."""
    query = select(*_COLUMNS).where(visible(audience))
    if not_by:
        query = query.where(Lesson.author_hash != not_by)
    return _lessons(session, query.order_by(Lesson.created_at.desc(), Lesson.id.desc()).limit(limit))


def lessons_on_topics(
    session: Session,
    audience: Audience,
    topics: Sequence[str],
    *,
    not_by: str | None,
    besides: Sequence[int],
    limit: int,
) -> list[HomeLesson]:
    """The newest lessons tagged with one of `topics` that `audience` may see, besides `besides` (listed
    already) and the reader's own."""
    if not topics or limit <= 0:
        return []
    tagged = (
        select(LessonTag.lesson_id)
        .where(LessonTag.team_id == audience.team_id, LessonTag.tag.in_(sorted(set(topics))))
        .scalar_subquery()
    )
    query = select(*_COLUMNS).where(visible(audience), Lesson.id.in_(tagged))
    if not_by:
        query = query.where(Lesson.author_hash != not_by)
    if besides:
        query = query.where(Lesson.id.not_in(list(besides)))
    return _lessons(session, query.order_by(Lesson.created_at.desc(), Lesson.id.desc()).limit(limit))


# --- a person's mentorships -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HomeMentorship:
    id: int
    mentor_id: str
    mentee_id: str
    topic: str
    channel_id: str | None
    next_followup_at: datetime | None
    followup_round: int
    unanswered: int
    answered_round: bool  # the person answered the latest follow-up already


def active_mentorships(session: Session, team_id: str, user_id: str, limit: int) -> list[HomeMentorship]:
    """The person's active mentorships (as mentor or mentee), oldest first, with whether they have
    answered the latest follow-up (its buttons are only offered while they have not)."""
    rows = list(
        session.scalars(
            select(Mentorship)
            .where(
                Mentorship.team_id == team_id,
                Mentorship.status == MentorshipStatus.ACTIVE,
                (Mentorship.mentor_id == user_id) | (Mentorship.mentee_id == user_id),
            )
            .order_by(Mentorship.started_at, Mentorship.id)
            .limit(limit)
        )
    )
    answered: set[tuple[int, int]] = set()
    if rows:
        answered = {
            (int(mentorship_id), int(round_))
            for mentorship_id, round_ in session.execute(
                select(FollowUpAnswer.mentorship_id, FollowUpAnswer.round).where(
                    FollowUpAnswer.mentorship_id.in_([m.id for m in rows]), FollowUpAnswer.user_id == user_id
                )
            )
        }
    return [
        HomeMentorship(
            id=m.id,
            mentor_id=m.mentor_id,
            mentee_id=m.mentee_id,
            topic=m.topic,
            channel_id=m.channel_id,
            next_followup_at=m.next_followup_at,
            followup_round=m.followup_round,
            unanswered=m.unanswered,
            answered_round=(m.id, m.followup_round) in answered,
        )
        for m in rows
    ]
