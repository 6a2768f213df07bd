"""The ONE place that reads Slack's payloads.

Listeners never index `body`, `command`, `action`, `view` or `event` themselves: they call a reader
here and get plain, checked values. Every reader is defensive: a missing field, a value of the wrong
type, an id that is not an id, a number that is not a number or is too big, private_metadata that
is not JSON all raise `PayloadError`, which handlers/middleware.py turns into one log line and a
200 (never a traceback or a 5xx). Text is decoded from Slack's wire format once, here
(bot.core.mrkdwn.from_slack): the rest of the app only ever sees what the person typed.

What Slack sends, by surface:
- slash commands (`should_escape: false`): `text` with `&`, `<`, `>` as entities;
- message events and the message of a message shortcut: entities plus Slack's markup (`<@U123>`,
  `<#C1|x>`, `<!here>`, links) — returned as `WireText`, decoded once names are known;
- view submissions: input values as typed (no entities): returned as they are, type-checked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.core import mrkdwn

# Slack ids: an upper-case letter and letters/digits (T0123, U024BE7LH, C1, E0ENTERPRISE).
_ID = re.compile(r"^[A-Z][A-Z0-9]{0,31}$")
# Message timestamps: seconds.micros.
_TS = re.compile(r"^[0-9]{1,12}\.[0-9]{1,9}$")
# Database ids are 32-bit on PostgreSQL (INTEGER): anything larger cannot be ours.
MAX_ROW_ID = 2_147_483_647
# The most text any surface sends (Slack cuts messages at 40,000 characters).
MAX_TEXT = 40_000
MAX_VALUE = 2_000  # a button's value
MAX_METADATA = 3_000  # a modal's private_metadata


class PayloadError(ValueError):
    """A payload this app cannot read. `str()` says what was wrong, for one log line."""


# --- small checked readers ------------------------------------------------------------------------------


def _obj(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PayloadError(f"{where} is not an object")
    return value


def _opt_obj(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _id(value: object, where: str) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise PayloadError(f"{where} is not a Slack id")
    return value


def _opt_id(value: object) -> str | None:
    return value if isinstance(value, str) and _ID.match(value) else None


def _opt_ts(value: object) -> str | None:
    return value if isinstance(value, str) and _TS.match(value) else None


def _str(value: object, where: str, limit: int = MAX_TEXT) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PayloadError(f"{where} is not text")
    if len(value) > limit:
        raise PayloadError(f"{where} is longer than {limit} characters")
    return value


def row_id(value: object) -> int | None:
    """A database id written as a plain decimal number ("12"), else None: "abc", "1.5e3", "-1",
    "١٢", 23 digits and 100 KB of digits are none of ours."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ROW_ID else None


def _team_of(body: Mapping[str, Any]) -> str:
    """The workspace of any payload: `team_id` (commands, events), `team.id` (interactions; null in
    some), else the user's `team_id`."""
    if isinstance(body.get("team_id"), str):
        return _id(body["team_id"], "team_id")
    team = body.get("team")
    if isinstance(team, Mapping) and team.get("id") is not None:
        return _id(team.get("id"), "team.id")
    return _id(_opt_obj(body.get("user")).get("team_id"), "team")


def _user_of(body: Mapping[str, Any]) -> str:
    if "user_id" in body:
        return _id(body.get("user_id"), "user_id")
    return _id(_opt_obj(body.get("user")).get("id"), "user.id")


# --- Slack's wire text ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WireText:
    """Text as Slack sent it (entities and markup). `typed()` is what the person typed and sees;
    SlackGateway.readable() fills in the names of mentioned people and channels first."""

    raw: str

    @property
    def user_ids(self) -> list[str]:
        return mrkdwn.mentioned_users(self.raw)

    @property
    def channel_ids(self) -> list[str]:
        return mrkdwn.mentioned_channels(self.raw)

    def typed(self, users: Mapping[str, str] | None = None, channels: Mapping[str, str] | None = None) -> str:
        return mrkdwn.from_slack(self.raw, users, channels)


# --- slash commands ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    team_id: str
    user_id: str
    channel_id: str
    command: str
    text: str  # decoded: what the person typed after the command
    trigger_id: str | None
    response_url: str | None = None  # where answers after the ack may go (30 minutes, a few times)


