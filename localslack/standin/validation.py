"""Block Kit as Slack checks it: slack_sdk's models plus the limits they leave out.

``validate_blocks`` and ``validate_view`` return Slack's complaints (with json-pointers, as Slack's
``response_metadata.messages`` has them), an empty list for a valid payload; ``fill_ids`` gives
blocks and elements the ids Slack assigns when the app leaves them out.
"""

from __future__ import annotations

import copy
import random
import string
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from localslack.standin.state import JSON

Surface = Literal["message", "modal", "home"]

MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
BLOCK_ID_MAX = 255
SECTION_TEXT_MAX = 3000
SECTION_FIELD_MAX = 2000
HEADER_TEXT_MAX = 150
MODAL_TITLE_MAX = 24
MESSAGE_TEXT_MAX = 40_000
VIEW_MAX_BYTES = 250_000

# Element types that carry an action_id; Slack assigns one when the app leaves it out.
INTERACTIVE_TYPES = frozenset(
    {
        "button",
        "checkboxes",
        "channels_select",
        "conversations_select",
        "datepicker",
        "datetimepicker",
        "email_text_input",
        "external_select",
        "file_input",
        "multi_channels_select",
        "multi_conversations_select",
        "multi_external_select",
        "multi_static_select",
        "multi_users_select",
        "number_input",
        "overflow",
        "plain_text_input",
        "radio_buttons",
        "rich_text_input",
        "static_select",
        "timepicker",
        "url_text_input",
        "users_select",
        "workflow_button",
    }
)
ID_ALPHABET = string.ascii_letters + string.digits
_SDK_ERRORS = (SlackObjectFormationError, TypeError, ValueError, AttributeError, KeyError)


def interactive_elements(blocks: Iterable[JSON]) -> Iterator[tuple[JSON, JSON]]:
    """(block, element) for every element that can carry an action_id."""
    for block in blocks:
        if not isinstance(block, dict):
            continue
        candidates: list[Any] = []
        if block.get("type") in ("actions", "context_actions"):
            candidates = list(block.get("elements") or [])
        elif block.get("type") == "section":
            candidates = [block.get("accessory")]
        elif block.get("type") == "input":
            candidates = [block.get("element")]
        for element in candidates:
            if isinstance(element, dict) and element.get("type") in INTERACTIVE_TYPES:
                yield block, element


def _check_text(
    obj: object, where: str, *, max_len: int, plain_only: bool = False, required: bool = True
) -> list[str]:
    if obj is None and not required:
        return []
    if not isinstance(obj, dict):
        return [f"must be a text object [json-pointer:{where}]"]
    allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
    if obj.get("type") not in allowed:
        return [f"type must be one of {', '.join(allowed)} [json-pointer:{where}/type]"]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [f"must be at least 1 character [json-pointer:{where}/text]"]
    if len(text) > max_len:
        return [f"must be less than {max_len + 1} characters [json-pointer:{where}/text]"]
    return []


def _check_block(block: JSON, where: str) -> list[str]:
    errors: list[str] = []
    kind = block.get("type")
    if kind == "section":
        if "text" in block:
            errors += _check_text(block["text"], f"{where}/text", max_len=SECTION_TEXT_MAX)
        for j, item in enumerate(block.get("fields") or []):
            errors += _check_text(item, f"{where}/fields/{j}", max_len=SECTION_FIELD_MAX)
    elif kind == "header":
        errors += _check_text(block.get("text"), f"{where}/text", max_len=HEADER_TEXT_MAX, plain_only=True)
    elif kind == "input":
        errors += _check_text(block.get("label"), f"{where}/label", max_len=2000, plain_only=True)
        if not isinstance(block.get("element"), dict):
            errors.append(f"missing required field: element [json-pointer:{where}/element]")
    action_ids = [str(e["action_id"]) for _, e in interactive_elements([block]) if e.get("action_id")]
    for action_id in sorted({a for a in action_ids if action_ids.count(a) > 1}):
        errors.append(f"duplicate action_id {action_id!r} within one block [json-pointer:{where}]")
    return errors


