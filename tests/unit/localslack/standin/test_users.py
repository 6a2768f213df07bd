"""users.info, users.list and users.conversations, as the app's bot token sees them."""

from __future__ import annotations

from tests.unit.localslack.support import Workspace, api_error


def test_users_info_has_what_the_app_reads(ws: Workspace) -> None:
    user = ws.client.users_info(user=ws.alice.id)["user"]
    assert user["is_admin"] is True and user["deleted"] is False
    assert user["tz"] == "Europe/Oslo" and user["tz_offset"] == 3600  # November: CET
    assert user["profile"]["title"] == "Engineer" and user["profile"]["real_name"] == "Alice Ås"
    assert ws.client.users_info(user=ws.bob.id)["user"]["tz_offset"] == -5 * 3600
    assert api_error(ws.client.users_info, user="UNOBODY") == "user_not_found"
    names = [m["name"] for m in ws.client.users_list(limit=2)["members"]]
    assert names == ["app", "alice"]
