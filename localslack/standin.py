"""A local stand-in for Slack's Web API: a real HTTP server that holds a small workspace.

The app's own ``slack_sdk.WebClient`` talks to it through ``base_url``, so the test suite and the
terminal console exercise the same HTTP, JSON, retry and error paths as production. It answers the
way Slack does (HTTP 200 with ``ok`` true/false, Slack's field names and error codes), validates every
Block Kit payload it receives and records every request.

State changes that a person makes in the Slack client (typing a message, reacting) are methods
named ``user_*``; the caller then sends the matching event to the app (see ``localslack.driver``).
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import random
import string
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

JSON = dict[str, Any]
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
VIEW_STACK_MAX = 3
TRIGGER_TTL = 3.0
RESPONSE_URL_USES = 5
RESPONSE_URL_TTL = 30 * 60.0
MAX_MPIM_USERS = 8

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
_ID_ALPHABET = string.ascii_letters + string.digits
_SDK_ERRORS = (SlackObjectFormationError, TypeError, ValueError, AttributeError, KeyError)


# ----------------------------------------------------------------------------------------------
# Workspace state


@dataclass
class User:
    id: str
    name: str
    real_name: str = ""
    is_admin: bool = False
    is_owner: bool = False
    deleted: bool = False
    tz: str = "Europe/Oslo"
    title: str = ""
    is_primary_owner: bool = False
    is_bot: bool = False


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_archived: bool = False
    is_im: bool = False
    is_mpim: bool = False
    members: set[str] = field(default_factory=set)
    created: int = 0
    user: str | None = None  # the person in an IM with the bot


@dataclass
class Message:
    channel: str
    ts: str
    user: str  # the bot user id for the app's own messages
    text: str
    blocks: list[JSON] = field(default_factory=list)
    thread_ts: str | None = None  # set on replies, and on a parent once it has replies
    reactions: dict[str, list[str]] = field(default_factory=dict)
    edited: bool = False
    bot_id: str | None = None
    subtype: str | None = None
    metadata: JSON | None = None
    attachments: list[JSON] = field(default_factory=list)
    edited_ts: str | None = None

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts


@dataclass
class Ephemeral:
    channel: str
    user: str
    text: str
    blocks: list[JSON]
    ts: str
    thread_ts: str | None = None
    source: str = "chat.postEphemeral"  # or "response_url", "command"


@dataclass
class OpenView:
    id: str
    user: str
    view: JSON  # the full view object as Slack returns it (id, hash, state, ...)
    root_view_id: str
    previous_view_id: str | None
    hash: str

    @property
    def type(self) -> str:
        return str(self.view.get("type"))

    @property
    def callback_id(self) -> str:
        return str(self.view.get("callback_id") or "")

    @property
    def private_metadata(self) -> str:
        return str(self.view.get("private_metadata") or "")

    @property
    def blocks(self) -> list[JSON]:
        blocks: list[JSON] = self.view.get("blocks") or []
        return blocks


@dataclass
class Call:
    method: str
    args: JSON
    response: JSON
    status: int
    at: float


@dataclass
class InvalidPayload:
    method: str
    error: str
    errors: list[str]
    payload: JSON
    at: float


@dataclass
class _Fault:
    kind: Literal["fail", "delay"]
    error: str = "ratelimited"
    status: int = 429
    retry_after: int | None = None
    seconds: float = 0.0


@dataclass
class _Trigger:
    user: str
    issued_at: float
    used: bool = False


@dataclass
class _ResponseUrl:
    channel: str
    user: str
    source_ts: str | None
    issued_at: float
    uses: int = 0


class SlackError(Exception):
    """An error answer from Slack: ``{"ok": false, "error": error, **extra}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra

    def to_json(self) -> JSON:
        return {"ok": False, "error": self.error, **self.extra}


# ----------------------------------------------------------------------------------------------
# Block Kit validation: slack_sdk's models plus the limits they do not check


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


# ----------------------------------------------------------------------------------------------
# The stand-in


