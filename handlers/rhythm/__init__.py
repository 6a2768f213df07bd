"""Weekly rhythm listeners: `/erfaring`, answers in a prompt's thread, the "Share a lesson" button,
and the :raised_hand: reminder (called from the lessons reaction listener: Bolt runs only the first
listener that matches an event, so there is one reaction_added listener for the whole app).

Message events: this module owns them. Thread replies to a prompt are handled; every other message
is acknowledged and ignored, so Slack gets its 200 and Bolt logs no "unhandled request".
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.core.slack import error_code
from bot.lessons import flows as publishing
from bot.lessons.views import ModalState, lesson_modal
from bot.rhythm import prompts, replies, views
from bot.rhythm.views import RhythmAction
from handlers.middleware import deps_of
from handlers.payloads import team_of
from handlers.rhythm import commands as rhythm_commands

log = logging.getLogger(__name__)

# What this feature needs Slack to send; the manifest test checks manifest.json against these.
COMMANDS = (rhythm_commands.COMMAND,)
EVENTS = ("message.channels", "message.groups")

SAVED_REACTION = "white_check_mark"
# Replies that count: plain ones, "also send to #channel", and ones with a file attached.
REPLY_SUBTYPES = (None, "thread_broadcast", "file_share")


def _channel_translator(deps: Deps, team_id: str, channel_id: str) -> Translator:
    return deps.languages.for_channel(team_id, channel_id)


# --- :raised_hand: on a prompt -------------------------------------------------------------------------


def is_raised_hand(event: dict[str, Any]) -> bool:
    """A :raised_hand: (or :hand:, any skin tone): the only reaction this feature listens to."""
    return str(event.get("reaction") or "").split("::", 1)[0] in replies.RAISED_HANDS


def on_raised_hand(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    """A :raised_hand: on a prompt gets the person a DM with a "Share a lesson" button."""
    item = event.get("item") or {}
    name = str(event.get("reaction") or "")
    if item.get("type") != "message":
        return
    deps = deps_of(context)
    team_id, channel_id = str(body.get("team_id") or ""), str(item.get("channel") or "")
    user_id = str(event.get("user") or "")
    with deps.db.session() as session:
        post = replies.prompt_for_reaction(session, team_id, channel_id, str(item.get("ts") or ""), name)
        if post is None:
            return
        post_id = post.id
        question = prompts.prompt_text(session, team_id, post.prompt_key)
    tr = _channel_translator(deps, team_id, channel_id)
    rendered = views.reminder_dm(tr, question, channel_id, post_id)
    try:
        deps.slack.client(team_id).chat_postMessage(
            channel=user_id, text=rendered.text, blocks=rendered.blocks
        )
    except SlackApiError as exc:
        log.warning("the reminder DM for prompt %s failed: %s", post_id, error_code(exc))


# --- answers in a prompt's thread -------------------------------------------------------------------------


def is_thread_reply(event: dict[str, Any]) -> bool:
    """A person's reply in a thread of a channel (public or private), not a bot's, not an edit."""
    thread_ts, ts = event.get("thread_ts"), event.get("ts")
    return (
        event.get("subtype") in REPLY_SUBTYPES
        and not event.get("bot_id")
        and bool(event.get("user"))
        and bool(thread_ts)
        and thread_ts != ts
        and event.get("channel_type") in ("channel", "group")
    )


def _display_names(client: WebClient, user_ids: list[str]) -> dict[str, str]:
    """@mentions in a saved reply show the person's name, never a live mention."""
    names: dict[str, str] = {}
    for user_id in user_ids[:10]:
        try:
            user = client.users_info(user=user_id).get("user") or {}
        except SlackApiError as exc:
            log.info("no name for a mentioned user: %s", error_code(exc))
            continue
        profile = user.get("profile") or {}
        name = profile.get("display_name") or profile.get("real_name") or user.get("name")
        if name:
            names[user_id] = str(name)
    return names


