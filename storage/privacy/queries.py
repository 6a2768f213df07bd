"""Every query of privacy: the workspace's export, everything stored about one person, and erasing it.

A person is found by their Slack user id, and their anonymous lessons by the keyed author hash the
caller computes (bot.lessons.service.author_hash); nothing here can find an anonymous lesson without
that hash. Where a row is kept for someone else's sake (a mentorship the other person had, a
subscription the channel still has) the person's id is replaced by ERASED, which names nobody.

The columns that hold a user id, by table (docs/privacy.md lists them for people):
lessons.author_id (+ author_hash), votes.user_id, mentor_profiles.user_id, mentor_requests.requester_id
(+ open_key), mentor_offers.mentor_id, mentorships.mentor_id / mentee_id,
mentoring_followup_answers.user_id, mentoring_settings.updated_by, subscriptions.created_by,
custom_prompts.created_by, and the outbox's payloads and keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, union, update
from sqlalchemy.orm import Session, lazyload

import storage.schema  # noqa: F401  (imports every model: Base.metadata knows every table)
from storage.base import Base
from storage.core.models import OutboxEffect, OutboxPace, Workspace
from storage.core.outbox import DEAD, DONE, FAILED, PENDING, RUNNING, UNFINISHED
from storage.db import rowcount
from storage.insights.models import Leader, ReportClaim
from storage.lessons.models import Lesson, LessonTag, Vote
from storage.lessons.visibility import AUTHOR, Audience, visible
from storage.mentoring.models import (
    FollowUpAnswer,
    MentoringSettings,
    MentorOffer,
    MentorProfile,
    MentorRequest,
    Mentorship,
    MentorTopic,
)
from storage.mentoring.states import OPEN_STATES, EndReason, MentorshipStatus, OfferStatus, RequestStatus
from storage.rhythm.models import CustomPrompt, PromptReply, Subscription

# Stands where an erased person's id was, in rows kept for another person's sake.
ERASED = "erased"
BATCH = 500  # lessons per export batch; ids per IN (...) list


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    items = list(dict.fromkeys(ids))
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _done(result: Any) -> int:
    return rowcount(result)


def teams(session: Session) -> list[str]:
    """Every workspace with anything stored."""
    query = union(
        select(Workspace.team_id),
        select(Lesson.team_id),
        select(Vote.team_id),
        select(MentorProfile.team_id),
        select(MentorRequest.team_id),
        select(MentorOffer.team_id),
        select(Mentorship.team_id),
        select(Subscription.team_id),
        select(CustomPrompt.team_id),
        select(MentoringSettings.team_id),
        select(Leader.team_id),
        select(ReportClaim.team_id),
        select(OutboxEffect.team_id),
    )
    return sorted({str(team) for team in session.execute(query).scalars()})


# -- the export --------------------------------------------------------------------------------------------


def lesson_batches(
    session: Session, team_id: str | None = None, audience: Audience | None = None, batch: int = BATCH
) -> Iterator[list[Lesson]]:
    """Lessons in id order, `batch` at a time (keyset paging: a big workspace never sits in memory
    at once): of one workspace or all, and only those `audience` may see when it is given."""
    last = 0
    while True:
        query = select(Lesson).options(lazyload(Lesson.tags)).where(Lesson.id > last)
        if team_id is not None:
            query = query.where(Lesson.team_id == team_id)
        if audience is not None:
            query = query.where(visible(audience))
        rows = list(session.scalars(query.order_by(Lesson.id).limit(batch)))
        if not rows:
            return
        yield rows
        last = rows[-1].id
        for row in rows:
            session.expunge(row)


def _team(query: Any, column: Any, team_id: str | None) -> Any:
    return query.where(column == team_id) if team_id is not None else query


def mentor_profiles(session: Session, team_id: str | None = None) -> list[MentorProfile]:
    query = _team(select(MentorProfile), MentorProfile.team_id, team_id)
    return list(session.scalars(query.order_by(MentorProfile.id)))


def mentor_requests(session: Session, team_id: str | None = None) -> list[MentorRequest]:
    query = _team(select(MentorRequest), MentorRequest.team_id, team_id)
    return list(session.scalars(query.order_by(MentorRequest.id)))


def mentorships(session: Session, team_id: str | None = None) -> list[Mentorship]:
    query = _team(select(Mentorship), Mentorship.team_id, team_id)
    return list(session.scalars(query.order_by(Mentorship.id)))


# -- one person --------------------------------------------------------------------------------------------


def _own(team_id: str, user_id: str, author_hash: str) -> Any:
    return and_(
        Lesson.team_id == team_id, or_(Lesson.author_hash == author_hash, Lesson.author_id == user_id)
    )


def lessons_of(session: Session, team_id: str, user_id: str, author_hash: str) -> list[Lesson]:
    """The person's lessons, named and anonymous (by their keyed hash), oldest first."""
    query = select(Lesson).options(lazyload(Lesson.tags)).where(_own(team_id, user_id, author_hash))
    return list(session.scalars(query.order_by(Lesson.id)))


