"""Erasing a person: one transaction over every feature's tables (storage.privacy.queries), and the
list of what Slack still has to be told afterwards (bot.privacy.flows stores it in the outbox).

Either way: their votes, mentor profile, offers, requests and follow-up answers are deleted; the
mentorships they had keep the other person's side, theirs replaced by "erased", and running ones
end; settings they made stay, without their name; they are no longer a leader who gets the monthly
report (the leaders they added stay leaders); queued messages mentioning them are dropped.
Their lessons are deleted with their posts, or kept as anonymous lessons nobody can trace: no author
id, a random hash in place of the keyed one (so not even they find them again), no link to the
message they came from. Lessons only they could ever see are deleted either way: kept, nobody could
ever read them.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.privacy.data import Erased, Preview
from storage.home import queries as home
from storage.insights import queries as insights
from storage.privacy import queries
from storage.privacy.queries import EndedMentorship, OfferDm, PostRef


def random_hash() -> str:
    """As long as a keyed hash, and tied to nobody: no key gives it back."""
    return secrets.token_hex(32)


@dataclass(frozen=True)
class Erasure:
    """What was done, and what Slack must still be told (after the commit)."""

    summary: Erased
    deleted_posts: list[PostRef] = field(default_factory=list)
    refreshed_lessons: list[int] = field(default_factory=list)  # their posts' byline or counts changed
    reopened_requests: list[int] = field(default_factory=list)  # they were the mentor being asked
    offer_dms: list[OfferDm] = field(default_factory=list)  # mentors asked about their requests
    ended: list[EndedMentorship] = field(default_factory=list)


def preview(session: Session, *, team_id: str, user_id: str, author_hash: str) -> Preview:
    found = queries.stored(session, team_id, user_id, author_hash)
    return Preview(
        lessons=found.lessons,
        private_lessons=found.private_lessons,
        votes=found.votes,
        profile=found.profile,
        requests=found.requests,
        offers=found.offers,
        mentorships=found.mentorships,
        settings=found.settings,
        leader=found.leader,
    )


def erase(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    author_hash: str,
    keep_lessons: bool,
    now: datetime,
    new_hash: Callable[[], str] = random_hash,
) -> Erasure:
    lesson_ids = [lesson.id for lesson in queries.lessons_of(session, team_id, user_id, author_hash)]
    private = queries.private_lesson_ids(session, lesson_ids)
    kept = [i for i in lesson_ids if i not in private] if keep_lessons else []
    doomed = [i for i in lesson_ids if i not in set(kept)]
    deleted_posts = queries.posts_of(session, doomed)
    kept_posts = queries.posts_of(session, kept)
    voted = [i for i in queries.lessons_voted_by(session, team_id, user_id) if i not in set(doomed)]

    votes = queries.delete_votes_by(session, team_id, user_id)
    lessons_deleted = queries.delete_lessons(session, doomed)
    lessons_kept = queries.untraceable(session, kept, new_hash)

    # Mentoring: first the transitions others depend on, then the rows themselves.
    reopened = queries.withdraw_offers_of(session, team_id, user_id, now)
    offers = queries.delete_offers_of(session, team_id, user_id)
    profile = queries.delete_profile(session, team_id, user_id)
    offer_dms = queries.close_requests_of(session, team_id, user_id, now)
    ended = queries.end_mentorships_of(session, team_id, user_id, now)
    unmatched, matched = queries.requests_with_mentorship(session, team_id, user_id)
    requests = queries.delete_requests(session, unmatched) + queries.scrub_requests(session, matched)
    answers = queries.delete_followup_answers_by(session, team_id, user_id)
    mentorships = queries.scrub_mentorships_of(session, team_id, user_id)

    settings = queries.scrub_created_by(session, team_id, user_id)
    # The leaders' report: no longer a leader, their reports' claims gone, leaders they added kept.
    leader = queries.leader_row(session, team_id, user_id) is not None
    reports = insights.forget_person(session, team_id, user_id) - (1 if leader else 0)
    home.forget_person(session, team_id, user_id)  # when they last opened their Home, its notice
    outbox = queries.purge_outbox(session, team_id, [user_id, author_hash])

    refreshed = sorted(
        {post.lesson_id for post in kept_posts} | {p.lesson_id for p in queries.posts_of(session, voted)}
    )
    summary = Erased(
        lessons_deleted=lessons_deleted,
        lessons_kept=lessons_kept,
        votes=votes,
        profile=profile,
        requests=requests,
        offers=offers,
        mentorships=mentorships,
        followup_answers=answers,
        settings=settings,
        outbox=outbox,
        leader=leader,
        reports=reports,
    )
    mine = set(unmatched) | set(matched)
    return Erasure(
        summary=summary,
        deleted_posts=deleted_posts,
        refreshed_lessons=refreshed,
        reopened_requests=[r for r in reopened if r not in mine],
        offer_dms=offer_dms,
        ended=ended,
    )
