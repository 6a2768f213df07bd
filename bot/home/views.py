"""Block Kit for the App Home and its settings modals, in the reader's language.

The Home is one view of at most 100 blocks (Slack's limit for a Home): every list in it is capped
(bot.home.data), and says how many more there are. Its buttons are the features' own where they exist
(the lessons' 👍, mentoring's Accept / Decline and follow-up answers), so their listeners answer them.
Views take plain data (bot.home.data) and escape what people typed, once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ConfirmObject,
    ConversationFilter,
    ConversationSelectElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    TimePickerElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.core.blockkit import VIEW_BLOCKS_MAX, as_dicts, context, modal, section, sections
from bot.core.i18n import Translator
from bot.core.mrkdwn import escape, truncate
from bot.home.data import AdminPart, ChannelRow, HomeData, LessonItem, MyMentoring, WorkspaceSettings
from bot.home.ids import STOP_OPTION, HomeAction, HomeBlock, HomeCallback
from bot.insights import views as insights_views
from bot.lessons.ids import LessonAction
from bot.mentoring import views as mentoring_views
from bot.mentoring.followups import MAX_FOLLOWUP_DAYS, MIN_FOLLOWUP_DAYS
from bot.mentoring.ids import MentorAction, ProfileStatus, RequestStatus
from bot.rhythm import views as rhythm_views
from bot.rhythm.commands import CUSTOM_MAX, MAX_PAUSE_WEEKS, Field, InvalidValue
from bot.rhythm.data import PromptInfo

log = logging.getLogger(__name__)

SNIPPET = 200  # of a lesson's text, in a list
OPTION_MAX = 75  # Slack's limit for an option's text
OPTIONS_MAX = 100  # and for a select's options
NOTICE_BLOCKS = 2  # the line about the last action: a long one (many leaders named) in two sections


def _user(user_id: str) -> str:
    return f"<@{user_id}>"


def _channel(channel_id: str) -> str:
    return f"<#{channel_id}>"


def _button(
    text: str, action_id: str, value: str | None = None, *, style: str | None = None
) -> ButtonElement:
    return ButtonElement(text=text, action_id=action_id, value=value, style=style)


def _heading(text: str) -> SectionBlock:
    return section(f"*{escape(text)}*")


# --- the Home --------------------------------------------------------------------------------------------


def _intro(tr: Translator) -> list[Block]:
    return [
        HeaderBlock(text="Erfaring"),
        section(
            escape(
                tr._(
                    "Erfaring keeps what your colleagues learned and makes it easy to find: "
                    "share what you learned, find a mentor, or search what others found."
                )
            )
        ),
        ActionsBlock(
            elements=[
                _button(tr._("Share a lesson"), HomeAction.SHARE_LESSON, style="primary"),
                _button(tr._("Find a mentor"), HomeAction.FIND_MENTOR),
            ]
        ),
        context(
            escape(tr._("Search what others learned with {search}; offer to mentor with {offer}.")).format(
                search=mentoring_views.usage(tr._("/lesson search <words>")),
                offer=mentoring_views.usage(tr._("/mentor offer <topics>")),
            )
        ),
    ]


def _offer_block(tr: Translator, item_text: str, offer_id: int) -> list[Block]:
    value = str(offer_id)
    return [
        section(item_text),
        ActionsBlock(
            elements=[
                _button(tr._("Accept"), MentorAction.ACCEPT, value, style="primary"),
                _button(tr._("Decline"), MentorAction.DECLINE, value),
            ]
        ),
    ]


def _request_state(tr: Translator, status: str, asked: str | None) -> str:
    if status == RequestStatus.OFFERED and asked:
        return tr._("waiting for {mentor} to answer").format(mentor=_user(asked))
    if status == RequestStatus.WAITING:
        return tr._("waiting for a mentor with room")
    return tr._("looking for a mentor")


def _profile_state(tr: Translator, status: str) -> str:
    if status == ProfileStatus.ACTIVE:
        return tr._("active")
    if status == ProfileStatus.PAUSED:
        return tr._("paused")
    return tr._("stopped")


def _mentoring(tr: Translator, m: MyMentoring, zone: ZoneInfo) -> list[Block]:
    blocks: list[Block] = [_heading(tr._("Your mentoring"))]
    if m.empty:
        text = tr._("Nothing here yet. {request} finds you a mentor; {offer} makes you one.").format(
            request=mentoring_views.usage(tr._("/mentor request <topic>")),
            offer=mentoring_views.usage(tr._("/mentor offer <topics>")),
        )
        blocks.append(section(text))
        return blocks
    if m.profile:
        p = m.profile
        mentees = tr.ngettext("{active} of {capacity} mentee", "{active} of {capacity} mentees", p.capacity)
        blocks.append(
            context(
                "*"
                + escape(tr._("As a mentor"))
                + "* ("
                + escape(_profile_state(tr, p.status))
                + "): "
                + mentoring_views.topic_list(p.topics)
                + " · "
                + escape(mentees.format(active=p.active_mentees, capacity=p.capacity))
            )
        )
    for offer in m.offers:
        text = tr._("{requester} asks you to mentor them in {topic}; answer by {when}").format(
            requester=_user(offer.requester_id),
            topic=mentoring_views.topic_label(offer.topic),
            when=mentoring_views.moment(tr, offer.expires_at, zone),
        )
        blocks += _offer_block(tr, ":wave: " + text, offer.offer_id)
    for request in m.requests:
        text = tr._("You asked for a mentor in {topic}: {state}").format(
            topic=mentoring_views.topic_label(request.topic),
            state=_request_state(tr, request.status, request.asked),
        )
        cancel = _button(tr._("Cancel request"), HomeAction.CANCEL_REQUEST, str(request.request_id))
        cancel.confirm = ConfirmObject(
            title=tr._("Cancel this request?"),
            text=escape(tr._("Nobody will be asked to mentor you in {topic} any more.")).format(
                topic=mentoring_views.topic_label(truncate(request.topic, 100))
            ),
            confirm=tr._("Cancel request"),
            deny=tr._("Keep it"),
        )
        blocks.append(SectionBlock(text={"type": "mrkdwn", "text": text}, accessory=cancel))
    for ship in m.mentorships:
        text = (
            tr._("You mentor {other} in {topic}")
            if ship.as_mentor
            else tr._("{other} mentors you in {topic}")
        ).format(other=_user(ship.other_id), topic=mentoring_views.topic_label(ship.topic))
        if ship.channel_id:
            text += " · " + _channel(ship.channel_id)
        if ship.next_check_in:
            text += " · " + escape(
                tr._("next check-in {day}").format(day=mentoring_views.weekday(tr, ship.next_check_in, zone))
            )
        blocks.append(section(text))
        if ship.answer_round is not None:
            value = mentoring_views.followup_value(ship.id, ship.answer_round)
            blocks.append(
                ActionsBlock(
                    elements=[
                        _button(tr._("Going well"), MentorAction.GOING_WELL, value, style="primary"),
                        _button(tr._("Need help"), MentorAction.NEED_HELP, value),
                        _button(tr._("We're done"), MentorAction.DONE, value),
                    ]
                )
            )
    if m.more:
        blocks.append(
            context(
                escape(
                    tr.ngettext(
                        "and {n} more: {status} lists them all",
                        "and {n} more: {status} lists them all",
                        m.more,
                    )
                ).format(n=m.more, status=mentoring_views.usage("/mentor status"))
            )
        )
    return blocks


def _lesson(tr: Translator, lesson: LessonItem) -> Block:
    lines = [f"> {escape(truncate(' '.join(lesson.text.split()), SNIPPET))}"]
    meta = []
    if lesson.tags:
        meta.append(" ".join(f"#{escape(tag)}" for tag in lesson.tags[:6]))
    meta.append(f"👍 {lesson.useful} · ✅ {lesson.applied}")
    if lesson.author_id:
        meta.append(tr._("by {author}").format(author=_user(lesson.author_id)))
    else:
        meta.append(escape(tr._("anonymous")))
    if lesson.channel_id:
        meta.append(tr._("in {channel}").format(channel=_channel(lesson.channel_id)))
    lines.append(" · ".join(meta))
    useful = _button("👍 " + tr._("Useful"), LessonAction.USEFUL, str(lesson.id))
    return SectionBlock(text={"type": "mrkdwn", "text": "\n".join(lines)}, accessory=useful)


def _lessons(tr: Translator, data: HomeData) -> list[Block]:
    blocks: list[Block] = [_heading(tr._("Recent lessons"))]
    if data.recent:
        blocks += [_lesson(tr, lesson) for lesson in data.recent]
    else:
        blocks.append(context(escape(tr._("No lessons you can see yet. Be the first: “Share a lesson”."))))
    if data.on_topics:
        blocks.append(_heading(tr._("On topics you follow")))
        blocks += [_lesson(tr, lesson) for lesson in data.on_topics]
    return blocks


def _next(tr: Translator, row: ChannelRow, zone: ZoneInfo) -> str:
    parts = []
    if row.next_prompt is not None:
        parts.append(
            tr._("next question {when}").format(when=mentoring_views.moment(tr, row.next_prompt, zone))
        )
    if row.next_digest is not None:
        parts.append(
            tr._("next digest {when}").format(when=mentoring_views.moment(tr, row.next_digest, zone))
        )
    return escape(", ".join(parts))


def channel_line(tr: Translator, row: ChannelRow, zone: ZoneInfo) -> str:
    """One subscribed channel: its schedule, zone, language and holidays, and its next posts."""
    s = row.settings
    schedule = tr._("question {prompt}, digest {digest}").format(
        prompt=rhythm_views.weekday_name(tr, s.prompt_weekday) + " " + s.prompt_time,
        digest=rhythm_views.weekday_name(tr, s.digest_weekday) + " " + s.digest_time,
    )
    details = [
        escape(schedule) + f" ({escape(s.timezone)})",
        escape(rhythm_views.language_name(tr, row.language.language))
        + (" " + escape(tr._("(workspace default)")) if row.language.inherited else ""),
        escape(
            tr._("holidays: {country}").format(country=s.holiday_country)
            if s.holiday_country
            else tr._("holidays: off")
        ),
    ]
    text = f"*{_channel(s.channel_id)}* · " + " · ".join(details)
    if s.paused_until is not None:
        text += "\n" + escape(
            tr._("Paused until {when}").format(when=mentoring_views.moment(tr, s.paused_until, zone))
        )
    upcoming = _next(tr, row, zone)
    if upcoming:
        text += "\n" + upcoming
    if s.last_error:
        text += "\n:warning: " + rhythm_views.last_error_line(tr, s.last_error)
    return text


def _workspace_line(tr: Translator, w: WorkspaceSettings) -> str:
    leaders = ", ".join(_user(entry.user_id) for entry in w.leaders) or escape(tr._("nobody yet"))
    lines = [
        "*" + escape(tr._("Workspace settings")) + "*",
        escape(tr._("Language: {language}").format(language=rhythm_views.language_name(tr, w.language))),
        escape(
            tr.ngettext(
                "Mentoring check-ins: {n} day after a match",
                "Mentoring check-ins: {n} days after a match",
                w.followup_days,
            ).format(n=w.followup_days)
        ),
        escape(tr._("The monthly report goes to:")) + " " + leaders,
    ]
    return "\n".join(lines)


def _admin(tr: Translator, admin: AdminPart, zone: ZoneInfo) -> list[dict[str, object]]:
    blocks: list[dict[str, object]] = as_dicts([DividerBlock(), HeaderBlock(text=tr._("Your workspace"))])
    if admin.figures is not None:
        blocks += insights_views.workspace_summary(tr, admin.figures).blocks
    rhythm: list[Block] = [
        SectionBlock(
            text={"type": "mrkdwn", "text": "*" + escape(tr._("Weekly rhythm")) + "*"},
            accessory=_button(tr._("Add a channel"), HomeAction.ADD_CHANNEL),
        )
    ]
    if not admin.channels:
        rhythm.append(context(escape(tr._("No channel gets the weekly question and digest yet: add one."))))
    for row in admin.channels:
        rhythm.append(
            SectionBlock(
                text={"type": "mrkdwn", "text": channel_line(tr, row, zone)},
                accessory=_button(tr._("Edit"), HomeAction.EDIT_CHANNEL, row.channel_id),
            )
        )
    if admin.more_channels:
        rhythm.append(
            context(
                escape(
                    tr.ngettext(
                        "and {n} more channel: /erfaring status in a channel shows its settings",
                        "and {n} more channels: /erfaring status in a channel shows its settings",
                        admin.more_channels,
                    ).format(n=admin.more_channels)
                )
            )
        )
    w = admin.workspace
    rhythm.append(
        SectionBlock(
            text={"type": "mrkdwn", "text": _workspace_line(tr, w)},
            accessory=_button(tr._("Edit"), HomeAction.WORKSPACE),
        )
    )
    questions = tr.ngettext(
        "The workspace asks {n} question of its own, beside the built-in ones.",
        "The workspace asks {n} questions of its own, beside the built-in ones.",
        len(w.questions),
    ).format(n=len(w.questions))
    rhythm.append(
        SectionBlock(
            text={
                "type": "mrkdwn",
                "text": "*" + escape(tr._("Weekly questions")) + "*\n" + escape(questions),
            },
            accessory=_button(tr._("Edit"), HomeAction.QUESTIONS),
        )
    )
    return blocks + as_dicts(rhythm)


def home_view(tr: Translator, data: HomeData) -> View:
    """The person's Home: what Erfaring is and what to do, the line about their last action, their
    contribution, their mentoring, lessons to read, and for admins the workspace."""
    blocks: list[dict[str, object]] = as_dicts(_intro(tr))
    if data.notice:
        blocks += as_dicts(sections(data.notice)[:NOTICE_BLOCKS])
    blocks += as_dicts([DividerBlock()])
    blocks += insights_views.contribution_summary(tr, data.contribution).blocks
    blocks += as_dicts([DividerBlock(), *_mentoring(tr, data.mentoring, data.zone)])
    blocks += as_dicts([DividerBlock(), *_lessons(tr, data)])
    if data.admin is not None:
        blocks += _admin(tr, data.admin, data.zone)
    if len(blocks) > VIEW_BLOCKS_MAX:  # the lists are capped to stay far below; never publish more
        log.warning("a Home of %s blocks was cut to %s", len(blocks), VIEW_BLOCKS_MAX)
        blocks = blocks[:VIEW_BLOCKS_MAX]
    view = View(type="home", blocks=blocks)
    view.validate_json()
    return view


# --- notices (the line about the person's last action on the Home) ---------------------------------------


def said(lines: Sequence[str]) -> str:
    """What the features said about the changes made (their own words, mrkdwn already)."""
    return "\n".join(line for line in lines if line)


def refused(text: str) -> str:
    return f":warning: {text}"


def not_admin(tr: Translator) -> str:
    return refused(escape(tr._("Only workspace admins can change Erfaring's settings.")))


def nothing_changed(tr: Translator) -> str:
    return escape(tr._("Nothing changed."))


def request_gone(tr: Translator) -> str:
    return refused(escape(tr._("That request is no longer open.")))


def form_failed(tr: Translator, error: str) -> str:
    return refused(tr._("I could not open the form ({error}).").format(error=escape(error)))


def channel_not_subscribed(tr: Translator, channel_id: str) -> str:
    return refused(rhythm_views.not_subscribed(tr, channel_id))


# --- the settings modals ---------------------------------------------------------------------------------


def _options(pairs: Sequence[tuple[str, str]]) -> list[Option]:
    return [Option(value=value, label=truncate(label, OPTION_MAX)) for value, label in pairs]


def _weekdays(tr: Translator) -> list[Option]:
    return _options([(str(day), rhythm_views.weekday_name(tr, day)) for day in range(7)])


def _languages(tr: Translator) -> list[Option]:
    return _options(
        [("en", rhythm_views.language_name(tr, "en")), ("nb", rhythm_views.language_name(tr, "nb"))]
    )


def _chosen(options: list[Option], value: str) -> Option | None:
    return next((o for o in options if o.value == value), None)


def _select(block_id: str, action_id: str, label: str, options: list[Option], initial: str) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        element=StaticSelectElement(
            action_id=action_id, options=options, initial_option=_chosen(options, initial)
        ),
    )


def _time(block_id: str, action_id: str, label: str, initial: str) -> InputBlock:
    return InputBlock(
        block_id=block_id, label=label, element=TimePickerElement(action_id=action_id, initial_time=initial)
    )


def _metadata(channel_id: str | None = None) -> str:
    return json.dumps({"c": channel_id} if channel_id else {})


def channel_modal(tr: Translator, row: ChannelRow, zone: ZoneInfo) -> View:
    """One subscribed channel's settings, as /erfaring schedule, timezone, language, holidays, pause
    and unsubscribe change them."""
    s = row.settings
    days = _weekdays(tr)
    blocks: list[Block] = [
        section(escape(tr._("The weekly rhythm in {channel}")).format(channel=_channel(s.channel_id))),
        _select(
            HomeBlock.PROMPT_DAY, HomeAction.PROMPT_DAY, tr._("Question: day"), days, str(s.prompt_weekday)
        ),
        _time(HomeBlock.PROMPT_TIME, HomeAction.PROMPT_TIME, tr._("Question: time"), s.prompt_time),
        _select(
            HomeBlock.DIGEST_DAY, HomeAction.DIGEST_DAY, tr._("Digest: day"), days, str(s.digest_weekday)
        ),
        _time(HomeBlock.DIGEST_TIME, HomeAction.DIGEST_TIME, tr._("Digest: time"), s.digest_time),
        InputBlock(
            block_id=HomeBlock.TIMEZONE,
            label=tr._("Time zone"),
            element=PlainTextInputElement(
                action_id=HomeAction.TIMEZONE, initial_value=s.timezone, max_length=64
            ),
            hint=tr._("An IANA time zone name such as Europe/Oslo, Europe/London or America/New_York."),
        ),
        _select(
            HomeBlock.LANGUAGE,
            HomeAction.LANGUAGE,
            tr._("Language of its questions and digests"),
            _languages(tr),
            row.language.language,
        ),
        InputBlock(
            block_id=HomeBlock.HOLIDAYS,
            label=tr._("No posts on the public holidays of"),
            element=PlainTextInputElement(
                action_id=HomeAction.HOLIDAYS, initial_value=s.holiday_country or "off", max_length=16
            ),
            hint=tr._("A country code such as NO, SE, DK, GB or US, or off to post on holidays too."),
        ),
        InputBlock(
            block_id=HomeBlock.PAUSE,
            label=tr._("Pause for how many weeks"),
            optional=True,
            element=PlainTextInputElement(action_id=HomeAction.PAUSE, max_length=4),
            hint=(
                tr._("Paused until {when}. 0 resumes now.").format(
                    when=mentoring_views.moment(tr, s.paused_until, zone)
                )
                if s.paused_until is not None
                else tr._("Empty: no pause. At most {max} weeks.").format(max=MAX_PAUSE_WEEKS)
            ),
        ),
        InputBlock(
            block_id=HomeBlock.STOP,
            label=tr._("Unsubscribe"),
            optional=True,
            element=CheckboxesElement(
                action_id=HomeAction.STOP,
                options=[
                    Option(
                        value=STOP_OPTION,
                        label=tr._("Stop the weekly rhythm in this channel"),
                        description=tr._("Its lessons and settings are kept for a later subscribe"),
                    )
                ],
            ),
        ),
    ]
    return modal(
        tr,
        callback_id=HomeCallback.CHANNEL,
        title=tr._("Weekly rhythm"),
        submit=tr._("Save"),
        metadata=_metadata(s.channel_id),
        blocks=blocks,
    )


def add_channel_modal(tr: Translator) -> View:
    blocks: list[Block] = [
        InputBlock(
            block_id=HomeBlock.CHANNEL,
            label=tr._("Channel"),
            element=ConversationSelectElement(
                action_id=HomeAction.CHANNEL,
                filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            ),
            hint=tr._(
                "I join a public channel myself; invite me to a private one first (/invite @Erfaring)."
            ),
        ),
        context(
            escape(
                tr._(
                    "It gets a question to share every Monday at 09:00 and a digest every Friday at 14:00; "
                    "Edit changes that afterwards."
                )
            )
        ),
    ]
    return modal(
        tr,
        callback_id=HomeCallback.ADD_CHANNEL,
        title=tr._("Add a channel"),
        submit=tr._("Subscribe"),
        metadata=_metadata(),
        blocks=blocks,
    )


def workspace_modal(tr: Translator, w: WorkspaceSettings) -> View:
    stored = [entry.user_id for entry in w.leaders if entry.stored]
    configured = [entry.user_id for entry in w.leaders if entry.configured and not entry.stored]
    blocks: list[Block] = [
        _select(
            HomeBlock.WORKSPACE_LANGUAGE,
            HomeAction.WORKSPACE_LANGUAGE,
            tr._("The workspace's language"),
            _languages(tr),
            w.language,
        ),
        InputBlock(
            block_id=HomeBlock.FOLLOWUP_DAYS,
            label=tr._("Days from a match to the first mentoring check-in"),
            element=NumberInputElement(
                action_id=HomeAction.FOLLOWUP_DAYS,
                is_decimal_allowed=False,
                initial_value=str(w.followup_days),
                min_value=str(MIN_FOLLOWUP_DAYS),
                max_value=str(MAX_FOLLOWUP_DAYS),
            ),
            hint=tr._("From {min} to {max} days.").format(min=MIN_FOLLOWUP_DAYS, max=MAX_FOLLOWUP_DAYS),
        ),
        InputBlock(
            block_id=HomeBlock.LEADERS,
            label=tr._("Leaders who get the monthly report"),
            optional=True,
            element=UserMultiSelectElement(action_id=HomeAction.LEADERS, initial_users=stored or None),
        ),
    ]
    if configured:
        blocks.append(
            context(
                escape(tr._("Also, set in ERFARING_LEADERS:")) + " " + ", ".join(_user(u) for u in configured)
            )
        )
    return modal(
        tr,
        callback_id=HomeCallback.WORKSPACE,
        title=tr._("The workspace"),
        submit=tr._("Save"),
        metadata=_metadata(),
        blocks=blocks,
    )


def _question_label(prompt: PromptInfo) -> str:
    return truncate(f"#{prompt.id} ({prompt.language}) {' '.join(prompt.text.split())}", OPTION_MAX)


def questions_modal(tr: Translator, questions: Sequence[PromptInfo], language: str) -> View:
    blocks: list[Block] = [
        InputBlock(
            block_id=HomeBlock.QUESTION_TEXT,
            label=tr._("Add a question of your own"),
            optional=True,
            element=PlainTextInputElement(
                action_id=HomeAction.QUESTION_TEXT, multiline=True, max_length=CUSTOM_MAX
            ),
        ),
        _select(
            HomeBlock.QUESTION_LANGUAGE,
            HomeAction.QUESTION_LANGUAGE,
            tr._("Its language"),
            _languages(tr),
            language,
        ),
    ]
    if questions:
        options = [Option(value=str(p.id), label=_question_label(p)) for p in questions[:OPTIONS_MAX]]
        blocks.append(
            InputBlock(
                block_id=HomeBlock.QUESTION_REMOVE,
                label=tr._("Remove a question"),
                optional=True,
                element=StaticSelectElement(action_id=HomeAction.QUESTION_REMOVE, options=options),
            )
        )
    else:
        blocks.append(context(escape(tr._("The workspace has no questions of its own yet."))))
    return modal(
        tr,
        callback_id=HomeCallback.QUESTIONS,
        title=tr._("Weekly questions"),
        submit=tr._("Save"),
        metadata=_metadata(),
        blocks=blocks,
    )


# --- refusals on a modal's fields -------------------------------------------------------------------------


def field_error(tr: Translator, error: InvalidValue) -> str:
    """What is accepted in the field a value was refused for (the words /erfaring uses)."""
    if error.field is Field.TIMEZONE:
        return tr._("Use an IANA time zone name such as Europe/Oslo, Europe/London or America/New_York.")
    if error.field is Field.HOLIDAYS:
        return tr._("Use a country code such as NO, SE, DK, GB or US, or `off` to post on holidays too.")
    if error.field is Field.WEEKS:
        return tr._("Use a whole number of weeks from 0 to {max} (0 resumes).").format(max=MAX_PAUSE_WEEKS)
    if error.field is Field.TIME:
        return tr._("Use a 24-hour time HH:MM from 00:00 to 23:59, e.g. 09:00 or 14:30.")
    if error.field is Field.WEEKDAY:
        return tr._(
            "Use a weekday in English or Norwegian: monday … sunday (or mon, tue …), mandag … søndag."
        )
    if error.field is Field.LANGUAGE:
        return tr._("Use en (English) or nb (Norwegian Bokmål).")
    return tr._("A question needs 1 to {max} characters.").format(max=CUSTOM_MAX)


def followup_days_error(tr: Translator) -> str:
    return tr._("From {min} to {max} days.").format(min=MIN_FOLLOWUP_DAYS, max=MAX_FOLLOWUP_DAYS)


def channel_missing(tr: Translator) -> str:
    return tr._("Choose a channel.")
