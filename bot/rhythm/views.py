"""Block Kit and words for the weekly rhythm: the prompt message, the reminder DM, /erfaring help,
the settings summary, confirmations, refusals and the note to admins about a failing channel.

Views take plain data (bot.rhythm.data, values) and escape whatever people typed, exactly once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, DividerBlock, HeaderBlock

from bot.core.blockkit import FALLBACK_MAX, MESSAGE_BLOCKS_MAX, Rendered, as_dicts, context, section, sections
from bot.core.i18n import Translator
from bot.core.mrkdwn import escape, truncate
from bot.lessons.data import Problem
from bot.lessons.views import problem_message
from bot.rhythm.commands import CUSTOM_LIMIT, CUSTOM_MAX, MAX_PAUSE_WEEKS, Field, InvalidValue
from bot.rhythm.data import ChannelLanguage, ChannelSettings, Finders, PromptInfo
from bot.rhythm.ids import PROMPT, RhythmAction, RhythmBlock

# A question in the notification preview; escaping at most quintuples it.
FALLBACK_SNIPPET = FALLBACK_MAX // 6
# What a refusal quotes back of a wrong value.
GIVEN_MAX = 100


def weekday_name(tr: Translator, weekday: int) -> str:
    names = (
        tr._("Monday"),
        tr._("Tuesday"),
        tr._("Wednesday"),
        tr._("Thursday"),
        tr._("Friday"),
        tr._("Saturday"),
        tr._("Sunday"),
    )
    return names[weekday % 7]


def language_name(tr: Translator, language: str) -> str:
    return tr._("Norwegian Bokmål") if language == "nb" else tr._("English")


def _channel(channel_id: str) -> str:
    return f"<#{channel_id}>"


def _share_button(tr: Translator, action_id: str, post_id: int) -> ButtonElement:
    return ButtonElement(
        text=tr._("Share a lesson"), action_id=action_id, value=str(post_id), style="primary"
    )


# --- the prompt and the reminder -----------------------------------------------------------------------


def prompt_message(tr: Translator, prompt_text: str, post_id: int) -> Rendered:
    """The weekly question in a channel. `prompt_text` may be an admin's own: it is escaped here."""
    question = escape(prompt_text)
    blocks: list[Block] = [
        HeaderBlock(text=tr._("💬 This week's question")),
        section(f"*{question}*", block_id=RhythmBlock.PROMPT_QUESTION),
        context(
            tr._(
                "Reply in this thread and I will save your answer as a lesson. "
                "React with :raised_hand: and I will remind you in a DM, "
                "or use the button to write it in a form."
            )
        ),
        ActionsBlock(
            block_id=RhythmBlock.PROMPT_ACTIONS,
            elements=[_share_button(tr, RhythmAction.SHARE_FROM_PROMPT, post_id)],
        ),
    ]
    fallback = tr._("This week's question: {question}").format(
        question=escape(truncate(prompt_text, FALLBACK_SNIPPET))
    )
    return Rendered(fallback, as_dicts(blocks))


def reminder_dm(tr: Translator, prompt_text: str | None, channel_id: str, post_id: int) -> Rendered:
    """The DM for someone who raised a hand on a prompt: the question again, and the button."""
    head = tr._("You raised your hand for this week's question in {channel}.").format(
        channel=_channel(channel_id)
    )
    blocks: list[Block] = [section(head)]
    if prompt_text:
        blocks += sections("> " + escape(prompt_text))
    blocks.append(
        context(
            tr._(
                "Whenever you are ready: the button opens a form, and your lesson is shared in {channel}."
            ).format(channel=_channel(channel_id))
        )
    )
    blocks.append(
        ActionsBlock(
            block_id=RhythmBlock.NOTE_ACTIONS,
            elements=[_share_button(tr, RhythmAction.SHARE_FROM_NOTE, post_id)],
        )
    )
    return Rendered(head, as_dicts(blocks))


