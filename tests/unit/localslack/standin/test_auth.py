"""auth.test, api.test and team.info; tokens and unknown methods."""

from __future__ import annotations

from slack_sdk import WebClient

from tests.unit.localslack.support import Workspace, api_error


def test_auth_and_unknown_method(ws: Workspace) -> None:
    auth = ws.client.auth_test()
    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == ("T0LOCAL", "UBOT", "BBOT")
    wrong = WebClient(token="xoxb-wrong", base_url=ws.standin.api_url)
    assert api_error(wrong.auth_test) == "invalid_auth"
    assert api_error(ws.client.api_call, "files.frobnicate") == "unknown_method"
    assert [c.method for c in ws.standin.calls] == ["auth.test", "auth.test", "files.frobnicate"]
