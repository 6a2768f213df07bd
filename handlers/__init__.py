"""Bolt listeners, one package per feature, each with a `register(app)` that wires named listeners.

Bolt runs the first listener whose matchers match an event, so each feature registers its events
with matchers for what it handles (lessons: :+1:/:bulb:; the rhythm: :raised_hand: and thread
replies), and the catch-alls come last: every other message or reaction is acknowledged and
ignored, so Slack gets its 200 and Bolt logs no "unhandled request".
"""

from __future__ import annotations

from slack_bolt import App

from handlers import commands, home, lessons, mentoring, privacy, rhythm

FEATURES = (lessons, rhythm, mentoring, privacy, home)
IGNORED_EVENTS = ("message", "reaction_added", "reaction_removed")


def ignore_event() -> None:
    """An event no feature listens to: nothing to do."""


def register_all(app: App) -> None:
    app.command(commands.COMMAND)(commands.on_erfaring)
    for feature in FEATURES:
        feature.register(app)
    for event in IGNORED_EVENTS:
        app.event(event)(ignore_event)
