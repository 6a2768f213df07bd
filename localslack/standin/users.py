"""users.*: info and list (with the locale when asked, as Slack does), and users.conversations."""

from __future__ import annotations

from localslack.standin.conversations import listed
from localslack.standin.params import page_answer, paginate, truthy
from localslack.standin.shapes import channel_json, user_json
from localslack.standin.state import JSON, State


def info(state: State, args: JSON) -> JSON:
    user = state.require_user(args.get("user"))
    return {"user": user_json(state, user, include_locale=truthy(args.get("include_locale")))}


def list_(state: State, args: JSON) -> JSON:
    page, cursor = paginate(list(state.users.values()), args)
    include_locale = truthy(args.get("include_locale"))
    shown = [user_json(state, u, include_locale=include_locale) for u in page]
    return {**page_answer("members", shown, cursor), "cache_ts": int(state.now())}


def conversations(state: State, args: JSON) -> JSON:
    """The conversations ``user`` (default: the app's bot user) is in, of the ``types`` asked for;
    non-public ones only where the app is a member too, as Slack shows a bot token."""
    member = state.require_user(args.get("user")).id if args.get("user") else state.bot_user_id
    page, cursor = paginate(listed(state, args, member=member), args)
    return page_answer("channels", [channel_json(state, c) for c in page], cursor)


METHODS = {
    "users.info": info,
    "users.list": list_,
    "users.conversations": conversations,
}
