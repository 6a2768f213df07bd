"""The stand-in's HTTP side: a threaded server on 127.0.0.1 that parses Web API requests the way
Slack accepts them (query string, form or JSON body, token or Bearer header), answers them from the
method table, records every call, and injects the faults a test asked for (errors, slowness)."""

from __future__ import annotations

import copy
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import parse_qs, urlsplit

from localslack.standin import files, response_url
from localslack.standin.state import JSON, Call, SlackError, State

Method = Callable[[State, JSON], JSON]
"""A Web API method: the parsed arguments → the fields of the answer beside "ok": true."""
Answer = tuple[int, JSON, dict[str, str]]
"""HTTP status, JSON body, extra headers."""


@dataclass
class Fault:
    kind: Literal["fail", "delay", "delay_after"]
    error: str = "ratelimited"
    status: int = 429
    retry_after: int | None = None
    seconds: float = 0.0
    channel: str | None = None  # only calls for this conversation (None: any)

    def answer(self) -> Answer:
        headers: dict[str, str] = {}
        if self.status == 429 or self.retry_after is not None:
            headers["Retry-After"] = str(1 if self.retry_after is None else self.retry_after)
        return self.status, {"ok": False, "error": self.error}, headers


class Faults:
    """Queued faults per method ("response_url" for posts to response URLs), used up in order."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[Fault]] = {}
        self._lock = threading.Lock()

    def add(self, method: str, faults: list[Fault]) -> None:
        with self._lock:
            self._queues.setdefault(method, deque()).extend(faults)

    def take(self, method: str, channel: str | None = None) -> Fault | None:
        """The next fault for ``method`` (and, for faults aimed at one conversation, ``channel``); a
        delay is slept here (outside the state's lock, so other requests go on meanwhile) and then
        counts as no fault."""
        with self._lock:
            queue = self._queues.get(method)
            fault = None
            if queue:
                for candidate in queue:
                    if candidate.channel is None or candidate.channel == channel:
                        fault = candidate
                        queue.remove(candidate)
                        break
        if fault is not None and fault.kind == "delay":
            time.sleep(fault.seconds)
            return None
        return fault  # "delay_after" is slept by the caller once the call has taken effect


def parse_args(query: str, headers: Mapping[str, str], body: bytes) -> tuple[JSON, str]:
    """Arguments from the query string and the form or JSON body, and the token that came with them."""
    args: JSON = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    content_type = headers.get("content-type", "").lower()
    if body:
        if content_type.startswith("application/json"):
            try:
                loaded = json.loads(body)
            except ValueError:
                raise SlackError("invalid_json") from None
            if not isinstance(loaded, dict):
                raise SlackError("invalid_json")
            args.update(loaded)
        elif content_type.startswith("application/x-www-form-urlencoded") or not content_type:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
            args.update({k: v[-1] for k, v in form.items()})
        else:
            raise SlackError("invalid_form_data")
    # Form bodies carry structured fields as JSON strings.
    for key in ("blocks", "attachments", "view", "metadata"):
        value = args.get(key)
        if isinstance(value, str):
            try:
                args[key] = json.loads(value) if value.strip() else None
            except ValueError:
                raise SlackError(
                    "invalid_blocks_format" if key == "blocks" else "invalid_arguments"
                ) from None
    token = str(args.pop("token", "") or "")
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        token = authorization[len("bearer ") :].strip()
    return args, token


class Server:
    """Serves ``/api/<method>`` from ``methods`` and ``/response/<id>`` as response URLs."""

    def __init__(self, state: State, methods: Mapping[str, Method], faults: Faults) -> None:
        self.state = state
        self.methods = dict(methods)
        self.faults = faults
        self._http: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._http is not None:
            raise RuntimeError("the stand-in is already running")
        self._http = _HTTPServer(self)
        self.state.base_url = self.base_url
        self._thread = threading.Thread(
            # stop() waits up to one poll interval: keep it short so tests tear down fast.
            target=self._http.serve_forever,
            kwargs={"poll_interval": 0.01},
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        if self._http is None:
            return
        self._http.shutdown()
        self._http.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._http = None
        self._thread = None

    @property
    def base_url(self) -> str:
        if self._http is None:
            raise RuntimeError("start() the stand-in first")
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    # -- requests -------------------------------------------------------------------------------------

    def handle(self, path: str, headers: Mapping[str, str], body: bytes) -> Answer:
        parts = urlsplit(path)
        if parts.path.startswith("/api/"):
            return self._api(parts.path[len("/api/") :], parts.query, headers, body)
        if parts.path.startswith(response_url.PATH):
            return self._response_url(parts.path[len(response_url.PATH) :], body)
        if parts.path.startswith(files.PATH):
            with self.state.lock:
                status, answer = files.receive(self.state, parts.path[len(files.PATH) :], body)
                self._record(
                    "file_upload", {"file": parts.path[len(files.PATH) :], "bytes": len(body)}, answer, status
                )
            return status, answer, {}
        return 404, {"ok": False, "error": "not_found"}, {}

    def _api(self, method: str, query: str, headers: Mapping[str, str], body: bytes) -> Answer:
        try:
            channel = str(parse_args(query, headers, body)[0].get("channel") or "") or None
        except SlackError:
            channel = None
        fault = self.faults.take(method, channel)
        with self.state.lock:
            args: JSON = {}
            answer: JSON = {}
            extra_headers: dict[str, str] = {}
            status = 200
            try:
                args, token = parse_args(query, headers, body)
                if fault is not None and fault.kind == "fail":
                    status, answer, extra_headers = fault.answer()
                else:
                    if not token:
                        raise SlackError("not_authed")
                    if token != self.state.bot_token:
                        raise SlackError("invalid_auth")
                    if self.state.revoked:
                        raise SlackError("token_revoked")
                    handler = self.methods.get(method)
                    if handler is None:
                        raise SlackError("unknown_method")
                    answer = {"ok": True, **handler(self.state, args)}
            except SlackError as exc:
                answer = exc.to_json()
            self._record(method, args, answer, status)
        if fault is not None and fault.kind == "delay_after":
            time.sleep(fault.seconds)  # Slack has done it, but the answer is slow (or never arrives)
        return status, answer, extra_headers

    def _response_url(self, url_id: str, body: bytes) -> Answer:
        fault = self.faults.take("response_url")
        with self.state.lock:
            payload: JSON = {}
            extra_headers: dict[str, str] = {}
            try:
                loaded = json.loads(body or b"{}")
            except ValueError:
                status, answer = 400, SlackError("invalid_payload").to_json()
            else:
                payload = loaded if isinstance(loaded, dict) else {}
                if fault is not None:
                    status, answer, extra_headers = fault.answer()
                else:
                    status, answer = response_url.post(self.state, url_id, payload)
            self._record(
                "response_url", {**payload, "response_url": f"{response_url.PATH}{url_id}"}, answer, status
            )
            return status, answer, extra_headers

    def _record(self, method: str, args: JSON, answer: JSON, status: int) -> None:
        self.state.calls.append(Call(method, args, copy.deepcopy(answer), status, self.state.now()))


class Served:
    """Starting and stopping a stand-in's server, its URLs, and the faults a test injects."""

    _server: Server
    _faults: Faults

    def start(self) -> Self:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return self._server.base_url

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def fail(
        self,
        method: str,
        error: str = "ratelimited",
        status: int = 429,
        retry_after: int | None = None,
        times: int = 1,
        channel: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (for ``channel`` only, when given) with
        ``error``; "response_url" covers those posts. 429 always carries Retry-After (1 s unless
        given), as Slack's does.
        """
        self._faults.add(
            method, [Fault("fail", error, status, retry_after, channel=channel) for _ in range(times)]
        )

    def delay(
        self, method: str, seconds: float, times: int = 1, channel: str | None = None, *, after: bool = False
    ) -> None:
        """Sleep before answering the next ``times`` calls of ``method``, like a slow Slack. With
        ``after``, the call takes effect first and only the answer is late (a post that happened but
        whose answer a crashed client never saw)."""
        kind: Literal["delay", "delay_after"] = "delay_after" if after else "delay"
        self._faults.add(method, [Fault(kind, seconds=seconds, channel=channel) for _ in range(times)])


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver listens with a backlog of 5, and the kernel drops connections beyond it, which
    # Slack does not do: the app's bursts (a server thread per request, each asking Slack something,
    # and the delivery workers) open more than five at once.
    request_queue_size = 128

    def __init__(self, server: Server) -> None:
        self.server_ = server
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, answer, extra_headers = self.server.server_.handle(self.path, headers, body)
        data = json.dumps(answer).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra_headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # tests and the console stay quiet
