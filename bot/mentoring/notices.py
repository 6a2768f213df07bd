"""What people are told by mentoring: answers to /mentor (the mentor list, a person's status, help)
and the short DMs about requests and mentorships. Forms and the offer, introduction and follow-up
DMs are in views.py.

Every text takes ids and topics, never a finished mention typed by someone; typed text is escaped.
Commands shown to type are translated too ("/mentor be om <emne>" in Bokmål), and times are in the
reader's own time zone (views.moment / views.date).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, DividerBlock

from bot.core.blockkit import Rendered, as_dicts, context, given_back, section, sections
from bot.core.i18n import Translator
from bot.core.mrkdwn import escape, truncate
from bot.lessons.data import ListedLesson
from bot.mentoring.ids import MAX_TOPICS, ProfileStatus, RequestStatus
from bot.mentoring.views import (
    SNIPPET,
    UTC_ZONE,
    date,
    how_it_ended,
    moment,
    topic_label,
    topic_list,
    usage,
    user,
    weekday,
)

LIST_MAX = 20  # mentors shown by /mentor list


# -- lists: /mentor list, /mentor status, /mentor help -------------------------------------------------


@dataclass(frozen=True)
class ListedMentor:
    user_id: str
    unit: str | None
    topics: list[str]
    free: int
    bio: str | None


def mentor_list(tr: Translator, topic: str | None, items: Sequence[ListedMentor]) -> Rendered:
    if not items:
        if topic:
            text = tr._(
                "Nobody with room offers {topic} right now. /mentor request {plain} puts you first in line."
            ).format(topic=topic_label(topic), plain=escape(topic))
        else:
            text = tr._("Nobody with room offers mentoring right now. Use {usage} to be the first!").format(
                usage=usage(tr._("/mentor offer <topics>"))
            )
        return Rendered(text, as_dicts([section(text)]))
    if topic:
        head = tr._("Mentors in {topic} with room for a mentee:").format(topic=topic_label(topic))
    else:
        head = tr._("Mentors with room for a mentee:")
    blocks: list[Block] = [section(head), DividerBlock()]
    for item in items[:LIST_MAX]:
        line = user(item.user_id)
        if item.unit:
            line += f" · {escape(item.unit)}"
        line += "\n" + topic_list(item.topics)
        if item.bio:
            line += "\n" + escape(truncate(item.bio, SNIPPET))
        blocks.append(section(line))
        room = tr.ngettext("room for {n} more mentee", "room for {n} more mentees", item.free)
        blocks.append(context(room.format(n=item.free)))
    if len(items) > LIST_MAX:
        hidden = len(items) - LIST_MAX
        more = tr.ngettext(
            "…and {n} more mentor. Narrow it down: {usage}",
            "…and {n} more mentors. Narrow it down: {usage}",
            hidden,
        )
        blocks.append(context(more.format(n=hidden, usage=usage(tr._("/mentor list <topic>")))))
    ask = tr._("Ask for one with {usage}").format(usage=usage(tr._("/mentor request <topic> [note]")))
    blocks.append(context(ask))
    return Rendered(head, as_dicts(blocks))


@dataclass(frozen=True)
class StatusRequest:
    topic: str
    status: str
    asked: str | None  # the mentor asked right now


@dataclass(frozen=True)
class StatusOffer:
    requester_id: str
    topic: str
    expires_at: datetime


@dataclass(frozen=True)
class StatusMentorship:
    other_id: str
    topic: str
    as_mentor: bool
    channel_id: str | None
    next_check_in: datetime | None = None  # None: a check-in is out, waiting for an answer


@dataclass(frozen=True)
class PastMentorship:
    other_id: str
    topic: str
    as_mentor: bool
    reason: str  # EndReason
    ended_at: datetime


@dataclass(frozen=True)
class StatusProfile:
    """The person's own mentor profile, as /mentor status shows it."""

    status: str
    capacity: int
    topics: list[str]


@dataclass(frozen=True)
class MyStatus:
    profile: StatusProfile | None
    active_mentees: int
    requests: list[StatusRequest]
    offers: list[StatusOffer]
    mentorships: list[StatusMentorship]
    past: list[PastMentorship] = field(default_factory=list)  # ended ones, the latest first


