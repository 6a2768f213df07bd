"""What people are told by mentoring: answers to /mentor, and DMs about requests and mentorships.

Every text takes ids and topics, never a finished mention typed by someone; typed text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, DividerBlock

from bot.core.blockkit import Rendered, as_dicts, context, section
from bot.core.i18n import Translator
from bot.core.mrkdwn import escape, truncate
from bot.lessons.list_views import ListedLesson
from bot.mentoring import profiles
from bot.mentoring.views import SNIPPET, topic_label, topic_list, usage, user


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


def offer_saved(tr: Translator, profile: profiles.ProfileView, *, left_out: bool = False) -> str:
    text = tr._("Thank you for mentoring! You offer {topics}, up to {n} mentees at once.").format(
        topics=topic_list(profile.topics), n=profile.capacity
    )
    if left_out:
        text += " " + topics_full(tr)
    text += " " + tr._("I send you a message when someone asks; /mentor offer opens the form to change it.")
    return text


def topics_full(tr: Translator) -> str:
    return tr._("You offer the most topics there is room for ({n}); some were left out.").format(
        n=profiles.MAX_TOPICS
    )


def no_topics(tr: Translator) -> str:
    return tr._("Please name at least one topic, such as /mentor offer testing, onboarding.")


def status_changed(tr: Translator, status: str, changed: bool) -> str:
    if status == profiles.ProfileStatus.PAUSED:
        return (
            tr._("You are paused: I send you no new requests until /mentor resume.")
            if changed
            else tr._("You were already paused. Use /mentor resume when you are ready.")
        )
    if status == profiles.ProfileStatus.ACTIVE:
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
