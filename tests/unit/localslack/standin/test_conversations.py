"""conversations.*: visibility of private conversations, DMs and group DMs, history, threads, paging."""

from __future__ import annotations

from typing import Any

from tests.unit.localslack.support import Workspace, api_error


def test_channel_errors(ws: Workspace) -> None:
    assert api_error(ws.client.chat_postMessage, channel=ws.secret.id, text="x") == "not_in_channel"
    assert api_error(ws.client.chat_postMessage, channel=ws.old.id, text="x") == "is_archived"
    assert api_error(ws.client.chat_postMessage, channel="CNOPE", text="x") == "channel_not_found"
    assert api_error(ws.client.conversations_info, channel=ws.secret.id) == "channel_not_found"
    assert api_error(ws.client.conversations_history, channel=ws.general.id) == "not_in_channel"
    assert (
        api_error(ws.client.conversations_join, channel=ws.team.id) == "method_not_supported_for_channel_type"
    )
    ws.client.chat_postMessage(channel=ws.team.id, text="the app is a member here")

    ws.client.conversations_join(channel=ws.general.id)
    assert "UBOT" in ws.standin.channel(ws.general.id).members
    assert ws.client.conversations_info(channel=ws.general.id)["channel"]["is_member"] is True


def test_dms_via_conversations_open(ws: Workspace) -> None:
    im = ws.client.conversations_open(users=ws.alice.id)["channel"]["id"]
    assert im.startswith("D") and ws.client.conversations_open(users=[ws.alice.id])["channel"]["id"] == im
    assert ws.standin.im_channel(ws.alice.id) == im
    # Posting to a user id lands in that user's DM with the app.
    assert ws.client.chat_postMessage(channel=ws.alice.id, text="psst")["channel"] == im
    assert [m.text for m in ws.standin.messages(im)] == ["psst"]

    group = ws.client.conversations_open(users=f"{ws.alice.id},{ws.bob.id}")["channel"]["id"]
    assert group.startswith("G") and group != im
    info = ws.client.conversations_info(channel=group)["channel"]
    assert info["is_mpim"] is True
    assert set(ws.client.conversations_members(channel=group)["members"]) == {ws.alice.id, ws.bob.id, "UBOT"}
    assert api_error(ws.client.conversations_open, users="UNOBODY") == "user_not_found"


def test_threads_history_and_pagination(ws: Workspace) -> None:
    ws.client.conversations_join(channel=ws.general.id)
    parent = ws.standin.user_post_message(ws.alice.id, ws.general.id, "question")
    reply = ws.client.chat_postMessage(channel=ws.general.id, thread_ts=parent.ts, text="answer")
    # A reply to a reply joins the parent's thread.
    again = ws.client.chat_postMessage(channel=ws.general.id, thread_ts=reply["ts"], text="more")
    assert again["message"]["thread_ts"] == parent.ts
    for n in range(3):
        ws.client.chat_postMessage(channel=ws.general.id, text=f"top {n}")

    thread = ws.client.conversations_replies(channel=ws.general.id, ts=parent.ts)["messages"]
    assert [m["text"] for m in thread] == ["question", "answer", "more"]
    assert thread[0]["reply_count"] == 2 and thread[0]["reply_users"] == ["UBOT"]

    first = ws.client.conversations_history(channel=ws.general.id, limit=2)
    assert [m["text"] for m in first["messages"]] == ["top 2", "top 1"] and first["has_more"]
    cursor = first["response_metadata"]["next_cursor"]
    rest = ws.client.conversations_history(channel=ws.general.id, limit=2, cursor=cursor)
    assert [m["text"] for m in rest["messages"]] == ["top 0", "question"] and not rest["has_more"]
    assert [m.text for m in ws.standin.messages(ws.general.id, thread_ts=parent.ts)] == [
        "question",
        "answer",
        "more",
    ]

    link = ws.client.chat_getPermalink(channel=ws.general.id, message_ts=reply["ts"])["permalink"]
    assert link.endswith(f"?thread_ts={parent.ts}&cid={ws.general.id}")


def test_conversations_info_tells_what_kind_of_conversation_it_is(ws: Workspace) -> None:
    def info(channel: str, **extra: Any) -> dict[str, Any]:
        return dict(ws.client.conversations_info(channel=channel, **extra)["channel"])

    public = info(ws.general.id, include_num_members=True)
    assert (public["is_private"], public["is_im"], public["is_mpim"], public["is_member"]) == (
        False,
        False,
        False,
        False,
    )
    assert public["num_members"] == 2 and public["is_channel"] is True
    private = info(ws.team.id, include_num_members=True)
    assert (private["is_private"], private["is_im"], private["is_mpim"], private["is_member"]) == (
        True,
        False,
        False,
        True,
    )
    assert private["num_members"] == 2 and private["name"] == "team"
    assert "num_members" not in info(ws.team.id)  # only when asked for
    group = ws.client.conversations_open(users=[ws.alice.id, ws.bob.id])["channel"]["id"]
    mpim = info(group, include_num_members=True)
    assert (mpim["is_private"], mpim["is_im"], mpim["is_mpim"], mpim["is_member"]) == (
        True,
        False,
        True,
        True,
    )
    assert mpim["num_members"] == 3 and mpim["is_channel"] is False
    im = info(ws.standin.im_channel(ws.bob.id))
    assert im["is_im"] is True and im["user"] == ws.bob.id and "is_private" not in im and "name" not in im
    assert info(ws.old.id)["is_archived"] is True


def test_a_private_channel_the_app_is_not_in_does_not_exist_for_it(ws: Workspace) -> None:
    for call in (
        ws.client.conversations_info,
        ws.client.conversations_members,
        ws.client.conversations_history,
        ws.client.conversations_join,
    ):
        assert api_error(call, channel=ws.secret.id) == "channel_not_found"
    assert (
        api_error(ws.client.conversations_replies, channel=ws.secret.id, ts="1.000000") == "channel_not_found"
    )
    listed = ws.client.conversations_list(types="public_channel,private_channel")
    assert ws.secret.id not in [c["id"] for c in listed["channels"]]
    # Once the app is added, it is an ordinary private channel.
    ws.standin.add_member(ws.secret.id, ws.standin.bot_user_id)
    assert ws.client.conversations_info(channel=ws.secret.id)["channel"]["is_member"] is True


def test_conversations_members_paginates(ws: Workspace) -> None:
    people = [ws.standin.add_user(f"p{n}").id for n in range(4)]
    for person in people:
        ws.standin.add_member(ws.general.id, person)
    first = ws.client.conversations_members(channel=ws.general.id, limit=3)
    cursor = first["response_metadata"]["next_cursor"]
    rest = ws.client.conversations_members(channel=ws.general.id, limit=3, cursor=cursor)
    assert len(first["members"]) == 3 and cursor and rest["response_metadata"]["next_cursor"] == ""
    assert sorted(first["members"] + rest["members"]) == sorted([ws.alice.id, ws.bob.id, *people])
    assert api_error(ws.client.conversations_members, channel=ws.general.id, cursor="%%%") == "invalid_cursor"
