"""Hostile requests against the real app: what a fuzzing Slack impersonator would send.

    python -m bench.hostile [--output PATH]

Runs the app on the local workspace (the stand-in answers its Web API calls) and sends about a
hundred requests: unsigned and forged ones, bodies that are not UTF-8 or not JSON, payloads of the
wrong type, ids that are not ids, button values that are not numbers or too big, form values of the
wrong type, events of the wrong shape, texts of only control characters. It reports, per outcome,
how many got each HTTP status, how many 5xx, how many tracebacks reached the log, and whether
anything from them was stored (rows, or values like 'True' or "['a', 'b']" that only str() of a
wrong type makes). tests/scenario/test_hostile.py runs the same corpus and requires: no 5xx, no
traceback, nothing stored, unsigned requests 401.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import func, select

from bot.lessons.ids import LessonAction, LessonBlock, LessonCallback
from bot.mentoring.ids import MentorAction, MentorCallback
from bot.rhythm.ids import RhythmAction
from localslack.workspace import LocalWorkspace
from storage.base import Base

FORM = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"
RESULTS = Path(__file__).parent / "results" / "hostile.json"
# What only str() of a value of the wrong type would store.
SUSPICIOUS = ("True", "False", "None", "['", "{'", "[1")
# Tables whose text columns hold JSON by design (the outbox's payloads and results).
JSON_TABLES = ("outbox",)


@dataclass(frozen=True)
class Case:
    name: str
    body: bytes
    content_type: str
    signed: bool = True


@dataclass
class Report:
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    unsigned_not_401: list[str] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list)
    stored: dict[str, int] = field(default_factory=dict)
    suspicious: list[str] = field(default_factory=list)
    listener_errors: int = 0
    cases: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "server_errors": self.server_errors,
            "unsigned_not_401": self.unsigned_not_401,
            "tracebacks": self.tracebacks,
            "stored": self.stored,
            "suspicious": self.suspicious,
            "listener_errors": self.listener_errors,
        }


def _form(**fields: object) -> bytes:
    return urlencode({k: v for k, v in fields.items()}).encode()


def _payload(data: object) -> bytes:
    return urlencode({"payload": json.dumps(data)}).encode()


def corpus(ws: LocalWorkspace) -> Iterator[Case]:
    team, ola = ws.standin.team_id, ws.user_id("ola")
    general = ws.channel_id("general")

    def command(name: str, **fields: object) -> Case:
        base: dict[str, object] = {
            "team_id": team,
            "user_id": ola,
            "channel_id": general,
            "command": "/lesson",
            "text": "a hostile lesson",
            "trigger_id": ws.standin.new_trigger_id(ola),
            "response_url": ws.standin.new_response_url(general, ola),
        }
        base.update(fields)
        return Case(name, _form(**{k: v for k, v in base.items() if v is not None}), FORM)

    # Unsigned or forged: 401 before anything is read.
    for name, body, kind in (
        (
            "unsigned command",
            _form(team_id=team, user_id=ola, channel_id=general, command="/lesson", text="x"),
            FORM,
        ),
        ("unsigned non-UTF-8", b"\xff\xfe\xfd", FORM),
        ("unsigned payload not JSON", b"payload=%7B", FORM),
        ("unsigned JSON list", b"[1, 2, 3]", JSON_TYPE),
        ("unsigned event", json.dumps({"type": "event_callback", "event": None}).encode(), JSON_TYPE),
        ("unsigned empty", b"", FORM),
    ):
        yield Case(name, body, kind, signed=False)

    # Bodies and payloads of the wrong kind.
    yield Case("non-UTF-8 body", b"\xff\xfe\xfd\x00", FORM)
    yield Case("non-UTF-8 JSON", b'{"type": "\xff"}', JSON_TYPE)
    for label, raw in (
        ("not JSON", "{nope"),
        ("a list", "[1, 2]"),
        ("a number", "42"),
        ("null", "null"),
        ("a string", '"block_actions"'),
        ("no type", '{"user": {"id": "U1"}}'),
    ):
        yield Case(f"payload= {label}", urlencode({"payload": raw}).encode(), FORM)
    yield Case("JSON body not JSON", b"{", JSON_TYPE)
    yield Case("JSON body a list", b"[]", JSON_TYPE)
    yield Case("unknown content type", b"<xml/>", "text/xml")

    # Commands with missing or odd fields.
    for missing in ("user_id", "channel_id", "team_id", "command"):
        yield command(f"/lesson without {missing}", **{missing: None})
    for name, text in (
        ("only NUL and control", "\x00\x01\x02\x7f"),
        ("only U+FFFD", "\ufffd\ufffd\ufffd"),
        ("only spaces and tabs", " \t \u200b "),
        ("only tags", "#a #b #c"),
        ("100 KB of text", "x" * 100_000),
    ):
        yield command(f"/lesson {name}", text=text)
    for command_name in ("/mentor", "/erfaring"):
        for missing in ("user_id", "channel_id"):
            yield command(
                f"{command_name} without {missing}", command=command_name, text="status", **{missing: None}
            )
        yield command(f"{command_name} request only controls", command=command_name, text="request \x00\x01")

    # Button clicks with values that are no ids.
    values: list[object] = [
        "abc",
        "1.5e3",
        "-1",
        "",
        "0",
        "9" * 23,
        "9" * 100_000,
        12.5,
        True,
        None,
        ["1"],
        {"a": 1},
    ]
    buttons = [
        LessonAction.USEFUL,
        LessonAction.APPLIED,
        MentorAction.ACCEPT,
        MentorAction.DECLINE,
        MentorAction.GOING_WELL,
        RhythmAction.SHARE_FROM_PROMPT,
    ]
    for action_id in buttons:
        for value in values:
            yield Case(
                f"{action_id} value {str(value)[:12]!r}",
                _payload(
                    {
                        "type": "block_actions",
                        "team": {"id": team},
                        "user": {"id": ola, "team_id": team},
                        "channel": {"id": general},
                        "trigger_id": ws.standin.new_trigger_id(ola),
                        "response_url": ws.standin.new_response_url(general, ola),
                        "actions": [
                            {"action_id": str(action_id), "block_id": "b", "type": "button", "value": value}
                        ],
                    }
                ),
                FORM,
            )
    for label, actions in (("actions empty", []), ("actions an object", {"action_id": LessonAction.USEFUL})):
        yield Case(
            label,
            _payload(
                {"type": "block_actions", "team": {"id": team}, "user": {"id": ola}, "actions": actions}
            ),
            FORM,
        )
    yield Case(
        "click without user",
        _payload(
            {
                "type": "block_actions",
                "team": {"id": team},
                "actions": [{"action_id": LessonAction.USEFUL, "value": "1"}],
            }
        ),
        FORM,
    )

    # Form submissions with values of the wrong type.
    for callback in (LessonCallback.MODAL, MentorCallback.OFFER_MODAL, MentorCallback.REQUEST_MODAL):
        for label, state, metadata in (
            ("state.values not an object", {"values": ["x"]}, "{}"),
            (
                "values of the wrong type",
                {
                    "values": {
                        LessonBlock.TEXT: {"a": {"value": True}},
                        "topics": {"a": {"value": ["a", "b"]}},
                        "tags": {"a": {"value": {"x": 1}}},
                    }
                },
                "{}",
            ),
            ("private_metadata a number", {"values": {}}, 42),
            (
                "private_metadata not JSON",
                {"values": {LessonBlock.TEXT: {"a": {"value": "A valid lesson text"}}}},
                "{nope",
            ),
        ):
            yield Case(
                f"{callback}: {label}",
                _payload(
                    {
                        "type": "view_submission",
                        "team": {"id": team},
                        "user": {"id": ola},
                        "view": {
                            "id": "V1",
                            "callback_id": str(callback),
                            "state": state,
                            "private_metadata": metadata,
                        },
                    }
                ),
                FORM,
            )

    # Events of the wrong shape.
    def event(label: str, inner: object, **outer: object) -> Case:
        body = {
            "type": "event_callback",
            "team_id": team,
            "api_app_id": ws.standin.app_id,
            "event_id": f"Ev{abs(hash(label))}",
            "event_time": 1,
            "event": inner,
            **outer,
        }
        return Case(label, json.dumps(body).encode(), JSON_TYPE)

    yield event("event null", None)
    yield event("event a list", [1])
    yield event(
        "reaction item a string", {"type": "reaction_added", "user": ola, "reaction": "+1", "item": "C1"}
    )
    yield event(
        "reaction user a number",
        {
            "type": "reaction_added",
            "user": 42,
            "reaction": "+1",
            "item": {"type": "message", "channel": general, "ts": "1.1"},
        },
    )
    yield event(
        "reaction ts not a ts",
        {
            "type": "reaction_added",
            "user": ola,
            "reaction": "+1",
            "item": {"type": "message", "channel": general, "ts": "abc"},
        },
    )
    yield event(
        "message text a dict",
        {
            "type": "message",
            "user": ola,
            "channel": general,
            "ts": "1.2",
            "thread_ts": "1.1",
            "text": {"a": 1},
            "channel_type": "channel",
        },
    )
    yield event(
        "message channel a number",
        {"type": "message", "user": ola, "channel": 5, "ts": "1.3", "text": "hi", "channel_type": "channel"},
    )
    yield event(
        "team_id a number", {"type": "message", "user": ola, "channel": general, "ts": "1.4"}, team_id=7
    )


def _counts(ws: LocalWorkspace) -> dict[str, int]:
    with ws.deps.db.read_session() as session:
        return {
            table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
            if table.name not in ("processed_events", "workspaces", "outbox", "outbox_pace")
        }


def _suspicious_values(ws: LocalWorkspace) -> list[str]:
    found: list[str] = []
    with ws.deps.db.read_session() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in JSON_TABLES:
                continue
            for column in table.columns:
                if column.type.python_type is not str:
                    continue
                for value in session.scalars(select(column).where(column.is_not(None))):
                    if isinstance(value, str) and value.startswith(SUSPICIOUS):
                        found.append(f"{table.name}.{column.name}={value[:30]!r}")
    return found


class _Tracebacks(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or record.levelno >= logging.ERROR:
            self.found.append(f"{record.name}: {record.getMessage()[:120]}")


def run(ws: LocalWorkspace) -> Report:
    report = Report()
    before = _counts(ws)
    catcher = _Tracebacks()
    root = logging.getLogger()
    root.addHandler(catcher)
    try:
        for case in corpus(ws):
            report.cases += 1
            if case.signed:
                status = ws.driver._send(case.body, case.content_type).status
            else:
                status = ws.driver._post(case.body, {"Content-Type": case.content_type})[0]
            ws.settle()
            report.statuses[status] += 1
            if status >= 500:
                report.server_errors.append(case.name)
            if not case.signed and status != 401:
                report.unsigned_not_401.append(f"{case.name}: {status}")
    finally:
        root.removeHandler(catcher)
    report.tracebacks = catcher.found
    after = _counts(ws)
    report.stored = {name: after[name] - before[name] for name in after if after[name] != before[name]}
    report.suspicious = _suspicious_values(ws)
    report.listener_errors = len(ws.executor.errors)
    return report


def main(argv: list[str] | None = None) -> int:
    import app as erfaring
    from localslack.clock import FakeClock
    from storage.db import Database
    from storage.migrate import upgrade

    parser = argparse.ArgumentParser(prog="python -m bench.hostile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory() as directory:
        db = Database(f"sqlite:///{directory}/hostile.db")
        upgrade(db.engine)
        ws = erfaring.local_workspace(db, FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC)))
        try:
            report = run(ws)
        finally:
            ws.close()
            db.dispose()
    result = report.as_dict()
    print(f"{report.cases} hostile requests", file=sys.stderr)
    print("| outcome | count |\n|---|---:|")
    for status, count in result["statuses"].items():
        print(f"| HTTP {status} | {count} |")
    print(f"| 5xx | {len(report.server_errors)} |")
    print(f"| unsigned but not 401 | {len(report.unsigned_not_401)} |")
    print(f"| tracebacks in the log | {len(report.tracebacks)} |")
    print(f"| rows stored | {sum(report.stored.values())} |")
    print(f"| values only str() of a wrong type makes | {len(report.suspicious)} |")
    print(f"| listener errors after ack | {report.listener_errors} |")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    clean = not (
        report.server_errors
        or report.unsigned_not_401
        or report.tracebacks
        or report.stored
        or report.suspicious
        or report.listener_errors
    )
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
