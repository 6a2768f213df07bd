"""Every side effect of the weekly rhythm, all through deps.slack: posting prompts and digests (and
finding one a crashed process posted), the notes to admins about a failing channel, joining a
channel on `/erfaring subscribe`, carrying out `/erfaring` changes after the admin check, saving
thread replies (with the ✅ reaction or the note why not), the :raised_hand: reminder DM and the
"Share a lesson" form; taking a saved reply back.

The rules live in the services (runs, claims, subscriptions, prompts, replies, digest) and the
words in the views; a flow reads, calls Slack, stores and answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import assert_never

from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.core import effects
from bot.core.blockkit import Rendered
from bot.core.deps import Deps
from bot.core.i18n import Translator, translator
from bot.core.mrkdwn import escape
from bot.core.slack import error_code
from bot.lessons import service as lessons
from bot.lessons.views import ModalState, lesson_modal
from bot.lessons.visibility import place, settle_pending
from bot.rhythm import claims, prompts, replies, runs, subscriptions, views
from bot.rhythm.claims import Claim, Status
from bot.rhythm.commands import (
    AddPrompt,
    Change,
    InvalidValue,
    Pause,
    PromptAction,
    RemovePrompt,
    SetHolidays,
    SetLanguage,
    SetSchedule,
    SetTimezone,
    Subscribe,
    Unsubscribe,
    Verb,
    change_of,
    parse,
    parse_prompts,
    suggestion,
)
from bot.rhythm.data import ChannelLanguage, ChannelSettings, DigestData
from bot.rhythm.digest import SectionHook, build_digest, digest_period
from bot.rhythm.digest_views import Decorations, digest_message
from bot.rhythm.ids import METADATA_EVENT, PROMPT, Reaction
from bot.rhythm.replies import Reading
from bot.rhythm.runs import Channel, Outcome

log = logging.getLogger(__name__)

# How far before a claim's due time to look for a post an earlier attempt made.
HISTORY_SLACK_SECONDS = 60


# --- /erfaring -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Asked:
    """Who typed `/erfaring`, in which workspace and channel."""

    team_id: str
    channel_id: str
    user_id: str


@dataclass(frozen=True)
class Pending:
    """A checked change, carried out after the ack and the admin check."""

    change: Change
    typed: str | None = None  # what to give back when it is refused (a question of one's own)


def _person(deps: Deps, asked: Asked) -> Translator:
    """Replies only the person sees are in their Slack language (else the channel's, the workspace's)."""
    return deps.languages.for_person(asked.team_id, asked.user_id, asked.channel_id)


def _settings(deps: Deps, asked: Asked) -> ChannelSettings | None:
    with deps.db.read_session() as session:
        return subscriptions.channel_settings(
            session,
            asked.team_id,
            asked.channel_id,
            default_timezone=deps.settings.timezone,
            now=deps.clock.now(),
        )


def _language(deps: Deps, asked: Asked) -> ChannelLanguage:
    own = deps.languages.channel_own(asked.team_id, asked.channel_id)
    return ChannelLanguage(own or deps.languages.workspace(asked.team_id), inherited=own is None)


def read_command(deps: Deps, asked: Asked, text: str) -> Rendered | Pending:
    """What `/erfaring <text>` gets in the ack: help, the status, the list of questions, or a
    refusal of a wrong value (nothing slow happens first). Else the change to carry out after it."""
    tr = _person(deps, asked)
    command = parse(text)
    if command.verb is Verb.UNKNOWN:
        meant = suggestion(command)
        if meant is not None:
            return views.did_you_mean(tr, command.words[0], meant)
        return views.help_text(tr, command.words[0])
    if command.verb is Verb.HELP:
        return views.help_text(tr)
    if command.verb is Verb.STATUS:
        return views.settings_summary(tr, asked.channel_id, _settings(deps, asked), _language(deps, asked))
    try:
        if command.verb is Verb.PROMPTS and parse_prompts(command).action is PromptAction.LIST:
            return _prompt_list(deps, asked, tr)
        change = change_of(command)
    except InvalidValue as exc:
        return Rendered(views.invalid_value(tr, exc), [])
    if isinstance(change, AddPrompt):
        return Pending(change, typed=change.text or None)  # a refused question is given back
    return Pending(change)


def _prompt_list(deps: Deps, asked: Asked, tr: Translator) -> Rendered:
    with deps.db.read_session() as session:
        own = [prompts.info(p) for p in prompts.custom_prompts(session, asked.team_id)]
    # The built-in questions this channel is asked come in its language.
    language = deps.languages.channel(asked.team_id, asked.channel_id)
    return views.prompt_list(tr, own, len(prompts.builtin_prompts(language)))


def carry_out(deps: Deps, asked: Asked, pending: Pending) -> str:
    """Make the change if the person is an admin (asked fresh: users.info), and say how it went."""
    tr = _person(deps, asked)
    if not deps.slack.is_admin(asked.team_id, asked.user_id, deps.settings.admins):
        log.info("a non-admin tried to change the weekly rhythm in %s", asked.team_id)
        return views.not_admin(tr, pending.typed)
    change = pending.change
    match change:
        case Subscribe():
            return _subscribe(deps, asked, tr)
        case Unsubscribe():
            return _unsubscribe(deps, asked, tr)
        case SetLanguage():
            return _set_language(deps, asked, change)
        case AddPrompt():
            return _add_prompt(deps, asked, tr, change)
        case RemovePrompt():
            return _remove_prompt(deps, asked, tr, change)
        case SetSchedule() | SetTimezone() | SetHolidays() | Pause():
            return _change_setting(deps, asked, tr, change)
        case _:
            assert_never(change)


def _change_setting(
    deps: Deps, asked: Asked, tr: Translator, change: SetSchedule | SetTimezone | SetHolidays | Pause
) -> str:
    """A change to the channel's subscription; a channel never subscribed has nothing to change."""
    team, channel, now = asked.team_id, asked.channel_id, deps.clock.now()
    try:
        with deps.db.session() as session:
            match change:
                case SetSchedule(kind, weekday, at):
                    subscriptions.set_schedule(session, team, channel, kind, weekday, at, now)
                case SetTimezone(zone):
                    subscriptions.set_timezone(session, team, channel, zone, now)
                case SetHolidays(country):
                    subscriptions.set_holidays(session, team, channel, country, now)
                case Pause(weeks):
                    subscriptions.pause(session, team, channel, weeks, now)
    except subscriptions.NotSubscribed:
        return views.not_subscribed(tr, channel)
    settings = _settings(deps, asked)
    assert settings is not None
    match change:
        case SetSchedule(kind, weekday, at):
            return views.schedule_changed(tr, kind, weekday, at, settings.timezone)
        case SetTimezone(zone):
            return views.timezone_changed(tr, channel, zone)
        case SetHolidays(country):
            return views.holidays_changed(tr, country)
        case Pause(weeks):
            return views.paused(tr, weeks, settings.paused_until, settings.timezone)