def _permalink(client: WebClient, channel_id: str, ts: str) -> str | None:
    try:
        link = client.chat_getPermalink(channel=channel_id, message_ts=ts).get("permalink")
    except SlackApiError as exc:
        log.info("no permalink for a prompt reply: %s", error_code(exc))
        return None
    return str(link) if link else None


def on_thread_reply(
    event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps = deps_of(context)
    team_id = str(body.get("team_id") or "")
    channel_id, thread_ts = str(event["channel"]), str(event["thread_ts"])
    reply_ts, user_id = str(event["ts"]), str(event["user"])
    with deps.db.session() as session:
        post = replies.find_prompt_post(session, team_id, channel_id, thread_ts)
        if post is None or replies.reply_saved(session, team_id, channel_id, reply_ts):
            return  # a thread that is no prompt, or a reply already saved
        post_id = post.id
    raw = str(event.get("text") or "")
    text = replies.plain_text(raw, _display_names(client, replies.mentioned_users(raw)))
    link = _permalink(client, channel_id, reply_ts)
    with deps.db.session() as session:
        post = replies.get_prompt_post(session, team_id, post_id)
        if post is None:
            return
        result = replies.save_reply(
            session,
            post=post,
            reply_ts=reply_ts,
            user_id=user_id,
            text=text,
            source_link=link,
            secret_key=deps.settings.secret_key,
            now=deps.clock.now(),
        )
    if result.lesson_id is not None:
        log.info("lesson %s saved from a reply to prompt %s in %s", result.lesson_id, post_id, team_id)
        _react(client, channel_id, reply_ts)
    elif result.problems:
        tr = _channel_translator(deps, team_id, channel_id)
        rendered = views.reply_refused(tr, result.problems, text, post_id)
        try:
            client.chat_postEphemeral(
                channel=channel_id,
                user=user_id,
                thread_ts=thread_ts,
                text=rendered.text,
                blocks=rendered.blocks,
            )
        except SlackApiError as exc:
            log.warning("could not tell a person why their reply was not saved: %s", error_code(exc))


def _react(client: WebClient, channel_id: str, ts: str) -> None:
    try:
        client.reactions_add(channel=channel_id, timestamp=ts, name=SAVED_REACTION)
    except SlackApiError as exc:
        if error_code(exc) != "already_reacted":
            log.warning("could not confirm a saved reply with a reaction: %s", error_code(exc))


# --- the "Share a lesson" button ----------------------------------------------------------------------------


def share_from_prompt(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Open the lesson form for a prompt: linked to it, and shared in the prompt's channel."""
    deps = deps_of(context)
    team_id = team_of(body)
    user_id = str(body["user"]["id"])
    value = str(action.get("value") or "")
    post_id = int(value) if value.isdigit() else 0
    with deps.db.session() as session:
        post = replies.get_prompt_post(session, team_id, post_id) if post_id else None
        channel_id = post.channel_id if post is not None else None
    ack()
    if channel_id is None:
        publishing.tell_user(deps, user_id, views.prompt_gone(deps.languages.for_workspace(team_id)))
        return
    tr = _channel_translator(deps, team_id, channel_id)
    state = ModalState(channel_id=channel_id, prompt_post_id=post_id)
    code = deps.slack.open_view(team_id, body["trigger_id"], lesson_modal(tr, state))
    if code:
        log.warning("the lesson form for prompt %s did not open: %s", post_id, code)
        publishing.tell_user(deps, user_id, tr._("I could not open the form ({error}).").format(error=code))


def register(app: App) -> None:
    app.command(rhythm_commands.COMMAND)(rhythm_commands.handle)
    app.action(RhythmAction.SHARE_FROM_PROMPT)(share_from_prompt)
    app.action(RhythmAction.SHARE_FROM_NOTE)(share_from_prompt)
    app.event("message", matchers=[is_thread_reply])(on_thread_reply)
    app.event("reaction_added", matchers=[is_raised_hand])(on_raised_hand)