def reply_refused(
    tr: Translator, problems: Sequence[Problem], text: str, post_id: int, *, fragment: bool = False
) -> Rendered:
    """An ephemeral note in the thread: why a reply was not saved (its length, or not yet a sentence:
    `fragment`), with the text given back."""
    reasons = [problem_message(tr, p) for p in problems]
    if fragment:
        reasons.append(tr._("A lesson needs at least a short sentence (3 words or more)."))
    head = tr._("I could not save your reply as a lesson. {reasons}").format(reasons=" ".join(reasons))
    blocks: list[Block] = [section(escape(head))]
    if text.strip():
        blocks.append(section("*" + tr._("Your text, to copy:") + "*"))
        # Everything typed comes back, split over sections; the 50-block cap is far above 2000 chars.
        blocks += sections(escape(text))[: MESSAGE_BLOCKS_MAX - 3]
    blocks.append(
        ActionsBlock(
            block_id=RhythmBlock.NOTE_ACTIONS,
            elements=[_share_button(tr, RhythmAction.SHARE_FROM_NOTE, post_id)],
        )
    )
    return Rendered(escape(head), as_dicts(blocks))


def who_finds(tr: Translator, finders: Finders, channel_id: str) -> str:
    """Who can find a lesson shared from `channel_id`, as mrkdwn."""
    channel = _channel(channel_id)
    if finders is Finders.WORKSPACE:
        return escape(tr._("Everyone in this workspace can find it with /lesson search."))
    if finders is Finders.CHANNEL:
        return escape(tr._("Members of {channel} can find it with /lesson search.")).format(channel=channel)
    if finders is Finders.NOT_YET_KNOWN:
        return escape(
            tr._("For now only you can find it: Slack could not tell me yet who reads {channel}.")
        ).format(channel=channel)
    return escape(tr._("Only you can find it, with /lesson mine."))


def reply_saved(tr: Translator, lesson_id: int, finders: Finders, channel_id: str) -> Rendered:
    """An ephemeral note in the thread beside the ✅: the reply is a lesson now, who can find it, and
    a way to take it back."""
    head = tr._("I saved your reply as lesson #{id}.").format(id=lesson_id)
    text = f"{escape(head)} {who_finds(tr, finders, channel_id)}"
    blocks: list[Block] = [
        section(text),
        ActionsBlock(
            block_id=RhythmBlock.SAVED_ACTIONS,
            elements=[
                ButtonElement(
                    text=tr._("Undo: don't keep this as a lesson"),
                    action_id=RhythmAction.UNDO_REPLY,
                    value=str(lesson_id),
                )
            ],
        ),
    ]
    return Rendered(text, as_dicts(blocks))


def undone(tr: Translator) -> str:
    return tr._("Done: your reply is no longer kept as a lesson. It stays in the thread.")


def undo_gone(tr: Translator) -> str:
    return tr._("That lesson is already gone.")


def undo_not_yours(tr: Translator) -> str:
    return tr._("Only the person who wrote a reply can take it back.")


def prompt_gone(tr: Translator) -> str:
    return tr._("I cannot find that weekly question any more. You can still share a lesson with /lesson.")


# --- help and the settings summary ----------------------------------------------------------------------


def _usage(command: str, what: str) -> str:
    return "• `" + escape(command) + "` — " + what


