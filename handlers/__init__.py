"""Bolt listeners, one module per feature, each with a `register(app)`."""

from __future__ import annotations

from slack_bolt import App

from handlers import dedupe, lessons, mentoring, rhythm

FEATURES = (dedupe, lessons, rhythm, mentoring)


def register_all(app: App) -> None:
    for feature in FEATURES:
        feature.register(app)
