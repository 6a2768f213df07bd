"""The HTTP edge in front of Bolt: a request is checked before anything in it is believed.

1. Size: bodies over MAX_BODY bytes are refused (413) unread.
2. Signature: Slack's `X-Slack-Signature` over the raw body is verified BEFORE the body is parsed;
   a forged, stale or missing one gets 401 and nothing else happens.
3. Shape: the body must be UTF-8 and be what Slack sends — a form (slash commands; interactions with
   `payload=` holding a JSON object) or a JSON object (events, with an object `event`); the ids Bolt
   reads before any listener runs (`team_id`, `user`, `channel`, …) must be strings. Anything else
   gets 400 and one log line, never a traceback.
4. Only then does Bolt see it. Should Bolt itself fail on something these checks did not foresee, the
   answer is 400 and one log line, not a 5xx.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)

MAX_CLOCK_SKEW = 5 * 60  # seconds, as Slack asks (and Bolt checks)
MAX_BODY = 1_000_000  # Slack's payloads are far smaller; a view submission is at most a few hundred KB
FORM = "application/x-www-form-urlencoded"
# Fields Bolt reads to build its context before any middleware runs: they must be text when present.
_TEXT_FIELDS = ("team_id", "user_id", "channel_id", "enterprise_id", "api_app_id", "type", "command")
_OBJECT_TEXT_FIELDS = (("user", "id"), ("team", "id"), ("channel", "id"), ("enterprise", "id"))


class Refused(Exception):
    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def _plain(start_response: StartResponse, status: str, body: str) -> list[bytes]:
    data = (body + "\n").encode()
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))]
    )
    return [data]


def _read_body(environ: WSGIEnvironment) -> bytes:
    raw_length = environ.get("CONTENT_LENGTH") or "0"
    if not raw_length.isdigit():
        raise Refused("400 Bad Request", "a Content-Length that is not a number")
    length = int(raw_length)
    if length > MAX_BODY:
        raise Refused("413 Payload Too Large", f"a body of {length} bytes")
    stream = environ.get("wsgi.input")
    return stream.read(length) if stream is not None and length else b""


def _check_ids(data: Mapping[str, Any], where: str) -> None:
    for name in _TEXT_FIELDS:
        if name in data and data[name] is not None and not isinstance(data[name], str):
            raise Refused("400 Bad Request", f"{where}.{name} is not text")
    for outer, inner in _OBJECT_TEXT_FIELDS:
        value = data.get(outer)
        if value is None or isinstance(value, str):
            continue
        if not isinstance(value, Mapping):
            raise Refused("400 Bad Request", f"{where}.{outer} is neither an id nor an object")
        if value.get(inner) is not None and not isinstance(value.get(inner), str):
            raise Refused("400 Bad Request", f"{where}.{outer}.{inner} is not text")


def check_shape(body: bytes, content_type: str) -> None:
    """Raise Refused unless `body` is shaped as Slack sends requests."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("400 Bad Request", "a body that is not UTF-8") from None
    if content_type.startswith(FORM):
        form = parse_qs(text, keep_blank_values=True)
        if "payload" not in form:
            _check_ids({k: v[0] for k, v in form.items() if len(v) == 1}, "form")
            return
        try:
            payload = json.loads(form["payload"][0])
        except ValueError:
            raise Refused("400 Bad Request", "a payload= that is not JSON") from None
        if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
            raise Refused("400 Bad Request", "a payload= that is not an object with a type")
        _check_ids(payload, "payload")
        for name in ("actions",):
            if name in payload and not isinstance(payload[name], list):
                raise Refused("400 Bad Request", f"payload.{name} is not a list")
        return
    if content_type.startswith("application/json"):
        try:
            data = json.loads(text)
        except ValueError:
            raise Refused("400 Bad Request", "a JSON body that is not JSON") from None
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            raise Refused("400 Bad Request", "a JSON body that is not an object with a type")
        _check_ids(data, "body")
        if data["type"] == "event_callback":
            # Slack retries an event it did not get a 2xx for, and turns off an app's events after too
            # many failures: an event of the wrong shape is acknowledged and ignored, not refused.
            event = data.get("event")
            try:
                if not isinstance(event, dict) or not isinstance(event.get("type"), str):
                    raise Refused("200 OK", "an event_callback without an event object")
                _check_ids(event, "event")
                if "item" in event and not isinstance(event["item"], (dict, type(None))):
                    raise Refused("200 OK", "event.item is not an object")
            except Refused as refused:
                raise Refused("200 OK", f"ignored {refused.reason}") from None
        return
    raise Refused("415 Unsupported Media Type", f"a body of type {content_type[:40]!r}")


def guarded(
    bolt: WSGIApplication, signing_secret: str, *, now: Callable[[], float] = time.time
) -> WSGIApplication:
    """`bolt` behind the edge's checks (for POST requests; anything else goes straight through)."""
    key = signing_secret.encode()

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return bolt(environ, start_response)
        try:
            body = _read_body(environ)
            timestamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or "")
            signature = str(environ.get("HTTP_X_SLACK_SIGNATURE") or "")
            if not signed(key, body, timestamp, signature, now()):
                raise Refused("401 Unauthorized", "a request without a valid Slack signature")
            check_shape(body, str(environ.get("CONTENT_TYPE") or ""))
        except Refused as refused:
            log.warning("refused a request: %s", refused.reason)
            answer = "" if refused.status.startswith("200") else refused.status.split(" ", 1)[1].lower()
            return _plain(start_response, refused.status, answer)
        environ = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
        try:
            return bolt(environ, start_response)
        except Exception as exc:  # Bolt choked on something the checks above did not foresee
            log.warning("refused a request Bolt could not read: %s: %s", type(exc).__name__, str(exc)[:200])
            return _plain(start_response, "400 Bad Request", "bad request")

    return wsgi


def signed(key: bytes, body: bytes, timestamp: str, signature: str, now: float) -> bool:
    """Slack's request signature: v0=HMAC-SHA256(signing secret, "v0:{timestamp}:{raw body}"), with
    the timestamp at most five minutes off. Read on the raw bytes, whatever they hold."""
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        return False
    if abs(now - int(timestamp)) > MAX_CLOCK_SKEW:
        return False
    expected = "v0=" + hmac.new(key, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)