def _request_state(tr: Translator, item: StatusRequest) -> str:
    if item.status == RequestStatus.OFFERED and item.asked:
        return tr._("waiting for {mentor} to answer").format(mentor=user(item.asked))
    if item.status == RequestStatus.WAITING:
        return tr._("waiting for a mentor with room")
    return tr._("looking for a mentor")


def _profile_state(tr: Translator, status: str) -> str:
    if status == ProfileStatus.ACTIVE:
        return tr._("active")
    if status == ProfileStatus.PAUSED:
        return tr._("paused")
    return tr._("stopped")


def status_view(tr: Translator, status: MyStatus, zone: ZoneInfo = UTC_ZONE) -> Rendered:
    """`/mentor status`, with times in the reader's time zone `zone`."""
    lines: list[str] = []
    if status.profile:
        p = status.profile
        mentees = tr.ngettext("{active} of {capacity} mentee", "{active} of {capacity} mentees", p.capacity)
        lines.append(
            "*"
            + tr._("As a mentor")
            + "* ("
            + _profile_state(tr, p.status)
            + "): "
            + topic_list(p.topics)
            + " · "
            + mentees.format(active=status.active_mentees, capacity=p.capacity)
        )
    for offer in status.offers:
        lines.append(
            "• "
            + tr._("{requester} asks you to mentor them in {topic}; answer by {when} (see my DM)").format(
                requester=user(offer.requester_id),
                topic=topic_label(offer.topic),
                when=moment(tr, offer.expires_at, zone),
            )
        )
    if status.requests:
        lines.append("*" + tr._("Your requests") + "*")
        for item in status.requests:
            lines.append(f"• {topic_label(item.topic)}: {_request_state(tr, item)}")
    if status.mentorships:
        lines.append("*" + tr._("Your mentorships") + "*")
        for m in status.mentorships:
            text = (
                tr._("you mentor {other} in {topic}")
                if m.as_mentor
                else tr._("{other} mentors you in {topic}")
            )
            line = "• " + text.format(other=user(m.other_id), topic=topic_label(m.topic))
            if m.channel_id:
                line += f" · <#{m.channel_id}>"
            if m.next_check_in:
                line += " · " + tr._("next check-in {day}").format(day=weekday(tr, m.next_check_in, zone))
            lines.append(line)
    if status.past:
        lines.append("*" + tr._("Past mentorships") + "*")
        for past in status.past:
            text = (
                tr._("you mentored {other} in {topic}")
                if past.as_mentor
                else tr._("{other} mentored you in {topic}")
            )
            lines.append(
                "• "
                + text.format(other=user(past.other_id), topic=topic_label(past.topic))
                + " · "
                + how_it_ended(tr, past.reason, past.other_id)
                + ", "
                + date(tr, past.ended_at, zone)
            )
    if not lines:
        lines.append(
            tr._("Nothing here yet. {request} finds you a mentor; {offer} makes you one.").format(
                request=usage(tr._("/mentor request <topic>")), offer=usage(tr._("/mentor offer <topics>"))
            )
        )
    text = "\n".join(lines)
    return Rendered(truncate(text, 3000), as_dicts(sections(text)[:50]))


def help_text(tr: Translator, unknown: str | None = None) -> Rendered:
    """The commands, written the way the reader's language types them (Bokmål: `/mentor be om <emne>`)."""
    lines = []
    if unknown:
        lines.append(tr._("I don't know the subcommand *{word}*.").format(word=escape(unknown)))

    def item(command: str, what: str) -> str:
        return "• " + usage(command) + " — " + what

    lines += [
        "*" + tr._("Find a mentor, or be one") + "*",
        item(tr._("/mentor request <topic> [note]"), tr._("ask for a mentor; without a topic, a form")),
        item(tr._("/mentor request @name <topic> [note]"), tr._("ask that mentor")),
        item(tr._("/mentor cancel <topic>"), tr._("take your request back")),
        item(tr._("/mentor list [topic]"), tr._("mentors with room for a mentee")),
        item(tr._("/mentor status"), tr._("your requests, offers and mentorships")),
        item(
            tr._("/mentor offer <topic, topic, ...>"),
            tr._("offer mentoring; without topics, a form with more"),
        ),
        item(tr._("/mentor pause"), tr._("get no new requests for a while"))
        + " · "
        + usage(tr._("/mentor resume")),
        item(tr._("/mentor stop"), tr._("stop offering mentoring")),
        item(tr._("/mentor followup-days <n>"), tr._("admins: when to check in after a match")),
        tr._("Topics are the same words as lesson #tags, so lessons and mentors on a topic meet."),
    ]
    text = "\n".join(lines)
    return Rendered(text, as_dicts([section(text)]))


