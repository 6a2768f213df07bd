"""The export's shape: records, JSON and CSV writers, where --out writes, and reading the format."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from bot.privacy import export
from bot.privacy.commands import export_format
from bot.privacy.flows import export_target
from bot.privacy.ids import Format
from storage.db import Database
from storage.lessons.models import Lesson
from storage.lessons.queries import Counts
from storage.lessons.visibility import AUTHOR, CHANNEL, WORKSPACE, Audience

NOW = datetime(2026, 3, 2, 8, 0, 5, 123456, tzinfo=UTC)


def a_lesson(*, anonymous: bool, visibility: str = WORKSPACE, channel: str | None = "CGEN") -> Lesson:
    return Lesson(
        id=7,
        team_id="T1",
        author_id=None if anonymous else "UOLA0001",
        author_hash="f" * 64,
        anonymous=anonymous,
        text="=SUM(A1) is not a formula here",
        what_worked="Pairing",
        to_improve=None,
        tags_text="deploy læring",
        source_link="https://x.slack.com/archives/CGEN/p1",
        channel_id=channel,
        message_ts="1.1",
        visibility=visibility,
        created_at=NOW,
    )


def test_a_named_lesson_record_has_every_field_the_export_promises() -> None:
    record = export.lesson_record(a_lesson(anonymous=False), Counts(useful=3, applied=1))
    assert record == {
        "id": 7,
        "team": "T1",
        "created_at": "2026-03-02T08:00:05Z",
        "channel": "CGEN",
        "visibility": "workspace",
        "tags": ["deploy", "læring"],
        "text": "=SUM(A1) is not a formula here",
        "what_worked": "Pairing",
        "to_improve": None,
        "useful": 3,
        "applied": 1,
        "author": "UOLA0001",
    }
    assert list(record) == list(export.LESSON_COLUMNS)


def test_an_anonymous_lesson_has_no_author_hash_link_or_revealing_channel() -> None:
    public = export.lesson_record(a_lesson(anonymous=True), Counts())
    assert public["author"] == "anonymous" and public["channel"] == "CGEN"
    assert "f" * 64 not in json.dumps(public) and "archives" not in json.dumps(public)
    for visibility in (CHANNEL, AUTHOR, "pending"):
        hidden = export.lesson_record(
            a_lesson(anonymous=True, visibility=visibility, channel="GPRIV"), Counts()
        )
        assert hidden["channel"] is None, "a private conversation of two would name the author"
    named_private = export.lesson_record(
        a_lesson(anonymous=False, visibility=CHANNEL, channel="GPRIV"), Counts()
    )
    assert named_private["channel"] == "GPRIV"


def test_times_are_utc_iso_8601_to_the_second() -> None:
    oslo = timezone(timedelta(hours=1))
    assert export.iso(datetime(2026, 3, 2, 9, 0, 0, 999, tzinfo=oslo)) == "2026-03-02T08:00:00Z"
    assert export.iso(None) is None


def tables(lessons: list[dict[str, object]] | None = None) -> export.Tables:
    return export.Tables(lessons=lessons or [], mentor_profiles=[], mentor_requests=[], mentorships=[])


def test_json_is_one_document_even_with_empty_tables() -> None:
    head = export.head(NOW, "T1", lessons="all")
    content, written = export.json_bytes(head, tables())
    data = json.loads(content)
    assert data == {
        **head,
        "lessons": [],
        "mentor_profiles": [],
        "mentor_requests": [],
        "mentorships": [],
    }
    assert written.rows == {"lessons": 0, "mentor_profiles": 0, "mentor_requests": 0, "mentorships": 0}


def test_json_writes_a_row_per_line_and_keeps_norwegian_letters() -> None:
    rows: list[dict[str, object]] = [{"id": 1, "text": "Åpne spørsmål"}, {"id": 2, "text": "to"}]
    content, written = export.json_bytes(export.head(NOW, None, lessons="all"), tables(rows))
    text = content.decode("utf-8")
    assert "Åpne spørsmål" in text
    assert json.loads(text)["lessons"] == rows and written.rows["lessons"] == 2
    assert '\n  {"id": 1,' in text and '\n  {"id": 2,' in text


def test_csv_cells_are_safe_to_open_in_a_spreadsheet() -> None:
    assert export.cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    for start in ("+1", "-1", "@me", "\tx"):
        assert export.cell(start).startswith("'")
    assert export.cell("Plain text") == "Plain text"
    assert export.cell(["deploy", "læring"]) == "deploy læring"
    assert export.cell(None) == "" and export.cell(3) == "3" and export.cell(True) == "true"


def test_the_csv_zip_has_a_header_row_and_one_file_per_table() -> None:
    record = export.lesson_record(a_lesson(anonymous=False), Counts(useful=2))
    content, written = export.csv_zip_bytes(tables([record]))
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.namelist() == [
        "lessons.csv",
        "mentor_profiles.csv",
        "mentor_requests.csv",
        "mentorships.csv",
    ]
    lines = list(csv.reader(io.StringIO(archive.read("lessons.csv").decode("utf-8-sig"))))
    assert lines[0] == list(export.LESSON_COLUMNS)
    assert lines[1][6] == "'=SUM(A1) is not a formula here" and lines[1][5] == "deploy læring"
    empty = list(csv.reader(io.StringIO(archive.read("mentorships.csv").decode("utf-8-sig"))))
    assert empty == [list(export.MENTORSHIP_COLUMNS)]
    assert written.rows["lessons"] == 1
    assert written.line() == "1 lessons, 0 mentor profiles, 0 mentor requests, 0 mentorships"


def test_lessons_are_read_in_batches_and_can_be_limited_to_an_audience(db: Database) -> None:
    with db.session() as s:
        for n in range(7):
            s.add(
                Lesson(
                    team_id="T1" if n < 6 else "T2",
                    author_id="UOLA0001",
                    author_hash="a" * 64,
                    anonymous=False,
                    text=f"lesson {n}",
                    tags_text="",
                    channel_id="CGEN",
                    visibility=WORKSPACE if n % 2 == 0 else AUTHOR,
                    created_at=NOW,
                )
            )
    with db.read_session() as s:
        batches = list(export.queries.lesson_batches(s, "T1", batch=4))
        assert [len(b) for b in batches] == [4, 2]
        everything = [r["text"] for r in export.tables(s).lessons]
        assert everything == [f"lesson {n}" for n in range(7)]
        seen = [r["text"] for r in export.tables(s, "T1", Audience.workspace("T1")).lessons]
        assert seen == ["lesson 0", "lesson 2", "lesson 4"]


def test_out_decides_between_a_file_a_zip_and_a_folder(tmp_path: Path) -> None:
    assert export_target(None, Format.JSON, NOW) == (Path("erfaring-export-20260302-080005.json"), False)
    assert export_target(None, Format.CSV, NOW) == (Path("erfaring-export-20260302-080005.zip"), False)
    assert export_target(str(tmp_path), Format.CSV, NOW) == (tmp_path, True)
    assert export_target(str(tmp_path), Format.JSON, NOW) == (
        tmp_path / "erfaring-export-20260302-080005.json",
        False,
    )
    assert export_target(f"{tmp_path}/new/", Format.CSV, NOW) == (tmp_path / "new", True)
    assert export_target(str(tmp_path / "x.zip"), Format.CSV, NOW) == (tmp_path / "x.zip", False)


def test_the_export_format_is_json_unless_csv_is_asked_for() -> None:
    assert export_format("export") is Format.JSON
    assert export_format("eksport CSV") is Format.CSV
    assert export_format("export json") is Format.JSON
    assert export_format("export xml") is None
    assert export_format("export csv now") is None
