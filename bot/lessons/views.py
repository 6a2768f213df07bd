"""Block Kit and texts for lessons: the channel message, the modal, confirmations, search results,
"my lessons", help and the short answers to one person. Plain data in (bot.lessons.service's
dataclasses), Rendered/View/str out; every piece of stored text is escaped here, exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

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
from bot.lessons import data
from bot.lessons.data import LessonCard, ListedLesson
from bot.lessons.ids import LessonAction, LessonBlock, LessonCallback, LessonOption, MetaKey, ProblemCode

INPUT_MAX = 3000
# The notification preview: escaping at most quintuples it, so it stays within FALLBACK_MAX.
FALLBACK_SNIPPET = FALLBACK_MAX // 6
SNIPPET = 280  # a lesson's text in a list


def message_link(team_domain: str | None, channel_id: str, ts: str | None) -> str | None:
    """A message's address in the workspace (what chat.getPermalink gives, without the call)."""
    if not team_domain or not ts:
        return None
    return f"https://{team_domain}.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"


def tag_list(tags: list[str]) -> str:
    return " ".join(f"#{escape(tag)}" for tag in tags)


# --- the lesson's channel message ----------------------------------------------------------------------


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
                    text="👍 " + tr._("Useful") + f" · {card.useful}",
                    action_id=LessonAction.USEFUL,
                    value=str(card.id),
                ),
                ButtonElement(
                    text="✅ " + tr._("I applied this") + f" · {card.applied}",
                    action_id=LessonAction.APPLIED,
                    value=str(card.id),
                ),
            ],
        )
    )
    # Cut before escaping, so the cut never lands inside an entity such as &lt;.
    fallback = tr._("Lesson learned: {text}").format(text=escape(truncate(card.text, FALLBACK_SNIPPET)))
    return Rendered(fallback, as_dicts(blocks))


# --- the modal ------------------------------------------------------------------------------------------


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
        return json.dumps(
            {
                MetaKey.CHANNEL: self.channel_id,
                MetaKey.SOURCE_LINK: self.source_link,
                MetaKey.PROMPT_POST: self.prompt_post_id,
            }
        )


@dataclass(frozen=True)
class ModalContext:
    channel_id: str | None
    source_link: str | None
    prompt_post_id: int | None


def modal_context(data: Mapping[str, Any]) -> ModalContext:
    """What ModalState.metadata() wrote, from the decoded private_metadata; wrong types are dropped."""
    channel, link, prompt = (
        data.get(MetaKey.CHANNEL),
        data.get(MetaKey.SOURCE_LINK),
        data.get(MetaKey.PROMPT_POST),
    )
    return ModalContext(
        channel_id=channel if isinstance(channel, str) and channel else None,
        source_link=link if isinstance(link, str) and link else None,
        # bool is an int in Python; a prompt id never is.
        prompt_post_id=prompt if isinstance(prompt, int) and not isinstance(prompt, bool) else None,
    )


def parse_metadata(raw: str | None) -> ModalContext:
    return modal_context(read_metadata(raw))


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
            hint=tr._("Up to {n} characters. #tags in the text become tags.").format(n=data.TEXT_MAX),
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


# --- answers to one person ------------------------------------------------------------------------------


def problem_message(tr: Translator, problem: data.Problem) -> str:
    if problem.code == ProblemCode.REQUIRED:
        return tr._("Please write what happened and what you learned.")
    if problem.code == ProblemCode.TOO_SHORT:
        return tr._("Please write at least {n} characters.").format(n=problem.limit)
    return tr._("Please keep it under {limit} characters (now {length}).").format(
        limit=problem.limit, length=problem.length
    )


def problems_notice(tr: Translator, problems: Sequence[data.Problem]) -> str:
    """Every problem of a draft, in one line."""
    return " ".join(problem_message(tr, p) for p in problems)


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


def form_failed(tr: Translator, error: str, *, try_again: bool = False) -> str:
    """The lesson form did not open (Slack's error code)."""
    if try_again:
        return tr._("I could not open the form ({error}). Please try again.").format(error=escape(error))
    return tr._("I could not open the form ({error}).").format(error=escape(error))


def which_lesson(tr: Translator) -> str:
    return escape(
        tr._("Which lesson? Use /lesson delete <id>; /lesson mine shows your lessons and their ids.")
    )


def no_such_lesson(tr: Translator, lesson_id: int) -> str:
    return tr._("There is no lesson #{id}.").format(id=lesson_id)


def not_yours(tr: Translator, lesson_id: int) -> str:
    return tr._("Only the author of lesson #{id} or an admin can delete it.").format(id=lesson_id)


def deleted(tr: Translator, lesson_id: int) -> str:
    return tr._("Lesson #{id} is deleted.").format(id=lesson_id)


def lesson_gone(tr: Translator) -> str:
    """A vote on a lesson that is not there (deleted, or a button value that is no lesson id)."""
    return tr._("That lesson has been deleted.")


def list_item(tr: Translator, item: ListedLesson, *, show_anonymous_flag: bool) -> list[Block]:
    meta = [f"*#{item.id}*", f"👍 {item.useful}", f"✅ {item.applied}"]
    if item.tags:
        meta.append(tag_list(item.tags))
    if item.channel_id:
        meta.append(tr._("in {channel}").format(channel=f"<#{item.channel_id}>"))
    if show_anonymous_flag and item.anonymous:
        meta.append(tr._("anonymous"))
    return [section(escape(truncate(item.text, SNIPPET))), context(" · ".join(meta))]


def my_lessons(tr: Translator, items: Sequence[ListedLesson]) -> Rendered:
    if not items:
        text = tr._("You have not shared any lessons yet. Try /lesson followed by what you learned.")
        return Rendered(text, as_dicts([section(text)]))
    head = tr._("Your latest lessons (only you can see this). Delete one with /lesson delete <id>.")
    blocks: list[Block] = [section(escape(head)), DividerBlock()]
    for item in items:
        blocks += list_item(tr, item, show_anonymous_flag=True)
    return Rendered(escape(head), as_dicts(blocks))


def help_text(tr: Translator, unknown: str | None = None) -> Rendered:
    lines = []
    if unknown:
        lines.append(tr._("I don't know the subcommand *{word}*.").format(word=escape(unknown)))
    lines += [
        "*" + tr._("Share what you learned, so others can use it") + "*",
        "• `"
        + escape("/lesson <text>")
        + "` — "
        + tr._("save a lesson at once; #tags in the text become tags"),
        "• `"
        + escape("/lesson")
        + "` — "
        + tr._("open a form with room for what worked and what to improve"),
        "• `"
        + escape("/lesson anon <text>")
        + "` — "
        + tr._("share anonymously: your name is neither shown nor stored"),
        "• `" + escape("/lesson search <words>") + "` — " + tr._("find lessons, in English or Norwegian"),
        "• `" + escape("/lesson mine") + "` — " + tr._("list your own lessons"),
        "• `" + escape("/lesson delete <id>") + "` — " + tr._("delete one of your lessons"),
        "• " + tr._("On any message: More actions › Save as lesson"),
        "• " + tr._("Mark a lesson with 👍 Useful or ✅ I applied this (or react with :+1: or :bulb:)"),
    ]
    text = "\n".join(lines)
    return Rendered(text, as_dicts([section(text)]))