def _url(value: object) -> str | None:
    return (
        value
        if isinstance(value, str) and value.startswith(("https://", "http://")) and len(value) < 500
        else None
    )


def command(body: Mapping[str, Any]) -> Command:
    body = _obj(body, "command")
    trigger = body.get("trigger_id")
    return Command(
        team_id=_id(body.get("team_id"), "team_id"),
        user_id=_id(body.get("user_id"), "user_id"),
        channel_id=_id(body.get("channel_id"), "channel_id"),
        command=_str(body.get("command"), "command", 64),
        text=mrkdwn.from_slack(_str(body.get("text"), "text")).strip(),
        trigger_id=trigger if isinstance(trigger, str) and trigger else None,
        response_url=_url(body.get("response_url")),
    )


# --- block actions (buttons, menus) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    team_id: str
    user_id: str
    action_id: str
    value: str  # a button's value, or a menu's selected option's value ("" when none)
    trigger_id: str | None
    channel_id: str | None  # where the clicked message is (None in a modal or App Home)
    message_ts: str | None
    view_id: str | None  # the modal or Home the click came from

    @property
    def row_id(self) -> int | None:
        """The value as a database id, or None when it is not one."""
        return row_id(self.value)


def action(body: Mapping[str, Any], action: object) -> Action:
    body = _obj(body, "body")
    act = _obj(action, "action")
    selected = _opt_obj(act.get("selected_option")).get("value")
    raw_value = act.get("value") if act.get("value") is not None else selected
    container = _opt_obj(body.get("container"))
    channel = _opt_obj(body.get("channel")).get("id") or container.get("channel_id")
    message = _opt_obj(body.get("message"))
    view = _opt_obj(body.get("view"))
    trigger = body.get("trigger_id")
    return Action(
        team_id=_team_of(body),
        user_id=_user_of(body),
        action_id=_str(act.get("action_id"), "action_id", 255),
        value=_str(raw_value, "action value", MAX_VALUE),
        trigger_id=trigger if isinstance(trigger, str) and trigger else None,
        channel_id=_opt_id(channel),
        message_ts=_opt_ts(message.get("ts") or container.get("message_ts")),
        view_id=_opt_id(view.get("id")),
    )


# --- view submissions -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    team_id: str
    user_id: str
    callback_id: str
    view_id: str | None
    values: Mapping[str, Mapping[str, Any]]  # block id → that block's (only) input's state
    metadata: Mapping[str, Any] = field(default_factory=dict)  # private_metadata as JSON, {} if not

    def text(self, block_id: str) -> str:
        """A text input's value as typed ("" when empty, missing or not text)."""
        value = self.values.get(block_id, {}).get("value")
        return value if isinstance(value, str) and len(value) <= MAX_TEXT else ""

    def selected(self, block_id: str) -> list[str]:
        """Checkbox or multi-select values (only the well-formed ones)."""
        options = self.values.get(block_id, {}).get("selected_options")
        if not isinstance(options, list):
            return []
        found = [_opt_obj(o).get("value") for o in options]
        return [v for v in found if isinstance(v, str) and len(v) <= MAX_VALUE]

    def selected_one(self, block_id: str) -> str | None:
        value = _opt_obj(self.values.get(block_id, {}).get("selected_option")).get("value")
        return value if isinstance(value, str) and len(value) <= MAX_VALUE else None

    def conversation(self, block_id: str) -> str | None:
        """A conversation picker's choice."""
        return _opt_id(self.values.get(block_id, {}).get("selected_conversation"))

    def meta_str(self, key: str) -> str | None:
        value = self.metadata.get(key)
        return value if isinstance(value, str) and value else None

    def meta_id(self, key: str) -> str | None:
        return _opt_id(self.metadata.get(key))

    def meta_row_id(self, key: str) -> int | None:
        return row_id(self.metadata.get(key))


def metadata(raw: object) -> dict[str, Any]:
    """A modal's private_metadata as the JSON object our views write; {} when missing, not JSON,
    not an object, or too long."""
    if not isinstance(raw, str) or not raw or len(raw) > MAX_METADATA:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def submission(body: Mapping[str, Any], view: object) -> Submission:
    body = _obj(body, "body")
    view = _obj(view, "view")
    state = _opt_obj(_opt_obj(view.get("state")).get("values"))
    values: dict[str, Mapping[str, Any]] = {}
    for block_id, actions in state.items():
        if isinstance(block_id, str) and isinstance(actions, Mapping):
            first: object = next(iter(actions.values()), {})
            values[block_id] = first if isinstance(first, Mapping) else {}
    return Submission(
        team_id=_team_of(body),
        user_id=_user_of(body),
        callback_id=_str(view.get("callback_id"), "callback_id", 255),
        view_id=_opt_id(view.get("id")),
        values=values,
        metadata=metadata(view.get("private_metadata")),
    )


