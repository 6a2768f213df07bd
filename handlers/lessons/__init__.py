"""Lesson listeners: /lesson, the lesson modal, "Save as lesson", vote buttons and reactions.

Each listener stores first, acks within Slack's 3 seconds, and only then makes slow Web API calls.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.core import tags
from bot.core.blockkit import given_back
from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.core.mrkdwn import escape
from bot.lessons import flows as publishing
from bot.lessons import service as lessons
from bot.lessons.commands import LessonCommand, Verb, parse
from bot.lessons.list_views import help_text, my_lessons, search_results
from bot.lessons.lists import list_mine, search_lessons
from bot.lessons.views import (
    LessonAction,
    LessonBlock,
    LessonCallback,
    LessonOption,
    ModalState,
    confirmation,
    lesson_modal,
    parse_metadata,
    post_failed,
    problem_message,
)
from bot.lessons.voting import VoteKind, set_vote, toggle_vote
from handlers import payloads
from handlers.middleware import deps_of
from handlers.payloads import team_of, view_values

log = logging.getLogger(__name__)

USEFUL_REACTIONS = {"+1", "thumbsup", "bulb"}

# What this feature needs Slack to send; the manifest test checks manifest.json against these.
COMMANDS = ("/lesson",)
SHORTCUTS = (LessonCallback.SAVE_MESSAGE_SHORTCUT.value,)
EVENTS = ("reaction_added", "reaction_removed")


def _open_modal(deps: Deps, team_id: str, trigger_id: str, tr: Translator, state: ModalState) -> str | None:
    return deps.slack.open_view(team_id, trigger_id, lesson_modal(tr, state))


def _notice_for(tr: Translator, problems: list[lessons.Problem]) -> str:
    return " ".join(problem_message(tr, p) for p in problems)


def _store(deps: Deps, team_id: str, user_id: str, draft: lessons.LessonDraft) -> int:
    """Save a valid draft (before the ack: nothing typed is lost); the new lesson's id."""
    with deps.db.session() as session:
        lesson = lessons.create_lesson(
            session,
            team_id=team_id,
            user_id=user_id,
            draft=draft,
            secret_key=deps.settings.secret_key,
            now=deps.clock.now(),
        )
        return lesson.id


def _share_quick(
    ack: Ack,
    respond: Respond,
    client: WebClient,
    context: BoltContext,
    command: dict[str, Any],
    cmd: LessonCommand,
    tr: Translator,
) -> None:
    deps = deps_of(context)
    team_id, user_id, channel_id = command["team_id"], command["user_id"], command["channel_id"]
    draft = lessons.LessonDraft(text=cmd.text, anonymous=cmd.anonymous)
    problems = lessons.validate(draft)
    if problems:
        # Refuse, but hand the text back in a form so nothing typed is lost.
        ack()
        state = ModalState(
            text=cmd.text, anonymous=cmd.anonymous, channel_id=channel_id, notice=_notice_for(tr, problems)
        )
        failure = _open_modal(deps, team_id, command["trigger_id"], tr, state)
        if failure:
            respond(text=_notice_for(tr, problems) + given_back(tr, cmd.text), response_type="ephemeral")
        return
    lesson_id = _store(deps, team_id, user_id, draft)
    ack(text=confirmation(tr, lesson_id, cmd.anonymous, channel_id), response_type="ephemeral")
    log.info("lesson %s saved in %s", lesson_id, team_id)
    result = publishing.post_lesson(deps, team_id, lesson_id, channel_id)
    if not result.ok:
        respond(
            text=post_failed(tr, lesson_id, channel_id, result.error or "unknown"), response_type="ephemeral"
        )