def _check_with_sdk(block: JSON, where: str) -> list[str]:
    try:
        parsed = Block.parse(copy.deepcopy(block))
        if parsed is None:
            return [f"unsupported block type {block.get('type')!r} [json-pointer:{where}]"]
        # to_dict() validates nested elements too; validate_json() alone checks only the block itself.
        parsed.to_dict()
    except _SDK_ERRORS as exc:
        return [f"{exc} [json-pointer:{where}]"]
    return []


def validate_blocks(blocks: object, *, surface: Surface = "message", pointer: str = "/blocks") -> list[str]:
    """Slack's complaints about ``blocks`` on ``surface``; an empty list when they are valid."""
    if not isinstance(blocks, list):
        return [f"must be an array [json-pointer:{pointer}]"]
    errors: list[str] = []
    limit = MESSAGE_MAX_BLOCKS if surface == "message" else VIEW_MAX_BLOCKS
    if len(blocks) > limit:
        errors.append(f"no more than {limit} items allowed [json-pointer:{pointer}]")
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        where = f"{pointer}/{i}"
        if not isinstance(block, dict):
            errors.append(f"must be an object [json-pointer:{where}]")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if not isinstance(block_id, str) or not 1 <= len(block_id) <= BLOCK_ID_MAX:
                errors.append(f"block_id must be 1-{BLOCK_ID_MAX} characters [json-pointer:{where}/block_id]")
            elif block_id in seen:
                errors.append(f"duplicate block_id {block_id!r} [json-pointer:{where}/block_id]")
            else:
                seen.add(block_id)
        errors += _check_block(block, where)
        errors += _check_with_sdk(block, where)
    return list(dict.fromkeys(errors))


def validate_view(view: object, *, types: tuple[str, ...] = ("modal", "home")) -> list[str]:
    """Slack's complaints about a view payload; an empty list when it is valid."""
    if not isinstance(view, dict):
        return ["must be an object [json-pointer:/view]"]
    kind = view.get("type")
    if kind not in types:
        return [f"type must be one of {', '.join(types)} [json-pointer:/view/type]"]
    blocks = view.get("blocks")
    errors = validate_blocks(blocks, surface="modal" if kind == "modal" else "home", pointer="/view/blocks")
    if isinstance(blocks, list) and not blocks:
        errors.append("must contain at least 1 block [json-pointer:/view/blocks]")
    if kind == "modal":
        errors += _check_text(view.get("title"), "/view/title", max_len=MODAL_TITLE_MAX, plain_only=True)
        errors += _check_text(
            view.get("close"), "/view/close", max_len=MODAL_TITLE_MAX, plain_only=True, required=False
        )
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        errors += _check_text(
            view.get("submit"), "/view/submit", max_len=MODAL_TITLE_MAX, plain_only=True, required=has_input
        )
    for key, limit in (("private_metadata", 3000), ("callback_id", 255), ("external_id", 255)):
        value = view.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            errors.append(f"must be a string of at most {limit} characters [json-pointer:/view/{key}]")
    try:
        # Blocks were checked above with precise pointers; here only the view's own fields.
        View(**{**copy.deepcopy(view), "blocks": [{"type": "divider"}]}).to_dict()
    except _SDK_ERRORS as exc:
        errors.append(f"{exc} [json-pointer:/view]")
    return list(dict.fromkeys(errors))


def fill_ids(blocks: list[JSON], rng: random.Random) -> None:
    """Give blocks and elements the random ids Slack assigns when the app leaves them out."""

    def new_id(taken: set[str]) -> str:
        while True:
            candidate = "".join(rng.choices(ID_ALPHABET, k=5))
            if candidate not in taken:
                return candidate

    taken = {b["block_id"] for b in blocks if isinstance(b, dict) and b.get("block_id")}
    for block in blocks:
        if isinstance(block, dict) and not block.get("block_id"):
            block["block_id"] = new_id(taken)
            taken.add(block["block_id"])
    for block, element in interactive_elements(blocks):
        if not element.get("action_id"):
            element["action_id"] = new_id({str(e.get("action_id")) for _, e in interactive_elements([block])})
