"""Mentoring listeners: /mentor, the offer and request forms, the offer DM's buttons, follow-up buttons.

Each listener stores first, acks within Slack's 3 seconds, and only then makes slow Web API calls.
Answers are transitions claimed in the database, so a double click or a repeated delivery changes
nothing the second time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.core.blockkit import Rendered, given_back
from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.lessons import flows as publishing
from bot.mentoring import flows as flow
from bot.mentoring import followup_flows as followup_flow
from bot.mentoring import followups, notices, profiles, reading, requests, views
from bot.mentoring import list_views as lists
from bot.mentoring.commands import MentorCommand, MentorVerb, parse
from bot.mentoring.flows import AdvanceKind
from bot.mentoring.followups import Recorded
from bot.mentoring.requests import Outcome
from bot.mentoring.views import FOLLOWUP_ACTIONS, MentorAction, MentorBlock, MentorCallback
from handlers import payloads
from handlers.middleware import deps_of
from handlers.payloads import team_of, view_values

log = logging.getLogger(__name__)

# What this feature needs Slack to send; the manifest test checks manifest.json against these.
COMMANDS = ("/mentor",)
SHORTCUTS: tuple[str, ...] = ()
EVENTS: tuple[str, ...] = ()


def _text(values: dict[str, dict[str, Any]], block: str) -> str:
    return str(values.get(block, {}).get("value") or "").strip()


# -- forms ------------------------------------------------------------------------------------------


def _open_offer_modal(
    deps: Deps,
    client: WebClient,
    trigger_id: str,
    *,
    team_id: str,
    user_id: str,
    channel_id: str | None,
    topics_text: str | None = None,
    notice: str | None = None,
) -> str | None:
    tr = deps.translator_for(team_id)
    with deps.db.session() as session:
        profile = profiles.profile_view(session, team_id, user_id)
    unit = profile.unit if profile else None
    if not unit:
        # Prefilled from the Slack profile's title ("Developer, Platform" gives Platform).
        info = deps.slack.user_info(team_id, user_id)
        unit = profiles.department_from_title(info.title) if info else ""
    state = views.OfferModalState(
        topics=topics_text if topics_text is not None else ", ".join(profile.topics if profile else []),
        capacity=profile.capacity if profile else profiles.CAPACITY_DEFAULT,
        unit=unit or "",
        bio=(profile.bio or "") if profile else "",
        channel_id=channel_id,
        notice=notice,
    )
    return deps.slack.open_view(team_id, trigger_id, views.offer_modal(tr, state))


def _open_request_modal(
    deps: Deps,
    client: WebClient,
    trigger_id: str,
    *,
    team_id: str,
    channel_id: str | None,
    topic: str = "",
    note: str = "",
    notice: str | None = None,
) -> str | None:
    tr = deps.translator_for(team_id)
    with deps.db.session() as session:
        offered = reading.offered_topics(session, team_id)
    state = views.RequestModalState(
        topic=topic, note=note, channel_id=channel_id, notice=notice, offered_topics=offered
    )
    return deps.slack.open_view(team_id, trigger_id, views.request_modal(tr, state))


def _form_failed(tr: Translator, error: str, typed: str = "") -> str:
    text = tr._("I could not open the form ({error}). Please try again.").format(error=error)
    if typed:
        text += given_back(tr, typed)
    return text


# -- /mentor subcommands ------------------------------------------------------------------------------


def _after_offer(deps: Deps, team_id: str, user_id: str, topics: list[str]) -> None:
    """After the ack: fill the team from the Slack title if none is known, and match waiting requests."""
    with deps.db.session() as session:
        profile = profiles.profile_view(session, team_id, user_id)
    if profile is not None and not profile.unit:
        info = deps.slack.user_info(team_id, user_id)
        if info is not None and info.title:
            with deps.db.session() as session:
                profiles.set_unit_if_missing(
                    session, team_id, user_id, profiles.department_from_title(info.title)
                )
    flow.rematch_waiting(deps, team_id=team_id, topics=topics)


def _offer(
    ack: Ack, respond: Respond, client: WebClient, deps: Deps, command: dict[str, Any], cmd: MentorCommand
) -> None:
    team_id, user_id, channel_id = command["team_id"], command["user_id"], command["channel_id"]
    tr = deps.translator_for(team_id)
    topics = profiles.parse_topics(cmd.text)
    if not topics:
        ack()
        notice = notices.no_topics(tr) if cmd.text else None
        failure = _open_offer_modal(
            deps,
            client,
            command["trigger_id"],
            team_id=team_id,
            user_id=user_id,
            channel_id=channel_id,
            topics_text=cmd.text or None,
            notice=notice,
        )
        if failure:
            respond(text=_form_failed(tr, failure, cmd.text), response_type="ephemeral")
        return
    with deps.db.session() as session:
        result = profiles.save_offer(
            session,
            team_id=team_id,
            user_id=user_id,
            topics=topics,
            now=deps.clock.now(),
            replace_topics=False,
        )
    left_out = any(topic not in result.profile.topics for topic in topics)
    ack(text=notices.offer_saved(tr, result.profile, left_out=left_out), response_type="ephemeral")
    log.info("mentor profile saved in %s (%s topics)", team_id, len(result.profile.topics))
    _after_offer(deps, team_id, user_id, result.profile.topics)


def _start_request(deps: Deps, request_id: int) -> flow.Advance:
    flow.fill_requester_unit(deps, request_id)
    return flow.advance(deps, request_id)


def _outcome(deps: Deps, tr: Translator, result: flow.Advance, team_id: str, topic: str) -> Rendered | None:
    with deps.db.session() as session:
        lessons = reading.best_lessons(session, team_id, topic)
    if result.kind is AdvanceKind.OFFERED and result.mentor_id:
        return notices.asked_rendered(tr, topic, result.mentor_id, lessons)
    if result.kind in (AdvanceKind.WAITING, AdvanceKind.STILL_WAITING):
        return notices.waiting_rendered(tr, topic, result.others, result.requester_offers, lessons)
    return None


def _request(
    ack: Ack, respond: Respond, client: WebClient, deps: Deps, command: dict[str, Any], cmd: MentorCommand
) -> None:
    team_id, user_id, channel_id = command["team_id"], command["user_id"], command["channel_id"]
    tr = deps.translator_for(team_id)
    topic = profiles.normalize_topic(cmd.topic)
    if not topic:
        ack()
        failure = _open_request_modal(
            deps,
            client,
            command["trigger_id"],
            team_id=team_id,
            channel_id=channel_id,
            topic=cmd.topic,
            note=cmd.note,
            notice=notices.request_topic_missing(tr) if cmd.text else None,
        )
        if failure:
            respond(text=_form_failed(tr, failure, cmd.text), response_type="ephemeral")
        return
    with deps.db.session() as session:
        created = requests.create_request(
            session, team_id=team_id, requester_id=user_id, topic=topic, note=cmd.note, now=deps.clock.now()
        )
        lessons = reading.best_lessons(session, team_id, topic)
    if not created.created:
        ack(text=notices.already_requested(tr, topic), response_type="ephemeral")
        return
    received = notices.request_received(tr, topic, lessons)
    ack(text=received.text, blocks=received.blocks, response_type="ephemeral")
    log.info("mentor request %s saved in %s", created.request.id, team_id)
    result = _start_request(deps, created.request.id)
    if result.kind is AdvanceKind.OFFERED and result.mentor_id:
        respond(text=notices.asked_mentor(tr, topic, result.mentor_id), response_type="ephemeral")
    elif result.kind in (AdvanceKind.WAITING, AdvanceKind.STILL_WAITING):
        text = notices.waiting_text(tr, topic, result.others, result.requester_offers, after_asking=False)
        respond(text=text, response_type="ephemeral")


def _cancel(ack: Ack, deps: Deps, command: dict[str, Any], cmd: MentorCommand) -> None:
    team_id, user_id = command["team_id"], command["user_id"]
    tr = deps.translator_for(team_id)
    topic = profiles.normalize_topic(cmd.topic)
    with deps.db.session() as session:
        open_topics = [r.topic for r in requests.open_requests_of(session, team_id, user_id)]
        if not topic and len(open_topics) == 1:
            topic = open_topics[0]
        closed = (
            requests.cancel(session, team_id=team_id, requester_id=user_id, topic=topic, now=deps.clock.now())
            if topic
            else None
        )
    if closed is None:
        ack(text=notices.nothing_to_cancel(tr, topic or None, open_topics), response_type="ephemeral")
        return
    ack(text=notices.cancelled(tr, topic), response_type="ephemeral")
    for offer in closed.withdrawn:
        flow.update_offer_dm(deps, offer.id)


def _set_status(ack: Ack, deps: Deps, command: dict[str, Any], status: profiles.ProfileStatus) -> None:
    team_id, user_id = command["team_id"], command["user_id"]
    tr = deps.translator_for(team_id)
    with deps.db.session() as session:
        change = profiles.set_status(session, team_id, user_id, status, deps.clock.now())
    if change is None:
        ack(text=notices.no_profile(tr), response_type="ephemeral")
        return
    ack(text=notices.status_changed(tr, status, change.changed), response_type="ephemeral")
    if not change.changed:
        return
    if status is profiles.ProfileStatus.ACTIVE:
        flow.rematch_waiting(deps, team_id=team_id, topics=change.topics)
    elif status is profiles.ProfileStatus.STOPPED:
        flow.withdraw_offers_of(deps, team_id, user_id)


def _followup_days(
    ack: Ack, respond: Respond, client: WebClient, deps: Deps, command: dict[str, Any], cmd: MentorCommand
) -> None:
    team_id, user_id = command["team_id"], command["user_id"]
    tr = deps.translator_for(team_id)
    days = cmd.number
    if days is None or not followups.MIN_FOLLOWUP_DAYS <= days <= followups.MAX_FOLLOWUP_DAYS:
        with deps.db.session() as session:
            current = followups.followup_days(session, team_id)
        ack(text=notices.followup_days_usage(tr, current), response_type="ephemeral")
        return
    ack()
    if not deps.slack.is_admin(team_id, user_id, deps.settings.admins):
        respond(text=notices.admins_only(tr), response_type="ephemeral")
        return
    with deps.db.session() as session:
        followups.set_followup_days(session, team_id, days, user_id, deps.clock.now())
    log.info("mentoring follow-up days set to %s in %s", days, team_id)
    respond(text=notices.followup_days_set(tr, days), response_type="ephemeral")


# -- button answers -------------------------------------------------------------------------------------


def _offer_answer(action_kind: MentorAction) -> Callable[..., None]:
    def handle(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext
    ) -> None:
        deps = deps_of(context)
        team_id, user_id = team_of(body), body["user"]["id"]
        value = str(action.get("value") or "")
        if not value.isdigit():
            ack()
            return
        offer_id, now = int(value), deps.clock.now()
        with deps.db.session() as session:
            if action_kind is MentorAction.ACCEPT:
                answer = requests.accept(
                    session,
                    team_id=team_id,
                    offer_id=offer_id,
                    user_id=user_id,
                    now=now,
                    followup_days=followups.followup_days(session, team_id),
                )
            else:
                answer = requests.decline(
                    session,
                    team_id=team_id,
                    offer_id=offer_id,
                    user_id=user_id,
                    now=now,
                    pause=action_kind is MentorAction.DECLINE_PAUSE,
                )
        ack()
        if answer.outcome is Outcome.NOT_YOURS:
            tr = deps.translator_for(team_id)
            respond(text=views.not_for_you(tr), response_type="ephemeral", replace_original=False)
            return
        if answer.outcome is not Outcome.DONE or answer.request is None:
            return  # a second click, or the offer expired or was withdrawn meanwhile: nothing changes
        log.info("offer %s answered: %s", offer_id, action_kind.value)
        flow.update_offer_dm(deps, offer_id, paused=action_kind is MentorAction.DECLINE_PAUSE)
        if action_kind is MentorAction.ACCEPT and answer.mentorship_id is not None:
            flow.introduce(deps, answer.mentorship_id)
        else:
            flow.move_on(deps, answer.request.id)

    return handle


def _followup_answer(action_kind: MentorAction) -> Callable[..., None]:
    answer_kind = FOLLOWUP_ACTIONS[action_kind]

    def handle(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext
    ) -> None:
        deps = deps_of(context)
        team_id, user_id = team_of(body), body["user"]["id"]
        parsed = views.followup_parse(str(action.get("value") or ""))
        if parsed is None:
            ack()
            return
        mentorship_id, round_ = parsed
        with deps.db.session() as session:
            result = followups.record_answer(
                session,
                team_id=team_id,
                mentorship_id=mentorship_id,
                user_id=user_id,
                round_=round_,
                answer=answer_kind,
                now=deps.clock.now(),
            )
        ack()
        tr = deps.translator_for(team_id)
        if result.outcome is Recorded.NOT_YOURS:
            respond(text=views.not_for_you(tr), response_type="ephemeral", replace_original=False)
            return
        if result.outcome is Recorded.ENDED:
            respond(text=notices.mentorship_over(tr), response_type="ephemeral", replace_original=False)
            return
        container = body.get("container") or {}
        followup_flow.after_answer(
            deps,
            result,
            user_id=user_id,
            round_=round_,
            channel_id=container.get("channel_id"),
            message_ts=container.get("message_ts"),
        )

    return handle


# -- registration -------------------------------------------------------------------------------------------


def register(app: App) -> None:
    @app.command(COMMANDS[0])
    def mentor_command(
        ack: Ack, respond: Respond, client: WebClient, context: BoltContext, command: dict[str, Any]
    ) -> None:
        deps = deps_of(context)
        team_id, user_id = command["team_id"], command["user_id"]
        tr = deps.translator_for(team_id)
        cmd = parse(payloads.command(command).text)
        if cmd.verb is MentorVerb.OFFER:
            _offer(ack, respond, client, deps, command, cmd)
        elif cmd.verb is MentorVerb.REQUEST:
            _request(ack, respond, client, deps, command, cmd)
        elif cmd.verb is MentorVerb.CANCEL:
            _cancel(ack, deps, command, cmd)
        elif cmd.verb is MentorVerb.PAUSE:
            _set_status(ack, deps, command, profiles.ProfileStatus.PAUSED)
        elif cmd.verb is MentorVerb.RESUME:
            _set_status(ack, deps, command, profiles.ProfileStatus.ACTIVE)
        elif cmd.verb is MentorVerb.STOP:
            _set_status(ack, deps, command, profiles.ProfileStatus.STOPPED)
        elif cmd.verb is MentorVerb.LIST:
            topic = profiles.normalize_topic(cmd.topic) or None
            with deps.db.session() as session:
                mentors = reading.mentors_with_room(session, team_id, topic)
            rendered = lists.mentor_list(tr, topic, mentors)
            ack(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral")
        elif cmd.verb is MentorVerb.STATUS:
            with deps.db.session() as session:
                status = reading.my_status(session, team_id, user_id)
            rendered = lists.status_view(tr, status)
            ack(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral")
        elif cmd.verb is MentorVerb.FOLLOWUP_DAYS:
            _followup_days(ack, respond, client, deps, command, cmd)
        else:
            rendered = lists.help_text(tr, cmd.text if cmd.verb is MentorVerb.UNKNOWN else None)
            ack(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral")

    @app.view(MentorCallback.OFFER_MODAL)
    def offer_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        deps = deps_of(context)
        team_id, user_id = team_of(body), body["user"]["id"]
        tr = deps.translator_for(team_id)
        values = view_values(view)
        chosen = (values.get(MentorBlock.CAPACITY, {}).get("selected_option") or {}).get("value")
        draft = profiles.ProfileDraft(
            topics=profiles.parse_topics(_text(values, MentorBlock.TOPICS)),
            capacity=int(str(chosen)) if str(chosen or "").isdigit() else profiles.CAPACITY_DEFAULT,
            unit=_text(values, MentorBlock.UNIT) or None,
            bio=_text(values, MentorBlock.BIO) or None,
        )
        problems = profiles.validate(draft)
        if problems:
            ack(response_action="errors", errors={p.field: views.profile_problem(tr, p) for p in problems})
            return
        with deps.db.session() as session:
            result = profiles.save_offer(
                session,
                team_id=team_id,
                user_id=user_id,
                topics=draft.topics,
                now=deps.clock.now(),
                replace_topics=True,
                capacity=draft.capacity,
                unit=draft.unit,
                bio=draft.bio,
            )
        ack()
        log.info("mentor profile saved in %s from the form", team_id)
        channel_id = views.channel_from_metadata(view.get("private_metadata"))
        publishing.tell_user(deps, user_id, notices.offer_saved(tr, result.profile), channel_id)
        flow.rematch_waiting(deps, team_id=team_id, topics=result.profile.topics)

    @app.view(MentorCallback.REQUEST_MODAL)
    def request_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        deps = deps_of(context)
        team_id, user_id = team_of(body), body["user"]["id"]
        tr = deps.translator_for(team_id)
        values = view_values(view)
        topic = profiles.normalize_topic(_text(values, MentorBlock.REQUEST_TOPIC))
        if not topic:
            ack(
                response_action="errors",
                errors={str(MentorBlock.REQUEST_TOPIC): notices.request_topic_missing(tr)},
            )
            return
        with deps.db.session() as session:
            created = requests.create_request(
                session,
                team_id=team_id,
                requester_id=user_id,
                topic=topic,
                note=_text(values, MentorBlock.REQUEST_NOTE) or None,
                now=deps.clock.now(),
            )
        if not created.created:
            errors = {
                str(MentorBlock.REQUEST_TOPIC): tr._("You already have an open request for this topic.")
            }
            ack(response_action="errors", errors=errors)
            return
        ack()
        log.info("mentor request %s saved in %s from the form", created.request.id, team_id)
        result = _start_request(deps, created.request.id)
        rendered = _outcome(deps, tr, result, team_id, topic)
        if rendered is not None:
            flow.send_dm(deps, user_id, rendered.text, rendered.blocks)

    for offer_action in (MentorAction.ACCEPT, MentorAction.DECLINE, MentorAction.DECLINE_PAUSE):
        app.action(offer_action.value)(_offer_answer(offer_action))
    for followup_action in FOLLOWUP_ACTIONS:
        app.action(followup_action.value)(_followup_answer(followup_action))
