"""The Web API client: Slack's base URL (or a stand-in's), with retries for 429 and 5xx."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.models.views import View

log = logging.getLogger(__name__)


def make_client(token: str | None, base_url: str, *, max_retries: int = 3) -> WebClient:
    client = WebClient(token=token, base_url=base_url, timeout=10)
    # RateLimitErrorRetryHandler waits for Retry-After; only the connection handler is on by default.
    client.retry_handlers = [
        ConnectionErrorRetryHandler(max_retry_count=max_retries),
        RateLimitErrorRetryHandler(max_retry_count=max_retries),
        ServerErrorRetryHandler(max_retry_count=max_retries),
    ]
    return client


def error_code(exc: Exception) -> str:
    """Slack's error code for a failed call ('channel_not_found', ...), or a generic one."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or "unknown_error")
    return type(exc).__name__


def open_view(client: WebClient, trigger_id: str, view: View) -> str | None:
    """Open a modal; Slack's error code when that failed (the caller tells the person), else None."""
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        return error_code(exc)
    return None


@dataclass(frozen=True)
class UserInfo:
    id: str
    is_admin: bool
    deleted: bool
    tz: str | None
    title: str


def user_info(client: WebClient, user_id: str) -> UserInfo | None:
    try:
        response = client.users_info(user=user_id)
    except SlackApiError as exc:
        log.warning("users.info failed for a user: %s", error_code(exc))
        return None
    user = response.get("user") or {}
    profile = user.get("profile") or {}
    return UserInfo(
        id=user_id,
        is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
        deleted=bool(user.get("deleted")),
        tz=user.get("tz"),
        title=str(profile.get("title") or ""),
    )


def is_admin(client: WebClient, user_id: str, configured: frozenset[str]) -> bool:
    """Slack workspace admins and owners, plus anyone named in ERFARING_ADMINS."""
    if user_id in configured:
        return True
    info = user_info(client, user_id)
    return bool(info and info.is_admin)