def usages(tr: Translator) -> list[tuple[str, str]]:
    """(how to type it, what it does) for each subcommand, in the reader's language: the Bokmål help
    shows the Norwegian subcommands and placeholders (`/erfaring tidsplan spørsmål|oppsummering
    <ukedag> <TT:MM>`), which work as typed, as the English ones do everywhere."""
    return [
        (tr._("/erfaring subscribe"), tr._("give this channel a weekly question and a weekly digest")),
        (tr._("/erfaring unsubscribe"), tr._("stop them in this channel")),
        (
            tr._("/erfaring schedule prompt|digest <weekday> <HH:MM>"),
            tr._(
                "when they come (default: the question Monday 09:00, the digest Friday 14:00); "
                "weekdays in English or Norwegian"
            ),
        ),
        (tr._("/erfaring timezone <IANA name>"), tr._("the clock for this channel, e.g. Europe/Oslo")),
        (tr._("/erfaring language en|nb"), tr._("English or Norwegian Bokmål in this channel")),
        (tr._("/erfaring language en|nb workspace"), tr._("the language of the whole workspace")),
        (
            tr._("/erfaring holidays <country code>|off"),
            tr._("no posts on that country's public holidays (default NO)"),
        ),
        (tr._("/erfaring pause <weeks>"), tr._("no posts for that many weeks; 0 resumes")),
        (
            tr._("/erfaring prompts add|list|remove"),
            tr._("your workspace's own questions, asked beside the built-in ones"),
        ),
        (tr._("/erfaring status"), tr._("this channel's settings")),
    ]


def help_text(tr: Translator, unknown: str | None = None) -> Rendered:
    lines = []
    if unknown:
        lines.append(
            tr._("I don't know the subcommand *{word}*.").format(word=escape(truncate(unknown, GIVEN_MAX)))
        )
    lines.append(
        "*" + tr._("The weekly rhythm: a question to share every week, and a digest of what was shared") + "*"
    )
    lines += [_usage(command, what) for command, what in usages(tr)]
    lines += [
        "• "
        + tr._(
            "To answer a question: reply in its thread, press Share a lesson, "
            "or react with :raised_hand: to get a reminder in a DM."
        ),
        "• "
        + tr._(
            "Also: `/erfaring stats [weeks]` this channel's figures · `/erfaring leaders` who gets the "
            "monthly report · `/erfaring export` the workspace's data (admins) · `/erfaring my-data` "
            "what is stored about you · `/erfaring forget-me` erase it"
        ),
        "_" + tr._("Changing settings and questions is for workspace admins.") + "_",
        escape(
            tr._(
                "The subcommands have Norwegian names too: abonner, avslutt, tidsplan, tidssone, språk, "
                "helligdager, pause, fortsett, spørsmål, status, hjelp."
            )
        ),
    ]
    text = "\n".join(lines)
    return Rendered(text, as_dicts([section(text)]))


def did_you_mean(tr: Translator, typed: str, meant: str) -> Rendered:
    """A slip of the keyboard (`/erfaring subscrbe`): the command it was most likely meant to be,
    instead of the whole help."""
    text = (
        tr._("I don't know the subcommand *{word}*.").format(word=escape(truncate(typed, GIVEN_MAX)))
        + " "
        + tr._("Did you mean {command}?").format(command="`" + escape(truncate(meant, GIVEN_MAX)) + "`")
        + "\n"
        + escape(tr._("/erfaring help lists them all."))
    )
    return Rendered(text, as_dicts([section(text)]))


def _when(tr: Translator, weekday: int, at: str) -> str:
    return tr._("{weekday} at {time}").format(weekday=weekday_name(tr, weekday), time=at)


def local_time(instant: datetime, timezone: str) -> str:
    return instant.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def _language_line(tr: Translator, language: ChannelLanguage) -> str:
    inherited = " " + tr._("(workspace default)") if language.inherited else ""
    return (
        "• " + tr._("Language: {language}").format(language=language_name(tr, language.language)) + inherited
    )