def _set_language(deps: Deps, asked: Asked, change: SetLanguage) -> str:
    """Any channel may speak its own language, subscribed to the weekly rhythm or not. The
    confirmation is in the new language."""
    new = translator(change.language)
    if change.workspace:
        deps.languages.set_workspace(asked.team_id, change.language)
        return views.workspace_language_changed(new, change.language)
    deps.languages.set_channel(asked.team_id, asked.channel_id, change.language)
    return views.language_changed(new, asked.channel_id, change.language)


def _subscribe(deps: Deps, asked: Asked, tr: Translator) -> str:
    refusal = join_channel(deps, asked, tr)
    if refusal:
        return refusal
    with deps.db.session() as session:
        result = subscriptions.subscribe(
            session,
            team_id=asked.team_id,
            channel_id=asked.channel_id,
            user_id=asked.user_id,
            now=deps.clock.now(),
        )
        created, reactivated = result.created, result.reactivated
    log.info("channel subscribed in %s (new: %s, again: %s)", asked.team_id, created, reactivated)
    settings = _settings(deps, asked)
    assert settings is not None
    return views.subscribed(tr, settings, created=created, reactivated=reactivated)


def join_channel(deps: Deps, asked: Asked, tr: Translator) -> str | None:
    """Make sure the bot can post in the channel: join a public one; a private one needs an invite.
    Returns what to tell the admin when it cannot, else None."""
    channel_id = asked.channel_id
    if channel_id.startswith("D"):
        return views.not_a_channel(tr)
    try:
        deps.slack.client(asked.team_id).conversations_join(channel=channel_id)
        return None
    except SlackApiError as exc:
        code = error_code(exc)
    if code == "method_not_supported_for_channel_type":
        # Private: fine when the bot is already a member; otherwise only an invite gets it in.
        channel = deps.slack.channel_info(asked.team_id, channel_id, fresh=True)
        if channel is None:
            return views.invite_me(tr, channel_id)
        if channel.get("is_im") or channel.get("is_mpim"):
            return views.not_a_channel(tr)
        return None if channel.get("is_member") else views.invite_me(tr, channel_id)
    if code == "channel_not_found":
        return views.invite_me(tr, channel_id)  # a private channel the bot cannot even see
    if code == "is_archived":
        return views.archived(tr, channel_id)
    log.warning("conversations.join failed for a channel in %s: %s", asked.team_id, code)
    return views.join_failed(tr, channel_id, code)


