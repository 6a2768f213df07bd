"""Bolt listeners, one package per feature, each with a `register(app)` that wires named listeners."""

from __future__ import annotations

from slack_bolt import App

from handlers import lessons, mentoring, rhythm

FEATURES = (lessons, rhythm, mentoring)


def register_all(app: App) -> None:
    for feature in FEATURES:
        feature.register(app)
