"""`/erfaring ...`: the weekly rhythm's settings, in the channel they apply to.

Help, status and the list of questions answer in the ack. Everything that changes something is for
admins: values are checked first (a wrong one is refused at once, saying what is accepted), then the
command is acked, and only then is the admin check made (users.info is slow-ish) and the change stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.core.blockkit import Rendered
from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.core.slack import error_code
from bot.rhythm import prompts, subscriptions, views
from bot.rhythm.commands import (
    Field,
    InvalidValue,
    PromptAction,
    RhythmCommand,
    Verb,
    parse,
    parse_holidays,
    parse_language,
    parse_prompts,
    parse_schedule,
    parse_timezone,
    parse_weeks,
)
from handlers import payloads
from handlers.middleware import deps_of
from storage.rhythm.models import Subscription

log = logging.getLogger(__name__)

COMMAND = "/erfaring"


class _Where:
    """The workspace, channel and person a command came from."""

    def __init__(self, deps: Deps, command: dict[str, Any]) -> None:
        self.deps = deps
        self.team_id = str(command["team_id"])
        self.channel_id = str(command["channel_id"])
        self.user_id = str(command["user_id"])

    def tr(self) -> Translator:
        """The channel's language: its own, else the workspace's (a command that changes it forgets
        what was remembered, so the confirmation is in the new language)."""
        return self.deps.languages.for_channel(self.team_id, self.channel_id)

    def settings(self) -> subscriptions.ChannelSettings | None:
        with self.deps.db.session() as session:
            sub = subscriptions.get(session, self.team_id, self.channel_id)
            if sub is None:
                return None
            own = self.deps.languages.channel_own(self.team_id, self.channel_id)
            return subscriptions.settings_of(
                session,
                sub,
                language=self.deps.languages.channel(self.team_id, self.channel_id),
                language_inherited=own is None,
                default_timezone=self.deps.settings.timezone,
                now=self.deps.clock.now(),
            )


# A change, checked and ready: run after the ack and the admin check; returns what to tell the admin.
Change = Callable[[_Where, WebClient], str]


def handle(
    ack: Ack, respond: Respond, client: WebClient, context: BoltContext, command: dict[str, Any]
) -> None:
    where = _Where(deps_of(context), command)
    cmd = parse(payloads.command(command).text)
    tr = where.tr()
    if cmd.verb in (Verb.HELP, Verb.UNKNOWN):
        rendered = views.help_text(tr, cmd.words[0] if cmd.verb is Verb.UNKNOWN else None)
        ack(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral")
        return
    if cmd.verb is Verb.STATUS:
        rendered = views.settings_summary(tr, where.channel_id, where.settings())
        ack(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral")
        return
    typed: str | None = None
    try:
        if cmd.verb is Verb.PROMPTS:
            request = parse_prompts(cmd)
            if request.action is PromptAction.LIST:
                rendered = _prompt_list(where, tr)
                ack(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral")
                return
            typed = request.text or None  # a refused question is given back
        change = _change_for(cmd)
    except InvalidValue as exc:
        ack(text=views.invalid_value(tr, exc), response_type="ephemeral")
        return
    ack()
    if not where.deps.slack.is_admin(where.team_id, where.user_id, where.deps.settings.admins):
        log.info("a non-admin tried /erfaring %s in %s", cmd.verb, where.team_id)
        respond(text=views.not_admin(tr, typed), response_type="ephemeral")
        return
    answer = change(where, client)
    respond(text=answer, response_type="ephemeral")


def _prompt_list(where: _Where, tr: Translator) -> Rendered:
    with where.deps.db.session() as session:
        own = prompts.custom_prompts(session, where.team_id)
    return views.prompt_list(tr, own, len(prompts.builtin_prompts(tr.language)))


def _change_for(cmd: RhythmCommand) -> Change:
    """The checked change a command asks for. Raises InvalidValue for a wrong or missing value."""
    first = cmd.words[0] if cmd.words else ""
    if cmd.verb is Verb.SUBSCRIBE:
        return _subscribe
    if cmd.verb is Verb.UNSUBSCRIBE:
        return _unsubscribe
    if cmd.verb is Verb.SCHEDULE:
        schedule = parse_schedule(cmd.words)
        return _setting(
            lambda s, w: subscriptions.set_schedule(
                s, w.team_id, w.channel_id, schedule.kind, schedule.weekday, schedule.time, w.deps.clock.now()
            ),
            lambda tr, w, st: views.schedule_changed(
                tr, schedule.kind, schedule.weekday, schedule.time, st.timezone
            ),
        )
    if cmd.verb is Verb.TIMEZONE:
        zone = parse_timezone(first)
        return _setting(
            lambda s, w: subscriptions.set_timezone(s, w.team_id, w.channel_id, zone, w.deps.clock.now()),
            lambda tr, w, st: views.timezone_changed(tr, w.channel_id, zone),
        )
    if cmd.verb is Verb.LANGUAGE:
        language = parse_language(first)
        if len(cmd.words) > 1 and cmd.words[1].casefold() in WORKSPACE_WORDS:
            return lambda w, client: _set_workspace_language(w, language)
        return lambda w, client: _set_channel_language(w, language)
    if cmd.verb is Verb.HOLIDAYS:
        country = parse_holidays(first)
        return _setting(
            lambda s, w: subscriptions.set_holidays(s, w.team_id, w.channel_id, country, w.deps.clock.now()),
            lambda tr, w, st: views.holidays_changed(tr, country),
        )
    if cmd.verb in (Verb.PAUSE, Verb.RESUME):
        weeks = 0 if cmd.verb is Verb.RESUME else parse_weeks(first)
        return _setting(
            lambda s, w: subscriptions.pause(s, w.team_id, w.channel_id, weeks, w.deps.clock.now()),
            lambda tr, w, st: views.paused(tr, weeks, st.paused_until, st.timezone),
        )
    request = parse_prompts(cmd)
    if request.action is PromptAction.ADD:
        question = prompts.clean_text(request.text)
        if not question or len(question) > prompts.CUSTOM_MAX:
            raise InvalidValue(Field.PROMPT_TEXT, question)
        return lambda w, client: _add_prompt(w, request.text, request.language)
    assert request.prompt_id is not None
    prompt_id = request.prompt_id
    return lambda w, client: _remove_prompt(w, prompt_id)


# `/erfaring language nb workspace`: the workspace's language rather than this channel's.
WORKSPACE_WORDS = {"workspace", "arbeidsområde", "arbeidsomrade", "all", "alle"}

Setter = Callable[[Session, _Where], Subscription]
Confirm = Callable[[Translator, _Where, subscriptions.ChannelSettings], str]


def _setting(store: Setter, confirm: Confirm) -> Change:
    """A change to the channel's subscription; a channel never subscribed has nothing to change."""

    def run(where: _Where, client: WebClient) -> str:
        try:
            with where.deps.db.session() as session:
                store(session, where)
        except subscriptions.NotSubscribed:
            return views.not_subscribed(where.tr(), where.channel_id)
        settings = where.settings()
        assert settings is not None
        # Read the language after the change: `/erfaring language nb` is confirmed in Bokmål.
        return confirm(where.tr(), where, settings)

    return run


