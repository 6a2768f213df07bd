"""views.*: triggers, modal stacks, updates and the App Home."""

from __future__ import annotations

from tests.unit.localslack.support import Workspace, api_error, modal, section


def test_views_open_needs_a_fresh_single_use_trigger(ws: Workspace) -> None:
    trigger = ws.standin.new_trigger_id(ws.alice.id)
    opened = ws.client.views_open(trigger_id=trigger, view=modal(callback_id="share"))["view"]
    [open_view] = ws.standin.views_for(ws.alice.id)
    assert open_view.id == opened["id"] == opened["root_view_id"] and open_view.callback_id == "share"
    assert api_error(ws.client.views_open, trigger_id=trigger, view=modal()) == "exchanged_trigger_id"
    assert api_error(ws.client.views_open, trigger_id="1.2.nope", view=modal()) == "invalid_trigger_id"

    late = ws.standin.new_trigger_id(ws.alice.id)
    ws.clock.now += 3.5  # Slack's triggers live 3 s
    assert api_error(ws.client.views_open, trigger_id=late, view=modal()) == "expired_trigger_id"


def test_views_update_and_push(ws: Workspace) -> None:
    opened = ws.client.views_open(
        trigger_id=ws.standin.new_trigger_id(ws.bob.id), view=modal(external_id="draft-1")
    )["view"]
    updated = ws.client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal("Step 2"))["view"]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    assert updated["title"]["text"] == "Step 2"
    assert api_error(ws.client.views_update, view_id=opened["id"], hash=opened["hash"], view=modal()) == (
        "hash_conflict"
    )
    by_external = ws.client.views_update(external_id="draft-1", view=modal("Again", external_id="draft-1"))
    assert by_external["view"]["id"] == opened["id"]
    assert api_error(ws.client.views_update, view_id="VNOPE", view=modal()) == "not_found"

    for _ in range(2):
        ws.client.views_push(trigger_id=ws.standin.new_trigger_id(ws.bob.id), view=modal("Pushed"))
    stack = ws.standin.views_for(ws.bob.id)
    assert (
        len(stack) == 3 and stack[2].previous_view_id == stack[1].id and stack[2].root_view_id == opened["id"]
    )
    assert api_error(ws.client.views_push, trigger_id=ws.standin.new_trigger_id(ws.bob.id), view=modal()) == (
        "push_limit_reached"
    )


def test_views_publish_home(ws: Workspace) -> None:
    home = {"type": "home", "blocks": [section("Welcome")]}
    first = ws.client.views_publish(user_id=ws.alice.id, view=home)["view"]
    second = ws.client.views_publish(user_id=ws.alice.id, view=home)["view"]
    stored = ws.standin.home_view(ws.alice.id)
    assert stored is not None and stored.id == first["id"] == second["id"] and stored.hash == second["hash"]
    assert api_error(ws.client.views_publish, user_id=ws.alice.id, view=modal()) == "invalid_arguments"