def votes_by(session: Session, team_id: str, user_id: str) -> list[Vote]:
    query = select(Vote).where(Vote.team_id == team_id, Vote.user_id == user_id)
    return list(session.scalars(query.order_by(Vote.id)))


def profile_of(session: Session, team_id: str, user_id: str) -> MentorProfile | None:
    return session.scalar(
        select(MentorProfile).where(MentorProfile.team_id == team_id, MentorProfile.user_id == user_id)
    )


def requests_by(session: Session, team_id: str, user_id: str) -> list[MentorRequest]:
    query = select(MentorRequest).where(
        MentorRequest.team_id == team_id, MentorRequest.requester_id == user_id
    )
    return list(session.scalars(query.order_by(MentorRequest.id)))


def offers_to(session: Session, team_id: str, user_id: str) -> list[tuple[MentorOffer, str]]:
    """The offers the person was asked to take as a mentor, with each request's topic."""
    rows = session.execute(
        select(MentorOffer, MentorRequest.topic)
        .join(MentorRequest, MentorRequest.id == MentorOffer.request_id)
        .where(MentorOffer.team_id == team_id, MentorOffer.mentor_id == user_id)
        .order_by(MentorOffer.id)
    ).all()
    return [(offer, str(topic)) for offer, topic in rows]


def mentorships_of(session: Session, team_id: str, user_id: str) -> list[Mentorship]:
    query = select(Mentorship).where(
        Mentorship.team_id == team_id, or_(Mentorship.mentor_id == user_id, Mentorship.mentee_id == user_id)
    )
    return list(session.scalars(query.order_by(Mentorship.id)))


def followup_answers_by(session: Session, team_id: str, user_id: str) -> list[FollowUpAnswer]:
    query = select(FollowUpAnswer).where(FollowUpAnswer.team_id == team_id, FollowUpAnswer.user_id == user_id)
    return list(session.scalars(query.order_by(FollowUpAnswer.id)))


def prompt_replies_for(session: Session, team_id: str, lesson_ids: Sequence[int]) -> list[PromptReply]:
    """The weekly-prompt thread replies these lessons were made from."""
    found: list[PromptReply] = []
    for chunk in _chunks(lesson_ids):
        found += session.scalars(
            select(PromptReply).where(PromptReply.team_id == team_id, PromptReply.lesson_id.in_(chunk))
        )
    return sorted(found, key=lambda reply: (reply.created_at, reply.reply_ts))


def subscriptions_created_by(session: Session, team_id: str, user_id: str) -> list[Subscription]:
    query = select(Subscription).where(Subscription.team_id == team_id, Subscription.created_by == user_id)
    return list(session.scalars(query.order_by(Subscription.id)))


def prompts_created_by(session: Session, team_id: str, user_id: str) -> list[CustomPrompt]:
    query = select(CustomPrompt).where(CustomPrompt.team_id == team_id, CustomPrompt.created_by == user_id)
    return list(session.scalars(query.order_by(CustomPrompt.id)))


def mentoring_settings_by(session: Session, team_id: str, user_id: str) -> list[MentoringSettings]:
    query = select(MentoringSettings).where(
        MentoringSettings.team_id == team_id, MentoringSettings.updated_by == user_id
    )
    return list(session.scalars(query))


def leader_row(session: Session, team_id: str, user_id: str) -> Leader | None:
    """The person's place among the leaders who get the monthly report (`/erfaring leaders add`)."""
    return session.get(Leader, (team_id, user_id))