def _unsubscribe(deps: Deps, asked: Asked, tr: Translator) -> str:
    with deps.db.session() as session:
        was_active = subscriptions.unsubscribe(session, asked.team_id, asked.channel_id, deps.clock.now())
    return views.unsubscribed(tr, asked.channel_id, was_active)


def _add_prompt(deps: Deps, asked: Asked, tr: Translator, change: AddPrompt) -> str:
    # Without "en:" or "nb:", a question is for the channel's language: the one it is asked in.
    language = change.language or deps.languages.channel(asked.team_id, asked.channel_id)
    try:
        with deps.db.session() as session:
            prompt = prompts.info(
                prompts.add_custom(
                    session,
                    team_id=asked.team_id,
                    language=language,
                    text=change.text,
                    user_id=asked.user_id,
                    now=deps.clock.now(),
                )
            )
    except InvalidValue as exc:
        return views.invalid_value(tr, exc)
    except prompts.DuplicatePrompt:
        return views.duplicate_prompt(tr, prompts.clean_text(change.text))
    except prompts.TooManyPrompts:
        return views.too_many_prompts(tr)
    return views.prompt_added(tr, prompt)


def _remove_prompt(deps: Deps, asked: Asked, tr: Translator, change: RemovePrompt) -> str:
    try:
        with deps.db.session() as session:
            prompt = prompts.info(prompts.remove_custom(session, asked.team_id, change.prompt_id))
    except prompts.PromptNotFound:
        return views.prompt_not_found(tr, change.prompt_id)
    return views.prompt_removed(tr, prompt)


# --- answers to a prompt -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThreadReply:
    team_id: str
    channel_id: str
    thread_ts: str  # the prompt's message, if it is one
    reply_ts: str
    user_id: str
    wire_text: str  # as Slack sent it: entities and markup


def save_thread_reply(deps: Deps, reply: ThreadReply) -> None:
    """A reply in a prompt's thread that reads as a lesson becomes one (once), with the visibility of
    the prompt's channel; it is confirmed with a ✅ reaction and a note only its author sees, which
    says who can find it and offers to take it back. Thanks and agreement are left alone; a reply
    that cannot be a lesson gets a note in the thread, only for its author, with the text given back."""
    team_id, channel_id = reply.team_id, reply.channel_id
    with deps.db.read_session() as session:
        post = replies.find_prompt_post(session, team_id, channel_id, reply.thread_ts)
        if post is None or replies.reply_saved(session, team_id, channel_id, reply.reply_ts):
            return  # a thread that is no prompt, or a reply already saved
        post_id = post.id
    text = deps.slack.readable(team_id, reply.wire_text)  # what the person typed, @names included
    if replies.judge(text) is Reading.CHATTER:
        return  # "Takk!", "+1": conversation in the thread, not a lesson
    placement = place(deps.slack, team_id, channel_id)
    link = deps.slack.permalink(team_id, channel_id, reply.reply_ts)
    with deps.db.session() as session:
        found = replies.get_prompt_post(session, team_id, post_id)
        if found is None:
            return
        result = replies.save_reply(
            session,
            post=found,
            reply_ts=reply.reply_ts,
            user_id=reply.user_id,
            text=text,
            source_link=link,
            secret_key=deps.settings.secret_key,
            now=deps.clock.now(),
            visibility=placement.visibility,
        )
    tr = deps.languages.for_person(team_id, reply.user_id, channel_id)
    if result.lesson_id is not None:
        log.info("lesson %s saved from a reply to prompt %s in %s", result.lesson_id, post_id, team_id)
        effects.react(deps, team_id, channel_id, reply.reply_ts, Reaction.SAVED)
        rendered = views.reply_saved(tr, result.lesson_id, replies.finders(placement.visibility), channel_id)
    elif result.problems or result.reading is Reading.FRAGMENT:
        rendered = views.reply_refused(
            tr, result.problems, text, post_id, fragment=result.reading is Reading.FRAGMENT
        )
    else:
        return
    effects.tell(
        deps,
        team_id,
        reply.user_id,
        rendered.text,
        channel=channel_id,
        blocks=rendered.blocks,
        thread_ts=reply.thread_ts,
    )