def did_you_mean(tr: Translator, command: str) -> Rendered:
    """A first word close to a subcommand: the command it was most likely meant to be."""
    text = (
        tr._("Did you mean {command}?").format(command=usage(command))
        + " "
        + tr._("{help} lists every command.").format(help=usage(tr._("/mentor help")))
    )
    return Rendered(text, as_dicts([section(text)]))


# -- answers and DMs -----------------------------------------------------------------------------------


def _lessons_blocks(tr: Translator, topic: str, lessons: Sequence[ListedLesson]) -> list[Block]:
    if not lessons:
        return []
    blocks: list[Block] = [
        DividerBlock(),
        section(tr._("*Meanwhile, the most useful lessons on {topic}:*").format(topic=escape(topic))),
    ]
    for item in lessons:
        meta = [f"*#{item.id}*", f"👍 {item.useful}", f"✅ {item.applied}"]
        if item.channel_id and not item.anonymous:  # an anonymous lesson's channel could name its author
            meta.append(tr._("in {channel}").format(channel=f"<#{item.channel_id}>"))
        blocks.append(section(escape(truncate(item.text, SNIPPET))))
        blocks.append(context(" · ".join(meta)))
    return blocks


def request_received(tr: Translator, topic: str, lessons: Sequence[ListedLesson]) -> Rendered:
    text = tr._("Looking for a mentor in {topic}. I will tell you who I ask.").format(
        topic=topic_label(topic)
    )
    return Rendered(text, as_dicts([section(text), *_lessons_blocks(tr, topic, lessons)]))


def asked_mentor(tr: Translator, topic: str, mentor_id: str) -> str:
    return tr._(
        "I have asked {mentor} to mentor you in {topic}. They have 48 hours to answer; "
        "if they can't, I ask the next mentor. I will tell you how it goes."
    ).format(mentor=user(mentor_id), topic=topic_label(topic))


def asked_next_mentor(tr: Translator, topic: str, mentor_id: str) -> str:
    return tr._(
        "About your request for a mentor in {topic}: the mentor I asked could not take it on, "
        "so I have asked {mentor}."
    ).format(mentor=user(mentor_id), topic=topic_label(topic))


def waiting_text(
    tr: Translator, topic: str, others: int, requester_offers: bool, *, after_asking: bool
) -> str:
    t = topic_label(topic)
    if after_asking:
        text = tr._(
            "Nobody who offers {topic} can take your request right now. It waits, "
            "and I will ask the next mentor who has room."
        )
    elif others:
        text = tr._(
            "Everyone who offers {topic} is busy right now. "
            "Your request waits, and I ask as soon as someone has room."
        )
    elif requester_offers:
        text = tr._(
            "Apart from you, nobody offers {topic} yet. "
            "Your request waits, and you will hear when someone does."
        )
    else:
        text = tr._(
            "Nobody offers {topic} yet. Your request waits, and you will hear as soon as someone does."
        )
    return (
        text.format(topic=t) + " " + tr._("/mentor cancel {topic} takes it back.").format(topic=escape(topic))
    )


def waiting_rendered(
    tr: Translator, topic: str, others: int, requester_offers: bool, lessons: Sequence[ListedLesson]
) -> Rendered:
    text = waiting_text(tr, topic, others, requester_offers, after_asking=False)
    return Rendered(text, as_dicts([section(text), *_lessons_blocks(tr, topic, lessons)]))


def asked_rendered(tr: Translator, topic: str, mentor_id: str, lessons: Sequence[ListedLesson]) -> Rendered:
    text = asked_mentor(tr, topic, mentor_id)
    return Rendered(text, as_dicts([section(text), *_lessons_blocks(tr, topic, lessons)]))


def found_waiting_mentor(tr: Translator, topic: str, mentor_id: str) -> str:
    return tr._(
        "Good news about your request for a mentor in {topic}: {mentor} can take it, and I have asked them."
    ).format(mentor=user(mentor_id), topic=topic_label(topic))


