"""The one gateway to Slack's Web API: a client per workspace, people (cached), DMs and notes.

Every Web API call the product makes goes through here or through a feature's flows module using
`SlackGateway.client(team_id)`; handlers and services never call Slack themselves. Installing into
many workspaces later changes `client()` alone.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as NoAnswerYet
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.models.views import View

from bot.core import mrkdwn

log = logging.getLogger(__name__)

# People's names, locales and titles change rarely; a few minutes of staleness is invisible.
PEOPLE_CACHE_SECONDS = 300.0
PEOPLE_CACHE_MAX = 10_000
MISS_CACHE_SECONDS = 30.0
# Private memberships decide who may see a lesson: asked again after a minute, so someone who leaves
# a private channel stops finding its lessons within that.
MEMBERSHIP_CACHE_SECONDS = 60.0
MEMBERSHIP_PAGES_MAX = 20  # 20 pages of 200: more private conversations than anyone has
# A person's locale is looked up before some acks: never let that lookup cost more than this.
QUICK_TIMEOUT_SECONDS = 0.4


_DELIVERING: contextvars.ContextVar[bool] = contextvars.ContextVar("erfaring_delivering", default=False)
# While a listener has not acked: the moment (time.monotonic) its lookups must stop waiting for Slack.
_ACK_BY: contextvars.ContextVar[float | None] = contextvars.ContextVar("erfaring_ack_by", default=None)
# Less than this left before the ack: not worth asking Slack at all.
QUICK_MINIMUM_SECONDS = 0.02
# Lookups before an ack are asked here (`answered_before_ack`) and waited for only as long as the
# ack's budget has left; one that answers later is remembered all the same, for the next request.
_ASKING = ThreadPoolExecutor(max_workers=16, thread_name_prefix="slack-quick")
_T = TypeVar("_T")


@contextlib.contextmanager
def before_ack(seconds: float = QUICK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Every quick lookup until the ack shares one budget: together they wait at most `seconds` for
    Slack (the person's locale, then where a lesson was shared, would otherwise wait twice)."""
    token = _ACK_BY.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _ACK_BY.reset(token)


def acked() -> None:
    """The listener has acked: what it asks Slack from now on waits as long as it needs."""
    _ACK_BY.set(None)


def quick_budget() -> float:
    """How long a lookup made before an ack may still wait for Slack (0: do not ask)."""
    by = _ACK_BY.get()
    left = QUICK_TIMEOUT_SECONDS if by is None else min(QUICK_TIMEOUT_SECONDS, by - time.monotonic())
    return left if left >= QUICK_MINIMUM_SECONDS else 0.0


def answered_before_ack(what: str, call: Callable[..., _T], *args: Any) -> _T | None:
    """`call(*args)`, waited for no longer than what is left of the ack's budget (`quick_budget`):
    None when nothing is left (not asked) or no answer came in time. The call goes on on its pool
    then, and what it remembers serves the next request. `what` names it in the log."""
    budget = quick_budget()
    if not budget:
        log.info("%s: not asked, no time left before the ack", what)
        return None
    asked = _ASKING.submit(call, *args)
    try:
        return asked.result(timeout=budget)
    except NoAnswerYet:
        log.info("%s: no answer within what was left before the ack (%.2f s)", what, budget)
        return None


def make_client(token: str | None, base_url: str, *, max_retries: int = 3, timeout: float = 10) -> WebClient:
    # slack_sdk annotates the timeout as int; it hands it to urllib, which takes seconds as a float.
    client = WebClient(token=token, base_url=base_url, timeout=timeout)  # type: ignore[arg-type]
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


@dataclass(frozen=True)
class UserInfo:
    id: str
    is_admin: bool
    deleted: bool
    tz: str | None
    title: str
    locale: str | None  # Slack's locale for the person, e.g. "nb-NO" (users.info include_locale)
    name: str  # how the person is shown: display name, else real name, else handle


class Conversation(StrEnum):
    """What kind of conversation a channel id is, as Slack says (never guessed from the id)."""

    PUBLIC = "public"
    PRIVATE = "private"  # a private channel
    GROUP_DM = "group_dm"
    DM = "dm"
    UNKNOWN = "unknown"  # Slack would not say: Erfaring cannot see it (or Slack is down)


@dataclass(frozen=True)
class ConversationInfo:
    kind: Conversation
    members: int | None = None  # how many people are in it, when Slack says
    name: str | None = None
    error: str | None = None  # why it is UNKNOWN: Slack's error code


