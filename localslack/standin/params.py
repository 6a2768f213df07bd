"""Reading Web API arguments as Slack does: booleans sent as strings, and cursor pagination."""

from __future__ import annotations

import base64
from typing import Any, TypeVar

from localslack.standin.state import JSON, SlackError

T = TypeVar("T")
MAX_PAGE = 1000


def truthy(value: object) -> bool:
    """A form field or JSON value as a boolean ("true", "1", true)."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def optional_str(args: JSON, key: str) -> str | None:
    value = args.get(key)
    return str(value) if value else None


def paginate(items: list[T], args: JSON, default_limit: int = 100) -> tuple[list[T], str]:
    """One page of ``items`` and the next cursor ("" on the last page), as Slack paginates:
    ``limit`` (1 to 1000) and ``cursor`` from the previous page's ``response_metadata.next_cursor``."""
    try:
        limit = max(1, min(int(args.get("limit") or default_limit), MAX_PAGE))
        cursor = str(args.get("cursor") or "")
        offset = int(base64.b64decode(cursor).decode().removeprefix("next:")) if cursor else 0
    except ValueError:
        raise SlackError("invalid_cursor") from None
    page = items[offset : offset + limit]
    more = offset + limit < len(items)
    return page, base64.b64encode(f"next:{offset + limit}".encode()).decode() if more else ""


def page_answer(key: str, items: list[Any], cursor: str) -> JSON:
    return {key: items, "response_metadata": {"next_cursor": cursor}}
