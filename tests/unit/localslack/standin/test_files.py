"""files_upload_v2 against the stand-in: the upload URL, the bytes, the share in a DM."""

from __future__ import annotations

from tests.unit.localslack.support import Workspace, api_error


def test_files_upload_v2_shares_a_file_in_a_dm(ws: Workspace) -> None:
    dm = ws.client.conversations_open(users=ws.alice.id)["channel"]["id"]
    answer = ws.client.files_upload_v2(
        channel=dm,
        content=b"\x89PNG fake bytes",
        filename="report.png",
        title="Rapport for mars",
        initial_comment="Her",
    )
    [shared] = ws.standin.files(dm)
    assert (shared.name, shared.title, shared.content) == (
        "report.png",
        "Rapport for mars",
        b"\x89PNG fake bytes",
    )
    assert answer["files"][0]["id"] == shared.id
    [message] = [m for m in ws.standin.messages(dm) if m.subtype == "file_share"]
    assert message.text == "Her" and message.attachments[0]["file"]["id"] == shared.id


def test_an_upload_that_never_arrived_cannot_be_completed(ws: Workspace) -> None:
    url = ws.client.files_getUploadURLExternal(filename="a.txt", length=3)
    assert (
        api_error(ws.client.files_completeUploadExternal, files=[{"id": url["file_id"]}]) == "file_not_found"
    )
    assert api_error(ws.client.files_getUploadURLExternal, filename="a.txt", length=0) == "invalid_arguments"
