"""How Slack shows people, conversations and messages to the app: the JSON objects of the Web API
(users.info, conversations.info, conversations.history, ...) and of interaction payloads."""

from __future__ import annotations

import copy
import hashlib
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from localslack.standin.state import JSON, Channel, Message, State, User

_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
BROADCASTS = ("here", "channel", "everyone")


def user_json(state: State, user: User, *, include_locale: bool = False) -> JSON:
    now = datetime.fromtimestamp(state.now(), UTC).astimezone(ZoneInfo(user.tz))
    offset = now.utcoffset()
    profile: JSON = {
        "title": user.title,
        "real_name": user.real_name,
        "real_name_normalized": user.real_name,
        "display_name": user.name,
        "display_name_normalized": user.name,
        "team": state.team_id,
    }
    if user.is_bot:
        profile["bot_id"] = state.bot_id
    shown: JSON = {
        "id": user.id,
        "team_id": state.team_id,
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
        "updated": int(state.now()),
    }
    if include_locale:  # Slack adds it only when asked (users.info / users.list include_locale)
        shown["locale"] = user.locale
    return shown


def channel_json(state: State, channel: Channel, *, with_count: bool = False) -> JSON:
    """A conversation as the app's token sees it (``is_member`` is the app's membership)."""
    if channel.is_im:
        return {
            "id": channel.id,
            "created": channel.created,
            "is_archived": channel.is_archived,
            "is_im": True,
            "is_org_shared": False,
            "context_team_id": state.team_id,
            "user": channel.user,
            "is_user_deleted": bool(channel.user and state.users[channel.user].deleted),
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
        "is_member": state.bot_user_id in channel.members,
        "context_team_id": state.team_id,
        "topic": {"value": "", "creator": "", "last_set": 0},
        "purpose": {"value": "", "creator": "", "last_set": 0},
    }
    if with_count:
        shown["num_members"] = len(channel.members)
    return shown


def message_json(state: State, message: Message) -> JSON:
    """A message as conversations.history and interaction payloads show it; ``text`` is exactly the
    stored (wire) text, and a person's message carries the rich_text block the Slack client made."""
    shown: JSON = {
        "type": "message",
        "user": message.user,
        "text": message.text,
        "ts": message.ts,
        "team": state.team_id,
    }
    if message.blocks:
        shown["blocks"] = copy.deepcopy(message.blocks)
    elif not message.bot_id and message.text:
        shown["blocks"] = [rich_text(message.text, block_id=rich_text_id(message.ts))]
    if message.attachments:
        shown["attachments"] = copy.deepcopy(message.attachments)
    if message.bot_id:
        shown["bot_id"] = message.bot_id
        shown["app_id"] = state.app_id
    if message.subtype:
        shown["subtype"] = message.subtype
    if message.metadata:
        shown["metadata"] = copy.deepcopy(message.metadata)
    if message.thread_ts:
        shown.update(_thread_fields(state, message))
    if message.reactions:
        shown["reactions"] = [
            {"name": name, "users": list(users), "count": len(users)}
            for name, users in message.reactions.items()
        ]
    if message.edited:
        shown["edited"] = {"user": message.user, "ts": message.edited_ts}
    return shown


def _thread_fields(state: State, message: Message) -> JSON:
    assert message.thread_ts is not None
    shown: JSON = {"thread_ts": message.thread_ts}
    if message.is_reply:
        parent = state.find_message(message.channel, message.thread_ts)
        if parent is not None:
            shown["parent_user_id"] = parent.user
        return shown
    replies = [m for m in state.messages[message.channel] if m.is_reply and m.thread_ts == message.ts]
    reply_users = list(dict.fromkeys(m.user for m in replies))
    shown.update(
        reply_count=len(replies),
        reply_users=reply_users,
        reply_users_count=len(reply_users),
        latest_reply=replies[-1].ts if replies else message.ts,
    )
    return shown


def conversation_type(channel: Channel) -> str:
    """The name the ``types`` argument (conversations.list, users.conversations) uses for it."""
    if channel.is_im:
        return "im"
    if channel.is_mpim:
        return "mpim"
    return "private_channel" if channel.is_private else "public_channel"


# -- the rich_text block of a typed message ------------------------------------------------------------


def rich_text_id(ts: str) -> str:
    """A block_id for a person's message: random-looking like Slack's, the same on every read."""
    return hashlib.sha1(ts.encode()).hexdigest()[:5]


def rich_text(wire: str, *, block_id: str) -> JSON:
    """The rich_text block the Slack client sends with a typed message whose ``text`` is ``wire``:
    mentions, channel links, broadcasts and links as their own elements, text with the characters
    typed (no entities)."""
    elements: list[JSON] = []
    last = 0
    for match in _MARKUP.finditer(wire):
        _text(elements, wire[last : match.start()])
        elements.append(_element(match.group(1), match.group(2)))
        last = match.end()
    _text(elements, wire[last:])
    return {
        "type": "rich_text",
        "block_id": block_id,
        "elements": [{"type": "rich_text_section", "elements": elements}],
    }


def _decode(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text(elements: list[JSON], wire: str) -> None:
    if wire:
        elements.append({"type": "text", "text": _decode(wire)})


def _element(target: str, label: str | None) -> JSON:
    if target.startswith("@"):
        return {"type": "user", "user_id": target[1:]}
    if target.startswith("#"):
        return {"type": "channel", "channel_id": target[1:]}
    if target.startswith("!"):
        special = target[1:]
        if special in BROADCASTS:
            return {"type": "broadcast", "range": special}
        if special.startswith("subteam^"):
            return {"type": "usergroup", "usergroup_id": special.removeprefix("subteam^")}
        return {"type": "text", "text": _decode(label or special)}
    link: JSON = {"type": "link", "url": _decode(target)}
    if label:
        link["text"] = _decode(label)
    return link
