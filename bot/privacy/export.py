"""The workspace's export: lessons, mentor profiles, mentoring requests and mentorships, as one JSON
document or one CSV file per table (in a zip, or a folder).

Anonymous lessons are exported without an author: "anonymous", no id, no hash, no link to the
message they were saved from, and no channel unless it was a public one (a private conversation of
two, or a DM, would name the author). Lessons are read in batches, so a big workspace is written as
it is read. Times are UTC, ISO 8601 ("2026-03-02T08:00:00Z").
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy.orm import Session

from storage.lessons.models import Lesson
from storage.lessons.queries import Counts, vote_counts
from storage.lessons.visibility import WORKSPACE, Audience
from storage.mentoring.models import MentorProfile, MentorRequest, Mentorship
from storage.privacy import queries

FORMAT_NAME = "erfaring-export"
VERSION = 1
ANONYMOUS = "anonymous"
# A spreadsheet runs a cell that starts like a formula (CSV injection): such cells get a leading '.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Record = dict[str, Any]

LESSON_COLUMNS = (
    "id",
    "team",
    "created_at",
    "channel",
    "visibility",
    "tags",
    "text",
    "what_worked",
    "to_improve",
    "useful",
    "applied",
    "author",
)
PROFILE_COLUMNS = (
    "id",
    "team",
    "user",
    "team_or_department",
    "bio",
    "capacity",
    "status",
    "topics",
    "created_at",
    "updated_at",
)
REQUEST_COLUMNS = (
    "id",
    "team",
    "requester",
    "requester_unit",
    "topic",
    "note",
    "status",
    "created_at",
    "updated_at",
    "closed_at",
)
MENTORSHIP_COLUMNS = (
    "id",
    "team",
    "request_id",
    "mentor",
    "mentee",
    "topic",
    "status",
    "ended_reason",
    "started_at",
    "ended_at",
)
COLUMNS: Mapping[str, Sequence[str]] = {
    "lessons": LESSON_COLUMNS,
    "mentor_profiles": PROFILE_COLUMNS,
    "mentor_requests": REQUEST_COLUMNS,
    "mentorships": MENTORSHIP_COLUMNS,
}


def iso(when: datetime | None) -> str | None:
    """UTC, ISO 8601, to the second, with Z."""
    if when is None:
        return None
    return when.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# -- records -----------------------------------------------------------------------------------------------


def lesson_record(lesson: Lesson, counts: Counts) -> Record:
    anonymous = lesson.anonymous or not lesson.author_id
    # A named lesson's channel is fine to show; an anonymous one's only when it was public.
    channel = lesson.channel_id if not anonymous or lesson.visibility == WORKSPACE else None
    return {
        "id": lesson.id,
        "team": lesson.team_id,
        "created_at": iso(lesson.created_at),
        "channel": channel,
        "visibility": lesson.visibility,
        "tags": lesson.tags_text.split(),
        "text": lesson.text,
        "what_worked": lesson.what_worked,
        "to_improve": lesson.to_improve,
        "useful": counts.useful,
        "applied": counts.applied,
        "author": ANONYMOUS if anonymous else lesson.author_id,
    }


def profile_record(profile: MentorProfile) -> Record:
    return {
        "id": profile.id,
        "team": profile.team_id,
        "user": profile.user_id,
        "team_or_department": profile.team_or_department,
        "bio": profile.bio,
        "capacity": profile.capacity,
        "status": profile.status,
        "topics": sorted(topic.topic for topic in profile.topics),
        "created_at": iso(profile.created_at),
        "updated_at": iso(profile.updated_at),
    }


def request_record(request: MentorRequest) -> Record:
    return {
        "id": request.id,
        "team": request.team_id,
        "requester": request.requester_id,
        "requester_unit": request.requester_unit,
        "topic": request.topic,
        "note": request.note,
        "status": request.status,
        "created_at": iso(request.created_at),
        "updated_at": iso(request.updated_at),
        "closed_at": iso(request.closed_at),
    }


def mentorship_record(mentorship: Mentorship) -> Record:
    return {
        "id": mentorship.id,
        "team": mentorship.team_id,
        "request_id": mentorship.request_id,
        "mentor": mentorship.mentor_id,
        "mentee": mentorship.mentee_id,
        "topic": mentorship.topic,
        "status": mentorship.status,
        "ended_reason": mentorship.ended_reason,
        "started_at": iso(mentorship.started_at),
        "ended_at": iso(mentorship.ended_at),
    }


def _lessons(session: Session, team_id: str | None, audience: Audience | None) -> Iterator[Record]:
    for batch in queries.lesson_batches(session, team_id, audience):
        counts = vote_counts(session, [lesson.id for lesson in batch])
        for lesson in batch:
            yield lesson_record(lesson, counts[lesson.id])


@dataclass
class Tables:
    """The export's tables, each read when it is written."""

    lessons: Iterable[Record]
    mentor_profiles: Iterable[Record]
    mentor_requests: Iterable[Record]
    mentorships: Iterable[Record]

    def items(self) -> list[tuple[str, Iterable[Record]]]:
        return [
            ("lessons", self.lessons),
            ("mentor_profiles", self.mentor_profiles),
            ("mentor_requests", self.mentor_requests),
            ("mentorships", self.mentorships),
        ]


