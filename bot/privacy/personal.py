"""Everything stored about one person, as one JSON document (`/erfaring my-data`).

Their lessons are found by their keyed author hash as well as their id, so their anonymous lessons
are in it; nobody else's anonymous lessons can be (only the person's own hash finds a lesson).
About other people it holds only what the person shares with them: who their mentor or mentee was,
and whom they added as leaders.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.privacy.export import iso
from storage.home import queries as home
from storage.lessons.queries import vote_counts
from storage.privacy import queries

FORMAT_NAME = "erfaring-my-data"
VERSION = 1

Record = dict[str, Any]


def document(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    author_hash: str,
    now: datetime,
    configured_leader: bool = False,
) -> Record:
    """`configured_leader`: the person is named in ERFARING_LEADERS (the deployment's, not stored)."""
    lessons = queries.lessons_of(session, team_id, user_id, author_hash)
    counts = vote_counts(session, [lesson.id for lesson in lessons])
    profile = queries.profile_of(session, team_id, user_id)
    leader = queries.leader_row(session, team_id, user_id)
    return {
        "format": FORMAT_NAME,
        "version": VERSION,
        "generated_at": iso(now),
        "team": team_id,
        "user": user_id,
        "lessons": [
            {
                "id": lesson.id,
                "created_at": iso(lesson.created_at),
                "anonymous": bool(lesson.anonymous),
                "channel": lesson.channel_id,
                "message_ts": lesson.message_ts,
                "visibility": lesson.visibility,
                "tags": lesson.tags_text.split(),
                "text": lesson.text,
                "what_worked": lesson.what_worked,
                "to_improve": lesson.to_improve,
                "source_link": lesson.source_link,
                "useful": counts[lesson.id].useful,
                "applied": counts[lesson.id].applied,
            }
            for lesson in lessons
        ],
        "votes": [
            {
                "lesson_id": vote.lesson_id,
                "kind": vote.kind,
                "active": bool(vote.active),
                "at": iso(vote.changed_at),
            }
            for vote in queries.votes_by(session, team_id, user_id)
        ],
        "mentor_profile": None
        if profile is None
        else {
            "team_or_department": profile.team_or_department,
            "bio": profile.bio,
            "capacity": profile.capacity,
            "status": profile.status,
            "topics": sorted(topic.topic for topic in profile.topics),
            "created_at": iso(profile.created_at),
            "updated_at": iso(profile.updated_at),
        },
        "mentor_requests": [
            {
                "id": request.id,
                "topic": request.topic,
                "note": request.note,
                "requester_unit": request.requester_unit,
                "status": request.status,
                "created_at": iso(request.created_at),
                "closed_at": iso(request.closed_at),
            }
            for request in queries.requests_by(session, team_id, user_id)
        ],
        "mentor_offers": [
            {
                "id": offer.id,
                "request_id": offer.request_id,
                "topic": topic,
                "status": offer.status,
                "offered_at": iso(offer.offered_at),
                "answered_at": iso(offer.answered_at),
            }
            for offer, topic in queries.offers_to(session, team_id, user_id)
        ],
        "mentorships": [
            {
                "id": m.id,
                "role": "mentor" if m.mentor_id == user_id else "mentee",
                "partner": m.mentee_id if m.mentor_id == user_id else m.mentor_id,
                "topic": m.topic,
                "status": m.status,
                "ended_reason": m.ended_reason,
                "started_at": iso(m.started_at),
                "ended_at": iso(m.ended_at),
            }
            for m in queries.mentorships_of(session, team_id, user_id)
        ],
        "followup_answers": [
            {"mentorship_id": a.mentorship_id, "round": a.round, "answer": a.answer, "at": iso(a.at)}
            for a in queries.followup_answers_by(session, team_id, user_id)
        ],
        "prompt_replies": [
            {
                "channel": reply.channel_id,
                "reply_ts": reply.reply_ts,
                "lesson_id": reply.lesson_id,
                "at": iso(reply.created_at),
            }
            for reply in queries.prompt_replies_for(session, team_id, [lesson.id for lesson in lessons])
        ],
        # Their App Home: when they last opened it and the last notice shown there (or null).
        "home": home.of_person(session, team_id, user_id),
        "leaders_report": {
            # Whether they get the leaders' monthly report: added in Slack (stored) or by the deployment.
            "leader": leader is not None or configured_leader,
            "added_at": iso(leader.added_at) if leader is not None else None,
            "in_erfaring_leaders": configured_leader,
            "reports": [
                {"month": claim.month, "status": claim.status, "sent_at": iso(claim.sent_at)}
                for claim in queries.reports_to(session, team_id, user_id)
            ],
        },
        "settings_created": {
            "subscriptions": [
                {"channel": s.channel_id, "active": bool(s.active), "created_at": iso(s.created_at)}
                for s in queries.subscriptions_created_by(session, team_id, user_id)
            ],
            "custom_prompts": [
                {
                    "id": p.id,
                    "language": p.language,
                    "text": p.text,
                    "removed": bool(p.removed),
                    "created_at": iso(p.created_at),
                }
                for p in queries.prompts_created_by(session, team_id, user_id)
            ],
            "mentoring_settings": [
                {"followup_days": s.followup_days, "updated_at": iso(s.updated_at)}
                for s in queries.mentoring_settings_by(session, team_id, user_id)
            ],
            "leaders_added": [
                {"leader": row.user_id, "added_at": iso(row.added_at)}
                for row in queries.leaders_added_by(session, team_id, user_id)
            ],
        },
    }


def as_bytes(data: Record) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
