"""reactions.*: the app's reactions (add, remove, get), and a person's own."""

from __future__ import annotations

from localslack.standin.shapes import message_json
from localslack.standin.state import JSON, Message, SlackError, State


def _target(state: State, args: JSON) -> tuple[Message, str]:
    channel = state.visible_channel(args.get("channel"))
    message = state.require_message(channel.id, args.get("timestamp"))
    if channel.is_archived:
        raise SlackError("is_archived")
    name = str(args.get("name") or "").strip(":")
    if not name:
        raise SlackError("invalid_name")
    return message, name


def add(state: State, args: JSON) -> JSON:
    message, name = _target(state, args)
    users = message.reactions.setdefault(name, [])
    if state.bot_user_id in users:
        raise SlackError("already_reacted")
    users.append(state.bot_user_id)
    return {}


def remove(state: State, args: JSON) -> JSON:
    message, name = _target(state, args)
    users = message.reactions.get(name, [])
    if state.bot_user_id not in users:
        raise SlackError("no_reaction")
    users.remove(state.bot_user_id)
    if not users:
        del message.reactions[name]
    return {}


def get(state: State, args: JSON) -> JSON:
    channel = state.readable_channel(args.get("channel"))
    message = state.require_message(channel.id, args.get("timestamp"))
    return {"type": "message", "channel": channel.id, "message": message_json(state, message)}


METHODS = {
    "reactions.add": add,
    "reactions.remove": remove,
    "reactions.get": get,
}


def person_reacts(state: State, user: str, channel: str, ts: str, name: str, *, added: bool) -> Message:
    """``user`` adds (or takes back) reaction ``name`` on a message in the Slack client."""
    if user not in state.users:
        raise KeyError(f"no user {user!r} in the stand-in")
    found = state.find_channel(channel)
    message = None if found is None else state.find_message(found.id, ts)
    if message is None:
        raise ValueError(f"no message {ts} in {channel}")
    emoji = name.strip(":")
    reacted = message.reactions.setdefault(emoji, []) if added else message.reactions.get(emoji, [])
    if added and user in reacted:
        raise ValueError(f"{user} already reacted with :{name}:")
    if not added and user not in reacted:
        raise ValueError(f"{user} has no :{name}: reaction there")
    if added:
        reacted.append(user)
    else:
        reacted.remove(user)
        if not reacted:
            del message.reactions[emoji]
    return message
