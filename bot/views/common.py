"""Small Block Kit helpers shared by every feature's views."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.mrkdwn import chunks

SECTION_MAX = 3000
CONTEXT_ELEMENT_MAX = 2000
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
FALLBACK_MAX = 3000


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
