"""Ephemeral mentoring lists: mentors with room, a person's status, and /mentor help."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import Block, DividerBlock

from bot.core.blockkit import Rendered, as_dicts, context, section, sections
from bot.core.i18n import Translator
from bot.core.mrkdwn import escape, truncate
from bot.mentoring import profiles
from bot.mentoring.views import SNIPPET, slack_date, topic_label, topic_list, usage, user

LIST_MAX = 20  # mentors shown by /mentor list


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
class MyStatus:
    profile: profiles.ProfileView | None
    active_mentees: int
    requests: list[StatusRequest]
    offers: list[StatusOffer]
    mentorships: list[StatusMentorship]


def _request_state(tr: Translator, item: StatusRequest) -> str:
    if item.status == "offered" and item.asked:
        return tr._("waiting for {mentor} to answer").format(mentor=user(item.asked))
    if item.status == "waiting":
        return tr._("waiting for a mentor with room")
    return tr._("looking for a mentor")


def _profile_state(tr: Translator, status: str) -> str:
    if status == profiles.ProfileStatus.ACTIVE:
        return tr._("active")
    if status == profiles.ProfileStatus.PAUSED:
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
