"""chat.*: the app's messages (post, ephemeral, update, delete, permalink), and a person's own post."""

from __future__ import annotations

import copy

from localslack.standin.params import optional_str, truthy
from localslack.standin.shapes import message_json
from localslack.standin.state import JSON, Channel, Ephemeral, Message, SlackError, State, User
from localslack.standin.validation import MESSAGE_TEXT_MAX, fill_ids, validate_blocks


def check_blocks(state: State, method: str, args: JSON) -> None:
    """Slack's invalid_blocks for a message's blocks, recorded in ``invalid_payloads``."""
    errors = validate_blocks(args.get("blocks"), surface="message")
    if errors:
        state.record_invalid(method, "invalid_blocks", errors, args)
        raise SlackError("invalid_blocks", errors=errors, response_metadata={"messages": errors})


def content(state: State, method: str, args: JSON) -> tuple[str, list[JSON] | None, list[JSON] | None]:
    """The text, checked blocks (with Slack's ids filled in) and attachments of a message payload."""
    text = str(args.get("text") or "")[:MESSAGE_TEXT_MAX]
    blocks: list[JSON] | None = None
    if args.get("blocks") is not None:
        check_blocks(state, method, args)
        blocks = copy.deepcopy(args["blocks"])
        fill_ids(blocks, state.rng)
    attachments = args.get("attachments") if isinstance(args.get("attachments"), list) else None
    if not text and not blocks and not attachments:
        raise SlackError("no_text")
    return text, blocks, attachments


def postable_channel(state: State, ref: object, *, allow_user_id: bool = True) -> Channel:
    """Where the app may post: by id, or (chat.postMessage) a user id for their DM, or a #name."""
    ref_str = str(ref or "")
    channel = state.channels.get(ref_str)
    if channel is None and allow_user_id:
        if ref_str in state.users:
            channel = state.open_conversation([ref_str])[0]
        else:
            name = ref_str.lstrip("#")
            channel = next((c for c in state.channels.values() if c.name == name and not c.is_im), None)
    if channel is None:
        raise SlackError("channel_not_found")
    if channel.is_archived:
        raise SlackError("is_archived")
    # Public channels accept posts from non-members (chat:write.public); private ones do not.
    if channel.is_private and state.bot_user_id not in channel.members:
        raise SlackError("not_in_channel")
    return channel


def post_message(state: State, args: JSON) -> JSON:
    channel = postable_channel(state, args.get("channel"))
    text, blocks, attachments = content(state, "chat.postMessage", args)
    message = Message(
        channel=channel.id,
        ts=state.next_ts(),
        user=state.bot_user_id,
        text=text,
        blocks=blocks or [],
        attachments=attachments or [],
        bot_id=state.bot_id,
        metadata=args.get("metadata") if isinstance(args.get("metadata"), dict) else None,
    )
    thread_ts = optional_str(args, "thread_ts")
    if thread_ts and truthy(args.get("reply_broadcast")):
        message.subtype = "thread_broadcast"
    state.store_message(message, thread_ts)
    return {"channel": channel.id, "ts": message.ts, "message": message_json(state, message)}


def post_ephemeral(state: State, args: JSON) -> JSON:
    channel = postable_channel(state, args.get("channel"), allow_user_id=False)
    user = state.require_user(args.get("user"))
    if user.id not in channel.members:
        raise SlackError("user_not_in_channel")
    text, blocks, _ = content(state, "chat.postEphemeral", args)
    thread_ts = optional_str(args, "thread_ts")
    ephemeral = Ephemeral(channel.id, user.id, text, blocks or [], state.next_ts(), thread_ts)
    state.ephemerals.append(ephemeral)
    return {"message_ts": ephemeral.ts}


def update(state: State, args: JSON) -> JSON:
    channel = state.visible_channel(args.get("channel"))
    message = state.require_message(channel.id, args.get("ts"))
    if message.user != state.bot_user_id:
        raise SlackError("cant_update_message")
    if channel.is_archived:
        raise SlackError("is_archived")
    given = {k for k in ("text", "blocks", "attachments") if args.get(k) is not None}
    if not given:
        raise SlackError("no_text")
    # chat.update keeps fields that are left out; an empty list removes blocks.
    if "blocks" in given:
        check_blocks(state, "chat.update", args)
        message.blocks = copy.deepcopy(args["blocks"])
        fill_ids(message.blocks, state.rng)
    if "text" in given:
        message.text = str(args["text"])[:MESSAGE_TEXT_MAX]
    if "attachments" in given:
        message.attachments = list(args["attachments"])
    if not message.text and not message.blocks and not message.attachments:
        raise SlackError("no_text")
    message.edited, message.edited_ts = True, state.next_ts()
    return {
        "channel": channel.id,
        "ts": message.ts,
        "text": message.text,
        "message": message_json(state, message),
    }


def delete(state: State, args: JSON) -> JSON:
    channel = state.visible_channel(args.get("channel"))
    message = state.require_message(channel.id, args.get("ts"))
    if message.user != state.bot_user_id:
        raise SlackError("cant_delete_message")
    state.messages[channel.id].remove(message)
    return {"channel": channel.id, "ts": message.ts}


def get_permalink(state: State, args: JSON) -> JSON:
    channel = state.visible_channel(args.get("channel"))
    message = state.require_message(channel.id, args.get("message_ts"))
    link = f"https://{state.team_domain}.slack.com/archives/{channel.id}/p{message.ts.replace('.', '')}"
    if message.is_reply:
        link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
    return {"channel": channel.id, "permalink": link}


METHODS = {
    "chat.postMessage": post_message,
    "chat.postEphemeral": post_ephemeral,
    "chat.update": update,
    "chat.delete": delete,
    "chat.getPermalink": get_permalink,
}


def person_posts(state: State, person: User, target: Channel, text: str, thread_ts: str | None) -> Message:
    """``person`` sends ``text`` (wire text, stored exactly as given) from the Slack client."""
    if person.deleted:
        raise ValueError(f"{person.id} is deactivated and cannot post")
    if target.is_archived:
        raise ValueError(f"#{target.name} is archived")
    if person.id not in target.members:
        raise ValueError(f"{person.id} is not a member of {target.id}: add_member() first")
    message = Message(channel=target.id, ts=state.next_ts(), user=person.id, text=text)
    return state.store_message(message, thread_ts)