def settings_summary(
    tr: Translator, channel_id: str, settings: ChannelSettings | None, language: ChannelLanguage
) -> Rendered:
    """`/erfaring status`: the channel's subscription as it will behave, and the channel's language
    (which any channel has, subscribed or not)."""
    if settings is None:
        text = tr._(
            "{channel} is not subscribed to the weekly rhythm. "
            "An admin can start it with /erfaring subscribe."
        ).format(channel=_channel(channel_id))
        text += "\n" + _language_line(tr, language)
        return Rendered(text, as_dicts([section(text)]))
    if settings.active:
        head = tr._("*Weekly rhythm in {channel}*").format(channel=_channel(channel_id))
    else:
        head = tr._(
            "{channel} is unsubscribed. Its settings are kept for the next /erfaring subscribe:"
        ).format(channel=_channel(channel_id))
    inherited = " " + tr._("(workspace default)")
    lines = [
        "• " + tr._("Question: {when}").format(when=_when(tr, settings.prompt_weekday, settings.prompt_time)),
        "• " + tr._("Digest: {when}").format(when=_when(tr, settings.digest_weekday, settings.digest_time)),
        "• "
        + tr._("Time zone: {zone}").format(zone=escape(settings.timezone))
        + (inherited if settings.timezone_inherited else ""),
        _language_line(tr, language),
        "• "
        + (
            tr._("Holidays: no posts on public holidays in {country}").format(
                country=escape(settings.holiday_country)
            )
            if settings.holiday_country
            else tr._("Holidays: off (posts go out every week)")
        ),
    ]
    if settings.paused_until is not None:
        lines.append(
            "• "
            + tr._("Paused until {when}").format(when=local_time(settings.paused_until, settings.timezone))
        )
    if settings.last_error:
        lines.append("• " + last_error_line(tr, settings.last_error))
    text = head + "\n" + "\n".join(lines)
    return Rendered(text, as_dicts([section(text)]))


def last_error_line(tr: Translator, error: str) -> str:
    line = tr._("The last post failed: {error}.").format(error=f"`{escape(error)}`")
    if error in ("not_in_channel", "channel_not_found"):
        line += " " + tr._("Invite me with /invite @Erfaring.")
    elif error == "is_archived":
        line += " " + tr._("The channel is archived; /erfaring unsubscribe stops the rhythm here.")
    return line


# --- confirmations ----------------------------------------------------------------------------------------


def subscribed(tr: Translator, settings: ChannelSettings, *, created: bool, reactivated: bool) -> str:
    channel = _channel(settings.channel_id)
    if created:
        head = tr._("{channel} is subscribed to the weekly rhythm.").format(channel=channel)
    elif reactivated:
        head = tr._("{channel} is subscribed again, with its earlier settings.").format(channel=channel)
    else:
        head = tr._("{channel} is already subscribed.").format(channel=channel)
    plan = tr._(
        "A question to share comes every {prompt_when} and a digest of what was shared every {digest_when} "
        "({zone})."
    ).format(
        prompt_when=_when(tr, settings.prompt_weekday, settings.prompt_time),
        digest_when=_when(tr, settings.digest_weekday, settings.digest_time),
        zone=escape(settings.timezone),
    )
    hint = tr._("/erfaring help shows how to change that.")
    return f"{head} {plan} {hint}"


def unsubscribed(tr: Translator, channel_id: str, was_active: bool) -> str:
    if not was_active:
        return tr._("{channel} was not subscribed, so nothing changed.").format(channel=_channel(channel_id))
    return tr._(
        "{channel} is unsubscribed: no more weekly questions or digests here. "
        "Lessons shared so far are kept, and so are the settings."
    ).format(channel=_channel(channel_id))


def schedule_changed(tr: Translator, kind: str, weekday: int, at: str, zone: str) -> str:
    when = _when(tr, weekday, at)
    if kind == PROMPT:
        return tr._("The weekly question now comes every {when} ({zone}).").format(
            when=when, zone=escape(zone)
        )
    return tr._("The weekly digest now comes every {when} ({zone}).").format(when=when, zone=escape(zone))


def timezone_changed(tr: Translator, channel_id: str, zone: str) -> str:
    return tr._("The weekly rhythm in {channel} now follows the clock in {zone}.").format(
        channel=_channel(channel_id), zone=escape(zone)
    )


def language_changed(tr: Translator, channel_id: str, language: str) -> str:
    return tr._("Questions and digests in {channel} are now in {language}.").format(
        channel=_channel(channel_id), language=language_name(tr, language)
    )


