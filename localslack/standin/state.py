"""What the stand-in's workspace holds: people, conversations, messages, views and the tokens Slack
hands out, as records, and ``State``, the one object every Web API family reads and changes.

Callers hold ``State.lock`` (an RLock) around anything that reads or changes it: the HTTP server does
for every request, the facade (``SlackStandIn``) for every public method.
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]

DEFAULT_LOCALE = "en-US"
_GENERATED_ID = re.compile(r"^[A-Z]([0-9A-F]{8})$")


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
    locale: str = DEFAULT_LOCALE  # users.info shows it only with include_locale, as Slack does


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
    text: str  # as on the wire: a person's text has &, <, > as entities and <@U…> for mentions
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

    @property
    def is_top_level(self) -> bool:
        """Shown in the channel itself: not a reply, or a reply also sent to the channel."""
        return not self.is_reply or self.subtype == "thread_broadcast"


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
class Trigger:
    user: str
    issued_at: float
    used: bool = False


@dataclass
class ResponseUrl:
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


def ts_key(ts: object) -> int:
    """A Slack ts as microseconds, for ordering and comparing; SlackError for a malformed one."""
    try:
        seconds, _, fraction = str(ts).partition(".")
        return int(seconds) * 1_000_000 + int((fraction or "0").ljust(6, "0")[:6])
    except ValueError:
        raise SlackError("invalid_ts_latest") from None


class State:
    """One workspace with one app installed: the records, the id and ts generators, and the lookups
    that every Web API family shares (with the errors Slack gives the app's token)."""

    def __init__(
        self,
        *,
        team_id: str,
        team_name: str,
        bot_user_id: str,
        bot_token: str,
        clock: Callable[[], float],
        bot_name: str,
        bot_id: str | None,
        app_id: str,
    ) -> None:
        self.team_id = team_id
        self.team_name = team_name
        self.team_domain = "".join(c for c in team_name.lower() if c.isalnum() or c == "-") or "local"
        self.bot_user_id = bot_user_id
        self.bot_token = bot_token
        self.bot_id = bot_id or "B" + bot_user_id.lstrip("UW")
        self.app_id = app_id
        self.clock = clock
        self.lock = threading.RLock()
        self.rng = random.Random(team_id)  # seeded: generated ids repeat from run to run
        self._serial = 0x100
        self._last_ts = 0

        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: dict[str, list[Message]] = {}
        self.ephemerals: list[Ephemeral] = []
        self.ims: dict[frozenset[str], str] = {}
        self.stacks: dict[str, list[OpenView]] = {}
        self.homes: dict[str, OpenView] = {}
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.calls: list[Call] = []
        self.invalid_payloads: list[InvalidPayload] = []
        self.files: dict[str, Any] = {}  # localslack.standin.files.File by id
        self.base_url = ""  # set when the server starts: upload URLs point at it
        self.revoked = False  # the app was uninstalled: its token no longer works (token_revoked)
        self.users[bot_user_id] = User(id=bot_user_id, name=bot_name, real_name=bot_name, is_bot=True)

    # -- ids and time -------------------------------------------------------------------------------------

    def now(self) -> float:
        return self.clock()

    def serial(self) -> int:
        """The next number of the one sequence behind generated ids, trigger ids and response URLs."""
        self._serial += 1
        return self._serial - 1

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{self.serial():08X}"

    def next_ts(self) -> str:
        # Slack's ts: seconds.microseconds from the clock, strictly increasing within a workspace.
        micros = max(int(self.clock() * 1_000_000), self._last_ts + 1)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    # -- conversations -----------------------------------------------------------------------------------

    def add_channel(self, channel: Channel) -> Channel:
        self.channels[channel.id] = channel
        self.messages.setdefault(channel.id, [])
        if channel.is_im and channel.user:
            self.ims[frozenset([channel.user])] = channel.id
        elif channel.is_mpim:
            self.ims[frozenset(channel.members - {self.bot_user_id})] = channel.id
        return channel

    def find_channel(self, ref: str | None) -> Channel | None:
        """By id, '#name' or name; a person's user id gives (and opens) their DM with the app."""
        if not ref:
            return None
        if ref in self.channels:
            return self.channels[ref]
        if ref in self.users and not self.users[ref].is_bot:
            return self.open_conversation([ref])[0]
        name = ref.lstrip("#")
        return next((c for c in self.channels.values() if c.name == name and not c.is_im), None)

    def open_conversation(self, user_ids: list[str]) -> tuple[Channel, bool]:
        """The DM (one person) or group DM (several) with the app, and whether it existed."""
        key = frozenset(user_ids)
        if key in self.ims:
            return self.channels[self.ims[key]], True
        if len(user_ids) == 1:
            channel = Channel(
                id=self.new_id("D"),
                name=user_ids[0],
                is_im=True,
                members={user_ids[0], self.bot_user_id},
                created=int(self.clock()),
                user=user_ids[0],
            )
        else:
            names = [self.users[u].name for u in user_ids] + [self.users[self.bot_user_id].name]
            channel = Channel(
                id=self.new_id("G"),
                name=f"mpdm-{'--'.join(names)}-1",
                is_private=True,
                is_mpim=True,
                members={*user_ids, self.bot_user_id},
                created=int(self.clock()),
            )
        return self.add_channel(channel), False

    # -- messages and views -------------------------------------------------------------------------------

    def find_message(self, channel_id: str, ts: str) -> Message | None:
        return next((m for m in self.messages.get(channel_id, []) if m.ts == ts), None)

    def thread_messages(self, channel_id: str, ts: str) -> list[Message]:
        """The thread ``ts`` belongs to: its parent, then the replies."""
        found = self.find_message(channel_id, ts)
        if found is None:
            return []
        root = found.thread_ts or found.ts
        parent = self.find_message(channel_id, root)
        replies = [m for m in self.messages[channel_id] if m.is_reply and m.thread_ts == root]
        return ([parent] if parent else []) + replies

    def store_message(self, message: Message, thread_ts: str | None) -> Message:
        if thread_ts:
            parent = self.find_message(message.channel, thread_ts)
            # A reply to a reply joins the parent's thread, as in Slack.
            root = (parent.thread_ts or parent.ts) if parent is not None else thread_ts
            message.thread_ts = root
            root_message = self.find_message(message.channel, root)
            if root_message is not None:
                root_message.thread_ts = root_message.ts
        self.messages[message.channel].append(message)
        return message

    def all_views(self) -> list[OpenView]:
        return [v for stack in self.stacks.values() for v in stack] + list(self.homes.values())

    def find_view(self, view_id: str) -> OpenView | None:
        return next((v for v in self.all_views() if v.id == view_id), None)

    def find_view_by_external_id(self, external_id: str) -> OpenView | None:
        return next((v for v in self.all_views() if v.view.get("external_id") == external_id), None)

    # -- what the app's token may see: Slack's errors ------------------------------------------------------

    def visible_channel(self, ref: object) -> Channel:
        # Private conversations the app is not in do not exist as far as its token can tell.
        channel = self.channels.get(str(ref or ""))
        if channel is None or (channel.is_private and self.bot_user_id not in channel.members):
            raise SlackError("channel_not_found")
        return channel

    def readable_channel(self, ref: object) -> Channel:
        channel = self.visible_channel(ref)
        if self.bot_user_id not in channel.members:
            raise SlackError("not_in_channel")
        return channel

    def require_user(self, ref: object) -> User:
        user = self.users.get(str(ref or ""))
        if user is None:
            raise SlackError("user_not_found")
        return user

    def require_message(self, channel_id: str, ts: object) -> Message:
        message = self.find_message(channel_id, str(ts or ""))
        if message is None:
            raise SlackError("message_not_found")
        return message

    def record_invalid(self, method: str, error: str, errors: list[str], payload: JSON) -> None:
        self.invalid_payloads.append(InvalidPayload(method, error, list(errors), payload, self.clock()))

    # -- bringing a saved workspace back ---------------------------------------------------------------------

    def restore(
        self, users: Iterable[User], channels: Iterable[Channel], messages: Iterable[Message]
    ) -> None:
        """Put saved records in, with their ids and timestamps; new ids and ts come after them."""
        for user in users:
            self.users[user.id] = user
        for channel in channels:
            self.add_channel(channel)
        for message in sorted(messages, key=lambda m: _order(m.ts)):
            if message.channel in self.messages:
                self.messages[message.channel].append(message)
        generated = [
            int(match.group(1), 16)
            for ref in [*self.users, *self.channels]
            if (match := _GENERATED_ID.match(ref))
        ]
        self._serial = max([self._serial - 1, *generated]) + 1
        latest = max((_order(m.ts) for ms in self.messages.values() for m in ms), default=0)
        self._last_ts = max(self._last_ts, latest)


def _order(ts: str) -> int:
    try:
        return ts_key(ts)
    except SlackError:
        return 0
