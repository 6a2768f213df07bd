"""What changed in the stand-in since the last look: the console shows exactly that after each input."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

from localslack.standin import JSON, SlackStandIn

ChangeKind = Literal[
    "message", "updated", "deleted", "reactions", "view_opened", "view_updated", "view_closed", "home"
]


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    key: tuple[str, ...]  # ("m", channel, ts) or ("e", ts) for messages; ("v", view_id); ("h", user)
    order: int = 0  # the message ts in microseconds, so output follows the order things happened
    title: str = ""  # a closed modal's title


@dataclass
class Snapshot:
    messages: dict[tuple[str, ...], str] = field(default_factory=dict)  # key → content fingerprint
    reactions: dict[tuple[str, ...], str] = field(default_factory=dict)
    views: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # id → (user, hash, title)
    homes: dict[str, str] = field(default_factory=dict)  # user → hash
    # Answers to a slash command (its ack): Slack shows them at once, before anything the app does
    # after acking, though the stand-in may record them a moment later.
    acks: set[tuple[str, ...]] = field(default_factory=set)


def ts_order(ts: str) -> int:
    seconds, _, fraction = ts.partition(".")
    try:
        return int(seconds) * 1_000_000 + int((fraction or "0").ljust(6, "0")[:6])
    except ValueError:
        return 0


def _fingerprint(text: str, blocks: list[JSON], attachments: list[JSON] | None = None) -> str:
    return json.dumps([text, blocks, attachments or []], sort_keys=True, ensure_ascii=False)


def snapshot(standin: SlackStandIn) -> Snapshot:
    shot = Snapshot()
    for channel in standin.channels():
        for top in standin.messages(channel.id):
            thread = standin.messages(channel.id, top.ts) if top.thread_ts == top.ts else [top]
            for message in thread:
                key = ("m", channel.id, message.ts)
                shot.messages[key] = _fingerprint(message.text, message.blocks, message.attachments)
                shot.reactions[key] = json.dumps(message.reactions, sort_keys=True)
    for ephemeral in standin.ephemerals():
        shot.messages[("e", ephemeral.ts)] = _fingerprint(ephemeral.text, ephemeral.blocks)
        if ephemeral.source == "command":
            shot.acks.add(("e", ephemeral.ts))
    for user in standin.users():
        for view in standin.views_for(user.id):
            title = view.view.get("title") or {}
            shot.views[view.id] = (user.id, view.hash, str(title.get("text") or ""))
        home = standin.home_view(user.id)
        if home is not None:
            shot.homes[user.id] = home.hash
    return shot


def diff(before: Snapshot, after: Snapshot) -> list[Change]:
    """Changes in the order the console shows them: closed modals, then messages as they happened,
    then open modals and App Homes."""
    closed = [
        Change("view_closed", ("v", view_id), title=title)
        for view_id, (_, _, title) in before.views.items()
        if view_id not in after.views
    ]
    happened: list[Change] = []
    for key, content in after.messages.items():
        order = ts_order(key[-1])
        if key not in before.messages:
            happened.append(Change("message", key, order))
        elif before.messages[key] != content:
            happened.append(Change("updated", key, order))
        elif before.reactions.get(key, "{}") != after.reactions.get(key, "{}"):
            happened.append(Change("reactions", key, order))
    happened += [
        Change("deleted", key, ts_order(key[-1])) for key in before.messages if key not in after.messages
    ]
    happened.sort(key=lambda c: (c.kind != "message", c.key not in after.acks, c.order))
    views: list[Change] = []
    for view_id, (_user, view_hash, _) in after.views.items():
        if view_id not in before.views:
            views.append(Change("view_opened", ("v", view_id)))
        elif before.views[view_id][1] != view_hash:
            views.append(Change("view_updated", ("v", view_id)))
    homes = [
        Change("home", ("h", user))
        for user, home_hash in after.homes.items()
        if before.homes.get(user) != home_hash
    ]
    return closed + happened + views + homes
