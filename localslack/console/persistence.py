"""Saving the console's workspace, so a session can stop and resume.

The stand-in keeps its workspace in memory; this writes what a person would expect to find again
(people, channels and DMs, every message with its thread and reactions), plus who was typing where
and how far `:wait` moved the clock, as one JSON document in localslack.console.state_models.ConsoleState.
Ephemeral messages and open modals are not kept: in Slack they are gone after a reload as well.

That table lives in the console's own SQLite file (``ConsoleStore``), beside the app's database:
`erfaring-console.db` holds the app's data, `erfaring-console.slack.db` the stand-in's workspace, and
`erfaring-console-files/` the files the app uploaded (localslack.console.files).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import make_url
from sqlalchemy.orm import Session

from bot.core.clock import Clock
from localslack.console.state_models import ConsoleBase, ConsoleState
from localslack.standin import Channel, Message, SlackStandIn, User
from storage.db import Database

FORMAT_VERSION = 1
STATE_SUFFIX = ".slack"
DEFAULT_STATE_URL = "sqlite:///erfaring-console.slack.db"
FILES_SUFFIX = "-files"
T = TypeVar("T")


@dataclass
class SavedConsole:
    user_id: str
    channel_id: str
    clock_offset: timedelta
    users: list[dict[str, Any]] = field(default_factory=list)
    channels: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)


def capture(standin: SlackStandIn, user_id: str, channel_id: str, clock_offset: timedelta) -> SavedConsole:
    users = [asdict(u) for u in standin.users() if not u.is_bot]
    channels = []
    messages: list[dict[str, Any]] = []
    for channel in standin.channels():
        saved = asdict(channel)
        saved["members"] = sorted(channel.members)
        channels.append(saved)
        for top in standin.messages(channel.id):
            thread = standin.messages(channel.id, top.ts) if top.thread_ts == top.ts else [top]
            messages += [asdict(m) for m in thread]
    return SavedConsole(user_id, channel_id, clock_offset, users, channels, messages)


def to_json(saved: SavedConsole) -> str:
    return json.dumps(
        {
            "version": FORMAT_VERSION,
            "user_id": saved.user_id,
            "channel_id": saved.channel_id,
            "clock_offset_seconds": saved.clock_offset.total_seconds(),
            "users": saved.users,
            "channels": saved.channels,
            "messages": saved.messages,
        },
        ensure_ascii=False,
    )


def from_json(raw: str) -> SavedConsole | None:
    """The saved console, or None when the row is from a format this code does not read."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        return None
    return SavedConsole(
        user_id=str(data["user_id"]),
        channel_id=str(data["channel_id"]),
        clock_offset=timedelta(seconds=float(data.get("clock_offset_seconds") or 0)),
        users=list(data.get("users") or []),
        channels=list(data.get("channels") or []),
        messages=list(data.get("messages") or []),
    )


def state_url_for(app_url: str) -> str:
    """Where the console keeps its stand-in workspace, given the app's database URL: beside a SQLite
    file (erfaring-console.db → erfaring-console.slack.db), in memory beside an in-memory one, and in
    erfaring-console.slack.db in the working directory beside a server database."""
    url = make_url(app_url)
    if url.get_backend_name() != "sqlite":
        return DEFAULT_STATE_URL
    database = url.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return "sqlite://"
    path = Path(database)
    suffix = path.suffix or ".db"
    return url.set(database=str(path.with_name(path.stem + STATE_SUFFIX + suffix))).render_as_string(
        hide_password=False
    )


def files_dir_for(state_url: str) -> Path | None:
    """Where the console writes the files the app uploads: a folder beside its own database file
    (erfaring-console.slack.db → erfaring-console-files/); None when that database is in memory."""
    url = make_url(state_url)
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None
    path = Path(database)
    return path.with_name(path.stem.removesuffix(STATE_SUFFIX) + FILES_SUFFIX)


class ConsoleStore:
    """The console's own database (its tables made with create_all, never by the app's migrations)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._db = Database(url)
        ConsoleBase.metadata.create_all(self._db.engine)

    def load(self, team_id: str) -> SavedConsole | None:
        with self._db.session() as session:
            return load(session, team_id)

    def save(self, team_id: str, saved: SavedConsole, clock: Clock) -> None:
        with self._db.session() as session:
            save(session, team_id, saved, clock)

    def close(self) -> None:
        self._db.dispose()


def save(session: Session, team_id: str, saved: SavedConsole, clock: Clock) -> None:
    row = session.get(ConsoleState, team_id)
    if row is None:
        session.add(ConsoleState(team_id=team_id, state=to_json(saved), saved_at=clock.now()))
    else:
        row.state, row.saved_at = to_json(saved), clock.now()


def load(session: Session, team_id: str) -> SavedConsole | None:
    row = session.get(ConsoleState, team_id)
    return None if row is None else from_json(row.state)


def restore(standin: SlackStandIn, saved: SavedConsole) -> dict[str, str]:
    """Put the saved workspace into a fresh, unseeded stand-in; returns name → id like seed() does."""
    users = [_make(User, data) for data in saved.users]
    channels = [
        _make(Channel, {**data, "members": set(data.get("members") or [])}) for data in saved.channels
    ]
    standin.restore(users, channels, [_make(Message, data) for data in saved.messages])
    ids = {user.name: user.id for user in users}
    ids.update({"#" + c.name: c.id for c in channels if not c.is_im and not c.is_mpim})
    return ids


def _make(cls: type[T], data: dict[str, Any]) -> T:
    """A stand-in record from saved fields, ignoring any the stand-in no longer has."""
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in known})