def leaders_added_by(session: Session, team_id: str, user_id: str) -> list[Leader]:
    query = select(Leader).where(Leader.team_id == team_id, Leader.added_by == user_id)
    return list(session.scalars(query.order_by(Leader.added_at, Leader.user_id)))


def reports_to(session: Session, team_id: str, user_id: str) -> list[ReportClaim]:
    """The monthly reports sent (or being sent) to the person as a leader."""
    query = select(ReportClaim).where(ReportClaim.team_id == team_id, ReportClaim.leader_id == user_id)
    return list(session.scalars(query.order_by(ReportClaim.month)))


@dataclass(frozen=True)
class Stored:
    """How much is stored about a person: what forget-me tells them before they choose."""

    lessons: int = 0
    private_lessons: int = 0  # only the person could ever see these
    votes: int = 0
    profile: bool = False
    requests: int = 0
    offers: int = 0
    mentorships: int = 0
    settings: int = 0
    leader: bool = False


def _count(session: Session, query: Any) -> int:
    return int(session.scalar(query) or 0)


def stored(session: Session, team_id: str, user_id: str, author_hash: str) -> Stored:
    own = _own(team_id, user_id, author_hash)
    mine = or_(Mentorship.mentor_id == user_id, Mentorship.mentee_id == user_id)
    return Stored(
        lessons=_count(session, select(func.count()).select_from(Lesson).where(own)),
        private_lessons=_count(session, select(func.count()).select_from(Lesson).where(own, _private())),
        votes=_count(
            session,
            select(func.count()).select_from(Vote).where(Vote.team_id == team_id, Vote.user_id == user_id),
        ),
        profile=profile_of(session, team_id, user_id) is not None,
        requests=_count(
            session,
            select(func.count())
            .select_from(MentorRequest)
            .where(MentorRequest.team_id == team_id, MentorRequest.requester_id == user_id),
        ),
        offers=_count(
            session,
            select(func.count())
            .select_from(MentorOffer)
            .where(MentorOffer.team_id == team_id, MentorOffer.mentor_id == user_id),
        ),
        mentorships=_count(
            session, select(func.count()).select_from(Mentorship).where(Mentorship.team_id == team_id, mine)
        ),
        settings=_count(
            session,
            select(func.count())
            .select_from(Subscription)
            .where(Subscription.team_id == team_id, Subscription.created_by == user_id),
        )
        + _count(
            session,
            select(func.count())
            .select_from(CustomPrompt)
            .where(CustomPrompt.team_id == team_id, CustomPrompt.created_by == user_id),
        ),
        leader=leader_row(session, team_id, user_id) is not None,
    )


def _private() -> Any:
    """Lessons nobody but their author can ever see: shared in the DM with the app, "only me", or
    from a conversation Erfaring cannot see (storage.lessons.visibility)."""
    return or_(Lesson.visibility == AUTHOR, Lesson.channel_id.is_(None))


