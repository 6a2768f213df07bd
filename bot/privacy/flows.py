"""Privacy's steps: ask for an export or one's own data (delivered as a file in a DM by the outbox,
built when it is delivered, after the ack), erase a person and tell Slack what changed, and write an
export to disk for the command line.

Every Slack call here is an outbox effect's handler (bot.core.outbox): stored with the change that
asks for it, delivered after the commit, retried when Slack has trouble. None of the effects an
erasure stores names the erased person; the sweep forgets the finished privacy effects, so the
delivery log does not keep who asked for their data or which posts an erasure touched.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.core import outbox
from bot.core.blockkit import Rendered
from bot.core.deps import Deps
from bot.core.outbox import Effect as Delivery
from bot.core.outbox import Permanent
from bot.core.slack import error_code
from bot.lessons import flows as lessons
from bot.lessons import service as lesson_service
from bot.lessons.service import author_hash
from bot.lessons.visibility import audience_of
from bot.mentoring import flows as mentoring
from bot.privacy import erasure, export, personal, views
from bot.privacy.data import Erased, Preview
from bot.privacy.erasure import Erasure
from bot.privacy.ids import TRACES, Effect, Format
from storage.privacy import queries

log = logging.getLogger(__name__)

# How long finished privacy effects stay in the delivery log before the sweep forgets them.
SWEEP_AFTER = timedelta(minutes=15)
# Slack's answers that mean the message is already gone: nothing left to delete.
GONE = frozenset({"message_not_found", "channel_not_found", "is_archived"})


def _hash(deps: Deps, team_id: str, user_id: str) -> str:
    return author_hash(deps.settings.secret_key, team_id, user_id)


def _sweep_later(session: Session, deps: Deps, team_id: str) -> None:
    outbox.enqueue(
        session,
        deps,
        team_id=team_id,
        kind=Effect.SWEEP,
        payload={},
        coalesce=Effect.SWEEP,
        delay=SWEEP_AFTER,
    )


# -- asking (before or right after the ack) ----------------------------------------------------------------


def ask_export(deps: Deps, team_id: str, user_id: str, fmt: Format) -> bool:
    """An admin's export, to their DM; False (nothing stored) when they are no admin."""
    if not deps.slack.is_admin(team_id, user_id, deps.settings.admins):
        return False
    with deps.db.session() as session:
        outbox.enqueue(
            session,
            deps,
            team_id=team_id,
            kind=Effect.EXPORT,
            payload={"admin": user_id, "format": fmt.value},
        )
        _sweep_later(session, deps, team_id)
    return True


def ask_my_data(deps: Deps, team_id: str, user_id: str) -> None:
    with deps.db.session() as session:
        outbox.enqueue(session, deps, team_id=team_id, kind=Effect.MY_DATA, payload={"user": user_id})
        _sweep_later(session, deps, team_id)


def forget_preview(deps: Deps, team_id: str, user_id: str) -> Preview:
    with deps.db.read_session() as session:
        return erasure.preview(
            session, team_id=team_id, user_id=user_id, author_hash=_hash(deps, team_id, user_id)
        )


# -- erasing -----------------------------------------------------------------------------------------------


def forget(deps: Deps, team_id: str, user_id: str, *, keep_lessons: bool) -> Erased:
    """Erase the person in one transaction, with the effects that tell Slack (posts deleted or
    refreshed, mentors and partners told). Safe to repeat: a second time finds nothing."""
    with deps.db.session() as session:
        done = erasure.erase(
            session,
            team_id=team_id,
            user_id=user_id,
            author_hash=_hash(deps, team_id, user_id),
            keep_lessons=keep_lessons,
            now=deps.clock.now(),
        )
        _tell_slack(session, deps, team_id, done)
    # Counts only: a log line with lesson ids beside the person would trace the kept ones.
    log.info("erased a person in %s: %s", team_id, done.summary.line())
    return done.summary


