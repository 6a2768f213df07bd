"""users.info, users.list and users.conversations, as the app's bot token sees them."""

from __future__ import annotations

from typing import Any

import pytest

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


def test_the_locale_is_shown_only_when_asked_for_as_slack_does(ws: Workspace) -> None:
    assert "locale" not in ws.client.users_info(user=ws.alice.id)["user"]
    assert ws.client.users_info(user=ws.alice.id, include_locale=True)["user"]["locale"] == "en-US"
    ws.standin.set_locale(ws.alice.id, "nb-NO")
    assert ws.client.users_info(user=ws.alice.id, include_locale=True)["user"]["locale"] == "nb-NO"
    assert ws.client.users_info(user=ws.bob.id, include_locale=True)["user"]["locale"] == "en-US"
    members = ws.client.users_list(include_locale=True)["members"]
    assert {m["name"]: m["locale"] for m in members} == {"app": "en-US", "alice": "nb-NO", "bob": "en-US"}
    assert all("locale" not in m for m in ws.client.users_list()["members"])
    sv = ws.standin.add_user("sven", locale="sv-SE")
    assert ws.client.users_info(user=sv.id, include_locale="true")["user"]["locale"] == "sv-SE"
    with pytest.raises(KeyError):
        ws.standin.set_locale("UNOBODY", "nb-NO")
    with pytest.raises(ValueError, match="locale"):
        ws.standin.set_locale(ws.alice.id, " ")


def channel_ids(answer: Any) -> list[str]:
    return [c["id"] for c in answer["channels"]]


def test_users_conversations_lists_what_the_person_is_in_as_the_bot_token_sees_it(ws: Workspace) -> None:
    im = ws.standin.im_channel(ws.alice.id)
    everything = "public_channel,private_channel,mpim,im"
    # Without a user: the app's own conversations (public ones by default).
    assert channel_ids(ws.client.users_conversations()) == [ws.old.id]
    assert channel_ids(ws.client.users_conversations(types=everything)) == [ws.team.id, ws.old.id, im]
    # A person's: public ones they are in, and non-public ones only where the app is too.
    alice = ws.client.users_conversations(user=ws.alice.id, types=everything)
    assert channel_ids(alice) == [ws.general.id, ws.team.id, ws.old.id, im]  # not #secret
    assert channel_ids(ws.client.users_conversations(user=ws.alice.id, exclude_archived=True)) == [
        ws.general.id
    ]
    assert channel_ids(ws.client.users_conversations(user=ws.bob.id, types=everything)) == [ws.general.id]
    shown = {c["id"]: c for c in alice["channels"]}
    assert shown[ws.team.id]["is_private"] is True and shown[im]["is_im"] is True
    assert api_error(ws.client.users_conversations, user="UNOBODY") == "user_not_found"
    assert api_error(ws.client.users_conversations, types="channels") == "invalid_types"


def test_users_conversations_paginates(ws: Workspace) -> None:
    for n in range(5):
        ws.standin.add_channel(f"room-{n}", members=[ws.bob.id])
    seen: list[str] = []
    cursor = ""
    pages = 0
    while True:
        page = ws.client.users_conversations(user=ws.bob.id, limit=2, cursor=cursor)
        seen += [c["name"] for c in page["channels"]]
        pages += 1
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert pages == 3 and seen == ["general", "room-0", "room-1", "room-2", "room-3", "room-4"]
    assert api_error(ws.client.users_conversations, user=ws.bob.id, cursor="not-a-cursor") == "invalid_cursor"


def test_a_member_who_leaves_a_private_channel_is_no_longer_listed_in_it(ws: Workspace) -> None:
    ws.standin.add_member(ws.team.id, ws.alice.id)
    listed = ws.client.users_conversations(user=ws.alice.id, types="private_channel")["channels"]
    assert ws.team.id in [c["id"] for c in listed]
    ws.standin.remove_member(ws.team.id, ws.alice.id)
    listed = ws.client.users_conversations(user=ws.alice.id, types="private_channel")["channels"]
    assert ws.team.id not in [c["id"] for c in listed]