class SlackStandIn:
    """A Slack workspace with one app installed, served over HTTP on 127.0.0.1."""

    def __init__(
        self,
        team_id: str = "T0LOCAL",
        team_name: str = "Local",
        bot_user_id: str = "UBOT",
        bot_token: str = "xoxb-local",
        clock: Callable[[], float] = time.time,
        *,
        bot_name: str = "app",
        bot_id: str | None = None,
        app_id: str = "A0LOCAL",
    ) -> None:
        self.team_id = team_id
        self.team_name = team_name
        self.team_domain = "".join(c for c in team_name.lower() if c.isalnum() or c == "-") or "local"
        self.bot_user_id = bot_user_id
        self.bot_token = bot_token
        self.bot_id = bot_id or "B" + bot_user_id.lstrip("UW")
        self.app_id = app_id
        self._clock = clock
        self._lock = threading.RLock()
        self._rng = random.Random(team_id)  # seeded: generated ids repeat from run to run
        self._counter = itertools.count(0x100)
        self._last_ts = 0

        self._users: dict[str, User] = {}
        self._channels: dict[str, Channel] = {}
        self._messages: dict[str, list[Message]] = {}
        self._ephemerals: list[Ephemeral] = []
        self._ims: dict[frozenset[str], str] = {}
        self._stacks: dict[str, list[OpenView]] = {}
        self._homes: dict[str, OpenView] = {}
        self._triggers: dict[str, _Trigger] = {}
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._faults: dict[str, deque[_Fault]] = {}

        self.calls: list[Call] = []
        self.invalid_payloads: list[InvalidPayload] = []

        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._methods: dict[str, Callable[[JSON], JSON]] = {
            "api.test": self._api_test,
            "auth.test": self._auth_test,
            "team.info": self._team_info,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "conversations.info": self._conversations_info,
            "conversations.join": self._conversations_join,
            "conversations.open": self._conversations_open,
            "conversations.list": self._conversations_list,
            "conversations.members": self._conversations_members,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "reactions.add": self._reactions_add,
            "reactions.remove": self._reactions_remove,
            "reactions.get": self._reactions_get,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.push": self._views_push,
            "views.publish": self._views_publish,
        }
        self._users[bot_user_id] = User(id=bot_user_id, name=bot_name, real_name=bot_name, is_bot=True)

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> SlackStandIn:
        if self._server is not None:
            raise RuntimeError("the stand-in is already running")
        self._server = _Server(self)
        self._thread = threading.Thread(
            # stop() waits up to one poll interval: keep it short so tests tear down fast.
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("start() the stand-in first")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    # -- building the workspace -----------------------------------------------------------------

    def add_user(
        self,
        name: str,
        real_name: str = "",
        *,
        id: str | None = None,
        is_admin: bool = False,
        is_owner: bool = False,
        is_primary_owner: bool = False,
        deleted: bool = False,
        tz: str = "Europe/Oslo",
        title: str = "",
    ) -> User:
        ZoneInfo(tz)  # fail here, not later inside users.info
        with self._lock:
            user = User(
                id=id or self._new_id("U"),
                name=name,
                real_name=real_name or name,
                is_admin=is_admin,
                is_owner=is_owner or is_primary_owner,
                is_primary_owner=is_primary_owner,
                deleted=deleted,
                tz=tz,
                title=title,
            )
            self._users[user.id] = user
            return user

    def add_channel(
        self,
        name: str,
        *,
        id: str | None = None,
        is_private: bool = False,
        is_archived: bool = False,
        members: Iterable[str] = (),
    ) -> Channel:
        """A public or private channel; put ``bot_user_id`` in ``members`` to have the app in it."""
        with self._lock:
            member_ids = set(members)
            unknown = member_ids - set(self._users)
            if unknown:
                raise ValueError(f"unknown members {sorted(unknown)}: add_user() them first")
            channel = Channel(
                id=id or self._new_id("G" if is_private else "C"),
                name=name.lstrip("#"),
                is_private=is_private,
                is_archived=is_archived,
                members=member_ids,
                created=int(self._clock()),
            )
            self._channels[channel.id] = channel
            self._messages[channel.id] = []
            return channel

    def add_member(self, channel: str, user: str) -> None:
        with self._lock:
            self.channel(channel).members.add(self.user(user).id)

    # -- reading state ---------------------------------------------------------------------------

    def user(self, user_id: str) -> User:
        with self._lock:
            try:
                return self._users[user_id]
            except KeyError:
                raise KeyError(f"no user {user_id!r} in the stand-in") from None

    def users(self) -> list[User]:
        with self._lock:
            return list(self._users.values())

    def channel(self, ref: str) -> Channel:
        """A channel by id, '#name' or name; a user id gives that user's DM with the app."""
        with self._lock:
            channel = self._find_channel(ref)
            if channel is None:
                raise KeyError(f"no channel {ref!r} in the stand-in")
            return channel

    def channel_by_name(self, name: str) -> Channel:
        with self._lock:
            for channel in self._channels.values():
                if channel.name == name.lstrip("#") and not channel.is_im:
                    return channel
            raise KeyError(f"no channel named {name!r} in the stand-in")

    def channels(self) -> list[Channel]:
        with self._lock:
            return list(self._channels.values())

    def messages(self, channel: str, thread_ts: str | None = None) -> list[Message]:
        """Top-level messages, oldest first; with ``thread_ts``, the parent and its replies."""
        with self._lock:
            channel_id = self.channel(channel).id
            if thread_ts is None:
                return [m for m in self._messages[channel_id] if self._is_top_level(m)]
            return self._thread_messages(channel_id, thread_ts)

    def message(self, channel: str, ts: str) -> Message | None:
        with self._lock:
            found = self._find_channel(channel)
            return None if found is None else self._find_message(found.id, ts)

    def ephemerals(self, user: str | None = None, channel: str | None = None) -> list[Ephemeral]:
        with self._lock:
            channel_id = None if channel is None else self.channel(channel).id
            return [
                e
                for e in self._ephemerals
                if (user is None or e.user == user) and (channel_id is None or e.channel == channel_id)
            ]

    def ephemeral(self, ts: str) -> Ephemeral | None:
        with self._lock:
            return next((e for e in self._ephemerals if e.ts == ts), None)

    def views_for(self, user: str) -> list[OpenView]:
        """The user's open modals, the root first."""
        with self._lock:
            return list(self._stacks.get(user, []))

    def home_view(self, user: str) -> OpenView | None:
        with self._lock:
            return self._homes.get(user)

    def view(self, view_id: str) -> OpenView | None:
        """An open modal or a published home view by id."""
        with self._lock:
            return self._find_view(view_id)

    def im_channel(self, user: str) -> str:
        """The id of the user's DM with the app, created on first use."""
        with self._lock:
            return self._open_conversation([self.user(user).id])[0].id

    def message_dict(self, message: Message) -> JSON:
        """The message as the Web API and interaction payloads show it."""
        with self._lock:
            return self._message_json(message)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def reset_calls(self) -> None:
        with self._lock:
            self.calls.clear()

    # -- tokens that Slack hands to the app in payloads -----------------------------------------------

    def new_trigger_id(self, user: str) -> str:
        with self._lock:
            self.user(user)
            now = self._clock()
            trigger_id = f"{next(self._counter)}.{int(now)}.{self._rng.getrandbits(128):032x}"
            self._triggers[trigger_id] = _Trigger(user=user, issued_at=now)
            return trigger_id

    def new_response_url(self, channel: str, user: str, *, source_ts: str | None = None) -> str:
        """A response_url for ``user`` in ``channel``; ``source_ts`` is the message it may replace."""
        with self._lock:
            url_id = f"{self.team_id}/{next(self._counter)}/{self._rng.getrandbits(96):024x}"
            self._response_urls[url_id] = _ResponseUrl(
                channel=self.channel(channel).id, user=user, source_ts=source_ts, issued_at=self._clock()
            )
            return f"{self.base_url}/response/{url_id}"

    # -- what a person does in the Slack client ------------------------------------------------------

    def user_post_message(self, user: str, channel: str, text: str, thread_ts: str | None = None) -> Message:
        with self._lock:
            person = self.user(user)
            target = self.channel(channel)
            if person.deleted:
                raise ValueError(f"{user} is deactivated and cannot post")
            if target.is_archived:
                raise ValueError(f"#{target.name} is archived")
            if user not in target.members:
                raise ValueError(f"{user} is not a member of {target.id}: add_member() first")
            return self._store_message(
                Message(channel=target.id, ts=self._next_ts(), user=user, text=text), thread_ts
            )

    def user_add_reaction(self, user: str, channel: str, ts: str, name: str) -> Message:
        with self._lock:
            message = self._require_person_message(user, channel, ts)
            reacted = message.reactions.setdefault(name.strip(":"), [])
            if user in reacted:
                raise ValueError(f"{user} already reacted with :{name}:")
            reacted.append(user)
            return message

    def user_remove_reaction(self, user: str, channel: str, ts: str, name: str) -> Message:
        with self._lock:
            message = self._require_person_message(user, channel, ts)
            reacted = message.reactions.get(name.strip(":"), [])
            if user not in reacted:
                raise ValueError(f"{user} has no :{name}: reaction there")
            reacted.remove(user)
            if not reacted:
                del message.reactions[name.strip(":")]
            return message

    # -- what Slack does with the app's interaction responses (used by the driver) -------------------

    def close_view(self, user: str, view_id: str) -> list[OpenView]:
        """Close one modal and any pushed on top of it; returns the closed views."""
        with self._lock:
            stack = self._stacks.get(user, [])
            index = next((i for i, v in enumerate(stack) if v.id == view_id), None)
            if index is None:
                raise ValueError(f"view {view_id} is not open for {user}")
            closed = stack[index:]
            del stack[index:]
            return closed

    def clear_views(self, user: str) -> list[OpenView]:
        with self._lock:
            return self._stacks.pop(user, [])

    def update_view(self, view_id: str, view: JSON, *, source: str = "response_action") -> OpenView:
        """Replace an open view's content, as response_action "update" does. Raises SlackError."""
        with self._lock:
            existing = self._find_view(view_id)
            if existing is None:
                raise SlackError("not_found")
            return self._replace_view(existing, view, source)

    def push_view(self, user: str, view: JSON, *, source: str = "response_action") -> OpenView:
        """Push a modal onto the user's stack, as response_action "push" does. Raises SlackError."""
        with self._lock:
            return self._push_view(user, view, source)

    def deliver_response(
        self, channel: str, user: str, payload: JSON, *, source_ts: str | None = None, source: str = "command"
    ) -> Message | Ephemeral | None:
        """Show a response_url / command-ack payload the way Slack does. Raises SlackError."""
        with self._lock:
            return self._deliver(self.channel(channel).id, user, payload, source_ts, source)

    def record_invalid(self, method: str, error: str, errors: list[str], payload: JSON) -> None:
        with self._lock:
            self.invalid_payloads.append(
                InvalidPayload(method, error, list(errors), copy.deepcopy(payload), self._clock())
            )

    # -- fault injection ----------------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        error: str = "ratelimited",
        status: int = 429,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with ``error``; "response_url" covers those posts.

        429 always carries Retry-After (1 s unless given), as Slack's does.
        """
        with self._lock:
            queue = self._faults.setdefault(method, deque())
            queue.extend(
                _Fault("fail", error=error, status=status, retry_after=retry_after) for _ in range(times)
            )

    def delay(self, method: str, seconds: float, times: int = 1) -> None:
        """Sleep before answering the next ``times`` calls of ``method``, like a slow Slack."""
        with self._lock:
            queue = self._faults.setdefault(method, deque())
            queue.extend(_Fault("delay", seconds=seconds) for _ in range(times))

    # ================================================================================================
    # HTTP

    def _handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, JSON, dict[str, str]]:
        parts = urlsplit(path)
        if parts.path.startswith("/api/"):
            return self._handle_api(parts.path[len("/api/") :], parts.query, headers, body)
        if parts.path.startswith("/response/"):
            return self._handle_response_url(parts.path[len("/response/") :], body)
        return 404, {"ok": False, "error": "not_found"}, {}

    def _take_fault(self, method: str) -> _Fault | None:
        with self._lock:
            queue = self._faults.get(method)
            return queue.popleft() if queue else None

    def _fault_answer(self, fault: _Fault) -> tuple[int, JSON, dict[str, str]]:
        headers: dict[str, str] = {}
        if fault.status == 429 or fault.retry_after is not None:
            headers["Retry-After"] = str(1 if fault.retry_after is None else fault.retry_after)
        return fault.status, {"ok": False, "error": fault.error}, headers

    def _handle_api(
        self, method: str, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, JSON, dict[str, str]]:
        fault = self._take_fault(method)
        if fault is not None and fault.kind == "delay":
            time.sleep(fault.seconds)  # outside the lock: other requests go on meanwhile
            fault = None
        with self._lock:
            args: JSON = {}
            answer: JSON = {}
            extra_headers: dict[str, str] = {}
            status = 200
            try:
                args, token = _parse_args(query, headers, body)
                if fault is not None:
                    status, answer, extra_headers = self._fault_answer(fault)
                else:
                    if not token:
                        raise SlackError("not_authed")
                    if token != self.bot_token:
                        raise SlackError("invalid_auth")
                    handler = self._methods.get(method)
                    if handler is None:
                        raise SlackError("unknown_method")
                    answer = {"ok": True, **handler(args)}
            except SlackError as exc:
                answer = exc.to_json()
            self.calls.append(Call(method, args, copy.deepcopy(answer), status, self._clock()))
            return status, answer, extra_headers

    def _handle_response_url(self, url_id: str, body: bytes) -> tuple[int, JSON, dict[str, str]]:
        fault = self._take_fault("response_url")
        if fault is not None and fault.kind == "delay":
            time.sleep(fault.seconds)
            fault = None
        with self._lock:
            payload: JSON = {}
            answer: JSON = {}
            extra_headers: dict[str, str] = {}
            status = 200
            try:
                try:
                    loaded = json.loads(body or b"{}")
                except ValueError:
                    raise SlackError("invalid_payload") from None
                payload = loaded if isinstance(loaded, dict) else {}
                if fault is not None:
                    status, answer, extra_headers = self._fault_answer(fault)
                else:
                    record = self._response_urls.get(url_id)
                    if record is None:
                        status, answer = 404, {"ok": False, "error": "invalid_url"}
                    elif self._clock() - record.issued_at > RESPONSE_URL_TTL:
                        status, answer = 404, {"ok": False, "error": "expired_url"}
                    elif record.uses >= RESPONSE_URL_USES:
                        status, answer = 404, {"ok": False, "error": "used_url"}
                    else:
                        record.uses += 1
                        self._deliver(record.channel, record.user, payload, record.source_ts, "response_url")
                        answer = {"ok": True}
            except SlackError as exc:
                status, answer = 400, exc.to_json()
            args = {**payload, "response_url": f"/response/{url_id}"}
            self.calls.append(Call("response_url", args, copy.deepcopy(answer), status, self._clock()))
            return status, answer, extra_headers

    # ================================================================================================
    # Web API methods: each takes the parsed args and returns the fields beside "ok": true

    def _api_test(self, args: JSON) -> JSON:
        return {"args": args}

    def _auth_test(self, args: JSON) -> JSON:
        return {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_name,
            "user": self._users[self.bot_user_id].name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _team_info(self, args: JSON) -> JSON:
        return {
            "team": {
                "id": self.team_id,
                "name": self.team_name,
                "domain": self.team_domain,
                "email_domain": "",
                "icon": {"image_default": True},
            }
        }

    def _users_info(self, args: JSON) -> JSON:
        return {"user": self._user_json(self._require_user(args.get("user")))}

    def _users_list(self, args: JSON) -> JSON:
        page, cursor = _paginate(list(self._users.values()), args)
        return {
            "members": [self._user_json(u) for u in page],
            "cache_ts": int(self._clock()),
            "response_metadata": {"next_cursor": cursor},
        }

    def _conversations_info(self, args: JSON) -> JSON:
        channel = self._visible_channel(args.get("channel"))
        return {"channel": self._channel_json(channel, with_count=_truthy(args.get("include_num_members")))}

    def _conversations_join(self, args: JSON) -> JSON:
        channel = self._visible_channel(args.get("channel"))
        if channel.is_private or channel.is_im or channel.is_mpim:
            raise SlackError("method_not_supported_for_channel_type")
        if channel.is_archived:
            raise SlackError("is_archived")
        answer: JSON = {}
        if self.bot_user_id in channel.members:
            answer = {
                "warning": "already_in_channel",
                "response_metadata": {"warnings": ["already_in_channel"]},
            }
        channel.members.add(self.bot_user_id)
        return {"channel": self._channel_json(channel), **answer}

    def _conversations_open(self, args: JSON) -> JSON:
        if args.get("channel"):
            channel = self._visible_channel(args.get("channel"))
            return {"channel": self._channel_json(channel), "no_op": True, "already_open": True}
        users = args.get("users")
        ids = users if isinstance(users, list) else [u.strip() for u in str(users or "").split(",")]
        ids = [u for u in dict.fromkeys(ids) if u and u != self.bot_user_id]
        if not ids:
            raise SlackError("cannot_dm_bot" if users else "users_list_not_supplied")
        if len(ids) > MAX_MPIM_USERS:
            raise SlackError("too_many_users")
        for user_id in ids:
            if self._require_user(user_id).deleted:
                raise SlackError("user_disabled")
        channel, existed = self._open_conversation(ids)
        shown = self._channel_json(channel) if _truthy(args.get("return_im")) else {"id": channel.id}
        extra = {"no_op": True, "already_open": True} if existed else {}
        return {"channel": shown, **extra}

    def _conversations_list(self, args: JSON) -> JSON:
        types = {t.strip() for t in str(args.get("types") or "public_channel").split(",")}
        exclude_archived = _truthy(args.get("exclude_archived"))
        found = []
        for channel in self._channels.values():
            kind = _conversation_type(channel)
            if kind not in types or (exclude_archived and channel.is_archived):
                continue
            if kind != "public_channel" and self.bot_user_id not in channel.members:
                continue
            found.append(channel)
        page, cursor = _paginate(found, args)
        return {
            "channels": [self._channel_json(c) for c in page],
            "response_metadata": {"next_cursor": cursor},
        }

    def _conversations_members(self, args: JSON) -> JSON:
        channel = self._visible_channel(args.get("channel"))
        page, cursor = _paginate(sorted(channel.members), args)
        return {"members": page, "response_metadata": {"next_cursor": cursor}}

    def _conversations_history(self, args: JSON) -> JSON:
        channel = self._readable_channel(args.get("channel"))
        latest = _ts_key(args.get("latest")) if args.get("latest") else None
        oldest = _ts_key(args.get("oldest")) if args.get("oldest") else None
        inclusive = _truthy(args.get("inclusive"))

        def in_range(message: Message) -> bool:
            key = _ts_key(message.ts)
            if latest is not None and (key > latest or (key == latest and not inclusive)):
                return False
            return oldest is None or key > oldest or (key == oldest and inclusive)

        found = [m for m in reversed(self._messages[channel.id]) if self._is_top_level(m) and in_range(m)]
        page, cursor = _paginate(found, args)
        return {
            "messages": [self._message_json(m) for m in page],
            "has_more": bool(cursor),
            "pin_count": 0,
            "response_metadata": {"next_cursor": cursor},
        }

    def _conversations_replies(self, args: JSON) -> JSON:
        channel = self._readable_channel(args.get("channel"))
        thread = self._thread_messages(channel.id, str(args.get("ts") or ""))
        if not thread:
            raise SlackError("thread_not_found")
        page, cursor = _paginate(thread, args)
        return {
            "messages": [self._message_json(m) for m in page],
            "has_more": bool(cursor),
            "response_metadata": {"next_cursor": cursor},
        }

    def _chat_post_message(self, args: JSON) -> JSON:
        channel = self._postable_channel(args.get("channel"))
        text, blocks, attachments = self._content("chat.postMessage", args)
        message = Message(
            channel=channel.id,
            ts=self._next_ts(),
            user=self.bot_user_id,
            text=text,
            blocks=blocks or [],
            attachments=attachments or [],
            bot_id=self.bot_id,
            metadata=args.get("metadata") if isinstance(args.get("metadata"), dict) else None,
        )
        thread_ts = str(args["thread_ts"]) if args.get("thread_ts") else None
        if thread_ts and _truthy(args.get("reply_broadcast")):
            message.subtype = "thread_broadcast"
        self._store_message(message, thread_ts)
        return {"channel": channel.id, "ts": message.ts, "message": self._message_json(message)}

    def _chat_post_ephemeral(self, args: JSON) -> JSON:
        channel = self._postable_channel(args.get("channel"), allow_user_id=False)
        user = self._require_user(args.get("user"))
        if user.id not in channel.members:
            raise SlackError("user_not_in_channel")
        text, blocks, _ = self._content("chat.postEphemeral", args)
        thread_ts = str(args["thread_ts"]) if args.get("thread_ts") else None
        ephemeral = Ephemeral(channel.id, user.id, text, blocks or [], self._next_ts(), thread_ts)
        self._ephemerals.append(ephemeral)
        return {"message_ts": ephemeral.ts}

    def _chat_update(self, args: JSON) -> JSON:
        channel = self._visible_channel(args.get("channel"))
        message = self._require_message(channel.id, args.get("ts"))
        if message.user != self.bot_user_id:
            raise SlackError("cant_update_message")
        if channel.is_archived:
            raise SlackError("is_archived")
        given = {k for k in ("text", "blocks", "attachments") if args.get(k) is not None}
        if not given:
            raise SlackError("no_text")
        # chat.update keeps fields that are left out; an empty list removes blocks.
        if "blocks" in given:
            self._check_blocks("chat.update", args)
            message.blocks = copy.deepcopy(args["blocks"])
            _fill_ids(message.blocks, self._rng)
        if "text" in given:
            message.text = str(args["text"])[:MESSAGE_TEXT_MAX]
        if "attachments" in given:
            message.attachments = list(args["attachments"])
        if not message.text and not message.blocks and not message.attachments:
            raise SlackError("no_text")
        message.edited, message.edited_ts = True, self._next_ts()
        return {
            "channel": channel.id,
            "ts": message.ts,
            "text": message.text,
            "message": self._message_json(message),
        }

    def _chat_delete(self, args: JSON) -> JSON:
        channel = self._visible_channel(args.get("channel"))
        message = self._require_message(channel.id, args.get("ts"))
        if message.user != self.bot_user_id:
            raise SlackError("cant_delete_message")
        self._messages[channel.id].remove(message)
        return {"channel": channel.id, "ts": message.ts}

    def _chat_get_permalink(self, args: JSON) -> JSON:
        channel = self._visible_channel(args.get("channel"))
        message = self._require_message(channel.id, args.get("message_ts"))
        link = f"https://{self.team_domain}.slack.com/archives/{channel.id}/p{message.ts.replace('.', '')}"
        if message.is_reply:
            link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
        return {"channel": channel.id, "permalink": link}

    def _reactions_add(self, args: JSON) -> JSON:
        message, name = self._reaction_target(args)
        users = message.reactions.setdefault(name, [])
        if self.bot_user_id in users:
            raise SlackError("already_reacted")
        users.append(self.bot_user_id)
        return {}

    def _reactions_remove(self, args: JSON) -> JSON:
        message, name = self._reaction_target(args)
        users = message.reactions.get(name, [])
        if self.bot_user_id not in users:
            raise SlackError("no_reaction")
        users.remove(self.bot_user_id)
        if not users:
            del message.reactions[name]
        return {}

    def _reactions_get(self, args: JSON) -> JSON:
        channel = self._readable_channel(args.get("channel"))
        message = self._require_message(channel.id, args.get("timestamp"))
        return {"type": "message", "channel": channel.id, "message": self._message_json(message)}

    def _views_open(self, args: JSON) -> JSON:
        trigger = self._check_trigger(args.get("trigger_id"))
        view = self._checked_view("views.open", args.get("view"), ("modal",))
        trigger.used = True
        view_id = self._new_id("V")
        # A modal opened from a fresh trigger starts a new stack.
        opened = self._stored_view(view_id, trigger.user, view, root=view_id, previous=None)
        self._stacks[trigger.user] = [opened]
        return {"view": copy.deepcopy(opened.view)}

    def _views_push(self, args: JSON) -> JSON:
        trigger = self._check_trigger(args.get("trigger_id"))
        pushed = self._push_view(trigger.user, args.get("view"), "views.push")
        trigger.used = True
        return {"view": copy.deepcopy(pushed.view)}

    def _views_update(self, args: JSON) -> JSON:
        existing = None
        if args.get("view_id"):
            existing = self._find_view(str(args["view_id"]))
        elif args.get("external_id"):
            existing = self._find_view_by_external_id(str(args["external_id"]))
        else:
            raise SlackError("invalid_arguments", response_metadata={"messages": ["view_id or external_id"]})
        if existing is None:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != existing.hash:
            raise SlackError("hash_conflict")
        updated = self._replace_view(existing, args.get("view"), "views.update")
        return {"view": copy.deepcopy(updated.view)}

    def _views_publish(self, args: JSON) -> JSON:
        user = self._require_user(args.get("user_id"))
        view = self._checked_view("views.publish", args.get("view"), ("home",))
        existing = self._homes.get(user.id)
        if existing is not None and args.get("hash") and args["hash"] != existing.hash:
            raise SlackError("hash_conflict")
        view_id = existing.id if existing is not None else self._new_id("V")
        published = self._stored_view(view_id, user.id, view, root=view_id, previous=None)
        self._homes[user.id] = published
        return {"view": copy.deepcopy(published.view)}

    # ================================================================================================
    # helpers (called with the lock held)

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._counter):08X}"

    def _next_ts(self) -> str:
        # Slack's ts: seconds.microseconds from the clock, strictly increasing within a workspace.
        micros = max(int(self._clock() * 1_000_000), self._last_ts + 1)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _find_channel(self, ref: str | None) -> Channel | None:
        if not ref:
            return None
        if ref in self._channels:
            return self._channels[ref]
        if ref in self._users and not self._users[ref].is_bot:
            return self._open_conversation([ref])[0]
        name = ref.lstrip("#")
        return next((c for c in self._channels.values() if c.name == name and not c.is_im), None)

    def _open_conversation(self, user_ids: list[str]) -> tuple[Channel, bool]:
        key = frozenset(user_ids)
        if key in self._ims:
            return self._channels[self._ims[key]], True
        if len(user_ids) == 1:
            channel = Channel(
                id=self._new_id("D"),
                name=user_ids[0],
                is_im=True,
                members={user_ids[0], self.bot_user_id},
                created=int(self._clock()),
                user=user_ids[0],
            )
        else:
            names = [self._users[u].name for u in user_ids] + [self._users[self.bot_user_id].name]
            channel = Channel(
                id=self._new_id("G"),
                name=f"mpdm-{'--'.join(names)}-1",
                is_private=True,
                is_mpim=True,
                members={*user_ids, self.bot_user_id},
                created=int(self._clock()),
            )
        self._channels[channel.id] = channel
        self._messages[channel.id] = []
        self._ims[key] = channel.id
        return channel, False

    def _visible_channel(self, ref: object) -> Channel:
        # Private conversations the app is not in do not exist as far as its token can tell.
        channel = self._channels.get(str(ref or ""))
        if channel is None or (channel.is_private and self.bot_user_id not in channel.members):
            raise SlackError("channel_not_found")
        return channel

    def _readable_channel(self, ref: object) -> Channel:
        channel = self._visible_channel(ref)
        if self.bot_user_id not in channel.members:
            raise SlackError("not_in_channel")
        return channel

    def _postable_channel(self, ref: object, *, allow_user_id: bool = True) -> Channel:
        ref_str = str(ref or "")
        channel = self._channels.get(ref_str)
        if channel is None and allow_user_id:
            if ref_str in self._users:
                channel = self._open_conversation([ref_str])[0]
            else:
                name = ref_str.lstrip("#")
                channel = next((c for c in self._channels.values() if c.name == name and not c.is_im), None)
        if channel is None:
            raise SlackError("channel_not_found")
        if channel.is_archived:
            raise SlackError("is_archived")
        # Public channels accept posts from non-members (chat:write.public); private ones do not.
        if channel.is_private and self.bot_user_id not in channel.members:
            raise SlackError("not_in_channel")
        return channel

    def _require_user(self, ref: object) -> User:
        user = self._users.get(str(ref or ""))
        if user is None:
            raise SlackError("user_not_found")
        return user

    def _find_message(self, channel_id: str, ts: str) -> Message | None:
        return next((m for m in self._messages.get(channel_id, []) if m.ts == ts), None)

    def _require_message(self, channel_id: str, ts: object) -> Message:
        message = self._find_message(channel_id, str(ts or ""))
        if message is None:
            raise SlackError("message_not_found")
        return message

    def _require_person_message(self, user: str, channel: str, ts: str) -> Message:
        self.user(user)
        message = self.message(channel, ts)
        if message is None:
            raise ValueError(f"no message {ts} in {channel}")
        return message

    def _is_top_level(self, message: Message) -> bool:
        return not message.is_reply or message.subtype == "thread_broadcast"

    def _thread_messages(self, channel_id: str, ts: str) -> list[Message]:
        found = self._find_message(channel_id, ts)
        if found is None:
            return []
        root = found.thread_ts or found.ts
        parent = self._find_message(channel_id, root)
        replies = [m for m in self._messages[channel_id] if m.is_reply and m.thread_ts == root]
        return ([parent] if parent else []) + replies

    def _store_message(self, message: Message, thread_ts: str | None) -> Message:
        if thread_ts:
            parent = self._find_message(message.channel, thread_ts)
            # A reply to a reply joins the parent's thread, as in Slack.
            root = (parent.thread_ts or parent.ts) if parent is not None else thread_ts
            message.thread_ts = root
            root_message = self._find_message(message.channel, root)
            if root_message is not None:
                root_message.thread_ts = root_message.ts
        self._messages[message.channel].append(message)
        return message

    def _reaction_target(self, args: JSON) -> tuple[Message, str]:
        channel = self._visible_channel(args.get("channel"))
        message = self._require_message(channel.id, args.get("timestamp"))
        if channel.is_archived:
            raise SlackError("is_archived")
        name = str(args.get("name") or "").strip(":")
        if not name:
            raise SlackError("invalid_name")
        return message, name

    def _check_blocks(self, method: str, args: JSON) -> None:
        errors = validate_blocks(args.get("blocks"), surface="message")
        if errors:
            self.invalid_payloads.append(
                InvalidPayload(method, "invalid_blocks", errors, args, self._clock())
            )
            raise SlackError("invalid_blocks", errors=errors, response_metadata={"messages": errors})

    def _content(self, method: str, args: JSON) -> tuple[str, list[JSON] | None, list[JSON] | None]:
        text = str(args.get("text") or "")[:MESSAGE_TEXT_MAX]
        blocks: list[JSON] | None = None
        if args.get("blocks") is not None:
            self._check_blocks(method, args)
            blocks = copy.deepcopy(args["blocks"])
            _fill_ids(blocks, self._rng)
        attachments = args.get("attachments") if isinstance(args.get("attachments"), list) else None
        if not text and not blocks and not attachments:
            raise SlackError("no_text")
        return text, blocks, attachments

    def _deliver(
        self, channel_id: str, user: str, payload: JSON, source_ts: str | None, source: str
    ) -> Message | Ephemeral | None:
        original: Message | Ephemeral | None = None
        if source_ts:
            original = self._find_message(channel_id, source_ts) or next(
                (e for e in self._ephemerals if e.ts == source_ts), None
            )
        if _truthy(payload.get("delete_original")):
            if isinstance(original, Message):
                self._messages[channel_id].remove(original)
            elif isinstance(original, Ephemeral):
                self._ephemerals.remove(original)
            return None
        text, blocks, _ = self._content(source, payload)
        if _truthy(payload.get("replace_original")) and original is not None:
            original.text, original.blocks = text, blocks or []
            return original
        if payload.get("response_type") == "in_channel":
            message = Message(
                channel=channel_id,
                ts=self._next_ts(),
                user=self.bot_user_id,
                text=text,
                blocks=blocks or [],
                bot_id=self.bot_id,
            )
            thread_ts = str(payload["thread_ts"]) if payload.get("thread_ts") else None
            return self._store_message(message, thread_ts)
        ephemeral = Ephemeral(channel_id, user, text, blocks or [], self._next_ts(), source=source)
        self._ephemerals.append(ephemeral)
        return ephemeral

    # -- views ------------------------------------------------------------------------------------------

    def _check_trigger(self, trigger_id: object) -> _Trigger:
        trigger = self._triggers.get(str(trigger_id or ""))
        if trigger is None:
            raise SlackError("invalid_trigger_id")
        if trigger.used:
            raise SlackError("exchanged_trigger_id")
        if self._clock() - trigger.issued_at > TRIGGER_TTL:
            raise SlackError("expired_trigger_id")
        return trigger

    def _checked_view(
        self, method: str, view: object, types: tuple[str, ...], replacing: OpenView | None = None
    ) -> JSON:
        errors = validate_view(view, types=types)
        if errors or not isinstance(view, dict):
            payload = view if isinstance(view, dict) else {"view": view}
            self.invalid_payloads.append(
                InvalidPayload(method, "invalid_arguments", errors, payload, self._clock())
            )
            raise SlackError("invalid_arguments", errors=errors, response_metadata={"messages": errors})
        if len(json.dumps(view)) > VIEW_MAX_BYTES:
            raise SlackError("view_too_large")
        external_id = view.get("external_id")
        if external_id:
            other = self._find_view_by_external_id(str(external_id))
            if other is not None and other is not replacing:
                raise SlackError("duplicate_external_id")
        return view

    def _push_view(self, user: str, view: object, method: str) -> OpenView:
        stack = self._stacks.get(user)
        if not stack:
            raise SlackError("not_found")
        if len(stack) >= VIEW_STACK_MAX:
            raise SlackError("push_limit_reached")
        checked = self._checked_view(method, view, ("modal",))
        pushed = self._stored_view(self._new_id("V"), user, checked, root=stack[0].id, previous=stack[-1].id)
        stack.append(pushed)
        return pushed

    def _replace_view(self, existing: OpenView, view: object, method: str) -> OpenView:
        checked = self._checked_view(method, view, (existing.type,), replacing=existing)
        if not checked.get("external_id") and existing.view.get("external_id"):
            checked = {**checked, "external_id": existing.view["external_id"]}  # an update keeps it
        replaced = self._stored_view(
            existing.id,
            existing.user,
            checked,
            root=existing.root_view_id,
            previous=existing.previous_view_id,
        )
        if existing.type == "home":
            self._homes[existing.user] = replaced
        else:
            stack = self._stacks[existing.user]
            stack[stack.index(existing)] = replaced
        return replaced

    def _stored_view(
        self, view_id: str, user: str, view: JSON, *, root: str, previous: str | None
    ) -> OpenView:
        view_hash = f"{int(self._clock())}.{''.join(self._rng.choices(_ID_ALPHABET, k=8))}"
        blocks = copy.deepcopy(view.get("blocks") or [])
        _fill_ids(blocks, self._rng)
        stored: JSON = {
            "id": view_id,
            "team_id": self.team_id,
            "type": view["type"],
            "blocks": blocks,
            "private_metadata": view.get("private_metadata") or "",
            "callback_id": view.get("callback_id") or "",
            "state": {"values": {}},
            "hash": view_hash,
            "title": view.get("title"),
            "clear_on_close": bool(view.get("clear_on_close")),
            "notify_on_close": bool(view.get("notify_on_close")),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": previous,
            "root_view_id": root,
            "app_id": self.app_id,
            "external_id": view.get("external_id") or "",
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        if view["type"] == "home":
            for key in ("close", "submit"):
                stored.pop(key)
        return OpenView(view_id, user, stored, root, previous, view_hash)

    def _find_view(self, view_id: str) -> OpenView | None:
        for stack in self._stacks.values():
            for view in stack:
                if view.id == view_id:
                    return view
        return next((v for v in self._homes.values() if v.id == view_id), None)

    def _find_view_by_external_id(self, external_id: str) -> OpenView | None:
        views = [v for stack in self._stacks.values() for v in stack] + list(self._homes.values())
        return next((v for v in views if v.view.get("external_id") == external_id), None)

    # -- JSON shapes ------------------------------------------------------------------------------------

    def _user_json(self, user: User) -> JSON:
        now = datetime.fromtimestamp(self._clock(), UTC).astimezone(ZoneInfo(user.tz))
        offset = now.utcoffset()
        profile: JSON = {
            "title": user.title,
            "real_name": user.real_name,
            "real_name_normalized": user.real_name,
            "display_name": user.name,
            "display_name_normalized": user.name,
            "team": self.team_id,
        }
        if user.is_bot:
            profile["bot_id"] = self.bot_id
        return {
            "id": user.id,
            "team_id": self.team_id,
            "name": user.name,
            "deleted": user.deleted,
            "real_name": user.real_name,
            "tz": user.tz,
            "tz_label": now.tzname(),
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "profile": profile,
            "is_admin": user.is_admin,
            "is_owner": user.is_owner,
            "is_primary_owner": user.is_primary_owner,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": user.is_bot,
            "is_app_user": False,
            "updated": int(self._clock()),
        }

    def _channel_json(self, channel: Channel, *, with_count: bool = False) -> JSON:
        if channel.is_im:
            return {
                "id": channel.id,
                "created": channel.created,
                "is_im": True,
                "is_org_shared": False,
                "user": channel.user,
                "is_user_deleted": bool(channel.user and self._users[channel.user].deleted),
                "priority": 0,
            }
        shown: JSON = {
            "id": channel.id,
            "name": channel.name,
            "name_normalized": channel.name,
            "created": channel.created,
            "creator": "",
            "is_channel": not channel.is_mpim,
            "is_group": False,
            "is_im": False,
            "is_mpim": channel.is_mpim,
            "is_private": channel.is_private,
            "is_archived": channel.is_archived,
            "is_general": False,
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "is_member": self.bot_user_id in channel.members,
            "context_team_id": self.team_id,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }
        if with_count:
            shown["num_members"] = len(channel.members)
        return shown

    def _message_json(self, message: Message) -> JSON:
        shown: JSON = {
            "type": "message",
            "user": message.user,
            "text": message.text,
            "ts": message.ts,
            "team": self.team_id,
        }
        if message.blocks:
            shown["blocks"] = copy.deepcopy(message.blocks)
        if message.attachments:
            shown["attachments"] = copy.deepcopy(message.attachments)
        if message.bot_id:
            shown["bot_id"] = message.bot_id
            shown["app_id"] = self.app_id
        if message.subtype:
            shown["subtype"] = message.subtype
        if message.metadata:
            shown["metadata"] = copy.deepcopy(message.metadata)
        if message.thread_ts:
            shown["thread_ts"] = message.thread_ts
            if message.is_reply:
                parent = self._find_message(message.channel, message.thread_ts)
                if parent is not None:
                    shown["parent_user_id"] = parent.user
            else:
                replies = [
                    m for m in self._messages[message.channel] if m.is_reply and m.thread_ts == message.ts
                ]
                reply_users = list(dict.fromkeys(m.user for m in replies))
                shown.update(
                    reply_count=len(replies),
                    reply_users=reply_users,
                    reply_users_count=len(reply_users),
                    latest_reply=replies[-1].ts if replies else message.ts,
                )
        if message.reactions:
            shown["reactions"] = [
                {"name": name, "users": list(users), "count": len(users)}
                for name, users in message.reactions.items()
            ]
        if message.edited:
            shown["edited"] = {"user": message.user, "ts": message.edited_ts}
        return shown


# ----------------------------------------------------------------------------------------------
# module helpers


def _conversation_type(channel: Channel) -> str:
    """The name conversations.list's ``types`` uses for this kind of conversation."""
    if channel.is_im:
        return "im"
    if channel.is_mpim:
        return "mpim"
    return "private_channel" if channel.is_private else "public_channel"


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def _ts_key(ts: object) -> int:
    try:
        seconds, _, fraction = str(ts).partition(".")
        return int(seconds) * 1_000_000 + int((fraction or "0").ljust(6, "0")[:6])
    except ValueError:
        raise SlackError("invalid_ts_latest") from None


def _paginate(items: list[Any], args: JSON, default_limit: int = 100) -> tuple[list[Any], str]:
    """One page of ``items`` and the next cursor ("" on the last page), as Slack paginates."""
    try:
        limit = max(1, min(int(args.get("limit") or default_limit), 1000))
        cursor = str(args.get("cursor") or "")
        offset = int(base64.b64decode(cursor).decode().removeprefix("next:")) if cursor else 0
    except ValueError:
        raise SlackError("invalid_cursor") from None
    page = items[offset : offset + limit]
    more = offset + limit < len(items)
    return page, base64.b64encode(f"next:{offset + limit}".encode()).decode() if more else ""


def _fill_ids(blocks: list[JSON], rng: random.Random) -> None:
    """Give blocks and elements the random ids Slack assigns when the app leaves them out."""

    def new_id(taken: set[str]) -> str:
        while True:
            candidate = "".join(rng.choices(_ID_ALPHABET, k=5))
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


def _parse_args(query: str, headers: dict[str, str], body: bytes) -> tuple[JSON, str]:
    """Arguments from the query string and the form or JSON body, and the token that came with them."""
    args: JSON = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    content_type = headers.get("content-type", "").lower()
    if body:
        if content_type.startswith("application/json"):
            try:
                loaded = json.loads(body)
            except ValueError:
                raise SlackError("invalid_json") from None
            if not isinstance(loaded, dict):
                raise SlackError("invalid_json")
            args.update(loaded)
        elif content_type.startswith("application/x-www-form-urlencoded") or not content_type:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
            args.update({k: v[-1] for k, v in form.items()})
        else:
            raise SlackError("invalid_form_data")
    # Form bodies carry structured fields as JSON strings.
    for key in ("blocks", "attachments", "view", "metadata"):
        value = args.get(key)
        if isinstance(value, str):
            try:
                args[key] = json.loads(value) if value.strip() else None
            except ValueError:
                raise SlackError(
                    "invalid_blocks_format" if key == "blocks" else "invalid_arguments"
                ) from None
    token = str(args.pop("token", "") or "")
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        token = authorization[len("bearer ") :].strip()
    return args, token


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, standin: SlackStandIn) -> None:
        self.standin = standin
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, answer, extra_headers = self.server.standin._handle(self.path, headers, body)
        data = json.dumps(answer).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra_headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # tests and the console stay quiet