# --- message shortcuts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageShortcut:
    team_id: str
    team_domain: str | None
    user_id: str
    channel_id: str
    trigger_id: str | None
    message_ts: str | None
    message_user: str | None
    text: WireText  # the message as Slack sent it: decode with the names of who it mentions


def message_shortcut(body: Mapping[str, Any]) -> MessageShortcut:
    body = _obj(body, "shortcut")
    message = _opt_obj(body.get("message"))
    domain = _opt_obj(body.get("team")).get("domain")
    trigger = body.get("trigger_id")
    return MessageShortcut(
        team_id=_team_of(body),
        team_domain=domain if isinstance(domain, str) and re.fullmatch(r"[a-z0-9-]{1,64}", domain) else None,
        user_id=_user_of(body),
        channel_id=_id(_opt_obj(body.get("channel")).get("id"), "channel.id"),
        trigger_id=trigger if isinstance(trigger, str) and trigger else None,
        message_ts=_opt_ts(message.get("ts")),
        message_user=_opt_id(message.get("user")),
        text=WireText(_str(message.get("text"), "message.text")),
    )


# --- events -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reaction:
    team_id: str
    user_id: str
    name: str  # without the skin tone: "+1::skin-tone-2" is "+1"
    channel_id: str
    ts: str


def reaction(body: Mapping[str, Any], event: object) -> Reaction | None:
    """A reaction on a message, or None for one on something else (a file)."""
    body = _obj(body, "body")
    event = _obj(event, "event")
    item = _opt_obj(event.get("item"))
    if item.get("type") != "message":
        return None
    ts = _opt_ts(item.get("ts"))
    if ts is None:
        raise PayloadError("reaction item.ts is not a timestamp")
    return Reaction(
        team_id=_team_of(body),
        user_id=_id(event.get("user"), "event.user"),
        name=_str(event.get("reaction"), "reaction", 100).split("::", 1)[0],
        channel_id=_id(item.get("channel"), "item.channel"),
        ts=ts,
    )


@dataclass(frozen=True)
class Message:
    team_id: str
    user_id: str | None  # None for bots and some subtypes
    bot: bool
    channel_id: str
    channel_type: str | None
    ts: str
    thread_ts: str | None
    subtype: str | None
    text: WireText

    @property
    def is_thread_reply(self) -> bool:
        return bool(self.thread_ts) and self.thread_ts != self.ts


def message(body: Mapping[str, Any], event: object) -> Message:
    body = _obj(body, "body")
    event = _obj(event, "event")
    ts = _opt_ts(event.get("ts"))
    if ts is None:
        raise PayloadError("message ts is not a timestamp")
    subtype = event.get("subtype")
    channel_type = event.get("channel_type")
    return Message(
        team_id=_team_of(body),
        user_id=_opt_id(event.get("user")),
        bot=bool(event.get("bot_id")),
        channel_id=_id(event.get("channel"), "event.channel"),
        channel_type=channel_type if isinstance(channel_type, str) else None,
        ts=ts,
        thread_ts=_opt_ts(event.get("thread_ts")),
        subtype=subtype if isinstance(subtype, str) else None,
        text=WireText(_str(event.get("text"), "message text")),
    )


@dataclass(frozen=True)
class HomeOpened:
    team_id: str
    user_id: str
    tab: str | None


def home_opened(body: Mapping[str, Any], event: object) -> HomeOpened:
    body = _obj(body, "body")
    event = _obj(event, "event")
    tab = event.get("tab")
    return HomeOpened(
        team_id=_team_of(body),
        user_id=_id(event.get("user"), "event.user"),
        tab=tab if isinstance(tab, str) else None,
    )


def team_of(body: Mapping[str, Any]) -> str:
    """The workspace of any payload (raises PayloadError when it has none)."""
    return _team_of(_obj(body, "body"))
