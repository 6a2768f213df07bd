"""conversations.*: visibility of private conversations, DMs and group DMs, history, threads, paging."""

from __future__ import annotations

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