def undo_reply(deps: Deps, *, team_id: str, user_id: str, lesson_id: int | None) -> str:
    """The Undo button beside a saved reply: the lesson is deleted (only by its author, and only a
    lesson made from a reply) and the ✅ taken off the reply; the reply stays in the thread and is
    not saved again. What to tell the person."""
    tr = deps.languages.for_person(team_id, user_id)
    if lesson_id is None:
        return views.undo_gone(tr)
    with deps.db.session() as session:
        marker = replies.reply_of_lesson(session, team_id, lesson_id)
        if marker is None:
            return views.undo_gone(tr)
        channel_id, reply_ts = marker.channel_id, marker.reply_ts
        try:
            lessons.delete_lesson(
                session,
                team_id=team_id,
                lesson_id=lesson_id,
                user_id=user_id,
                secret_key=deps.settings.secret_key,
                is_admin=False,
            )
        except lessons.NotFound:
            return views.undo_gone(tr)
        except lessons.NotAllowed:
            log.info("someone tried to undo another person's reply in %s", team_id)
            return views.undo_not_yours(tr)
    log.info("lesson %s from a prompt reply was taken back in %s", lesson_id, team_id)
    effects.unreact(deps, team_id, channel_id, reply_ts, Reaction.SAVED)
    return views.undone(tr)


def remind_raised_hand(
    deps: Deps, *, team_id: str, user_id: str, channel_id: str, ts: str, reaction: str
) -> None:
    """A :raised_hand: on a prompt gets the person a DM with the question and a "Share a lesson" button."""
    with deps.db.read_session() as session:
        post = replies.prompt_for_reaction(session, team_id, channel_id, ts, reaction)
        if post is None:
            return
        post_id = post.id
        question = prompts.prompt_text(session, team_id, post.prompt_key)
    tr = deps.languages.for_person(team_id, user_id, channel_id)
    rendered = views.reminder_dm(tr, question, channel_id, post_id)
    effects.dm(deps, team_id, user_id, rendered.text, blocks=rendered.blocks)


def open_share_form(
    deps: Deps, *, team_id: str, user_id: str, trigger_id: str | None, post_id: int | None
) -> None:
    """The lesson form for a prompt: linked to it, and shared in the prompt's channel. A button whose
    prompt is gone (or whose value is no prompt id at all) says so."""
    channel_id: str | None = None
    if post_id is not None:
        with deps.db.read_session() as session:
            post = replies.get_prompt_post(session, team_id, post_id)
            channel_id = post.channel_id if post is not None else None
    if post_id is None or channel_id is None:
        effects.tell(deps, team_id, user_id, views.prompt_gone(deps.languages.for_person(team_id, user_id)))
        return
    tr = deps.languages.for_person(team_id, user_id, channel_id)
    state = ModalState(channel_id=channel_id, prompt_post_id=post_id)
    code = deps.slack.open_view(team_id, trigger_id, lesson_modal(tr, state)) if trigger_id else "no_trigger"
    if code:
        log.warning("the lesson form for prompt %s did not open: %s", post_id, code)
        effects.tell(
            deps, team_id, user_id, tr._("I could not open the form ({error}).").format(error=escape(code))
        )


# --- the weekly posts ------------------------------------------------------------------------------------


def post_claimed(
    deps: Deps,
    sub: Channel,
    claim: Claim,
    *,
    now: datetime,
    sleep: Callable[[float], None],
    sections: Sequence[SectionHook] | None,
) -> Outcome:
    """Build and post a slot this process has claimed, and record how it went. A failure that will
    pass is left for a later run to retry; one that will not is reported to the admins."""
    key = claim.key
    try:
        rendered = _render(deps, sub, claim, sections=sections)
    except Exception as exc:
        log.exception("building the weekly %s for %s failed", key.kind, sub.channel_id)
        detail = f"build_failed: {type(exc).__name__}"
        claims.finish(deps.db, claim, Status.FAILED, now, detail=detail)
        return Outcome.of(key, "failed", detail)
    try:
        response = runs.with_retries(lambda: _post(deps, claim, rendered), sleep)
    except Exception as exc:
        code = error_code(exc)
        if runs.transient(exc):
            # Passing trouble: a later pass (within the grace period) takes the slot over.
            claims.finish(deps.db, claim, Status.RETRY, now, detail=code)
            return Outcome.of(key, "retry", code)
        claims.finish(deps.db, claim, Status.FAILED, now, detail=code)
        _channel_failed(deps, sub, key.kind, code, now)
        return Outcome.of(key, "failed", code)
    ts = str(response.get("ts") or "")
    if not claims.finish(deps.db, claim, Status.POSTED, now, message_ts=ts):
        log.warning("the claim on %s was taken over while posting it", key)
    with deps.db.session() as session:
        subscriptions.clear_failure(session, sub.id)
    return Outcome.of(key, "posted", "", ts)