def private_lesson_ids(session: Session, lesson_ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(lesson_ids):
        found |= {int(i) for i in session.scalars(select(Lesson.id).where(Lesson.id.in_(chunk), _private()))}
    return found


# -- erasing: lessons and votes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PostRef:
    """A lesson's message in a channel."""

    lesson_id: int
    channel_id: str
    message_ts: str


def posts_of(session: Session, lesson_ids: Sequence[int]) -> list[PostRef]:
    found: list[PostRef] = []
    for chunk in _chunks(lesson_ids):
        rows = session.execute(
            select(Lesson.id, Lesson.channel_id, Lesson.message_ts).where(
                Lesson.id.in_(chunk), Lesson.channel_id.is_not(None), Lesson.message_ts.is_not(None)
            )
        ).all()
        found += [PostRef(int(i), str(channel), str(ts)) for i, channel, ts in rows]
    return sorted(found, key=lambda post: post.lesson_id)


def delete_lessons(session: Session, lesson_ids: Sequence[int]) -> int:
    """Delete lessons with their tags and votes; the prompt replies they were made from stay, without
    the link, so a redelivered reply is not saved again."""
    deleted = 0
    for chunk in _chunks(lesson_ids):
        session.execute(
            update(PromptReply)
            .where(PromptReply.lesson_id.in_(chunk))
            .values(lesson_id=None)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            delete(Vote).where(Vote.lesson_id.in_(chunk)).execution_options(synchronize_session=False)
        )
        session.execute(
            delete(LessonTag)
            .where(LessonTag.lesson_id.in_(chunk))
            .execution_options(synchronize_session=False)
        )
        deleted += _done(
            session.execute(
                delete(Lesson).where(Lesson.id.in_(chunk)).execution_options(synchronize_session=False)
            )
        )
    return deleted


def untraceable(session: Session, lesson_ids: Sequence[int], new_hash: Callable[[], str]) -> int:
    """Keep lessons as anonymous ones nobody can trace: no author id, a fresh random hash for each
    (so they cannot even be told to share an author), no link to the message they were saved from,
    and no link from the prompt reply that made them."""
    changed = 0
    for lesson_id in dict.fromkeys(lesson_ids):
        changed += _done(
            session.execute(
                update(Lesson)
                .where(Lesson.id == lesson_id)
                .values(author_id=None, anonymous=True, author_hash=new_hash(), source_link=None)
                .execution_options(synchronize_session=False)
            )
        )
    for chunk in _chunks(lesson_ids):
        session.execute(
            update(PromptReply)
            .where(PromptReply.lesson_id.in_(chunk))
            .values(lesson_id=None)
            .execution_options(synchronize_session=False)
        )
    return changed


def lessons_voted_by(session: Session, team_id: str, user_id: str) -> list[int]:
    """Lessons whose counts include the person's votes (active ones)."""
    query = select(Vote.lesson_id).where(
        Vote.team_id == team_id, Vote.user_id == user_id, Vote.active.is_(True)
    )
    return sorted({int(i) for i in session.scalars(query)})


def delete_votes_by(session: Session, team_id: str, user_id: str) -> int:
    return _done(
        session.execute(
            delete(Vote)
            .where(Vote.team_id == team_id, Vote.user_id == user_id)
            .execution_options(synchronize_session=False)
        )
    )


# -- erasing: mentoring ------------------------------------------------------------------------------------


def withdraw_offers_of(session: Session, team_id: str, mentor_id: str, now: datetime) -> list[int]:
    """The person's pending offers as a mentor are withdrawn and their requests look for the next
    mentor again; the ids of those requests."""
    pending = session.execute(
        select(MentorOffer.id, MentorOffer.request_id).where(
            MentorOffer.team_id == team_id,
            MentorOffer.mentor_id == mentor_id,
            MentorOffer.status == OfferStatus.PENDING,
        )
    ).all()
    reopened: list[int] = []
    for offer_id, request_id in pending:
        withdrawn = session.execute(
            update(MentorOffer)
            .where(MentorOffer.id == offer_id, MentorOffer.status == OfferStatus.PENDING)
            .values(status=OfferStatus.WITHDRAWN, answered_at=now, pending_key=None)
            .execution_options(synchronize_session=False)
        )
        if not _done(withdrawn):
            continue
        again = session.execute(
            update(MentorRequest)
            .where(MentorRequest.id == request_id, MentorRequest.status == RequestStatus.OFFERED)
            .values(status=RequestStatus.OPEN, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if _done(again):
            reopened.append(int(request_id))
    return reopened


def delete_offers_of(session: Session, team_id: str, mentor_id: str) -> int:
    return _done(
        session.execute(
            delete(MentorOffer)
            .where(MentorOffer.team_id == team_id, MentorOffer.mentor_id == mentor_id)
            .execution_options(synchronize_session=False)
        )
    )


def delete_profile(session: Session, team_id: str, user_id: str) -> bool:
    profile_ids = list(
        session.scalars(
            select(MentorProfile.id).where(MentorProfile.team_id == team_id, MentorProfile.user_id == user_id)
        )
    )
    if not profile_ids:
        return False
    session.execute(
        delete(MentorTopic)
        .where(MentorTopic.profile_id.in_(profile_ids))
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(MentorProfile)
        .where(MentorProfile.id.in_(profile_ids))
        .execution_options(synchronize_session=False)
    )
    return True


@dataclass(frozen=True)
class OfferDm:
    """A mentor's offer DM about a request that is gone: it must stop asking them."""

    mentor_id: str
    channel_id: str
    message_ts: str


def close_requests_of(session: Session, team_id: str, user_id: str, now: datetime) -> list[OfferDm]:
    """The person's open requests are cancelled; the pending offers they had are withdrawn, and the
    DMs that asked those mentors are returned to be updated."""
    open_ids = list(
        session.scalars(
            select(MentorRequest.id).where(
                MentorRequest.team_id == team_id,
                MentorRequest.requester_id == user_id,
                MentorRequest.status.in_(OPEN_STATES),
            )
        )
    )
    if not open_ids:
        return []
    session.execute(
        update(MentorRequest)
        .where(MentorRequest.id.in_(open_ids), MentorRequest.status.in_(OPEN_STATES))
        .values(status=RequestStatus.CANCELLED, open_key=None, updated_at=now, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    pending = session.execute(
        select(MentorOffer.id, MentorOffer.mentor_id, MentorOffer.dm_channel, MentorOffer.dm_ts).where(
            MentorOffer.request_id.in_(open_ids), MentorOffer.status == OfferStatus.PENDING
        )
    ).all()
    dms: list[OfferDm] = []
    for offer_id, mentor_id, channel, ts in pending:
        session.execute(
            update(MentorOffer)
            .where(MentorOffer.id == offer_id, MentorOffer.status == OfferStatus.PENDING)
            .values(status=OfferStatus.WITHDRAWN, answered_at=now, pending_key=None)
            .execution_options(synchronize_session=False)
        )
        if channel and ts:
            dms.append(OfferDm(str(mentor_id), str(channel), str(ts)))
    return dms


def requests_with_mentorship(session: Session, team_id: str, user_id: str) -> tuple[list[int], list[int]]:
    """The person's requests: (those with no mentorship, those a mentorship was made from)."""
    mine = list(
        session.scalars(
            select(MentorRequest.id).where(
                MentorRequest.team_id == team_id, MentorRequest.requester_id == user_id
            )
        )
    )
    matched: set[int] = set()
    for chunk in _chunks(mine):
        matched |= {
            int(i)
            for i in session.scalars(select(Mentorship.request_id).where(Mentorship.request_id.in_(chunk)))
        }
    return [i for i in mine if i not in matched], [i for i in mine if i in matched]


def delete_requests(session: Session, request_ids: Sequence[int]) -> int:
    """Requests nobody else's history needs, with the offers made on them."""
    deleted = 0
    for chunk in _chunks(request_ids):
        session.execute(
            delete(MentorOffer)
            .where(MentorOffer.request_id.in_(chunk))
            .execution_options(synchronize_session=False)
        )
        deleted += _done(
            session.execute(
                delete(MentorRequest)
                .where(MentorRequest.id.in_(chunk))
                .execution_options(synchronize_session=False)
            )
        )
    return deleted


def scrub_requests(session: Session, request_ids: Sequence[int]) -> int:
    """Requests a mentorship was made from stay (the mentor's history points at them) without
    anything of the requester: no id, team, note or key."""
    changed = 0
    for chunk in _chunks(request_ids):
        changed += _done(
            session.execute(
                update(MentorRequest)
                .where(MentorRequest.id.in_(chunk))
                .values(requester_id=ERASED, requester_unit=None, note=None, open_key=None)
                .execution_options(synchronize_session=False)
            )
        )
    return changed


@dataclass(frozen=True)
class EndedMentorship:
    """A running mentorship the erasure ended: the other person is told."""

    partner_id: str
    topic: str


def end_mentorships_of(session: Session, team_id: str, user_id: str, now: datetime) -> list[EndedMentorship]:
    active = session.execute(
        select(Mentorship.id, Mentorship.mentor_id, Mentorship.mentee_id, Mentorship.topic).where(
            Mentorship.team_id == team_id,
            Mentorship.status == MentorshipStatus.ACTIVE,
            or_(Mentorship.mentor_id == user_id, Mentorship.mentee_id == user_id),
        )
    ).all()
    ended: list[EndedMentorship] = []
    for mentorship_id, mentor_id, mentee_id, topic in active:
        result = session.execute(
            update(Mentorship)
            .where(Mentorship.id == mentorship_id, Mentorship.status == MentorshipStatus.ACTIVE)
            .values(
                status=MentorshipStatus.ENDED,
                ended_at=now,
                ended_reason=EndReason.LEFT,
                next_followup_at=None,
            )
            .execution_options(synchronize_session=False)
        )
        partner = mentee_id if mentor_id == user_id else mentor_id
        if _done(result) and partner != ERASED:
            ended.append(EndedMentorship(str(partner), str(topic)))
    return ended


def scrub_mentorships_of(session: Session, team_id: str, user_id: str) -> int:
    """The person's side of every mentorship names nobody; the group DM they shared is forgotten, and
    nothing more is sent about it (all of them have ended by now: end_mentorships_of runs first)."""
    changed = 0
    for column, other in (("mentor_id", Mentorship.mentor_id), ("mentee_id", Mentorship.mentee_id)):
        changed += _done(
            session.execute(
                update(Mentorship)
                .where(Mentorship.team_id == team_id, other == user_id)
                .values(
                    {
                        column: ERASED,
                        "channel_id": None,
                        "intro_ts": None,
                        "next_followup_at": None,
                        "unanswered": 0,
                    }
                )
                .execution_options(synchronize_session=False)
            )
        )
    return changed


def delete_followup_answers_by(session: Session, team_id: str, user_id: str) -> int:
    return _done(
        session.execute(
            delete(FollowUpAnswer)
            .where(FollowUpAnswer.team_id == team_id, FollowUpAnswer.user_id == user_id)
            .execution_options(synchronize_session=False)
        )
    )


def scrub_created_by(session: Session, team_id: str, user_id: str) -> int:
    """Settings stay with their channel or workspace; who made them is forgotten."""
    changed = 0
    for model in (Subscription, CustomPrompt):
        changed += _done(
            session.execute(
                update(model)
                .where(model.team_id == team_id, model.created_by == user_id)
                .values(created_by=ERASED)
                .execution_options(synchronize_session=False)
            )
        )
    changed += _done(
        session.execute(
            update(MentoringSettings)
            .where(MentoringSettings.team_id == team_id, MentoringSettings.updated_by == user_id)
            .values(updated_by=None)
            .execution_options(synchronize_session=False)
        )
    )
    return changed


# -- erasing: the outbox -----------------------------------------------------------------------------------


def _pattern(needles: Sequence[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in needles)
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])")


def purge_outbox(session: Session, team_id: str, needles: Sequence[str]) -> int:
    """Delete the workspace's effects, delivered or waiting, that mention any of `needles` (a user id,
    an author hash) in their payload, keys, result or error, and the pacing rows keyed by them.

    LIKE finds the candidates; a whole-word match decides, so U1 never takes U12's effects along."""
    found = [n for n in needles if n]
    if not found:
        return 0
    pattern = _pattern(found)
    columns = (
        OutboxEffect.payload,
        OutboxEffect.channel_key,
        OutboxEffect.pending_key,
        OutboxEffect.result,
        OutboxEffect.last_error,
    )
    candidates = session.execute(
        select(OutboxEffect.id, *columns).where(
            OutboxEffect.team_id == team_id,
            or_(*(column.contains(n, autoescape=True) for column in columns for n in found)),
        )
    ).all()
    ids = [int(row[0]) for row in candidates if any(pattern.search(value or "") for value in row[1:])]
    deleted = 0
    for chunk in _chunks(ids):
        deleted += _done(
            session.execute(
                delete(OutboxEffect)
                .where(OutboxEffect.id.in_(chunk))
                .execution_options(synchronize_session=False)
            )
        )
    paces = session.scalars(
        select(OutboxPace.channel_key).where(
            OutboxPace.team_id == team_id,
            or_(*(OutboxPace.channel_key.contains(n, autoescape=True) for n in found)),
        )
    ).all()
    for key in [k for k in paces if pattern.search(k)]:
        session.execute(
            delete(OutboxPace)
            .where(OutboxPace.team_id == team_id, OutboxPace.channel_key == key)
            .execution_options(synchronize_session=False)
        )
    return deleted


def purge_finished(session: Session, kinds: Sequence[str]) -> int:
    """Forget finished effects of these kinds (delivered, failed or dead): who asked for a file,
    which posts an erasure touched."""
    return _done(
        session.execute(
            delete(OutboxEffect)
            .where(OutboxEffect.kind.in_(list(kinds)), OutboxEffect.status.in_((DONE, FAILED, DEAD)))
            .execution_options(synchronize_session=False)
        )
    )


def unfinished(session: Session, kinds: Sequence[str], *, besides: int | None = None) -> int:
    """How many effects of these kinds are still waiting or being delivered (besides one)."""
    query = (
        select(func.count())
        .select_from(OutboxEffect)
        .where(OutboxEffect.kind.in_(list(kinds)), OutboxEffect.status.in_(UNFINISHED))
    )
    if besides is not None:
        query = query.where(OutboxEffect.id != besides)
    return _count(session, query)


# -- a person Slack deactivated ----------------------------------------------------------------------------


def running_mentorships_of(session: Session, team_id: str, user_id: str) -> list[int]:
    """The ids of the person's running mentorships, as mentor or mentee."""
    query = select(Mentorship.id).where(
        Mentorship.team_id == team_id,
        Mentorship.status == MentorshipStatus.ACTIVE,
        or_(Mentorship.mentor_id == user_id, Mentorship.mentee_id == user_id),
    )
    return [int(i) for i in session.scalars(query.order_by(Mentorship.id))]


def followup_due_now(session: Session, mentorship_id: int, now: datetime) -> bool:
    """A running mentorship's next follow-up step falls due now (mentoring's step then finds who left)."""
    return bool(
        _done(
            session.execute(
                update(Mentorship)
                .where(Mentorship.id == mentorship_id, Mentorship.status == MentorshipStatus.ACTIVE)
                .values(next_followup_at=now)
                .execution_options(synchronize_session=False)
            )
        )
    )


# -- an uninstalled workspace ------------------------------------------------------------------------------
# The mark is the workspace's deletion itself: an outbox effect waiting until the retention has passed
# (bot.privacy.lifecycle). Cancelling it is a conditional delete of the waiting effect; once a worker
# has claimed it, it is no longer waiting and the deletion goes ahead.


@dataclass(frozen=True)
class Mark:
    """A workspace's deletion, waiting."""

    effect_id: int
    due_at: datetime
    payload: str  # JSON


def deletion_waiting(session: Session, team_id: str, kind: str) -> Mark | None:
    row = session.execute(
        select(OutboxEffect.id, OutboxEffect.due_at, OutboxEffect.payload)
        .where(OutboxEffect.team_id == team_id, OutboxEffect.kind == kind, OutboxEffect.status == PENDING)
        .order_by(OutboxEffect.id)
        .limit(1)
    ).first()
    return None if row is None else Mark(int(row[0]), row[1], str(row[2]))


def cancel_deletion(session: Session, team_id: str, kind: str) -> int:
    """Take back the workspace's waiting deletion; 0 when none waits (or a worker has claimed it)."""
    return _done(
        session.execute(
            delete(OutboxEffect)
            .where(OutboxEffect.team_id == team_id, OutboxEffect.kind == kind, OutboxEffect.status == PENDING)
            .execution_options(synchronize_session=False)
        )
    )


def still_claimed(session: Session, effect_id: int, worker: str) -> bool:
    """The effect is still this worker's (no other worker took it over after a lost lease). On
    PostgreSQL the row stays locked until the caller commits, so a takeover waits for the outcome."""
    query = select(OutboxEffect.id).where(
        OutboxEffect.id == effect_id, OutboxEffect.status == RUNNING, OutboxEffect.claimed_by == worker
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.scalar(query) is not None


def forget_workspace(session: Session, team_id: str, *, besides: int | None = None) -> dict[str, int]:
    """Delete every row of the workspace, in every table (each one carries team_id): dependants before
    what they depend on, the outbox too (but the effect `besides`, the deletion being delivered). The
    rows deleted, by table (tables with none left out)."""
    deleted: dict[str, int] = {}
    for table in reversed(Base.metadata.sorted_tables):
        query = table.delete().where(table.c.team_id == team_id)
        if table.name == OutboxEffect.__tablename__ and besides is not None:
            query = query.where(table.c.id != besides)
        count = _done(session.execute(query))
        if count:
            deleted[table.name] = count
    return deleted