def already_requested(tr: Translator, topic: str) -> str:
    return tr._(
        "You already have an open request for a mentor in {topic}. /mentor status shows it; "
        "/mentor cancel {plain} takes it back."
    ).format(topic=topic_label(topic), plain=escape(topic))


def matched_for_requester(tr: Translator, topic: str, mentor_id: str, channel_id: str | None) -> str:
    text = tr._("{mentor} has accepted your request for a mentor in {topic}!").format(
        mentor=user(mentor_id), topic=topic_label(topic)
    )
    if channel_id:
        text += " " + tr._("Say hello in your new group conversation: {channel}").format(
            channel=f"<#{channel_id}>"
        )
    return text


def cancelled(tr: Translator, topic: str) -> str:
    return tr._("Your request for a mentor in {topic} is cancelled.").format(topic=topic_label(topic))


def nothing_to_cancel(tr: Translator, topic: str | None, open_topics: Sequence[str]) -> str:
    if topic:
        text = tr._("You have no open request for a mentor in {topic}.").format(topic=topic_label(topic))
    elif not open_topics:
        return tr._("You have no open requests for a mentor.")
    else:
        text = tr._("Which request? Use {usage}.").format(usage=usage(tr._("/mentor cancel <topic>")))
    if open_topics:
        text += " " + tr._("Your open requests: {topics}").format(topics=topic_list(open_topics))
    return text


def offer_saved(tr: Translator, topics: Sequence[str], capacity: int, *, left_out: bool = False) -> str:
    text = tr.ngettext(
        "Thank you for mentoring! You offer {topics}, up to {n} mentee at once.",
        "Thank you for mentoring! You offer {topics}, up to {n} mentees at once.",
        capacity,
    ).format(topics=topic_list(topics), n=capacity)
    if left_out:
        text += " " + topics_full(tr)
    text += " " + tr._("I send you a message when someone asks; /mentor offer opens the form to change it.")
    return text


def topics_full(tr: Translator) -> str:
    return tr.ngettext(
        "You offer the most topics there is room for ({n} topic); some were left out.",
        "You offer the most topics there is room for ({n} topics); some were left out.",
        MAX_TOPICS,
    ).format(n=MAX_TOPICS)


def no_topics(tr: Translator) -> str:
    return tr._("Please name at least one topic, such as /mentor offer testing, onboarding.")


def status_changed(tr: Translator, status: str, changed: bool) -> str:
    if status == ProfileStatus.PAUSED:
        return (
            tr._("You are paused: I send you no new requests until /mentor resume.")
            if changed
            else tr._("You were already paused. Use /mentor resume when you are ready.")
        )
    if status == ProfileStatus.ACTIVE:
        return (
            tr._("Welcome back! You get requests again.")
            if changed
            else tr._("You are already active as a mentor.")
        )
    return (
        tr._("You no longer offer mentoring. Your current mentorships go on; /mentor offer starts again.")
        if changed
        else tr._("You had already stopped mentoring.")
    )


def no_profile(tr: Translator) -> str:
    return tr._("You don't offer mentoring yet. Start with {usage}.").format(
        usage=usage(tr._("/mentor offer <topics>"))
    )


def followup_days_set(tr: Translator, days: int) -> str:
    return tr.ngettext(
        "Follow-ups now come {n} day after a match.", "Follow-ups now come {n} days after a match.", days
    ).format(n=days)


def followup_days_usage(tr: Translator, current: int) -> str:
    return tr.ngettext(
        "Give a number of days from 1 to 90, for example /mentor followup-days 14. Now: {n} day.",
        "Give a number of days from 1 to 90, for example /mentor followup-days 14. Now: {n} days.",
        current,
    ).format(n=current)


def admins_only(tr: Translator) -> str:
    return tr._("Only a workspace admin can change that.")


def form_failed(tr: Translator, error: str, typed: str = "") -> str:
    """A form could not open: Slack's error, and what was typed handed back to copy."""
    text = tr._("I could not open the form ({error}). Please try again.").format(error=escape(error))
    if typed:
        text += given_back(tr, typed)
    return text


def already_requested_field(tr: Translator) -> str:
    return tr._("You already have an open request for this topic.")


def request_topic_missing(tr: Translator) -> str:
    return tr._("Please name one topic, such as testing.")


