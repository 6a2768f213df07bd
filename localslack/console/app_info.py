"""What the console knows about the app from manifest.json: its commands, shortcuts and events.

Slack only sends an app what its manifest subscribes to, so the console does the same: a message
event reaches the app only when the manifest subscribes to it, and an unknown /command is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.json"

# The message.* subscription that covers each kind of conversation.
MESSAGE_EVENTS = {
    "channel": "message.channels",
    "group": "message.groups",
    "im": "message.im",
    "mpim": "message.mpim",
}


@dataclass(frozen=True)
class AppInfo:
    name: str = "Erfaring"
    # None: not known (no manifest), so the console lets everything through.
    commands: frozenset[str] | None = None
    bot_events: frozenset[str] | None = None
    message_shortcuts: dict[str, str] = field(default_factory=dict)  # callback_id → name
    global_shortcuts: dict[str, str] = field(default_factory=dict)

    def subscribes(self, event: str) -> bool:
        return self.bot_events is None or event in self.bot_events

    def has_command(self, command: str) -> bool:
        return self.commands is None or command in self.commands


def load_app_info(path: Path = MANIFEST) -> AppInfo:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return AppInfo()
    features = manifest.get("features") or {}
    bot_user = features.get("bot_user") or {}
    display = manifest.get("display_information") or {}
    shortcuts = [s for s in features.get("shortcuts") or [] if isinstance(s, dict)]
    subscriptions = (manifest.get("settings") or {}).get("event_subscriptions") or {}
    return AppInfo(
        name=str(bot_user.get("display_name") or display.get("name") or "Erfaring"),
        commands=frozenset(str(c.get("command")) for c in features.get("slash_commands") or []),
        bot_events=frozenset(str(e) for e in subscriptions.get("bot_events") or []),
        message_shortcuts={
            str(s.get("callback_id")): str(s.get("name")) for s in shortcuts if s.get("type") == "message"
        },
        global_shortcuts={
            str(s.get("callback_id")): str(s.get("name")) for s in shortcuts if s.get("type") == "global"
        },
    )