def _tell_slack(session: Session, deps: Deps, team_id: str, done: Erasure) -> None:
    """Store what Slack must be told, naming nobody erased: posts by where they are, lessons by id."""
    stored = False
    for post in done.deleted_posts:
        outbox.enqueue(
            session,
            deps,
            team_id=team_id,
            kind=Effect.DELETE_POST,
            payload={"channel": post.channel_id, "ts": post.message_ts},
            channel=post.channel_id,
        )
        stored = True
    for lesson_id in done.refreshed_lessons:
        outbox.enqueue(
            session,
            deps,
            team_id=team_id,
            kind=Effect.REFRESH_POST,
            payload={"lesson": lesson_id},
            coalesce=f"{Effect.REFRESH_POST}:{lesson_id}",
        )
        stored = True
    for request_id in done.reopened_requests:
        outbox.enqueue(session, deps, team_id=team_id, kind=Effect.MOVE_ON, payload={"request": request_id})
        stored = True
    for dm in done.offer_dms:
        outbox.enqueue(
            session,
            deps,
            team_id=team_id,
            kind=Effect.OFFER_CLOSED,
            payload={"mentor": dm.mentor_id, "channel": dm.channel_id, "ts": dm.message_ts},
            channel=dm.channel_id,
        )
        stored = True
    for ended in done.ended:
        outbox.enqueue(
            session,
            deps,
            team_id=team_id,
            kind=Effect.PARTNER_NOTE,
            payload={"user": ended.partner_id, "topic": ended.topic},
        )
        stored = True
    if stored:
        _sweep_later(session, deps, team_id)


def deliver_erasures(deps: Deps, *, timeout: float = 60.0, poll: float = 0.2) -> int:
    """Deliver what erasures left for Slack now, paced per channel as always (the command line, which
    has no delivery workers of its own); how many effects are still waiting when `timeout` is up."""
    deadline = time.monotonic() + timeout
    while True:
        deps.outbox.drain()
        with deps.db.read_session() as session:
            left = queries.unfinished(session, TRACES)
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(poll)


def teams(deps: Deps) -> list[str]:
    with deps.db.read_session() as session:
        return queries.teams(session)


# -- the files ---------------------------------------------------------------------------------------------


def _upload(
    deps: Deps, team_id: str, user_id: str, content: bytes, filename: str, title: str, comment: str
) -> str:
    """Upload a file into the person's DM with the app (files_upload_v2); the DM's id."""
    client = deps.slack.client(team_id)
    channel = str(client.conversations_open(users=user_id)["channel"]["id"])
    client.files_upload_v2(
        channel=channel, content=content, filename=filename, title=title, initial_comment=comment
    )
    return channel


def export_bytes(
    deps: Deps, team_id: str, fmt: Format, *, asked_by: str | None = None, visible_to_asker: bool = False
) -> tuple[bytes, export.Written]:
    """The workspace's export as bytes: every lesson, or those `asked_by` may see."""
    audience = audience_of(deps, team_id, asked_by) if visible_to_asker and asked_by else None
    with deps.db.read_session() as session:
        data = export.tables(session, team_id, audience)
        if fmt is Format.CSV:
            return export.csv_zip_bytes(data)
        scope = "visible_to_asker" if audience is not None else "all"
        return export.json_bytes(
            export.head(deps.clock.now(), team_id, lessons=scope, asked_by=asked_by), data
        )


def _export_failed(deps: Deps, effect: Delivery, code: str) -> None:
    _file_failed(deps, effect, "admin", code)


def _my_data_failed(deps: Deps, effect: Delivery, code: str) -> None:
    _file_failed(deps, effect, "user", code)


@outbox.handles(Effect.EXPORT, on_failure=_export_failed)
def deliver_export(deps: Deps, effect: Delivery) -> dict[str, Any]:
    """Built now, after the ack: a big workspace's export takes longer than Slack waits for one.
    In Slack the lessons follow the visibility rule for the admin who asked: a private channel's
    lessons, or someone's private notes, never leave through a DM to someone who could not read
    them in Slack."""
    admin = _str(effect.payload, "admin")
    fmt = Format(_str(effect.payload, "format"))
    content, written = export_bytes(deps, effect.team_id, fmt, asked_by=admin, visible_to_asker=True)
    tr = deps.languages.for_person(effect.team_id, admin)
    channel = _upload(
        deps,
        effect.team_id,
        admin,
        content,
        export.file_name(fmt, deps.clock.now()),
        views.export_title(tr),
        views.export_comment(tr),
    )
    return {"channel": channel, "rows": written.rows}


