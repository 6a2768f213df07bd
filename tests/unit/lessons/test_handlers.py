"""handlers.lessons: register() wires named module-level listeners, none of which takes bolt's client."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import handlers.lessons
from bot.lessons.ids import LessonAction, LessonCallback, SearchAction


class Wiring:
    """Records what register() asks a Bolt App to route, without building one."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, str, Callable[..., Any]]] = []

    def _route(self, kind: str, key: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def wire(listener: Callable[..., Any]) -> Callable[..., Any]:
            self.routes.append((kind, str(key), listener))
            return listener

        return wire

    def command(self, key: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._route("command", key)

    def view(self, key: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._route("view", key)

    def shortcut(self, key: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._route("shortcut", key)

    def action(self, key: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._route("action", key)

    def event(self, key: str, matchers: list[Callable[..., bool]] | None = None) -> Any:
        for matcher in matchers or []:
            assert matcher.__qualname__ == matcher.__name__, "a module-level matcher"
        return self._route("event", key)


def test_register_wires_named_module_level_listeners() -> None:
    wiring = Wiring()
    handlers.lessons.register(wiring)  # type: ignore[arg-type]
    routes = {(kind, key): listener.__name__ for kind, key, listener in wiring.routes}
    assert routes == {
        ("command", "/lesson"): "lesson_command",
        ("view", LessonCallback.MODAL): "lesson_submitted",
        ("view", LessonCallback.EDIT): "edit_submitted",
        ("view", LessonCallback.SHARE_ELSEWHERE): "share_elsewhere_submitted",
        ("shortcut", LessonCallback.SAVE_MESSAGE_SHORTCUT): "save_message",
        ("action", LessonAction.USEFUL): "vote_useful",
        ("action", LessonAction.APPLIED): "vote_applied",
        ("action", LessonAction.RUN_MEANT): "run_meant",
        ("action", LessonAction.SHARE_TYPED): "share_typed",
        ("action", LessonAction.DELETE_CONFIRMED): "delete_confirmed",
        ("action", LessonAction.DELETE_KEPT): "delete_kept",
        ("action", LessonAction.MANAGE): "manage",
        ("action", LessonAction.SHARE_ELSEWHERE): "share_elsewhere",
        ("action", SearchAction.MORE): "more_results",
        ("event", "reaction_added"): "reaction_added",
        ("event", "reaction_removed"): "reaction_removed",
    }
    for _, _, listener in wiring.routes:
        assert listener.__qualname__ == listener.__name__, f"{listener.__qualname__} is a closure"
        assert listener.__module__.startswith("handlers.lessons.")
        assert getattr(inspect.getmodule(listener), listener.__name__) is listener
        assert "client" not in inspect.signature(listener).parameters, "Slack calls go through deps.slack"