def _render(deps: Deps, sub: Channel, claim: Claim, *, sections: Sequence[SectionHook] | None) -> Rendered:
    tr = translator(sub.language)  # the channel's language (bot.core.language), read for this run
    if claim.key.kind == PROMPT:
        # The claim row exists first, so the message's "Share a lesson" button can carry its id.
        with deps.db.session() as session:
            choice = prompts.next_prompt(session, sub.team_id, sub.channel_id, sub.language)
            claims.set_prompt_key(session, claim, choice.key)
        return views.prompt_message(tr, choice.text, claim.post_id)
    settle_visibility(deps)
    # A digest ends when it is due (a post asked for by hand is due when asked: claims.claim).
    end = claim.due_at
    with deps.db.session() as session:
        period = digest_period(session, sub, week=claim.key.week, end=end)
        data = build_digest(
            session,
            team_id=sub.team_id,
            channel_id=sub.channel_id,
            week=claim.key.week,
            end=end,
            tz=sub.tz,
            secret_key=deps.settings.secret_key,
            language=sub.language,
            period=period,
            sections=sections,
        )
    return digest_message(tr, data, decorate(deps, data))


def settle_visibility(deps: Deps) -> None:
    """Lessons shared while Slack could not say who may see them are settled before a digest is built,
    so a public lesson is not left out for a passing outage. Never stops the digest."""
    try:
        settle_pending(deps)
    except Exception:
        log.exception("could not settle the visibility of pending lessons before a digest")


def _post(deps: Deps, claim: Claim, rendered: Rendered) -> SlackResponse:
    return deps.slack.client(claim.key.team_id).chat_postMessage(
        channel=claim.key.channel_id,
        text=rendered.text,
        blocks=rendered.blocks,
        unfurl_links=False,
        unfurl_media=False,
        # Lets a process that takes over an abandoned claim see that the post already went out.
        metadata={
            "event_type": METADATA_EVENT,
            "event_payload": {"post_id": claim.post_id, "kind": claim.key.kind, "week": claim.key.week},
        },
    )


def find_earlier_post(deps: Deps, claim: Claim) -> str | None:
    """The ts of our message for this claim if it is in the channel (needs channels:history): the
    process before us may have posted, then died before it could record it."""
    oldest = claim.due_at.timestamp() - HISTORY_SLACK_SECONDS
    try:
        response = deps.slack.client(claim.key.team_id).conversations_history(
            channel=claim.key.channel_id, oldest=f"{oldest:.6f}", limit=200, include_all_metadata=True
        )
    except SlackApiError as exc:
        log.info("cannot check %s for an earlier post (%s); posting", claim.key.channel_id, error_code(exc))
        return None
    for message in response.get("messages") or []:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == METADATA_EVENT and payload.get("post_id") == claim.post_id:
            return str(message.get("ts"))
    return None


def _channel_failed(deps: Deps, sub: Channel, kind: str, code: str, now: datetime) -> None:
    """Record the failure; tell each admin, in their own language, the first time it happens."""
    with deps.db.session() as session:
        news = subscriptions.record_failure(session, sub.id, code, now)
    if not news:
        return  # admins heard about this one already; do not DM them every week
    for user_id in runs.admins_for(deps.settings.admins, sub):
        tr = deps.languages.for_person(sub.team_id, user_id)
        effects.dm(deps, sub.team_id, user_id, views.failure_note(tr, kind, sub.channel_id, code))


# --- digest decorations: names and links ------------------------------------------------------------


def decorate(deps: Deps, data: DigestData) -> Decorations:
    """Display names of named authors and links to the lessons' messages, best effort."""
    shown = [*data.lessons, *data.others]
    names: dict[str, str] = {}
    for author in sorted({lesson.author_id for lesson in shown if lesson.author_id}):
        info = deps.slack.user_info(data.team_id, author)
        if info is not None and info.name:
            names[author] = info.name
    links: dict[int, str] = {}
    for lesson in shown:
        if lesson.channel_id and lesson.message_ts:
            link = deps.slack.permalink(data.team_id, lesson.channel_id, lesson.message_ts)
            if link:
                links[lesson.id] = link
        if lesson.id not in links and lesson.source_link and lesson.source_link.startswith("https://"):
            links[lesson.id] = lesson.source_link  # a prompt answer: the thread reply it came from
    return Decorations(names=names, links=links)