def _delete(
    ack: Ack,
    respond: Respond,
    client: WebClient,
    context: BoltContext,
    command: dict[str, Any],
    cmd: LessonCommand,
) -> None:
    deps = deps_of(context)
    team_id, user_id = command["team_id"], command["user_id"]
    tr = deps.translator_for(team_id)
    if cmd.lesson_id is None:
        ack(
            text=escape(
                tr._("Which lesson? Use /lesson delete <id>; /lesson mine shows your lessons and their ids.")
            )
        )
        return
    ack()
    admin = deps.slack.is_admin(team_id, user_id, deps.settings.admins)
    try:
        with deps.db.session() as session:
            deleted = lessons.delete_lesson(
                session,
                team_id=team_id,
                lesson_id=cmd.lesson_id,
                user_id=user_id,
                secret_key=deps.settings.secret_key,
                is_admin=admin,
            )
    except lessons.NotFound:
        respond(text=tr._("There is no lesson #{id}.").format(id=cmd.lesson_id), response_type="ephemeral")
        return
    except lessons.NotAllowed:
        respond(
            text=tr._("Only the author of lesson #{id} or an admin can delete it.").format(id=cmd.lesson_id),
            response_type="ephemeral",
        )
        return
    if deleted.channel_id and deleted.message_ts:
        publishing.delete_lesson_message(deps, deleted.channel_id, deleted.message_ts)
    respond(text=tr._("Lesson #{id} is deleted.").format(id=deleted.id), response_type="ephemeral")


def draft_from_view(view: dict[str, Any]) -> tuple[lessons.LessonDraft, bool]:
    """The lesson typed in the modal, and whether to post it in the channel."""
    values = view_values(view)
    context = parse_metadata(view.get("private_metadata"))

    def text_of(block: str) -> str:
        return str(values.get(block, {}).get("value") or "")

    chosen = {o.get("value") for o in values.get(LessonBlock.OPTIONS, {}).get("selected_options") or []}
    draft = lessons.LessonDraft(
        text=text_of(LessonBlock.TEXT),
        what_worked=text_of(LessonBlock.WHAT_WORKED) or None,
        to_improve=text_of(LessonBlock.TO_IMPROVE) or None,
        tags=tags.parse_list(text_of(LessonBlock.TAGS)),
        anonymous=LessonOption.ANONYMOUS in chosen,
        source_link=context.source_link,
        prompt_post_id=context.prompt_post_id,
    )
    return draft, LessonOption.POST_HERE in chosen


def _permalink(team_domain: str | None, channel_id: str, ts: str) -> str | None:
    if not team_domain:
        return None
    return f"https://{team_domain}.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"


