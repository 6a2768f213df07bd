"""The values mentoring's status columns take. The queries' conditional updates ("... WHERE status =
'pending'") are written with these, and bot.mentoring.ids hands them to the services and views."""

from __future__ import annotations

from enum import StrEnum


class ProfileStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"


class RequestStatus(StrEnum):
    OPEN = "open"  # looking for the next mentor to ask
    OFFERED = "offered"  # one mentor has been asked and has not answered yet
    WAITING = "waiting"  # nobody free offers the topic; matched when someone does
    MATCHED = "matched"
    CANCELLED = "cancelled"
    CLOSED = "closed"  # the requester left the workspace


OPEN_STATES = (RequestStatus.OPEN, RequestStatus.OFFERED, RequestStatus.WAITING)
# A request in one of these may be offered to a mentor.
LOOKING_STATES = (RequestStatus.OPEN, RequestStatus.WAITING)


class OfferStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class MentorshipStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


class EndReason(StrEnum):
    DONE = "done"
    NO_ANSWER = "no_answer"
    LEFT = "left"


# Mentorship.unanswered counts the follow-ups of the current round that went unanswered (0, 1 or 2).
# While one person's copy of the latest step waits for their working hours (the other person already
# has theirs), one of these is added to it, and next_followup_at is when that copy goes out.
WAITS_FOR_MENTOR = 10
WAITS_FOR_MENTEE = 20


class FollowUpAnswerKind(StrEnum):
    GOING_WELL = "going_well"
    NEED_HELP = "need_help"
    DONE = "done"