def topic_not_a_mention(tr: Translator) -> str:
    return tr._("A topic is a word such as testing, not a mention.")


def need_help_for_admins(tr: Translator, asker_id: str, mentor_id: str, mentee_id: str, topic: str) -> str:
    return tr._(
        "{asker} asked for help with the mentorship of {mentee} by {mentor} in {topic}. "
        "Could you get in touch with them?"
    ).format(asker=user(asker_id), mentee=user(mentee_id), mentor=user(mentor_id), topic=topic_label(topic))


def no_admin_reached(tr: Translator) -> str:
    return tr._("I could not reach an admin; please contact one directly.")


def partner_ended(tr: Translator, other_id: str, topic: str) -> str:
    return tr._("{other} marked your mentorship in {topic} as done. Thank you both!").format(
        other=user(other_id), topic=topic_label(topic)
    )


def group_closing(tr: Translator, topic: str) -> str:
    return tr._(
        "This mentorship in {topic} is done. Thank you both! What did you learn? Share it with /lesson."
    ).format(topic=topic_label(topic))


def lapsed(tr: Translator, other_id: str, topic: str) -> str:
    return tr._(
        "Nobody answered my check-ins about your mentorship with {other} in {topic}, so I have closed it "
        "and freed the mentor's place. If you still meet, just carry on; /mentor request starts a new one."
    ).format(other=user(other_id), topic=topic_label(topic))


def partner_left(tr: Translator, other_id: str, topic: str) -> str:
    return tr._(
        "{other} has left the workspace, so your mentorship in {topic} has ended. "
        "/mentor request finds a new mentor."
    ).format(other=user(other_id), topic=topic_label(topic))


def mentorship_over(tr: Translator) -> str:
    return tr._("That mentorship has already ended.")


# -- what a request cannot be ------------------------------------------------------------------------


def topic_refused(tr: Translator, typed: str, *, mention: bool) -> str:
    """A request whose topic is a mention or has no word in it: refused, and the text handed back."""
    if mention:
        text = tr._(
            "A topic is a word such as testing, not a mention. To ask someone you know, put the topic "
            "after the name: {usage}"
        ).format(usage=usage(tr._("/mentor request @name <topic> [note]")))
    else:
        text = tr._(
            "I found no topic in that: a topic is a word such as testing or onboarding. {usage} opens a form."
        ).format(usage=usage(tr._("/mentor request")))
    return text + given_back(tr, typed)


def named_topic_missing(tr: Translator, name: str, typed: str) -> str:
    text = tr._("Which topic would you like {name} to mentor you in? For example {usage}").format(
        name="@" + escape(name), usage=usage(tr._("/mentor request @{name} testing").format(name=name))
    )
    return text + given_back(tr, typed)


def _other_ways(tr: Translator, topic: str) -> str:
    return tr._("{list} shows who has room; {request} asks the best-placed mentor for you.").format(
        list=usage(tr._("/mentor list {topic}").format(topic=topic)),
        request=usage(tr._("/mentor request {topic}").format(topic=topic)),
    )


def nobody_called(tr: Translator, name: str, topic: str, *, several: bool) -> str:
    if several:
        text = tr._("More than one person here is called {name}.").format(name="@" + escape(name))
    else:
        text = tr._("I can't find anyone called {name} in this workspace.").format(name="@" + escape(name))
    return text + " " + _other_ways(tr, topic)


def cannot_ask_yourself(tr: Translator, topic: str) -> str:
    return tr._("You can't be your own mentor.") + " " + _other_ways(tr, topic)


def mentor_unavailable(tr: Translator, mentor_id: str, topic: str, why: str, offered: Sequence[str]) -> str:
    """Why the mentor named cannot be asked (matching.MentorCheck), and how to go on."""
    who = user(mentor_id)
    if why == "not_mentor":
        text = tr._("{mentor} doesn't offer mentoring.").format(mentor=who)
    elif why == "not_topic":
        text = tr._("{mentor} doesn't offer {topic}; they offer {topics}.").format(
            mentor=who, topic=topic_label(topic), topics=topic_list(offered)
        )
    elif why == "paused":
        text = tr._("{mentor} is taking no new mentees right now.").format(mentor=who)
    else:
        text = tr._("{mentor} has no room for another mentee right now.").format(mentor=who)
    return text + " " + _other_ways(tr, topic)