def register(app: App) -> None:
    @app.command(COMMANDS[0])
    def lesson_command(
        ack: Ack, respond: Respond, client: WebClient, context: BoltContext, command: dict[str, Any]
    ) -> None:
        deps = deps_of(context)
        tr = deps.translator_for(command["team_id"], command["channel_id"])
        cmd = parse(payloads.command(command).text)
        if cmd.verb is Verb.SHARE:
            _share_quick(ack, respond, client, context, command, cmd, tr)
        elif cmd.verb is Verb.MODAL:
            ack()
            state = ModalState(anonymous=cmd.anonymous, channel_id=command["channel_id"])
            failure = _open_modal(deps, command["team_id"], command["trigger_id"], tr, state)
            if failure:
                respond(
                    text=tr._("I could not open the form ({error}). Please try again.").format(error=failure)
                )
        elif cmd.verb is Verb.SEARCH:
            if not cmd.text:
                ack(text=tr._("What should I look for? Try /lesson search onboarding"))
                return
            with deps.db.read_session() as session:
                items = search_lessons(session, command["team_id"], cmd.text)
            rendered = search_results(tr, cmd.text, items)
            ack(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral")
        elif cmd.verb is Verb.MINE:
            with deps.db.read_session() as session:
                items = list_mine(session, command["team_id"], command["user_id"], deps.settings.secret_key)
            rendered = my_lessons(tr, items)
            ack(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral")
        elif cmd.verb is Verb.DELETE:
            _delete(ack, respond, client, context, command, cmd)
        else:
            rendered = help_text(tr, cmd.text if cmd.verb is Verb.UNKNOWN else None)
            ack(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral")

    @app.view(LessonCallback.MODAL)
    def lesson_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        deps = deps_of(context)
        team_id = team_of(body)
        user_id = body["user"]["id"]
        tr = deps.translator_for(team_id)
        draft, post_here = draft_from_view(view)
        problems = lessons.validate(draft)
        if problems:
            ack(response_action="errors", errors={p.field: problem_message(tr, p) for p in problems})
            return
        channel_id = parse_metadata(view.get("private_metadata")).channel_id
        lesson_id = _store(deps, team_id, user_id, draft)
        ack()
        log.info("lesson %s saved in %s from the form", lesson_id, team_id)
        target = channel_id if post_here else None
        if target:
            result = publishing.post_lesson(deps, team_id, lesson_id, target)
            if not result.ok:
                publishing.tell_user(
                    deps, user_id, post_failed(tr, lesson_id, target, result.error or "unknown")
                )
                return
        publishing.tell_user(deps, user_id, confirmation(tr, lesson_id, draft.anonymous, target), channel_id)

    @app.shortcut(LessonCallback.SAVE_MESSAGE_SHORTCUT)
    def save_message(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        deps = deps_of(context)
        team_id = body["team"]["id"]
        tr = deps.translator_for(team_id)
        message = body.get("message") or {}
        channel_id = body["channel"]["id"]
        text = deps.slack.readable(team_id, payloads.message_shortcut(body).text.raw)
        draft_problems = (
            lessons.validate(lessons.LessonDraft(text=text)) if len(text) > lessons.TEXT_MAX else []
        )
        state = ModalState(
            text=text,
            tags=tags.extract(text),
            channel_id=channel_id,
            source_link=_permalink(body["team"].get("domain"), channel_id, str(message.get("ts") or "")),
            notice=_notice_for(tr, draft_problems) if draft_problems else None,
        )
        failure = _open_modal(deps, team_id, body["trigger_id"], tr, state)
        if failure:
            publishing.tell_user(
                deps, body["user"]["id"], tr._("I could not open the form ({error}).").format(error=failure)
            )

    def _vote(kind: VoteKind) -> Any:
        def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
            deps = deps_of(context)
            team_id = team_of(body)
            lesson_id = int(action["value"])
            with deps.db.session() as session:
                exists = lessons.get_lesson(session, team_id, lesson_id) is not None
                result = (
                    toggle_vote(
                        session,
                        team_id=team_id,
                        lesson_id=lesson_id,
                        user_id=body["user"]["id"],
                        kind=kind,
                        now=deps.clock.now(),
                    )
                    if exists
                    else None
                )
            ack()
            if result is None:
                tr = deps.translator_for(team_id)
                channel = (body.get("channel") or {}).get("id")
                publishing.tell_user(deps, body["user"]["id"], tr._("That lesson has been deleted."), channel)
            elif result.changed:
                publishing.refresh_lesson_message(deps, team_id, lesson_id)

        return handle

    app.action(LessonAction.USEFUL)(_vote(VoteKind.USEFUL))
    app.action(LessonAction.APPLIED)(_vote(VoteKind.APPLIED))

    def _reaction(added: bool) -> Any:
        def handle(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
            name = str(event.get("reaction") or "").split("::", 1)[0]
            item = event.get("item") or {}
            if name not in USEFUL_REACTIONS or item.get("type") != "message":
                return
            deps = deps_of(context)
            team_id = str(body.get("team_id"))
            with deps.db.session() as session:
                lesson = lessons.find_by_message(
                    session, team_id, item.get("channel", ""), item.get("ts", "")
                )
                if lesson is None:
                    return
                result = set_vote(
                    session,
                    team_id=team_id,
                    lesson_id=lesson.id,
                    user_id=event["user"],
                    kind=VoteKind.USEFUL,
                    active=added,
                    now=deps.clock.now(),
                )
                lesson_id = lesson.id
            if result.changed:
                publishing.refresh_lesson_message(deps, team_id, lesson_id)

        return handle

    app.event(EVENTS[0], matchers=[is_useful_reaction])(_reaction(True))
    app.event(EVENTS[1], matchers=[is_useful_reaction])(_reaction(False))


def is_useful_reaction(event: dict[str, Any]) -> bool:
    """:+1: or :bulb: (any skin tone): the reactions that count as Useful."""
    return str(event.get("reaction") or "").split("::", 1)[0] in USEFUL_REACTIONS
