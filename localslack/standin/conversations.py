"""conversations.*: info, join, open (DMs and group DMs), list, members, history, replies.

As for Slack's bot tokens, a private conversation the app is not in does not exist
(channel_not_found), and reading messages needs membership (not_in_channel).
"""

from __future__ import annotations

from localslack.standin.params import page_answer, paginate, truthy
from localslack.standin.shapes import channel_json, conversation_type, message_json
from localslack.standin.state import JSON, Channel, Message, SlackError, State, ts_key

MAX_MPIM_USERS = 8


def info(state: State, args: JSON) -> JSON:
    channel = state.visible_channel(args.get("channel"))
    return {"channel": channel_json(state, channel, with_count=truthy(args.get("include_num_members")))}


def join(state: State, args: JSON) -> JSON:
    channel = state.visible_channel(args.get("channel"))
    if channel.is_private or channel.is_im or channel.is_mpim:
        raise SlackError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise SlackError("is_archived")
    answer: JSON = {}
    if state.bot_user_id in channel.members:
        answer = {"warning": "already_in_channel", "response_metadata": {"warnings": ["already_in_channel"]}}
    channel.members.add(state.bot_user_id)
    return {"channel": channel_json(state, channel), **answer}


def open_(state: State, args: JSON) -> JSON:
    if args.get("channel"):
        channel = state.visible_channel(args.get("channel"))
        return {"channel": channel_json(state, channel), "no_op": True, "already_open": True}
    users = args.get("users")
    ids = users if isinstance(users, list) else [u.strip() for u in str(users or "").split(",")]
    ids = [u for u in dict.fromkeys(ids) if u and u != state.bot_user_id]
    if not ids:
        raise SlackError("cannot_dm_bot" if users else "users_list_not_supplied")
    if len(ids) > MAX_MPIM_USERS:
        raise SlackError("too_many_users")
    for user_id in ids:
        if state.require_user(user_id).deleted:
            raise SlackError("user_disabled")
    channel, existed = state.open_conversation(ids)
    shown = channel_json(state, channel) if truthy(args.get("return_im")) else {"id": channel.id}
    extra = {"no_op": True, "already_open": True} if existed else {}
    return {"channel": shown, **extra}


def listed(state: State, args: JSON, member: str | None = None) -> list[Channel]:
    """Conversations of the ``types`` asked for (public channels by default) that the app's token
    can list: every public one, non-public ones only where the app is a member; with ``member``, only
    those that person is in (users.conversations)."""
    types = {t.strip() for t in str(args.get("types") or "public_channel").split(",") if t.strip()}
    unknown = types - {"public_channel", "private_channel", "mpim", "im"}
    if unknown:
        raise SlackError("invalid_types")
    exclude_archived = truthy(args.get("exclude_archived"))
    found = []
    for channel in state.channels.values():
        kind = conversation_type(channel)
        if kind not in types or (exclude_archived and channel.is_archived):
            continue
        if kind != "public_channel" and state.bot_user_id not in channel.members:
            continue
        if member is not None and member not in channel.members:
            continue
        found.append(channel)
    return found


def list_(state: State, args: JSON) -> JSON:
    page, cursor = paginate(listed(state, args), args)
    return page_answer("channels", [channel_json(state, c) for c in page], cursor)


def members(state: State, args: JSON) -> JSON:
    channel = state.visible_channel(args.get("channel"))
    page, cursor = paginate(sorted(channel.members), args)
    return page_answer("members", page, cursor)


def history(state: State, args: JSON) -> JSON:
    channel = state.readable_channel(args.get("channel"))
    latest = ts_key(args.get("latest")) if args.get("latest") else None
    oldest = ts_key(args.get("oldest")) if args.get("oldest") else None
    inclusive = truthy(args.get("inclusive"))

    def in_range(message: Message) -> bool:
        key = ts_key(message.ts)
        if latest is not None and (key > latest or (key == latest and not inclusive)):
            return False
        return oldest is None or key > oldest or (key == oldest and inclusive)

    found = [m for m in reversed(state.messages[channel.id]) if m.is_top_level and in_range(m)]
    page, cursor = paginate(found, args)
    answer = page_answer("messages", [message_json(state, m) for m in page], cursor)
    return {**answer, "has_more": bool(cursor), "pin_count": 0}


def replies(state: State, args: JSON) -> JSON:
    channel = state.readable_channel(args.get("channel"))
    thread = state.thread_messages(channel.id, str(args.get("ts") or ""))
    if not thread:
        raise SlackError("thread_not_found")
    page, cursor = paginate(thread, args)
    answer = page_answer("messages", [message_json(state, m) for m in page], cursor)
    return {**answer, "has_more": bool(cursor)}


METHODS = {
    "conversations.info": info,
    "conversations.join": join,
    "conversations.open": open_,
    "conversations.list": list_,
    "conversations.members": members,
    "conversations.history": history,
    "conversations.replies": replies,
}
