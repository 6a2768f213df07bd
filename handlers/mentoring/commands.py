"""`/mentor ...`: one listener reads the command and hands each subcommand to a small function here.

Every answer is only for the person who typed the command, so it is in their language
(deps.languages.for_person: their Slack language, else the channel's, else the workspace's).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot import home_refresh
from bot.core.blockkit import given_back
from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.mentoring import flows, followups, notices, overview, profiles, requests
from bot.mentoring.commands import MentorCommand, MentorVerb, parse
from bot.mentoring.ids import ProfileStatus
from handlers import payloads
from handlers.middleware import deps_of

log = logging.getLogger(__name__)

COMMAND = "/mentor"


def mentor_command(ack: Ack, respond: Respond, command: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    typed = payloads.command(command)
    tr = deps.languages.for_person(typed.team_id, typed.user_id, typed.channel_id)
    cmd = parse(typed.text)
    if cmd.verb is MentorVerb.OFFER:
        offer(ack, respond, deps, tr, typed, cmd)
    elif cmd.verb is MentorVerb.REQUEST:
        request(ack, respond, deps, tr, typed, cmd)
    elif cmd.verb is MentorVerb.CANCEL:
        cancel(ack, deps, tr, typed, cmd)
    elif cmd.verb is MentorVerb.PAUSE:
        set_status(ack, deps, tr, typed, ProfileStatus.PAUSED)
    elif cmd.verb is MentorVerb.RESUME:
        set_status(ack, deps, tr, typed, ProfileStatus.ACTIVE)
    elif cmd.verb is MentorVerb.STOP:
        set_status(ack, deps, tr, typed, ProfileStatus.STOPPED)
    elif cmd.verb is MentorVerb.LIST:
        mentor_list(ack, deps, tr, typed, cmd)
    elif cmd.verb is MentorVerb.STATUS:
        status(ack, deps, tr, typed)
    elif cmd.verb is MentorVerb.FOLLOWUP_DAYS:
        followup_days(ack, respond, deps, tr, typed, cmd)
    elif cmd.verb is MentorVerb.UNKNOWN and cmd.meant:
        rendered = notices.did_you_mean(tr, cmd.meant)
        ack(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral")
    else:
        rendered = notices.help_text(tr, cmd.text if cmd.verb is MentorVerb.UNKNOWN else None)
        ack(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral")


def offer(
    ack: Ack, respond: Respond, deps: Deps, tr: Translator, typed: payloads.Command, cmd: MentorCommand
) -> None:
    """`/mentor offer testing, onboarding` adds topics at once; without topics, the form."""
    topics = profiles.parse_topics(cmd.text)
    if not topics:
        ack()
        failure = flows.open_offer_form(
            deps,
            team_id=typed.team_id,
            user_id=typed.user_id,
            channel_id=typed.channel_id,
            trigger_id=typed.trigger_id,
            topics_text=cmd.text or None,
            notice=notices.no_topics(tr) if cmd.text else None,
        )
        if failure:
            respond(text=notices.form_failed(tr, failure, cmd.text), response_type="ephemeral")
        return
    with deps.db.session() as session:
        result = profiles.save_offer(
            session,
            team_id=typed.team_id,
            user_id=typed.user_id,
            topics=topics,
            now=deps.clock.now(),
            replace_topics=False,
        )
    left_out = any(topic not in result.profile.topics for topic in topics)
    saved = notices.offer_saved(tr, result.profile.topics, result.profile.capacity, left_out=left_out)
    ack(text=saved, response_type="ephemeral")
    log.info("mentor profile saved in %s (%s topics)", typed.team_id, len(result.profile.topics))
    flows.after_offer(deps, typed.team_id, typed.user_id, result.profile.topics)


def request(
    ack: Ack, respond: Respond, deps: Deps, tr: Translator, typed: payloads.Command, cmd: MentorCommand
) -> None:
    """`/mentor request testing note` asks for a mentor at once, `/mentor request @per testing` asks
    Per; without anything after it, the form. A topic that is a mention, or has no word in it, is
    refused and the text handed back."""
    if cmd.mentor.casefold() in flows.BROADCASTS:
        ack(text=notices.topic_refused(tr, typed.text, mention=True), response_type="ephemeral")
        return
    if cmd.mentor and not cmd.topic:
        ack(text=notices.named_topic_missing(tr, cmd.mentor, typed.text), response_type="ephemeral")
        return
    topic = profiles.normalize_topic(cmd.topic)
    if not topic and cmd.text:
        refused = notices.topic_refused(tr, typed.text, mention=profiles.is_mention(cmd.topic))
        ack(text=refused, response_type="ephemeral")
        return
    if not topic:
        ack()
        failure = flows.open_request_form(
            deps,
            team_id=typed.team_id,
            user_id=typed.user_id,
            channel_id=typed.channel_id,
            trigger_id=typed.trigger_id,
        )
        if failure:
            respond(text=notices.form_failed(tr, failure, cmd.text), response_type="ephemeral")
        return
    with deps.db.session() as session:
        created = requests.create_request(
            session,
            team_id=typed.team_id,
            requester_id=typed.user_id,
            topic=topic,
            note=cmd.note,
            now=deps.clock.now(),
        )
    if not created.created:
        ack(text=notices.already_requested(tr, topic), response_type="ephemeral")
        return
    received = notices.request_received(tr, topic, [])
    ack(text=received.text, blocks=received.blocks, response_type="ephemeral")
    log.info("mentor request %s saved in %s", created.request.id, typed.team_id)
    if cmd.mentor:
        named = flows.ask_named(
            deps,
            tr,
            created.request.id,
            team_id=typed.team_id,
            requester_id=typed.user_id,
            name=cmd.mentor,
            topic=topic,
        )
        if named is not None:
            text = named.rendered.text + ("" if named.asked else given_back(tr, typed.text))
            respond(
                text=text, blocks=named.rendered.blocks if named.asked else None, response_type="ephemeral"
            )
        return
    result = flows.start_request(deps, created.request.id)
    # The best lessons on the topic that this person may see come with the answer (after the ack:
    # who may see what is asked from Slack).
    rendered = flows.request_outcome(deps, tr, result, typed.team_id, typed.user_id, topic)
    if rendered is not None:
        respond(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral")


def cancel(ack: Ack, deps: Deps, tr: Translator, typed: payloads.Command, cmd: MentorCommand) -> None:
    """`/mentor cancel testing` (or just `cancel` with one open request) takes a request back."""
    topic = profiles.normalize_topic(cmd.topic)
    with deps.db.session() as session:
        open_topics = [r.topic for r in requests.open_requests_of(session, typed.team_id, typed.user_id)]
        if not topic and len(open_topics) == 1:
            topic = open_topics[0]
        closed = (
            requests.cancel(
                session, team_id=typed.team_id, requester_id=typed.user_id, topic=topic, now=deps.clock.now()
            )
            if topic
            else None
        )
    if closed is None:
        ack(text=notices.nothing_to_cancel(tr, topic or None, open_topics), response_type="ephemeral")
        return
    ack(text=notices.cancelled(tr, topic), response_type="ephemeral")
    flows.request_cancelled(deps, closed)


def set_status(ack: Ack, deps: Deps, tr: Translator, typed: payloads.Command, status: ProfileStatus) -> None:
    """`/mentor pause`, `resume`, `stop`."""
    with deps.db.session() as session:
        change = profiles.set_status(session, typed.team_id, typed.user_id, status, deps.clock.now())
    if change is None:
        ack(text=notices.no_profile(tr), response_type="ephemeral")
        return
    ack(text=notices.status_changed(tr, status, change.changed), response_type="ephemeral")
    if not change.changed:
        return
    if status is ProfileStatus.ACTIVE:
        flows.rematch_waiting(deps, team_id=typed.team_id, topics=change.topics)
    elif status is ProfileStatus.STOPPED:
        flows.withdraw_offers_of(deps, typed.team_id, typed.user_id)


def mentor_list(ack: Ack, deps: Deps, tr: Translator, typed: payloads.Command, cmd: MentorCommand) -> None:
    """`/mentor list [topic]`: mentors with room."""
    topic = profiles.normalize_topic(cmd.topic) or None
    with deps.db.read_session() as session:
        mentors = overview.mentors_with_room(session, typed.team_id, topic, exclude=typed.user_id)
    rendered = notices.mentor_list(tr, topic, mentors)
    ack(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral")


def status(ack: Ack, deps: Deps, tr: Translator, typed: payloads.Command) -> None:
    """`/mentor status`: my requests, offers waiting for my answer, and mentorships, current and past,
    with times in my own time zone."""
    zone = flows.zone_of(deps, typed.team_id, typed.user_id, quick=True)
    with deps.db.read_session() as session:
        mine = overview.my_status(session, typed.team_id, typed.user_id)
    rendered = notices.status_view(tr, mine, zone)
    ack(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral")


def followup_days(
    ack: Ack, respond: Respond, deps: Deps, tr: Translator, typed: payloads.Command, cmd: MentorCommand
) -> None:
    """`/mentor followup-days 14`: admins set when the first check-in comes after a match."""
    days = cmd.number
    if days is None or not followups.MIN_FOLLOWUP_DAYS <= days <= followups.MAX_FOLLOWUP_DAYS:
        with deps.db.read_session() as session:
            current = followups.followup_days(session, typed.team_id)
        ack(text=notices.followup_days_usage(tr, current), response_type="ephemeral")
        return
    ack()
    if not deps.slack.is_admin(typed.team_id, typed.user_id, deps.settings.admins):
        respond(text=notices.admins_only(tr), response_type="ephemeral")
        return
    with deps.db.session() as session:
        followups.set_followup_days(session, typed.team_id, days, typed.user_id, deps.clock.now())
        home_refresh.refresh(deps, typed.team_id, typed.user_id, *deps.settings.admins, session=session)
    log.info("mentoring follow-up days set to %s in %s", days, typed.team_id)
    respond(text=notices.followup_days_set(tr, days), response_type="ephemeral")
