"""Block Kit for lessons: the channel message, the modal, search results and lists.

IDs live here, beside the views that use them, and handlers import them from here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    DividerBlock,
    InputBlock,
    Option,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from bot.core.blockkit import (
    FALLBACK_MAX,
    Rendered,
    as_dicts,
    context,
    modal,
    read_metadata,
    section,
    sections,
    text_input,
    warning,
)
from bot.core.i18n import Translator
from bot.core.mrkdwn import escape, truncate
from bot.lessons import service as lessons
from bot.lessons.voting import Counts
from storage.lessons.models import Lesson

INPUT_MAX = 3000
# The notification preview: escaping at most quintuples it, so it stays within FALLBACK_MAX.
FALLBACK_SNIPPET = FALLBACK_MAX // 6


class LessonAction(StrEnum):
    USEFUL = "lesson_vote_useful"
    APPLIED = "lesson_vote_applied"
    TEXT = "lesson_text_input"
    WHAT_WORKED = "lesson_what_worked_input"
    TO_IMPROVE = "lesson_to_improve_input"
    TAGS = "lesson_tags_input"
    OPTIONS = "lesson_options_input"


class LessonBlock(StrEnum):
    VOTES = "lesson_votes"
    TEXT = lessons.Field.TEXT
    WHAT_WORKED = lessons.Field.WHAT_WORKED
    TO_IMPROVE = lessons.Field.TO_IMPROVE
    TAGS = lessons.Field.TAGS
    OPTIONS = "options"


class LessonCallback(StrEnum):
    MODAL = "lesson_modal"
    SAVE_MESSAGE_SHORTCUT = "save_as_lesson"


class LessonOption(StrEnum):
    ANONYMOUS = "anonymous"
    POST_HERE = "post_here"


@dataclass(frozen=True)
class LessonCard:
    id: int
    text: str
    what_worked: str | None
    to_improve: str | None
    tags: list[str]
    author_id: str | None
    source_link: str | None
    counts: Counts

    @classmethod
    def of(cls, lesson: Lesson, counts: Counts) -> LessonCard:
        return cls(
            id=lesson.id,
            text=lesson.text,
            what_worked=lesson.what_worked,
            to_improve=lesson.to_improve,
            tags=lesson.tags_text.split(),
            # The card never learns who wrote an anonymous lesson.
            author_id=None if lesson.anonymous else lesson.author_id,
            source_link=lesson.source_link,
            counts=counts,
        )


def tag_list(tags: list[str]) -> str:
    return " ".join(f"#{escape(tag)}" for tag in tags)


def _byline(tr: Translator, card: LessonCard) -> str:
    if card.author_id is None:
        return tr._("Shared anonymously")
    return tr._("Shared by {user}").format(user=f"<@{card.author_id}>")


def lesson_message(tr: Translator, card: LessonCard) -> Rendered:
    # Translated strings are named before they go into f-strings: Babel cannot see inside those.
    learned, worked, improve = tr._("Lesson learned"), tr._("What worked"), tr._("What to improve")
    blocks: list[Block] = sections(f":bulb: *{learned}*\n{escape(card.text)}")
    if card.what_worked:
        blocks += sections(f"*{worked}*\n{escape(card.what_worked)}")
    if card.to_improve:
        blocks += sections(f"*{improve}*\n{escape(card.to_improve)}")
    meta = [_byline(tr, card), tr._("Lesson #{id}").format(id=card.id)]
    if card.tags:
        meta.append(tag_list(card.tags))
    if card.source_link:
        original = tr._("Original message")
        meta.append(f"<{escape(card.source_link)}|{original}>")
    blocks.append(context(*meta))
    blocks.append(
        ActionsBlock(
            block_id=LessonBlock.VOTES,
            elements=[
                ButtonElement(
                    text="👍 " + tr._("Useful") + f" · {card.counts.useful}",
                    action_id=LessonAction.USEFUL,
                    value=str(card.id),
                ),
                ButtonElement(
                    text="✅ " + tr._("I applied this") + f" · {card.counts.applied}",
                    action_id=LessonAction.APPLIED,
                    value=str(card.id),
                ),
            ],
        )
    )
    # Cut before escaping, so the cut never lands inside an entity such as &lt;.
    fallback = tr._("Lesson learned: {text}").format(text=escape(truncate(card.text, FALLBACK_SNIPPET)))
    return Rendered(fallback, as_dicts(blocks))


@dataclass(frozen=True)
class ModalState:
    """What the modal shows: a fresh form, a message to save, or text given back to shorten."""

    text: str = ""
    what_worked: str = ""
    to_improve: str = ""
    tags: list[str] = field(default_factory=list)
    anonymous: bool = False
    channel_id: str | None = None
    source_link: str | None = None
    prompt_post_id: int | None = None
    notice: str | None = None

    def metadata(self) -> str:
        return json.dumps({"c": self.channel_id, "l": self.source_link, "p": self.prompt_post_id})


@dataclass(frozen=True)
class ModalContext:
    channel_id: str | None
    source_link: str | None
    prompt_post_id: int | None


def parse_metadata(raw: str | None) -> ModalContext:
    data = read_metadata(raw)
    channel, link, prompt = data.get("c"), data.get("l"), data.get("p")
    return ModalContext(
        channel_id=channel if isinstance(channel, str) and channel else None,
        source_link=link if isinstance(link, str) and link else None,
        # bool is an int in Python; a prompt id never is.
        prompt_post_id=prompt if isinstance(prompt, int) and not isinstance(prompt, bool) else None,
    )


def _text_input(
    action_id: str, initial: str, *, multiline: bool, placeholder: str | None = None
) -> PlainTextInputElement:
    return text_input(action_id, initial, multiline=multiline, max_length=INPUT_MAX, placeholder=placeholder)


def lesson_modal(tr: Translator, state: ModalState) -> View:
    blocks = warning(state.notice)
    if state.source_link:
        from_message = tr._("From this message")
        blocks.append(context(f"<{escape(state.source_link)}|{from_message}>"))
    blocks.append(
        InputBlock(
            block_id=LessonBlock.TEXT,
            label=tr._("What happened, and what did you learn?"),
            element=_text_input(
                LessonAction.TEXT,
                state.text,
                multiline=True,
                placeholder=tr._("The situation, what you tried, and the lesson you take from it"),
            ),
            hint=tr._("Up to {n} characters. #tags in the text become tags.").format(n=lessons.TEXT_MAX),
        )
    )
    blocks.append(
        InputBlock(
            block_id=LessonBlock.WHAT_WORKED,
            label=tr._("What worked"),
            optional=True,
            element=_text_input(LessonAction.WHAT_WORKED, state.what_worked, multiline=True),
        )
    )
    blocks.append(
        InputBlock(
            block_id=LessonBlock.TO_IMPROVE,
            label=tr._("What to improve next time"),
            optional=True,
            element=_text_input(LessonAction.TO_IMPROVE, state.to_improve, multiline=True),
        )
    )
    blocks.append(
        InputBlock(
            block_id=LessonBlock.TAGS,
            label=tr._("Tags"),
            optional=True,
            element=_text_input(
                LessonAction.TAGS,
                ", ".join(state.tags),
                multiline=False,
                placeholder=tr._("e.g. testing, onboarding"),
            ),
        )
    )
    options = [
        Option(
            value=LessonOption.ANONYMOUS,
            label=tr._("Share anonymously"),
            description=tr._("Your name is neither shown nor stored with it"),
        )
    ]
    initial = [options[0]] if state.anonymous else []
    if state.channel_id:
        post_here = Option(value=LessonOption.POST_HERE, label=tr._("Post it in this channel"))
        options.append(post_here)
        initial.append(post_here)
    blocks.append(
        InputBlock(
            block_id=LessonBlock.OPTIONS,
            label=tr._("Options"),
            optional=True,
            element=CheckboxesElement(
                action_id=LessonAction.OPTIONS, options=options, initial_options=initial or None
            ),
        )
    )
    if len(state.text) > INPUT_MAX:
        # The field holds 3000 characters; show the rest so nothing typed is lost.
        blocks.append(DividerBlock())
        blocks.append(section("*" + tr._("The rest of your text") + "*"))
        blocks += sections(escape(state.text[INPUT_MAX:]))
    return modal(
        tr,
        callback_id=LessonCallback.MODAL,
        title=tr._("Share a lesson"),
        submit=tr._("Share"),
        metadata=state.metadata(),
        blocks=blocks,
    )


def problem_message(tr: Translator, problem: lessons.Problem) -> str:
    if problem.code == "required":
        return tr._("Please write what happened and what you learned.")
    if problem.code == "too_short":
        return tr._("Please write at least {n} characters.").format(n=problem.limit)
    return tr._("Please keep it under {limit} characters (now {length}).").format(
        limit=problem.limit, length=problem.length
    )


def confirmation(tr: Translator, lesson_id: int, anonymous: bool, posting_in: str | None) -> str:
    text = tr._("Thanks! Lesson #{id} is saved.").format(id=lesson_id)
    if anonymous:
        text += " " + tr._("It is anonymous: your name is not shown or stored with it.")
    if posting_in:
        text += " " + tr._("Sharing it in {channel}.").format(channel=f"<#{posting_in}>")
    return text


def post_failed(tr: Translator, lesson_id: int, channel_id: str, error: str) -> str:
    hint = ""
    if error in ("not_in_channel", "channel_not_found"):
        hint = " " + tr._("Invite me with /invite @Erfaring and share it again from the modal.")
    return (
        tr._("Lesson #{id} is saved, but I could not post it in {channel} ({error}).").format(
            id=lesson_id, channel=f"<#{channel_id}>", error=escape(error)
        )
        + hint
    )
