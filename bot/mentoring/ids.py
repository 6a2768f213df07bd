"""Mentoring's ids and shared values: Block Kit action, block and callback ids, the statuses rows go
through (defined with the tables, in storage.mentoring.states), and the limits forms and rules share.

Views, services, flows and handlers all take these from here, so no view needs a service for a
constant.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from storage.mentoring.states import (
    LOOKING_STATES,
    OPEN_STATES,
    EndReason,
    FollowUpAnswerKind,
    MentorshipStatus,
    OfferStatus,
    ProfileStatus,
    RequestStatus,
)

__all__ = [
    "BIO_MAX",
    "CAPACITY_DEFAULT",
    "CAPACITY_MAX",
    "FOLLOWUP_ANSWERS",
    "LOOKING_STATES",
    "MAX_TOPICS",
    "NOTE_MAX",
    "OFFER_TTL",
    "OPEN_STATES",
    "TOPIC_MAX",
    "UNIT_MAX",
    "EndReason",
    "FollowUpAnswerKind",
    "MentorAction",
    "MentorBlock",
    "MentorCallback",
    "MentorshipStatus",
    "OfferStatus",
    "ProfileStatus",
    "RequestStatus",
]

# -- limits --------------------------------------------------------------------------------------------

CAPACITY_DEFAULT = 2  # mentees at once
CAPACITY_MAX = 10
MAX_TOPICS = 10  # topics one mentor offers
BIO_MAX = 500
UNIT_MAX = 120  # a team or department
NOTE_MAX = 1000  # a request's note
TOPIC_MAX = 80  # what the request form takes for a topic
OFFER_TTL = timedelta(hours=48)  # how long a mentor has to answer an offer


# -- Block Kit ids -------------------------------------------------------------------------------------


class MentorAction(StrEnum):
    ACCEPT = "mentor_offer_accept"
    DECLINE = "mentor_offer_decline"
    DECLINE_PAUSE = "mentor_offer_decline_pause"
    GOING_WELL = "mentor_followup_going_well"
    NEED_HELP = "mentor_followup_need_help"
    DONE = "mentor_followup_done"
    TOPICS = "mentor_topics_input"
    CAPACITY = "mentor_capacity_input"
    UNIT = "mentor_unit_input"
    BIO = "mentor_bio_input"
    REQUEST_TOPIC = "mentor_request_topic_input"
    REQUEST_NOTE = "mentor_request_note_input"


class MentorBlock(StrEnum):
    """Block ids. The offer form's are also the fields its validation names (profiles.Problem)."""

    OFFER_ACTIONS = "mentor_offer_actions"
    FOLLOWUP_ACTIONS = "mentor_followup_actions"
    TOPICS = "mentor_topics"
    CAPACITY = "mentor_capacity"
    UNIT = "mentor_unit"
    BIO = "mentor_bio"
    REQUEST_TOPIC = "mentor_request_topic"
    REQUEST_NOTE = "mentor_request_note"


class MentorCallback(StrEnum):
    OFFER_MODAL = "mentor_offer_modal"
    REQUEST_MODAL = "mentor_request_modal"


# Which follow-up button gives which answer.
FOLLOWUP_ANSWERS = {
    MentorAction.GOING_WELL: FollowUpAnswerKind.GOING_WELL,
    MentorAction.NEED_HELP: FollowUpAnswerKind.NEED_HELP,
    MentorAction.DONE: FollowUpAnswerKind.DONE,
}