def tables(session: Session, team_id: str | None = None, audience: Audience | None = None) -> Tables:
    """Every workspace's data (team_id None), or one's; its lessons only as far as `audience` may
    see them, when given."""
    return Tables(
        lessons=_lessons(session, team_id, audience),
        mentor_profiles=(profile_record(p) for p in queries.mentor_profiles(session, team_id)),
        mentor_requests=(request_record(r) for r in queries.mentor_requests(session, team_id)),
        mentorships=(mentorship_record(m) for m in queries.mentorships(session, team_id)),
    )


def head(now: datetime, team_id: str | None, *, lessons: str, asked_by: str | None = None) -> Record:
    """What the JSON document says about itself: `lessons` is "all" or "visible_to_asker"."""
    return {
        "format": FORMAT_NAME,
        "version": VERSION,
        "exported_at": iso(now),
        "team": team_id,
        "lessons_included": lessons,
        "asked_by": asked_by,
    }


@dataclass
class Written:
    """How many rows of each table went out."""

    rows: dict[str, int]

    def line(self) -> str:
        return ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in self.rows.items())


# -- JSON --------------------------------------------------------------------------------------------------


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ": "))


def write_json(out: IO[str], document_head: Mapping[str, Any], data: Tables) -> Written:
    """One JSON document, a row per line inside each table, written as the rows are read."""
    rows: dict[str, int] = {}
    out.write("{\n")
    for key, value in document_head.items():
        out.write(f"{_dump(key)}: {_dump(value)},\n")
    named = data.items()
    for index, (name, records) in enumerate(named):
        out.write(f"{_dump(name)}: [")
        count = 0
        for record in records:
            out.write(("," if count else "") + "\n  " + _dump(record))
            count += 1
        out.write("\n]" if count else "]")
        out.write(",\n" if index < len(named) - 1 else "\n")
        rows[name] = count
    out.write("}\n")
    return Written(rows)


def json_bytes(document_head: Mapping[str, Any], data: Tables) -> tuple[bytes, Written]:
    buffer = io.StringIO()
    written = write_json(buffer, document_head, data)
    return buffer.getvalue().encode("utf-8"), written


# -- CSV ---------------------------------------------------------------------------------------------------


def cell(value: Any) -> str:
    """A CSV cell: lists joined by spaces (tags, topics), None empty, and text that a spreadsheet
    would take for a formula made inert with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(out: IO[str], columns: Sequence[str], records: Iterable[Record]) -> int:
    """A header row, then one row per record. `out` should be opened with newline=""."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    count = 0
    for record in records:
        writer.writerow([cell(record.get(column)) for column in columns])
        count += 1
    return count


# Excel reads UTF-8 (æ, ø, å) right only with a byte-order mark; every other reader skips it.
CSV_ENCODING = "utf-8-sig"


def write_csv_zip(out: IO[bytes], data: Tables) -> Written:
    """lessons.csv, mentor_profiles.csv, mentor_requests.csv and mentorships.csv in one zip."""
    rows: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, records in data.items():
            with archive.open(f"{name}.csv", "w") as member, _text(member) as text:
                rows[name] = write_csv(text, COLUMNS[name], records)
    return Written(rows)


def csv_zip_bytes(data: Tables) -> tuple[bytes, Written]:
    buffer = io.BytesIO()
    written = write_csv_zip(buffer, data)
    return buffer.getvalue(), written


def write_csv_folder(
    folder: Path, data: Tables, opener: Callable[[Path], AbstractContextManager[IO[str]]]
) -> Written:
    """The same four files in `folder`; `opener` opens each for writing (newline="")."""
    rows: dict[str, int] = {}
    for name, records in data.items():
        with opener(folder / f"{name}.csv") as out:
            rows[name] = write_csv(out, COLUMNS[name], records)
    return Written(rows)


def _text(member: IO[bytes]) -> io.TextIOWrapper:
    return io.TextIOWrapper(member, encoding=CSV_ENCODING, newline="")


def file_name(fmt: str, now: datetime, stem: str = "erfaring-export") -> str:
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    return f"{stem}-{stamp}.{'zip' if fmt == 'csv' else 'json'}"
