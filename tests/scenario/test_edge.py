"""The HTTP edge (handlers/edge.py): hostile requests are refused before Bolt parses them, signed ones
of the wrong shape get a 4xx (events: a 200 that changes nothing), and none of it is a 5xx, a
traceback in the log or a row in the database."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from localslack.workspace import LocalWorkspace
from storage.lessons.models import Lesson

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []


def lessons(ws: LocalWorkspace) -> int:
    with ws.deps.db.read_session() as session:
        return int(session.scalar(select(func.count()).select_from(Lesson)) or 0)


def command_form(ws: LocalWorkspace, **fields: object) -> bytes:
    base = {
        "team_id": ws.standin.team_id,
        "user_id": ws.user_id("ola"),
        "channel_id": ws.channel_id("general"),
        "command": "/lesson",
        "text": "A lesson that must not be stored",
        "trigger_id": ws.standin.new_trigger_id(ws.user_id("ola")),
        "response_url": ws.standin.new_response_url(ws.channel_id("general"), ws.user_id("ola")),
    }
    return urlencode({**base, **fields}).encode()


def test_unsigned_and_forged_requests_get_401_before_anything_is_parsed(
    ws: LocalWorkspace, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    for body in (b"\xff\xfe not utf-8", b"payload=not-json", command_form(ws), b"[1,2,3]"):
        status, _ = ws.driver._post(body, {"Content-Type": FORM})  # no signature at all
        assert status == 401
        forged = {
            "Content-Type": FORM,
            "X-Slack-Request-Timestamp": "1700000000",
            "X-Slack-Signature": "v0=00",
        }
        status, _ = ws.driver._post(body, forged)
        assert status == 401
    assert lessons(ws) == 0
    no_traceback(caplog)


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"\xff\xfe\xfd", FORM, 400),
        (b"payload=%7Bnot+json", FORM, 400),
        (b"payload=%5B1%2C2%5D", FORM, 400),  # a list
        (b"payload=42", FORM, 400),
        (b"payload=null", FORM, 400),
        (b'payload={"type": "block_actions", "actions": {"a": 1}}', FORM, 400),
        (b'payload={"type": "block_actions", "user": 7}', FORM, 400),
        (b"not json", JSON, 400),
        (b"[1, 2]", JSON, 400),
        (b'{"no": "type"}', JSON, 400),
        (b'{"type": "event_callback", "team_id": 5, "event": {"type": "message"}}', JSON, 400),
        (b'{"type": "event_callback", "event": null}', JSON, 200),  # events: acknowledged, ignored
        (b'{"type": "event_callback", "event": {"type": "reaction_added", "user": 42}}', JSON, 200),
        (b'{"type": "event_callback", "event": {"type": "reaction_added", "item": "C1"}}', JSON, 200),
        (b"<xml/>", "text/xml", 415),
    ],
)
def test_signed_requests_of_the_wrong_shape_are_refused_in_one_line(
    ws: LocalWorkspace, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str, status: int
) -> None:
    caplog.set_level(logging.INFO)
    response = ws.driver._send(body, content_type)
    assert response.status == status
    assert lessons(ws) == 0
    no_traceback(caplog)
    assert any("refused a request" in r.getMessage() for r in caplog.records)


def test_a_command_with_ids_of_the_wrong_type_stores_nothing(
    ws: LocalWorkspace, caplog: pytest.LogCaptureFixture
) -> None:
    for fields in ({"user_id": ""}, {"team_id": "not an id"}, {"channel_id": "#general"}):
        response = ws.driver._send(command_form(ws, **fields), FORM)
        assert response.status < 500
    assert lessons(ws) == 0
    no_traceback(caplog)


def test_a_body_too_big_is_refused_unread(ws: LocalWorkspace) -> None:
    body = command_form(ws, text="x" * 1_100_000)
    assert ws.driver._send(body, FORM).status == 413
    assert lessons(ws) == 0


def test_a_well_formed_request_still_reaches_the_app(ws: LocalWorkspace) -> None:
    response = ws.driver._send(command_form(ws, text="Pair on the first deploy #onboarding"), FORM)
    assert response.status == 200 and "Lesson #1" in json.dumps(response.json)
    ws.settle()
    assert lessons(ws) == 1
