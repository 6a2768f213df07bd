"""What the local-Slack unit tests share: a small workspace on the stand-in, Block Kit builders and a
fake app behind the driver."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier

from localslack.driver import SlackDriver, wsgi_poster
from localslack.standin import Channel, SlackStandIn, User

SECRET = "test-signing-secret"


class FakeTime:
    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@dataclass
class Workspace:
    standin: SlackStandIn
    client: WebClient
    clock: FakeTime
    alice: User
    bob: User
    general: Channel  # public, the app is not a member
    team: Channel  # private, the app is a member
    secret: Channel  # private, the app is not a member
    old: Channel  # archived


def section(text: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if block_id:
        block["block_id"] = block_id
    return block


def api_error(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(SlackApiError) as info:
        call(*args, **kwargs)
    return str(info.value.response["error"])


def modal(
    title: str = "Share a lesson", blocks: list[dict[str, Any]] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": blocks or [section("hi")],
        **extra,
    }


class FakeApp:
    """A WSGI app that checks signatures, records requests and answers with canned replies."""

    def __init__(self, replies: Iterable[tuple[int, str]] = ()) -> None:
        self.verifier = SignatureVerifier(SECRET)
        self.replies = list(replies)
        self.requests: list[dict[str, Any]] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        headers["content-type"] = environ.get("CONTENT_TYPE", "")
        valid = self.verifier.is_valid_request(body, headers)
        self.requests.append({"path": environ["PATH_INFO"], "body": body, "headers": headers, "valid": valid})
        status, reply = self.replies.pop(0) if self.replies else (200, "")
        start_response(f"{status} X", [("Content-Type", "application/json")])
        return [reply.encode()]

    def payload(self, index: int = -1) -> Any:
        request = self.requests[index]
        if request["headers"]["content-type"] == "application/json":
            return json.loads(request["body"])
        form = {k: v[-1] for k, v in parse_qs(request["body"].decode()).items()}
        return json.loads(form["payload"]) if "payload" in form else form


def driver_for(ws: Workspace, app: FakeApp) -> SlackDriver:
    return SlackDriver(SECRET, ws.standin, wsgi_poster(app))


def lesson_modal() -> dict[str, Any]:
    def text_input(block_id: str, action_id: str, **extra: Any) -> dict[str, Any]:
        return {
            "type": "input",
            "block_id": block_id,
            "label": {"type": "plain_text", "text": block_id},
            "element": {"type": "plain_text_input", "action_id": action_id},
            **extra,
        }

    def option(value: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": value.title()}, "value": value}

    note = text_input("note", "note_input", optional=True)
    note["element"]["initial_value"] = "draft"
    return modal(
        callback_id="lesson",
        private_metadata='{"channel": "C1"}',
        submit={"type": "plain_text", "text": "Save"},
        notify_on_close=True,
        blocks=[
            text_input("title", "title_input"),
            note,
            text_input("extra", "extra_input", optional=True),
            {
                "type": "input",
                "block_id": "tags",
                "label": {"type": "plain_text", "text": "Tags"},
                "element": {
                    "type": "checkboxes",
                    "action_id": "tags_input",
                    "options": [option("ops"), option("qa")],
                },
            },
            {
                "type": "input",
                "block_id": "level",
                "label": {"type": "plain_text", "text": "Level"},
                "element": {
                    "type": "static_select",
                    "action_id": "pick",
                    "options": [option("low"), option("high")],
                },
            },
            {
                "type": "input",
                "block_id": "mentor",
                "optional": True,
                "label": {"type": "plain_text", "text": "Mentor"},
                "element": {"type": "users_select", "action_id": "mentor_input"},
            },
        ],
    )


def open_lesson_modal(ws: Workspace, user: str) -> str:
    view = ws.client.views_open(trigger_id=ws.standin.new_trigger_id(user), view=lesson_modal())["view"]
    return str(view["id"])


FILLED = {"title": "t", "tags": ["qa"], "level": "low"}
