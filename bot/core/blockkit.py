"""Small Block Kit helpers shared by every feature's views."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.core.i18n import Translator
from bot.core.mrkdwn import chunks, escape

SECTION_MAX = 3000
CONTEXT_ELEMENT_MAX = 2000
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
FALLBACK_MAX = 3000


@dataclass(frozen=True)
class Rendered:
    """What every view returns: the notification/fallback text and the validated blocks."""

    text: str
    blocks: list[dict[str, object]]


def section(text: str, block_id: str | None = None) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text), block_id=block_id)


def sections(text: str) -> list[Block]:
    """Long mrkdwn split over as many sections as it needs (each within Slack's 3000)."""
    return [section(piece) for piece in chunks(text, SECTION_MAX)]


def context(*parts: str, block_id: str | None = None) -> ContextBlock:
    elements = [MarkdownTextObject(text=part[:CONTEXT_ELEMENT_MAX]) for part in parts if part][:10]
    return ContextBlock(elements=elements, block_id=block_id)


def as_dicts(blocks: list[Block]) -> list[dict[str, object]]:
    for block in blocks:
        block.validate_json()
    return [block.to_dict() for block in blocks]


def warning(notice: str | None) -> list[Block]:
    """A form's :warning: line, when it hands something back to fix; none otherwise."""
    return [section(f":warning: {escape(notice)}")] if notice else []


def text_input(
    action_id: str, initial: str, *, multiline: bool, max_length: int, placeholder: str | None = None
) -> PlainTextInputElement:
    """A text field prefilled with what was typed, cut to the field's length (the caller shows the rest)."""
    return PlainTextInputElement(
        action_id=action_id,
        multiline=multiline,
        max_length=max_length,
        initial_value=initial[:max_length] or None,
        placeholder=placeholder,
    )


def modal(
    tr: Translator, *, callback_id: str, title: str, submit: str, metadata: str, blocks: list[Block]
) -> View:
    """A validated modal with a Cancel button, within Slack's block limit."""
    view = View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=title),
        submit=PlainTextObject(text=submit),
        close=PlainTextObject(text=tr._("Cancel")),
        private_metadata=metadata,
        blocks=blocks[:VIEW_BLOCKS_MAX],
    )
    view.validate_json()
    return view


def given_back(tr: Translator, text: str) -> str:
    """Typed text handed back to copy, when a form that would hold it cannot open."""
    return "\n" + tr._("Your text, to copy:") + "\n```" + escape(text) + "```"


def read_metadata(raw: str | None) -> dict[str, Any]:
    """A modal's private_metadata as written by its view; empty when missing or not ours."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
