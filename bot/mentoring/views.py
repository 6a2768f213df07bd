"""Block Kit for mentoring's forms and DMs: the offer and request forms, the mentor's offer DM, the
introduction and the follow-ups (short answers and lists: notices.py; ids: ids.py).

Views take plain data. Everything a person typed (notes, bios, teams) is stored as typed and
escaped here, once; mentions are only ever built from ids. Times are written out in the reader's
own time zone and in a local format for their language ("onsdag 4. mars kl. 09:00", "Wednesday 4
March at 09:00"; docs/mentoring.md says why not Slack's date tokens).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    HeaderBlock,
    InputBlock,
    Option,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.core.blockkit import (
    Rendered,
    as_dicts,
    context,
    modal,
    section,
    sections,
    text_input,
    warning,
)
from bot.core.i18n import Translator
from bot.core.mrkdwn import escape, truncate
from bot.mentoring.ids import (
    BIO_MAX,
    CAPACITY_DEFAULT,
    CAPACITY_MAX,
    NOTE_MAX,
    TOPIC_MAX,
    UNIT_MAX,
    EndReason,
    FollowUpAnswerKind,
    MentorAction,
    MentorBlock,
    MentorCallback,
    OfferStatus,
    RequestStatus,
)

SNIPPET = 200


# The key of the channel a form was opened from, in its private_metadata.
CHANNEL_KEY = "c"


def user(user_id: str) -> str:
    return f"<@{user_id}>"


def topic_label(topic: str) -> str:
    return f"*{escape(topic)}*"


def usage(command: str) -> str:
    """A command to type, as code; its <placeholders> escaped so Slack shows them as written."""
    return "`" + escape(command) + "`"


def topic_list(topics: Sequence[str]) -> str:
    return ", ".join(topic_label(t) for t in topics)


UTC_ZONE = ZoneInfo("UTC")
# Babel's locale and patterns per language: a weekday, the date and the time as people write them.
_LOCALES = {"nb": "nb_NO", "en": "en"}
_MOMENT = {"nb": "EEEE d. MMMM 'kl.' HH:mm", "en": "EEEE d MMMM 'at' HH:mm"}
_WEEKDAY = {"nb": "EEEE d. MMMM", "en": "EEEE d MMMM"}
_DATE = {"nb": "d. MMMM y", "en": "d MMMM y"}


def _format(tr: Translator, when: datetime, zone: ZoneInfo, patterns: dict[str, str]) -> str:
    language = tr.language if tr.language in _LOCALES else "en"
    return str(format_datetime(when, patterns[language], tzinfo=zone, locale=_LOCALES[language]))


def moment(tr: Translator, when: datetime, zone: ZoneInfo) -> str:
    """A time to act by, where the reader is: "onsdag 4. mars kl. 09:00", "Wednesday 4 March at 09:00"."""
    return _format(tr, when, zone, _MOMENT)


def weekday(tr: Translator, when: datetime, zone: ZoneInfo) -> str:
    """A day soon, where the reader is: "mandag 16. mars", "Monday 16 March"."""
    return _format(tr, when, zone, _WEEKDAY)


def date(tr: Translator, when: datetime, zone: ZoneInfo) -> str:
    """A day in the past, where the reader is: "4. mars 2026", "4 March 2026"."""
    return _format(tr, when, zone, _DATE)


def _quote(text: str) -> str:
    return "\n".join("> " + line for line in escape(text).splitlines() or [""])


def _metadata(channel_id: str | None) -> str:
    return json.dumps({CHANNEL_KEY: channel_id})


# -- forms ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferModalState:
    topics: str = ""
    capacity: int = CAPACITY_DEFAULT
    unit: str = ""
    bio: str = ""
    channel_id: str | None = None
    notice: str | None = None


def offer_modal(tr: Translator, state: OfferModalState) -> View:
    blocks = warning(state.notice)
    blocks.append(
        InputBlock(
            block_id=MentorBlock.TOPICS,
            label=tr._("Topics you can mentor in"),
            element=text_input(
                MentorAction.TOPICS,
                state.topics,
                multiline=False,
                max_length=1000,
                placeholder=tr._("e.g. testing, onboarding, public speaking"),
            ),
            hint=tr._("Separate topics with commas. They match lesson #tags."),
        )
    )
    options = [Option(value=str(n), label=str(n)) for n in range(1, CAPACITY_MAX + 1)]
    capacity = min(max(state.capacity, 1), CAPACITY_MAX)
    blocks.append(
        InputBlock(
            block_id=MentorBlock.CAPACITY,
            label=tr._("Mentees at once"),
            element=StaticSelectElement(
                action_id=MentorAction.CAPACITY, options=options, initial_option=options[capacity - 1]
            ),
            hint=tr._("I never ask you to take more than this many at the same time."),
        )
    )
    blocks.append(
        InputBlock(
            block_id=MentorBlock.UNIT,
            label=tr._("Your team or department"),
            optional=True,
            element=text_input(MentorAction.UNIT, state.unit, multiline=False, max_length=UNIT_MAX),
            hint=tr._("People are matched with mentors from other teams first, to spread what we know."),
        )
    )
    blocks.append(
        InputBlock(
            block_id=MentorBlock.BIO,
            label=tr._("A short bio"),
            optional=True,
            element=text_input(
                MentorAction.BIO,
                state.bio,
                multiline=True,
                max_length=BIO_MAX,
                placeholder=tr._("What you have done and how you like to help"),
            ),
        )
    )
    return modal(
        tr,
        callback_id=MentorCallback.OFFER_MODAL,
        title=tr._("Offer mentoring"),
        submit=tr._("Save"),
        metadata=_metadata(state.channel_id),
        blocks=blocks,
    )


@dataclass(frozen=True)
class RequestModalState:
    topic: str = ""
    note: str = ""
    channel_id: str | None = None
    notice: str | None = None
    offered_topics: list[str] = field(default_factory=list)


def request_modal(tr: Translator, state: RequestModalState) -> View:
    blocks = warning(state.notice)
    hint = tr._("One topic, such as testing or onboarding.")
    if state.offered_topics:
        shown = ", ".join(state.offered_topics[:15])
        hint = truncate(hint + " " + tr._("Mentors offer: {topics}").format(topics=shown), 2000)
    blocks.append(
        InputBlock(
            block_id=MentorBlock.REQUEST_TOPIC,
            label=tr._("What would you like a mentor in?"),
            element=text_input(
                MentorAction.REQUEST_TOPIC, state.topic, multiline=False, max_length=TOPIC_MAX
            ),
            hint=hint,
        )
    )
    blocks.append(
        InputBlock(
            block_id=MentorBlock.REQUEST_NOTE,
            label=tr._("A note for the mentor"),
            optional=True,
            element=text_input(
                MentorAction.REQUEST_NOTE,
                state.note,
                multiline=True,
                max_length=NOTE_MAX,
                placeholder=tr._("What you want to get better at, and why now"),
            ),
        )
    )
    return modal(
        tr,
        callback_id=MentorCallback.REQUEST_MODAL,
        title=tr._("Find a mentor"),
        submit=tr._("Ask"),
        metadata=_metadata(state.channel_id),
        blocks=blocks,
    )


def profile_problem(tr: Translator, field: str, code: str, limit: int) -> str:
    """What the offer form says on `field` about a problem (profiles.validate's codes)."""
    if field == MentorBlock.TOPICS and code == "required":
        return tr._("Please name at least one topic, such as testing.")
    if code == "too_many":
        return tr.ngettext("Please name at most {n} topic.", "Please name at most {n} topics.", limit).format(
            n=limit
        )
    if code == "out_of_range":
        return tr.ngettext("Choose from 1 to {n} mentee.", "Choose from 1 to {n} mentees.", limit).format(
            n=limit
        )
    return tr.ngettext(
        "Please keep it under {n} character.", "Please keep it under {n} characters.", limit
    ).format(n=limit)


# -- the offer DM --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferCard:
    offer_id: int
    requester_id: str
    topic: str
    note: str | None
    requester_unit: str | None
    expires_at: datetime
    zone: ZoneInfo = UTC_ZONE  # the mentor's time zone
    request_status: str = ""  # what became of the request (cancelled, closed, ...)


@dataclass(frozen=True)
class Aftermath:
    """What happened to a request after this mentor's offer ended without a yes."""

    asked: str | None = None  # the mentor asked instead
    waits: bool = False  # nobody else could be asked: the request waits for a mentor with room


def offer_dm(tr: Translator, card: OfferCard) -> Rendered:
    head = tr._(":wave: {requester} would like a mentor in {topic}, which you offer. Can you take this on?")
    head = head.format(requester=user(card.requester_id), topic=topic_label(card.topic))
    blocks: list[Block] = [section(head)]
    if card.note:
        blocks += sections(_quote(card.note))
    meta = []
    if card.requester_unit:
        meta.append(tr._("Team or department: {unit}").format(unit=escape(card.requester_unit)))
    meta.append(
        tr._("Please answer by {when}; after that I ask another mentor.").format(
            when=moment(tr, card.expires_at, card.zone)
        )
    )
    blocks.append(context(*meta))
    value = str(card.offer_id)
    blocks.append(
        ActionsBlock(
            block_id=MentorBlock.OFFER_ACTIONS,
            elements=[
                ButtonElement(
                    text=tr._("Accept"), action_id=MentorAction.ACCEPT, value=value, style="primary"
                ),
                ButtonElement(text=tr._("Decline"), action_id=MentorAction.DECLINE, value=value),
                ButtonElement(
                    text=tr._("Decline and pause me"), action_id=MentorAction.DECLINE_PAUSE, value=value
                ),
            ],
        )
    )
    text = tr._("{requester} asks you to mentor them in {topic}").format(
        requester=user(card.requester_id), topic=escape(card.topic)
    )
    return Rendered(text, as_dicts(blocks))


def _aftermath(tr: Translator, card: OfferCard, after: Aftermath | None) -> str:
    """What became of the request since: cancelled, another mentor asked, or waiting."""
    if card.request_status == RequestStatus.CANCELLED:
        return tr._("{requester} has cancelled the request since.").format(requester=user(card.requester_id))
    if card.request_status == RequestStatus.CLOSED:
        return tr._("{requester} has left the workspace since.").format(requester=user(card.requester_id))
    if after is not None and after.asked:
        return tr._("I have asked {mentor} instead.").format(mentor=user(after.asked))
    if after is not None and after.waits:
        return tr._(
            "Nobody else who offers {topic} has room right now, so the request waits until someone does."
        ).format(topic=topic_label(card.topic))
    return ""


def offer_dm_closed(
    tr: Translator, card: OfferCard, status: str, *, paused: bool = False, after: Aftermath | None = None
) -> Rendered:
    """The offer DM once it is settled: the same request, what actually became of it, and no buttons
    left to press."""
    who, topic = user(card.requester_id), topic_label(card.topic)
    if status == OfferStatus.ACCEPTED:
        text = tr._(
            ":white_check_mark: You accepted {requester}'s request for a mentor in {topic}. "
            "I have started a group conversation with you both."
        ).format(requester=who, topic=topic)
    elif status in (OfferStatus.DECLINED, OfferStatus.EXPIRED):
        if status == OfferStatus.DECLINED:
            text = tr._("You declined {requester}'s request for a mentor in {topic}.")
        else:
            text = tr._("{requester}'s request for a mentor in {topic} got no answer in 48 hours.")
        text = text.format(requester=who, topic=topic)
        since = _aftermath(tr, card, after)
        if since:
            text += " " + since
        if paused:
            text += " " + tr._(
                "You are paused and get no new requests; use /mentor resume when you are ready."
            )
    elif card.request_status == RequestStatus.CANCELLED:
        text = tr._(
            "{requester} cancelled their request for a mentor in {topic}, so it no longer needs your answer."
        ).format(requester=who, topic=topic)
    elif card.request_status == RequestStatus.CLOSED:
        text = tr._(
            "{requester} has left the workspace, so their request for a mentor in {topic} "
            "no longer needs your answer."
        ).format(requester=who, topic=topic)
    else:
        text = tr._("{requester}'s request for a mentor in {topic} no longer needs your answer.").format(
            requester=who, topic=topic
        )
    blocks: list[Block] = [section(text)]
    if card.note:
        blocks.append(context("“" + escape(truncate(card.note, SNIPPET)) + "”"))
    return Rendered(text, as_dicts(blocks))


def not_for_you(tr: Translator) -> str:
    return tr._("This isn't for you: only the person it was sent to can answer it.")


# -- the introduction ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntroCard:
    mentor_id: str
    mentee_id: str
    topic: str
    note: str | None
    followup_days: int


def introduction(tr: Translator, card: IntroCard) -> Rendered:
    mentor, mentee = user(card.mentor_id), user(card.mentee_id)
    head = tr._(":handshake: {mentee}, meet {mentor}, who has agreed to mentor you in {topic}.").format(
        mentee=mentee, mentor=mentor, topic=topic_label(card.topic)
    )
    blocks: list[Block] = [HeaderBlock(text=tr._("Your mentorship starts here")), section(head)]
    if card.note:
        blocks += sections(tr._("What {mentee} wrote:").format(mentee=mentee) + "\n" + _quote(card.note))
    agenda = "\n".join(
        [
            "*" + tr._("A suggested first agenda") + "*",
            "1. "
            + tr._(
                "*Goals*: what would {mentee} like to be able to do in three months? Write down one or two."
            ).format(mentee=mentee),
            "2. "
            + tr._(
                "*How often to meet*: for example 30 minutes every other week. Book the first meeting now."
            ),
            "3. " + tr._("*Between meetings*: this conversation is yours for quick questions."),
            "4. " + tr._("*When you are done*: agree what would make you both say the goals are met."),
        ]
    )
    blocks += sections(agenda)
    blocks.append(
        context(
            tr.ngettext(
                "I will check in with you both in {n} day.",
                "I will check in with you both in {n} days.",
                card.followup_days,
            ).format(n=card.followup_days)
        )
    )
    text = tr._("{mentor} will mentor {mentee} in {topic}").format(
        mentor=mentor, mentee=mentee, topic=escape(card.topic)
    )
    return Rendered(text, as_dicts(blocks))


# -- follow-ups ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpCard:
    mentorship_id: int
    round: int
    other_id: str
    topic: str
    reminder: bool = False


def followup_dm(tr: Translator, card: FollowUpCard) -> Rendered:
    if card.reminder:
        text = tr._("A reminder: how is your mentorship with {other} in {topic} going?")
    else:
        text = tr._("How is your mentorship with {other} in {topic} going?")
    text = text.format(other=user(card.other_id), topic=topic_label(card.topic))
    value = followup_value(card.mentorship_id, card.round)
    blocks: list[Block] = [
        section(text),
        ActionsBlock(
            block_id=MentorBlock.FOLLOWUP_ACTIONS,
            elements=[
                ButtonElement(
                    text=tr._("Going well"), action_id=MentorAction.GOING_WELL, value=value, style="primary"
                ),
                ButtonElement(text=tr._("Need help"), action_id=MentorAction.NEED_HELP, value=value),
                ButtonElement(text=tr._("We're done"), action_id=MentorAction.DONE, value=value),
            ],
        ),
        context(tr._("“Need help” tells the admins; “We're done” ends the mentorship for you both.")),
    ]
    return Rendered(text, as_dicts(blocks))


def followup_answered(tr: Translator, card: FollowUpCard, answer: FollowUpAnswerKind) -> Rendered:
    who, topic = user(card.other_id), topic_label(card.topic)
    if answer is FollowUpAnswerKind.GOING_WELL:
        text = tr._("Thanks! Glad your mentorship with {other} in {topic} is going well.")
    elif answer is FollowUpAnswerKind.NEED_HELP:
        text = tr._("Thanks for telling me. I have asked the admins to help with your mentorship in {topic}.")
    else:
        text = (
            tr._("Thanks! Your mentorship with {other} in {topic} has ended.")
            + " "
            + tr._("What did you learn? Share it with /lesson so others can use it too.")
        )
    text = text.format(other=who, topic=topic)
    return Rendered(text, as_dicts([section(text)]))


@dataclass(frozen=True)
class EndedCard:
    """A mentorship that has ended, as the person reading about it sees it."""

    other_id: str
    topic: str
    reason: str  # EndReason
    ended_at: datetime
    zone: ZoneInfo = UTC_ZONE  # the reader's


def how_it_ended(tr: Translator, reason: str, other_id: str) -> str:
    if reason == EndReason.DONE:
        return tr._("marked as done")
    if reason == EndReason.LEFT:
        return tr._("ended when {other} left the workspace").format(other=user(other_id))
    return tr._("closed when the check-ins went unanswered")


def followup_ended(tr: Translator, card: EndedCard) -> Rendered:
    """A follow-up DM of a mentorship that has ended: its buttons give way to how it ended."""
    text = tr._("Your mentorship with {other} in {topic} has ended: {how}, {date}.").format(
        other=user(card.other_id),
        topic=topic_label(card.topic),
        how=how_it_ended(tr, card.reason, card.other_id),
        date=date(tr, card.ended_at, card.zone),
    )
    return Rendered(text, as_dicts([section(text)]))


def followup_value(mentorship_id: int, round_: int) -> str:
    """A follow-up button's value: the mentorship and the round it answers ("7:2")."""
    return f"{mentorship_id}:{round_}"