def _subscribe(where: _Where, client: WebClient) -> str:
    refusal = _join(where, client)
    if refusal:
        return refusal
    with where.deps.db.session() as session:
        result = subscriptions.subscribe(
            session,
            team_id=where.team_id,
            channel_id=where.channel_id,
            user_id=where.user_id,
            now=where.deps.clock.now(),
        )
        created, reactivated = result.created, result.reactivated
    log.info("channel subscribed in %s (new: %s, again: %s)", where.team_id, created, reactivated)
    settings = where.settings()
    assert settings is not None
    return views.subscribed(where.tr(), settings, created=created, reactivated=reactivated)


def _join(where: _Where, client: WebClient) -> str | None:
    """Make sure the bot can post in the channel: join a public one; a private one needs an invite.
    Returns what to tell the admin when it cannot, else None."""
    tr, channel_id = where.tr(), where.channel_id
    if channel_id.startswith("D"):
        return views.not_a_channel(tr)
    try:
        client.conversations_join(channel=channel_id)
        return None
    except SlackApiError as exc:
        code = error_code(exc)
    if code == "method_not_supported_for_channel_type":
        # Private: fine when the bot is already a member; otherwise only an invite gets it in.
        try:
            channel = client.conversations_info(channel=channel_id).get("channel") or {}
        except SlackApiError:
            return views.invite_me(tr, channel_id)
        if channel.get("is_im") or channel.get("is_mpim"):
            return views.not_a_channel(tr)
        return None if channel.get("is_member") else views.invite_me(tr, channel_id)
    if code == "channel_not_found":
        return views.invite_me(tr, channel_id)  # a private channel the bot cannot even see
    if code == "is_archived":
        return views.archived(tr, channel_id)
    log.warning("conversations.join failed for a channel in %s: %s", where.team_id, code)
    return views.join_failed(tr, channel_id, code)


def _unsubscribe(where: _Where, client: WebClient) -> str:
    with where.deps.db.session() as session:
        was_active = subscriptions.unsubscribe(
            session, where.team_id, where.channel_id, where.deps.clock.now()
        )
    return views.unsubscribed(where.tr(), where.channel_id, was_active)


def _add_prompt(where: _Where, text: str, language: str | None) -> str:
    tr = where.tr()
    try:
        with where.deps.db.session() as session:
            prompt = prompts.add_custom(
                session,
                team_id=where.team_id,
                language=language or tr.language,
                text=text,
                user_id=where.user_id,
                now=where.deps.clock.now(),
            )
    except InvalidValue as exc:
        return views.invalid_value(tr, exc)
    except prompts.DuplicatePrompt:
        return views.duplicate_prompt(tr, prompts.clean_text(text))
    except prompts.TooManyPrompts:
        return views.too_many_prompts(tr)
    return views.prompt_added(tr, prompt)


def _set_workspace_language(where: _Where, language: str) -> str:
    where.deps.languages.set_workspace(where.team_id, language)
    return views.workspace_language_changed(where.tr(), language)


def _set_channel_language(where: _Where, language: str) -> str:
    """Any channel may have its own language, subscribed to the weekly rhythm or not."""
    where.deps.languages.set_channel(where.team_id, where.channel_id, language)
    return views.language_changed(where.tr(), where.channel_id, language)


def _remove_prompt(where: _Where, prompt_id: int) -> str:
    tr = where.tr()
    try:
        with where.deps.db.session() as session:
            prompt = prompts.remove_custom(session, where.team_id, prompt_id)
    except prompts.PromptNotFound:
        return views.prompt_not_found(tr, prompt_id)
    return views.prompt_removed(tr, prompt)
