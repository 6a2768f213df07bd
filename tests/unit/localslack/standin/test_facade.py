"""SlackStandIn, the facade: the names tests and the driver import, and the workspace it builds."""

from __future__ import annotations

import localslack.standin as standin_package
from localslack.standin import (
    INTERACTIVE_TYPES,
    JSON,
    METHODS,
    Channel,
    Ephemeral,
    Message,
    OpenView,
    SlackError,
    SlackStandIn,
    User,
    interactive_elements,
    validate_blocks,
    validate_view,
)
from tests.unit.localslack.support import Workspace, api_error

PUBLIC = (
    "start",
    "stop",
    "base_url",
    "api_url",
    "add_user",
    "set_locale",
    "add_channel",
    "add_member",
    "restore",
    "user",
    "users",
    "channel",
    "channel_by_name",
    "channels",
    "messages",
    "message",
    "ephemerals",
    "ephemeral",
    "views_for",
    "home_view",
    "view",
    "im_channel",
    "message_dict",
    "calls_to",
    "reset_calls",
    "new_trigger_id",
    "new_response_url",
    "user_post_message",
    "user_add_reaction",
    "user_remove_reaction",
    "close_view",
    "clear_views",
    "update_view",
    "push_view",
    "deliver_response",
    "record_invalid",
    "fail",
    "delay",
    "deactivate",
    "reactivate",
    "uninstall",
    "install",
    "installed",
    "user_dict",
    "files",
)


def test_the_package_exports_what_tests_and_the_console_use() -> None:
    assert {"button", "static_select"} <= INTERACTIVE_TYPES
    assert dict[str, object] == JSON or JSON.__origin__ is dict
    for record in (Channel, Ephemeral, Message, OpenView, User):
        assert record.__module__ == "localslack.standin.state"
    assert issubclass(SlackError, Exception) and callable(interactive_elements)
    assert validate_blocks([]) == [] and validate_view({"type": "nope"}) != []
    assert set(standin_package.__all__) <= set(dir(standin_package))
    assert all(hasattr(SlackStandIn, name) for name in PUBLIC)


def test_every_web_api_method_has_a_family() -> None:
    families = {name.split(".")[0] for name in METHODS}
    assert families == {
        "api",
        "auth",
        "team",
        "users",
        "conversations",
        "chat",
        "reactions",
        "views",
        "files",
    }
    assert {"users.conversations", "conversations.members", "conversations.info"} <= set(METHODS)


def test_a_person_posts_exactly_what_is_given_and_only_where_they_may(ws: Workspace) -> None:
    message = ws.standin.user_post_message(ws.alice.id, ws.general.id, "a &lt; b <@UBOT>")
    assert message.text == "a &lt; b <@UBOT>" and message.user == ws.alice.id
    for user, channel, problem in (
        (ws.bob.id, ws.team.id, "not a member"),
        (ws.alice.id, ws.old.id, "archived"),
    ):
        try:
            ws.standin.user_post_message(user, channel, "x")
        except ValueError as exc:
            assert problem in str(exc)
        else:
            raise AssertionError(f"{user} posted in {channel}")


def test_restore_brings_back_records_with_their_ids_and_later_ids_follow() -> None:
    with SlackStandIn() as fresh:
        kari = User(id="U00000120", name="kari", locale="nb-NO")
        room = Channel(id="C00000121", name="general", members={"U00000120", "UBOT"})
        dm = Channel(
            id="D00000122", name="U00000120", is_im=True, members={"U00000120", "UBOT"}, user="U00000120"
        )
        saved = Message(channel=room.id, ts="1700000000.000005", user=kari.id, text="hei")
        fresh.restore([kari], [room, dm], [saved])
        assert fresh.user("U00000120").locale == "nb-NO" and fresh.im_channel(kari.id) == dm.id
        assert fresh.messages(room.id) == [saved]
        assert fresh.add_user("ola").id == "U00000123"
        assert fresh.user_post_message(kari.id, room.id, "later").ts > saved.ts


def test_a_deactivated_person_shows_as_deleted_and_an_uninstalled_app_has_a_revoked_token(
    ws: Workspace,
) -> None:
    ws.standin.deactivate(ws.bob.id)
    assert ws.client.users_info(user=ws.bob.id)["user"]["deleted"] is True
    assert ws.standin.user_dict(ws.bob.id)["deleted"] is True and "locale" in ws.standin.user_dict(ws.bob.id)
    ws.standin.reactivate(ws.bob.id)
    assert ws.client.users_info(user=ws.bob.id)["user"]["deleted"] is False

    ws.standin.uninstall()
    assert not ws.standin.installed
    assert api_error(ws.client.auth_test) == "token_revoked"
    assert api_error(ws.client.chat_postMessage, channel=ws.team.id, text="hi") == "token_revoked"
    assert ws.standin.messages(ws.team.id) == []
    ws.standin.install()
    assert ws.standin.installed and ws.client.auth_test()["team_id"] == ws.standin.team_id