@dataclass(frozen=True)
class Posted:
    channel: str
    ts: str


def _user_of(user_id: str, user: dict[str, Any]) -> UserInfo:
    profile = user.get("profile") or {}
    name = (
        profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name")
    )
    return UserInfo(
        id=user_id,
        is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
        deleted=bool(user.get("deleted")),
        tz=user.get("tz"),
        title=str(profile.get("title") or ""),
        locale=str(user["locale"]) if user.get("locale") else None,
        name=str(name or user_id),
    )


class SlackGateway:
    """Clients per workspace, and the calls every feature shares (people, DMs, notes, modals)."""

    def __init__(
        self,
        client: WebClient | Callable[[str], WebClient],
        *,
        quick_client: WebClient | Callable[[str], WebClient] | None = None,
        delivery_client: WebClient | Callable[[str], WebClient] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._quick = quick_client
        self._delivery = delivery_client
        self._monotonic = monotonic
        self._people: dict[tuple[str, str], tuple[float, UserInfo | None]] = {}
        self._channels: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
        self._memberships: dict[tuple[str, str], tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    # -- clients -------------------------------------------------------------------------------------

    def client(self, team_id: str) -> WebClient:
        """The workspace's client. The one place that decides which token speaks for a workspace.

        Inside `delivering()` (the outbox's workers) it is the delivery client, which does not retry
        or sleep on 429 itself: the outbox retries, and paces the conversation instead."""
        chosen = self._delivery if _DELIVERING.get() and self._delivery is not None else self._client
        return chosen(team_id) if callable(chosen) else chosen

    @contextlib.contextmanager
    def delivering(self) -> Iterator[None]:
        token = _DELIVERING.set(True)
        try:
            yield
        finally:
            _DELIVERING.reset(token)

    def _quick_client(self, team_id: str) -> WebClient:
        quick = self._quick
        if quick is None:
            return self.client(team_id)
        return quick(team_id) if callable(quick) else quick

    # -- people ---------------------------------------------------------------------------------------

    def user_info(
        self, team_id: str, user_id: str, *, fresh: bool = False, quick: bool = False
    ) -> UserInfo | None:
        """users.info (with the locale), remembered for a few minutes; None when Slack cannot say.

        `fresh` skips the memory (admin checks); `quick` is for lookups made before an ack: it waits
        no longer than what is left of the ack's budget (`before_ack`, at most QUICK_TIMEOUT_SECONDS,
        without retries), and does not ask once that is spent."""
        key = (team_id, user_id)
        now = self._monotonic()
        if not fresh:
            with self._lock:
                cached = self._people.get(key)
            if cached is not None and now - cached[0] < PEOPLE_CACHE_SECONDS:
                return cached[1]
        if not quick:
            return self._ask_user(self.client(team_id), team_id, user_id, now)
        # Not asked when no time is left: nothing is remembered as unknown. Not answered in time: the
        # quick client's own timeout still ends the call, and its answer is kept.
        return answered_before_ack(
            "users.info", self._ask_user, self._quick_client(team_id), team_id, user_id, now
        )

    def _ask_user(self, client: WebClient, team_id: str, user_id: str, now: float) -> UserInfo | None:
        info: UserInfo | None = None
        try:
            response = client.users_info(user=user_id, include_locale=True)
            info = _user_of(user_id, response.get("user") or {})
        except SlackApiError as exc:
            log.warning("users.info failed for a user: %s", error_code(exc))
        except OSError as exc:  # a timeout or a refused connection: Slack cannot say right now
            log.warning("users.info did not answer in time: %s", type(exc).__name__)
        with self._lock:
            if len(self._people) >= PEOPLE_CACHE_MAX:
                self._people.clear()
            # Not knowing is remembered too, briefly: an outage must not cost every ack a timeout.
            remembered = now if info else now - PEOPLE_CACHE_SECONDS + MISS_CACHE_SECONDS
            self._people[(team_id, user_id)] = (remembered, info)
        return info

    def forget_people(self) -> None:
        """Drop what was remembered about people and channels (their next lookup asks Slack)."""
        with self._lock:
            self._people.clear()
            self._channels.clear()
            self._memberships.clear()

    def is_admin(self, team_id: str, user_id: str, configured: frozenset[str]) -> bool:
        """Slack workspace admins and owners (asked fresh), plus anyone named in ERFARING_ADMINS."""
        if user_id in configured:
            return True
        info = self.user_info(team_id, user_id, fresh=True)
        return bool(info and info.is_admin)

    def names(self, team_id: str, user_ids: Iterable[str], limit: int = 10) -> dict[str, str]:
        """How people are shown (for @mentions in saved text); unknown ones are left out."""
        found: dict[str, str] = {}
        for user_id in list(dict.fromkeys(user_ids))[:limit]:
            info = self.user_info(team_id, user_id)
            if info is not None:
                found[user_id] = info.name
        return found

    def readable(self, team_id: str, wire_text: str) -> str:
        """Text from a message as its author sees it: mentions as @name and #channel, entities
        decoded (bot.core.mrkdwn.from_slack), with the names looked up (cached)."""
        users = self.names(team_id, mrkdwn.mentioned_users(wire_text))
        channels = self.channel_names(team_id, mrkdwn.mentioned_channels(wire_text))
        return mrkdwn.from_slack(wire_text, users, channels)

    def channel_info(self, team_id: str, channel_id: str, *, fresh: bool = False) -> dict[str, Any] | None:
        """conversations.info's channel, remembered for a few minutes; None when Slack cannot say."""
        return self._channel(team_id, channel_id, fresh)[0]

    def _channel(
        self, team_id: str, channel_id: str, fresh: bool, *, cached_only: bool = False
    ) -> tuple[dict[str, Any] | None, str | None]:
        """(the channel, None), or (None, Slack's error code); with `cached_only`, (None, None) when
        nothing is remembered (Slack is not asked)."""
        key = (team_id, channel_id)
        now = self._monotonic()
        if not fresh:
            with self._lock:
                cached = self._channels.get(key)
            if cached is not None and now - cached[0] < PEOPLE_CACHE_SECONDS:
                return cached[1], None
        if cached_only:
            return None, None
        try:
            channel = self.client(team_id).conversations_info(channel=channel_id).get("channel") or {}
        except SlackApiError as exc:
            log.info("conversations.info failed for a channel: %s", error_code(exc))
            return None, error_code(exc)
        with self._lock:
            if len(self._channels) >= PEOPLE_CACHE_MAX:
                self._channels.clear()
            self._channels[key] = (now, dict(channel))
        return dict(channel), None

    def conversation(
        self, team_id: str, channel_id: str, *, fresh: bool = False, cached_only: bool = False
    ) -> ConversationInfo:
        """Public channel, private channel, group DM or DM, as conversations.info says; UNKNOWN (with
        Slack's error code) when Slack will not say: a conversation the app cannot see, or an outage.
        With `cached_only`, only what is remembered: UNKNOWN with error "not_cached" otherwise."""
        channel, error = self._channel(team_id, channel_id, fresh, cached_only=cached_only)
        if not channel:
            missing = "not_cached" if cached_only else "unknown_error"
            return ConversationInfo(Conversation.UNKNOWN, error=error or missing)
        members = channel.get("num_members")
        count = int(members) if isinstance(members, int) else None
        name = str(channel["name"]) if channel.get("name") else None
        if channel.get("is_im"):
            return ConversationInfo(Conversation.DM, 2, name)
        if channel.get("is_mpim"):
            return ConversationInfo(Conversation.GROUP_DM, count, name)
        if channel.get("is_private") or channel.get("is_group"):
            return ConversationInfo(Conversation.PRIVATE, count, name)
        return ConversationInfo(Conversation.PUBLIC, count, name)

    def private_channels(self, team_id: str, user_id: str) -> frozenset[str] | None:
        """The private channels and group DMs `user_id` is in (that the app can see: users.conversations
        with the bot token), remembered for a minute; None when Slack cannot say."""
        key = (team_id, user_id)
        now = self._monotonic()
        with self._lock:
            cached = self._memberships.get(key)
        if cached is not None and now - cached[0] < MEMBERSHIP_CACHE_SECONDS:
            return cached[1]
        found: set[str] = set()
        cursor: str | None = None
        try:
            for _ in range(MEMBERSHIP_PAGES_MAX):
                response = self.client(team_id).users_conversations(
                    user=user_id,
                    types="private_channel,mpim",
                    exclude_archived=False,
                    limit=200,
                    cursor=cursor,
                )
                found.update(str(c["id"]) for c in response.get("channels") or [] if c.get("id"))
                cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    break
        except SlackApiError as exc:
            log.warning("users.conversations failed for a user: %s", error_code(exc))
            return None
        channels = frozenset(found)
        with self._lock:
            if len(self._memberships) >= PEOPLE_CACHE_MAX:
                self._memberships.clear()
            self._memberships[key] = (now, channels)
        return channels

    def channel_names(self, team_id: str, channel_ids: Iterable[str], limit: int = 10) -> dict[str, str]:
        found: dict[str, str] = {}
        for channel_id in list(dict.fromkeys(channel_ids))[:limit]:
            channel = self.channel_info(team_id, channel_id)
            if channel and channel.get("name"):
                found[channel_id] = str(channel["name"])
        return found

    # -- messages ----------------------------------------------------------------------------------------

    def dm(
        self, team_id: str, user_id: str, text: str, blocks: list[dict[str, Any]] | None = None
    ) -> Posted | None:
        """A DM from the app (chat.postMessage to the user id); where it landed, or None when it failed."""
        try:
            response = self.client(team_id).chat_postMessage(
                channel=user_id, text=text, blocks=blocks, unfurl_links=False
            )
        except SlackApiError as exc:
            log.warning("a DM could not be sent: %s", error_code(exc))
            return None
        return Posted(str(response["channel"]), str(response["ts"]))

    def tell(
        self,
        team_id: str,
        user_id: str,
        text: str,
        channel_id: str | None = None,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
    ) -> bool:
        """A note only the person sees: ephemeral in the channel when there is one, else (or when that
        fails) a DM. Failures are logged, not raised."""
        if channel_id:
            try:
                self.client(team_id).chat_postEphemeral(
                    channel=channel_id, user=user_id, text=text, blocks=blocks, thread_ts=thread_ts
                )
                return True
            except SlackApiError as exc:
                log.info(
                    "ephemeral note failed in %s (%s); sending a DM instead", channel_id, error_code(exc)
                )
        return self.dm(team_id, user_id, text, blocks) is not None

    def open_view(self, team_id: str, trigger_id: str, view: View) -> str | None:
        """Open a modal; Slack's error code when that failed (the caller tells the person), else None."""
        try:
            self.client(team_id).views_open(trigger_id=trigger_id, view=view)
        except SlackApiError as exc:
            return error_code(exc)
        return None

    def ensure_member(self, team_id: str, channel_id: str) -> bool:
        """Join a public channel the app is not in yet (conversations.join), so that it can read back
        what it posted there: how a retry after a crash sees its post went out. True when the app is
        a member (or the conversation is not a public channel: nothing to join)."""
        channel = self.channel_info(team_id, channel_id)
        if not channel or channel.get("is_member") or channel.get("is_private") or channel.get("is_im"):
            return bool(channel)
        if channel.get("is_mpim"):
            return True
        try:
            self.client(team_id).conversations_join(channel=channel_id)
        except SlackApiError as exc:
            log.info("could not join %s (%s)", channel_id, error_code(exc))
            return False
        with self._lock:
            self._channels[(team_id, channel_id)] = (self._monotonic(), {**channel, "is_member": True})
        return True

    def posted_with(
        self, team_id: str, channel_id: str, event_type: str, key: object, oldest: float
    ) -> str | None:
        """The ts of the app's message in `channel_id` carrying metadata `event_type` with
        `event_payload.key == key`, posted since `oldest` (epoch seconds): how a retry after a crash
        sees that its post went out. None when there is none, or the history cannot be read."""
        try:
            response = self.client(team_id).conversations_history(
                channel=channel_id, oldest=f"{oldest:.6f}", limit=200, include_all_metadata=True
            )
        except SlackApiError as exc:
            log.info("cannot read %s's history for an earlier post (%s)", channel_id, error_code(exc))
            return None
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == event_type and payload.get("key") == key:
                return str(message.get("ts"))
        return None

    def permalink(self, team_id: str, channel_id: str, ts: str) -> str | None:
        try:
            link = self.client(team_id).chat_getPermalink(channel=channel_id, message_ts=ts).get("permalink")
        except SlackApiError as exc:
            log.info("no permalink for a message: %s", error_code(exc))
            return None
        return str(link) if link else None

    def react(self, team_id: str, channel_id: str, ts: str, name: str) -> bool:
        try:
            self.client(team_id).reactions_add(channel=channel_id, timestamp=ts, name=name)
        except SlackApiError as exc:
            if error_code(exc) != "already_reacted":
                log.warning("could not add a reaction: %s", error_code(exc))
                return False
        return True