@outbox.handles(Effect.MY_DATA, on_failure=_my_data_failed)
def deliver_my_data(deps: Deps, effect: Delivery) -> dict[str, Any]:
    user_id = _str(effect.payload, "user")
    now = deps.clock.now()
    with deps.db.read_session() as session:
        data = personal.document(
            session,
            team_id=effect.team_id,
            user_id=user_id,
            author_hash=_hash(deps, effect.team_id, user_id),
            now=now,
            configured_leader=user_id in deps.settings.leaders,
        )
    tr = deps.languages.for_person(effect.team_id, user_id)
    channel = _upload(
        deps,
        effect.team_id,
        user_id,
        personal.as_bytes(data),
        export.file_name("json", now, stem="erfaring-my-data"),
        views.my_data_title(tr),
        views.my_data_comment(tr),
    )
    return {"channel": channel}


def _file_failed(deps: Deps, effect: Delivery, key: str, code: str) -> None:
    user_id = _str(effect.payload, key)
    tr = deps.languages.for_person(effect.team_id, user_id)
    deps.slack.dm(effect.team_id, user_id, views.file_failed(tr, code))


def _str(payload: Any, key: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value:
        raise Permanent(f"bad_payload:{key}")
    return value


# -- telling Slack what an erasure changed -----------------------------------------------------------------


@outbox.handles(Effect.DELETE_POST)
def delete_post(deps: Deps, effect: Delivery) -> dict[str, Any] | None:
    try:
        deps.slack.client(effect.team_id).chat_delete(
            channel=_str(effect.payload, "channel"), ts=_str(effect.payload, "ts")
        )
    except SlackApiError as exc:
        if error_code(exc) in GONE:
            return {"gone": True}  # deleted in Slack already: done
        raise
    return None


@outbox.handles(Effect.REFRESH_POST)
def refresh_post(deps: Deps, effect: Delivery) -> dict[str, Any] | None:
    """A post re-rendered from the lesson as it is now: "Shared anonymously", or without the erased
    person's votes. A lesson gone meanwhile needs nothing."""
    lesson_id = effect.payload.get("lesson")
    if not isinstance(lesson_id, int):
        raise Permanent("bad_payload:lesson")
    with deps.db.read_session() as session:
        where = lesson_service.posting(session, effect.team_id, lesson_id)
    rendered = lessons.render_lesson(deps, effect.team_id, lesson_id, where.channel_id) if where else None
    if where is None or rendered is None:
        return {"gone": True}
    try:
        deps.slack.client(effect.team_id).chat_update(
            channel=where.channel_id, ts=where.message_ts, text=rendered.text, blocks=rendered.blocks
        )
    except SlackApiError as exc:
        if error_code(exc) in GONE:
            return {"gone": True}
        raise
    return None


@outbox.handles(Effect.MOVE_ON)
def move_on(deps: Deps, effect: Delivery) -> None:
    """The erased person was the mentor a request waited for: it asks the next one (mentoring's own
    step, which tells the requester)."""
    request_id = effect.payload.get("request")
    if not isinstance(request_id, int):
        raise Permanent("bad_payload:request")
    mentoring.move_on(deps, request_id)


@outbox.handles(Effect.OFFER_CLOSED)
def offer_closed(deps: Deps, effect: Delivery) -> dict[str, Any] | None:
    tr = deps.languages.for_person(effect.team_id, _str(effect.payload, "mentor"))
    rendered: Rendered = views.offer_closed(tr)
    try:
        deps.slack.client(effect.team_id).chat_update(
            channel=_str(effect.payload, "channel"),
            ts=_str(effect.payload, "ts"),
            text=rendered.text,
            blocks=rendered.blocks,
        )
    except SlackApiError as exc:
        if error_code(exc) in GONE:
            return {"gone": True}
        raise
    return None


@outbox.handles(Effect.PARTNER_NOTE)
def partner_note(deps: Deps, effect: Delivery) -> dict[str, Any]:
    # A DM cannot be looked up after a crash the way a channel post can: at worst it arrives twice.
    user_id = _str(effect.payload, "user")
    tr = deps.languages.for_person(effect.team_id, user_id)
    response = deps.slack.client(effect.team_id).chat_postMessage(
        channel=user_id, text=views.partner_note(tr, _str(effect.payload, "topic"))
    )
    return {"ts": str(response.get("ts"))}


@outbox.handles(Effect.SWEEP)
def sweep(deps: Deps, effect: Delivery) -> dict[str, int]:
    """Forget finished privacy effects; come back later while some are still being delivered."""
    with deps.db.session() as session:
        forgotten = queries.purge_finished(session, [*TRACES, Effect.SWEEP])
        if queries.unfinished(session, TRACES):
            outbox.enqueue(
                session, deps, team_id=effect.team_id, kind=Effect.SWEEP, payload={}, delay=SWEEP_AFTER
            )
    return {"forgotten": forgotten}


# -- the command line: an export on disk -------------------------------------------------------------------


class CannotWrite(OSError):
    """The export's path cannot be written (its one line says why)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path, self.reason = path, reason


@dataclass(frozen=True)
class ExportedTo:
    path: Path
    written: export.Written


def export_target(out: str | None, fmt: Format, now: datetime) -> tuple[Path, bool]:
    """Where the export goes, and whether it is a folder of CSV files. --out a directory (existing,
    or written with a trailing /): CSV files in it, or the JSON file in it under its default name;
    --out a file: that file (a zip for CSV); no --out: the default name in the current directory."""
    default = export.file_name(fmt.value, now)
    if not out:
        return Path(default), False
    path = Path(out)
    is_dir = path.is_dir() or out.endswith(("/", os.sep))
    if not is_dir:
        return path, False
    return (path, True) if fmt is Format.CSV else (path / default, False)


@contextmanager
def _private_file(path: Path) -> Iterator[IO[bytes]]:
    """Write `path` readable by its owner only (it holds personal data), all or nothing: into a
    temporary file beside it, renamed over it when complete."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        os.chmod(temp, 0o600)
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@contextmanager
def _text(binary: IO[bytes], encoding: str) -> Iterator[IO[str]]:
    wrapper = io.TextIOWrapper(binary, encoding=encoding, newline="")
    try:
        yield wrapper
    finally:
        wrapper.flush()
        wrapper.detach()


@contextmanager
def _csv_file(path: Path) -> Iterator[IO[str]]:
    with _private_file(path) as binary, _text(binary, export.CSV_ENCODING) as text:
        yield text


def export_to(deps: Deps, fmt: Format, out: str | None, team_id: str | None = None) -> ExportedTo:
    """`python app.py export`: every lesson of every workspace (or of `team_id`), to disk. Raises
    CannotWrite with the reason when the path cannot be written."""
    now = deps.clock.now()
    path, folder = export_target(out, fmt, now)
    try:
        if folder:
            path.mkdir(parents=True, exist_ok=True)
        elif not path.parent.is_dir():
            raise CannotWrite(path, "no such directory")
        with deps.db.read_session() as session:
            data = export.tables(session, team_id)
            if folder:
                written = export.write_csv_folder(path, data, _csv_file)
            elif fmt is Format.CSV:
                with _private_file(path) as binary:
                    written = export.write_csv_zip(binary, data)
            else:
                with _private_file(path) as binary, _text(binary, "utf-8") as text:
                    written = export.write_json(text, export.head(now, team_id, lessons="all"), data)
    except CannotWrite:
        raise
    except OSError as exc:
        raise CannotWrite(path, exc.strerror or type(exc).__name__) from exc
    return ExportedTo(path, written)
