"""handlers.home: register() wires named module-level listeners for the event, every button the Home
shows of its own and every settings modal; none takes Bolt's client."""

from __future__ import annotations

import inspect

import handlers.home
from bot.home.ids import HomeAction, HomeCallback
from tests.unit.lessons.test_handlers import Wiring

BUTTONS = {
    HomeAction.SHARE_LESSON,
    HomeAction.FIND_MENTOR,
    HomeAction.CANCEL_REQUEST,
    HomeAction.EDIT_CHANNEL,
    HomeAction.ADD_CHANNEL,
    HomeAction.WORKSPACE,
    HomeAction.QUESTIONS,
}


def test_register_wires_the_event_the_buttons_and_the_modals() -> None:
    wiring = Wiring()
    handlers.home.register(wiring)  # type: ignore[arg-type]
    routes = {(kind, key) for kind, key, _ in wiring.routes}
    assert ("event", "app_home_opened") in routes
    assert {key for kind, key in routes if kind == "action"} == {str(b) for b in BUTTONS}
    assert {key for kind, key in routes if kind == "view"} == {str(c) for c in HomeCallback}
    for _, _, listener in wiring.routes:
        assert listener.__qualname__ == listener.__name__, "a module-level listener"
        assert "client" not in inspect.signature(listener).parameters
    assert handlers.home.EVENTS == ("app_home_opened",)