def workspace_language_changed(tr: Translator, language: str) -> str:
    return tr._(
        "Erfaring now speaks {language} in this workspace. Channels with a language of their own keep it."
    ).format(language=language_name(tr, language))


def holidays_changed(tr: Translator, country: str | None) -> str:
    if country is None:
        return tr._("Holidays are off: posts go out every week.")
    return tr._("No posts on public holidays in {country}.").format(country=escape(country))


def paused(tr: Translator, weeks: int, until: datetime | None, zone: str) -> str:
    if not weeks or until is None:
        return tr._("The weekly rhythm is running again.")
    return tr.ngettext(
        "Paused for {n} week: no posts until {when}.", "Paused for {n} weeks: no posts until {when}.", weeks
    ).format(n=weeks, when=local_time(until, zone))


def prompt_added(tr: Translator, prompt: PromptInfo) -> str:
    return tr._("Added question #{id} ({language}): {text}").format(
        id=prompt.id, language=language_name(tr, prompt.language), text=escape(prompt.text)
    )


def prompt_removed(tr: Translator, prompt: PromptInfo) -> str:
    return tr._("Removed question #{id}: {text}").format(id=prompt.id, text=escape(prompt.text))


def prompt_list(tr: Translator, prompts: Sequence[PromptInfo], builtin_count: int) -> Rendered:
    intro = tr._(
        "Besides the {n} built-in questions, your workspace asks these. "
        "Remove one with /erfaring prompts remove <id>."
    ).format(n=builtin_count)
    if not prompts:
        text = tr._(
            "Your workspace has no questions of its own yet; the {n} built-in ones are used. "
            "Add one with /erfaring prompts add <question>."
        ).format(n=builtin_count)
        return Rendered(escape(text), as_dicts([section(escape(text))]))
    lines = [f"*#{p.id}* ({escape(p.language)}) {escape(p.text)}" for p in prompts]
    blocks: list[Block] = [section(escape(intro)), DividerBlock()]
    blocks += sections("\n".join(lines))
    return Rendered(escape(intro), as_dicts(blocks[:MESSAGE_BLOCKS_MAX]))


# --- refusals --------------------------------------------------------------------------------------------


def not_admin(tr: Translator, typed: str | None = None) -> str:
    text = tr._("Only workspace admins can change the weekly rhythm. Ask an admin, or see /erfaring status.")
    if typed:
        text += "\n" + tr._("Your text, to copy:") + "\n```" + escape(typed) + "```"
    return text


def not_subscribed(tr: Translator, channel_id: str) -> str:
    return tr._(
        "{channel} is not subscribed yet, so there is nothing to change. Start with /erfaring subscribe."
    ).format(channel=_channel(channel_id))


def not_a_channel(tr: Translator) -> str:
    return tr._(
        "The weekly rhythm is for channels. Run /erfaring subscribe in the channel that should get it."
    )


def invite_me(tr: Translator, channel_id: str) -> str:
    return tr._(
        "I cannot join {channel} by myself: it is a private channel. "
        "Invite me with /invite @Erfaring, then run /erfaring subscribe again."
    ).format(channel=_channel(channel_id))


def archived(tr: Translator, channel_id: str) -> str:
    return tr._("{channel} is archived, so it cannot get a weekly rhythm.").format(
        channel=_channel(channel_id)
    )


def join_failed(tr: Translator, channel_id: str, error: str) -> str:
    return tr._("I could not join {channel} ({error}), so it is not subscribed. Please try again.").format(
        channel=_channel(channel_id), error=escape(error)
    )


def duplicate_prompt(tr: Translator, text: str) -> str:
    return tr._("That question is already in the library: {text}").format(text=escape(text))


def too_many_prompts(tr: Translator) -> str:
    return tr._(
        "Your workspace already has {n} questions of its own in this language. Remove one first."
    ).format(n=CUSTOM_LIMIT)


