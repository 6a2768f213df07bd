"""views.*: modals (open, push, update) and the App Home (publish), with Slack's trigger rules, and
what Slack does with a view submission's response_action (update, push, clear, close)."""

from __future__ import annotations

import copy
import json

from localslack.standin.state import JSON, OpenView, SlackError, State, Trigger
from localslack.standin.validation import ID_ALPHABET, VIEW_MAX_BYTES, fill_ids, validate_view

VIEW_STACK_MAX = 3
TRIGGER_TTL = 3.0


def new_trigger_id(state: State, user: str) -> str:
    now = state.now()
    trigger_id = f"{state.serial()}.{int(now)}.{state.rng.getrandbits(128):032x}"
    state.triggers[trigger_id] = Trigger(user=user, issued_at=now)
    return trigger_id


def _check_trigger(state: State, trigger_id: object) -> Trigger:
    trigger = state.triggers.get(str(trigger_id or ""))
    if trigger is None:
        raise SlackError("invalid_trigger_id")
    if trigger.used:
        raise SlackError("exchanged_trigger_id")
    if state.now() - trigger.issued_at > TRIGGER_TTL:
        raise SlackError("expired_trigger_id")
    return trigger


def _checked(
    state: State, method: str, view: object, types: tuple[str, ...], replacing: OpenView | None = None
) -> JSON:
    errors = validate_view(view, types=types)
    if errors or not isinstance(view, dict):
        payload = view if isinstance(view, dict) else {"view": view}
        state.record_invalid(method, "invalid_arguments", errors, payload)
        raise SlackError("invalid_arguments", errors=errors, response_metadata={"messages": errors})
    if len(json.dumps(view)) > VIEW_MAX_BYTES:
        raise SlackError("view_too_large")
    external_id = view.get("external_id")
    if external_id:
        other = state.find_view_by_external_id(str(external_id))
        if other is not None and other is not replacing:
            raise SlackError("duplicate_external_id")
    return view


def _stored(
    state: State, view_id: str, user: str, view: JSON, *, root: str, previous: str | None
) -> OpenView:
    """The view as Slack keeps and returns it: ids filled in, a fresh hash, empty state."""
    view_hash = f"{int(state.now())}.{''.join(state.rng.choices(ID_ALPHABET, k=8))}"
    blocks = copy.deepcopy(view.get("blocks") or [])
    fill_ids(blocks, state.rng)
    stored: JSON = {
        "id": view_id,
        "team_id": state.team_id,
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
        "app_id": state.app_id,
        "external_id": view.get("external_id") or "",
        "app_installed_team_id": state.team_id,
        "bot_id": state.bot_id,
    }
    if view["type"] == "home":
        for key in ("close", "submit"):
            stored.pop(key)
    return OpenView(view_id, user, stored, root, previous, view_hash)


def push(state: State, user: str, view: object, method: str) -> OpenView:
    """Push a modal on ``user``'s stack (views.push, or response_action "push")."""
    stack = state.stacks.get(user)
    if not stack:
        raise SlackError("not_found")
    if len(stack) >= VIEW_STACK_MAX:
        raise SlackError("push_limit_reached")
    checked = _checked(state, method, view, ("modal",))
    pushed = _stored(state, state.new_id("V"), user, checked, root=stack[0].id, previous=stack[-1].id)
    stack.append(pushed)
    return pushed


def replace(state: State, existing: OpenView, view: object, method: str) -> OpenView:
    """New content for an open view (views.update, or response_action "update"); same id."""
    checked = _checked(state, method, view, (existing.type,), replacing=existing)
    if not checked.get("external_id") and existing.view.get("external_id"):
        checked = {**checked, "external_id": existing.view["external_id"]}  # an update keeps it
    replaced = _stored(
        state,
        existing.id,
        existing.user,
        checked,
        root=existing.root_view_id,
        previous=existing.previous_view_id,
    )
    if existing.type == "home":
        state.homes[existing.user] = replaced
    else:
        stack = state.stacks[existing.user]
        stack[stack.index(existing)] = replaced
    return replaced


def close(state: State, user: str, view_id: str) -> list[OpenView]:
    """Close one modal and any pushed on top of it; returns the closed views."""
    stack = state.stacks.get(user, [])
    index = next((i for i, v in enumerate(stack) if v.id == view_id), None)
    if index is None:
        raise ValueError(f"view {view_id} is not open for {user}")
    closed = stack[index:]
    del stack[index:]
    return closed


# -- the Web API methods --------------------------------------------------------------------------------


def open_(state: State, args: JSON) -> JSON:
    trigger = _check_trigger(state, args.get("trigger_id"))
    view = _checked(state, "views.open", args.get("view"), ("modal",))
    trigger.used = True
    view_id = state.new_id("V")
    # A modal opened from a fresh trigger starts a new stack.
    opened = _stored(state, view_id, trigger.user, view, root=view_id, previous=None)
    state.stacks[trigger.user] = [opened]
    return {"view": copy.deepcopy(opened.view)}


def push_(state: State, args: JSON) -> JSON:
    trigger = _check_trigger(state, args.get("trigger_id"))
    pushed = push(state, trigger.user, args.get("view"), "views.push")
    trigger.used = True
    return {"view": copy.deepcopy(pushed.view)}


def update(state: State, args: JSON) -> JSON:
    if args.get("view_id"):
        existing = state.find_view(str(args["view_id"]))
    elif args.get("external_id"):
        existing = state.find_view_by_external_id(str(args["external_id"]))
    else:
        raise SlackError("invalid_arguments", response_metadata={"messages": ["view_id or external_id"]})
    if existing is None:
        raise SlackError("not_found")
    if args.get("hash") and args["hash"] != existing.hash:
        raise SlackError("hash_conflict")
    updated = replace(state, existing, args.get("view"), "views.update")
    return {"view": copy.deepcopy(updated.view)}


def publish(state: State, args: JSON) -> JSON:
    user = state.require_user(args.get("user_id"))
    view = _checked(state, "views.publish", args.get("view"), ("home",))
    existing = state.homes.get(user.id)
    if existing is not None and args.get("hash") and args["hash"] != existing.hash:
        raise SlackError("hash_conflict")
    view_id = existing.id if existing is not None else state.new_id("V")
    published = _stored(state, view_id, user.id, view, root=view_id, previous=None)
    state.homes[user.id] = published
    return {"view": copy.deepcopy(published.view)}


METHODS = {
    "views.open": open_,
    "views.push": push_,
    "views.update": update,
    "views.publish": publish,
}
