"""How listeners reach the app's dependencies: app.py puts them in every request's context."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.deps import Deps

DEPS_KEY = "erfaring_deps"


def deps_of(context: BoltContext | dict[str, Any]) -> Deps:
    deps = context[DEPS_KEY]
    assert isinstance(deps, Deps)
    return deps
