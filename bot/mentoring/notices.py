"""What people are told by mentoring: answers to /mentor (the mentor list, a person's status, help)
and the short DMs about requests and mentorships. Forms and the offer, introduction and follow-up
DMs are in views.py.

Every text takes ids and topics, never a finished mention typed by someone; typed text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import Block, DividerBlock

from bot.core.blockkit import Rendered, as_dicts, context, given_back, section, sections
from bot.core.i18n import Translator
from bot.core.mrkdwn import escape, truncate
from bot.lessons.data import ListedLesson
from bot.mentoring.ids import MAX_TOPICS, ProfileStatus, RequestStatus
from bot.mentoring.views import SNIPPET, slack_date, topic_label, topic_list, usage, user

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
                usage=usage("/mentor offer <topics>")
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
        blocks.append(context(tr._("room for {n} more").format(n=item.free)))
    if len(items) > LIST_MAX:
        more = tr._("…and {n} more. Narrow it down: {usage}")
        blocks.append(context(more.format(n=len(items) - LIST_MAX, usage=usage("/mentor list <topic>"))))
    ask = tr._("Ask for one with {usage}").format(usage=usage("/mentor request <topic> [note]"))
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


def status_view(tr: Translator, status: MyStatus) -> Rendered:
    lines: list[str] = []
    if status.profile:
        p = status.profile
        lines.append(
            "*"
            + tr._("As a mentor")
            + "* ("
            + _profile_state(tr, p.status)
            + "): "
            + topic_list(p.topics)
            + " · "
            + tr._("{active} of {capacity} mentees").format(active=status.active_mentees, capacity=p.capacity)
        )
    for offer in status.offers:
        lines.append(
            "• "
            + tr._("{requester} asks you to mentor them in {topic}; answer by {when} (see my DM)").format(
                requester=user(offer.requester_id),
                topic=topic_label(offer.topic),
                when=slack_date(offer.expires_at),
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
            lines.append(line)
    if not lines:
        lines.append(
            tr._("Nothing here yet. {request} finds you a mentor; {offer} makes you one.").format(
                request=usage("/mentor request <topic>"), offer=usage("/mentor offer <topics>")
            )
        )
    text = "\n".join(lines)
    return Rendered(truncate(text, 3000), as_dicts(sections(text)[:50]))


def help_text(tr: Translator, unknown: str | None = None) -> Rendered:
    lines = []
    if unknown:
        lines.append(tr._("I don't know the subcommand *{word}*.").format(word=escape(unknown)))

    def item(usage: str, what: str) -> str:
        return "• `" + escape(usage) + "` — " + what

    lines += [
        "*" + tr._("Find a mentor, or be one") + "*",
        item("/mentor request <topic> [note]", tr._("ask for a mentor; without a topic, a form")),
        item("/mentor cancel <topic>", tr._("take your request back")),
        item("/mentor list [topic]", tr._("mentors with room for a mentee")),
        item("/mentor status", tr._("your requests, offers and mentorships")),
        item("/mentor offer <topic, topic, ...>", tr._("offer mentoring; without topics, a form with more")),
        item("/mentor pause", tr._("get no new requests for a while")) + " · `/mentor resume`",
        item("/mentor stop", tr._("stop offering mentoring")),
        item("/mentor followup-days <n>", tr._("admins: when to check in after a match")),
        tr._("Topics are the same words as lesson #tags, so lessons and mentors on a topic meet."),
    ]
    text = "\n".join(lines)
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
        if item.channel_id:
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
        text = tr._("Which request? Use {usage}.").format(usage=usage("/mentor cancel <topic>"))
    if open_topics:
        text += " " + tr._("Your open requests: {topics}").format(topics=topic_list(open_topics))
    return text


def offer_saved(tr: Translator, topics: Sequence[str], capacity: int, *, left_out: bool = False) -> str:
    text = tr._("Thank you for mentoring! You offer {topics}, up to {n} mentees at once.").format(
        topics=topic_list(topics), n=capacity
    )
    if left_out:
        text += " " + topics_full(tr)
    text += " " + tr._("I send you a message when someone asks; /mentor offer opens the form to change it.")
    return text


def topics_full(tr: Translator) -> str:
    return tr._("You offer the most topics there is room for ({n}); some were left out.").format(n=MAX_TOPICS)


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
        usage=usage("/mentor offer <topics>")
    )


def followup_days_set(tr: Translator, days: int) -> str:
    return tr.ngettext(
        "Follow-ups now come {n} day after a match.", "Follow-ups now come {n} days after a match.", days
    ).format(n=days)


def followup_days_usage(tr: Translator, current: int) -> str:
    return tr._("Give a number of days from 1 to 90, for example /mentor followup-days 14. Now: {n}.").format(
        n=current
    )


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
