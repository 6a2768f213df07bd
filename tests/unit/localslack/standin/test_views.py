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


def home(blocks: list[dict[str, object]]) -> dict[str, object]:
    return {"type": "home", "blocks": blocks}


def test_views_publish_validates_the_home_as_slack_does_and_keeps_the_last_good_one(ws: Workspace) -> None:
    good = ws.client.views_publish(user_id=ws.alice.id, view=home([section("Welcome")]))["view"]
    full = [section(f"row {i}") for i in range(100)]  # a Home tab holds up to 100 blocks (a message: 50)
    published = ws.client.views_publish(user_id=ws.alice.id, view=home(full))["view"]
    assert len(published["blocks"]) == 100 and all(b["block_id"] for b in published["blocks"])
    assert published["type"] == "home" and "submit" not in published and "close" not in published

    bad = {
        "101 blocks": home([*full, section("one too many")]),
        "a text over 3000 characters": home([section("x" * 3001)]),
        "no blocks": home([]),
        "an unknown block": home([{"type": "no_such_block"}]),
        "two blocks with one id": home([section("a", "same"), section("b", "same")]),
        "a modal": modal(),
    }
    for what, view in bad.items():
        assert api_error(ws.client.views_publish, user_id=ws.alice.id, view=view) == "invalid_arguments", what
    recorded = ws.standin.invalid_payloads
    assert [p.method for p in recorded] == ["views.publish"] * len(bad)
    assert "no more than 100 items allowed [json-pointer:/view/blocks]" in recorded[0].errors
    assert any("/view/blocks/0" in e for e in recorded[1].errors)
    assert any("at least 1 block" in e for e in recorded[2].errors)
    assert any("/view/type" in e for e in recorded[5].errors)
    kept = ws.standin.home_view(ws.alice.id)
    assert kept is not None and kept.id == good["id"] and len(kept.blocks) == 100


def test_views_publish_checks_the_size_the_hash_and_the_person(ws: Workspace) -> None:
    huge = home([section("x" * 2900) for _ in range(90)])  # every block fine, the view over 250 kB
    assert api_error(ws.client.views_publish, user_id=ws.alice.id, view=huge) == "view_too_large"
    first = ws.client.views_publish(user_id=ws.alice.id, view=home([section("one")]))["view"]
    second = ws.client.views_publish(user_id=ws.alice.id, hash=first["hash"], view=home([section("two")]))
    assert second["view"]["id"] == first["id"]
    stale = {"user_id": ws.alice.id, "hash": first["hash"], "view": home([section("three")])}
    assert api_error(ws.client.views_publish, **stale) == "hash_conflict"
    assert (
        api_error(ws.client.views_publish, user_id="UNOBODY", view=home([section("x")])) == "user_not_found"
    )
    # Each person has a Home of their own.
    ws.client.views_publish(user_id=ws.bob.id, view=home([section("Bob's")]))
    alice, bob = ws.standin.home_view(ws.alice.id), ws.standin.home_view(ws.bob.id)
    assert alice is not None and bob is not None and alice.id != bob.id
    assert alice.blocks[0]["text"]["text"] == "two" and bob.blocks[0]["text"]["text"] == "Bob's"


def test_views_update_of_a_home_validates_it_as_a_home(ws: Workspace) -> None:
    published = ws.client.views_publish(user_id=ws.alice.id, view=home([section("one")]))["view"]
    updated = ws.client.views_update(view_id=published["id"], view=home([section("two")]))["view"]
    assert updated["id"] == published["id"] and updated["type"] == "home"
    assert api_error(ws.client.views_update, view_id=published["id"], view=modal()) == "invalid_arguments"
    too_many = home([section(f"n{i}") for i in range(101)])
    assert api_error(ws.client.views_update, view_id=published["id"], view=too_many) == "invalid_arguments"
    stored = ws.standin.home_view(ws.alice.id)
    assert stored is not None and stored.blocks[0]["text"]["text"] == "two"