def prompt_not_found(tr: Translator, prompt_id: int) -> str:
    return tr._("There is no question #{id}. /erfaring prompts list shows the ids.").format(id=prompt_id)


def invalid_value(tr: Translator, error: InvalidValue) -> str:
    """A refusal that says what was wrong and what is accepted."""
    given = escape(truncate(error.given, GIVEN_MAX))
    field = error.field
    if field is Field.KIND:
        accepted = tr._(
            "Use /erfaring schedule prompt|digest <weekday> <HH:MM>, "
            "e.g. /erfaring schedule digest friday 14:00."
        )
        wrong = tr._("*{given}* is neither prompt nor digest.")
    elif field is Field.WEEKDAY:
        accepted = tr._(
            "Use a weekday in English or Norwegian: monday … sunday (or mon, tue …), mandag … søndag."
        )
        wrong = tr._("*{given}* is not a weekday.")
    elif field is Field.TIME:
        accepted = tr._("Use a 24-hour time HH:MM from 00:00 to 23:59, e.g. 09:00 or 14:30.")
        wrong = tr._("*{given}* is not a time of day.")
    elif field is Field.TIMEZONE:
        accepted = tr._("Use an IANA time zone name such as Europe/Oslo, Europe/London or America/New_York.")
        wrong = tr._("*{given}* is not a time zone I know.")
    elif field is Field.LANGUAGE:
        accepted = tr._("Use en (English) or nb (Norwegian Bokmål).")
        wrong = tr._("*{given}* is not a language I speak.")
    elif field is Field.HOLIDAYS:
        accepted = tr._("Use a country code such as NO, SE, DK, GB or US, or `off` to post on holidays too.")
        wrong = tr._("I know no public holidays for *{given}*.")
    elif field is Field.WEEKS:
        accepted = tr._("Use a whole number of weeks from 0 to {max} (0 resumes).").format(
            max=MAX_PAUSE_WEEKS
        )
        wrong = tr._("*{given}* is not a number of weeks.")
    elif field is Field.PROMPT_ACTION:
        accepted = tr._(
            "Use /erfaring prompts add <question>, /erfaring prompts list or /erfaring prompts remove <id>."
        )
        wrong = tr._("*{given}* is not something I can do with questions.")
    elif field is Field.PROMPT_ID:
        accepted = tr._("/erfaring prompts list shows the ids.")
        wrong = tr._("*{given}* is not a question id.")
    else:
        accepted = tr._("A question needs 1 to {max} characters.").format(max=CUSTOM_MAX)
        wrong = tr._("This one has {n}.")
        if error.given:
            return (
                escape(accepted + " " + wrong.format(n=len(error.given)))
                + "\n"
                + tr._("Your text, to copy:")
                + "\n```"
                + escape(error.given)
                + "```"
            )
        return escape(accepted)
    if not error.given:
        return escape(accepted)
    return wrong.format(given=given) + " " + escape(accepted)


# --- to admins ----------------------------------------------------------------------------------------------


def failure_note(tr: Translator, kind: str, channel_id: str, code: str) -> str:
    """A DM to an admin: the weekly post failed in a channel, and what to do about it."""
    if kind == PROMPT:
        text = tr._("I could not post the weekly question in {channel} ({error}).")
    else:
        text = tr._("I could not post the weekly digest in {channel} ({error}).")
    text = text.format(channel=_channel(channel_id), error=escape(code))
    if code == "is_archived":
        hint = tr._(
            "The channel is archived, so I paused its subscription. "
            "Unarchive it and run /erfaring subscribe there to start again."
        )
    elif code == "not_in_channel":
        hint = tr._("I am not a member: invite me with /invite @Erfaring in that channel.")
    elif code == "channel_not_found":
        hint = tr._(
            "The channel is gone, or it is private and I am not in it: invite me with /invite @Erfaring, "
            "or run /erfaring unsubscribe there."
        )
    else:
        hint = tr._("I will try again next time. Run /erfaring status in the channel to check its settings.")
    return f":warning: {text} {hint}"
