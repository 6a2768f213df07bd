"""`python app.py export` and `python app.py erase`, run through app.main against the same database
and Slack stand-in as the app, with their exit codes and their one-line refusals."""

from __future__ import annotations

import csv
import io
import json
import stat
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

import app as erfaring
from bot.lessons.service import author_hash
from localslack.workspace import LOCAL_BOT_TOKEN, LOCAL_SIGNING_SECRET, LocalWorkspace
from storage.lessons.models import Lesson
from tests.scenario.helpers import bot_messages
from tests.scenario.test_privacy import a_busy_workspace, database_dump, hash_of

LOCAL_SECRET_KEY = "local-workspace-secret-key"  # app.local_workspace's key, so hashes agree


def env_for(ws: LocalWorkspace, **extra: str) -> dict[str, str]:
    env = {
        "DATABASE_URL": ws.deps.db.url,
        "SLACK_BOT_TOKEN": LOCAL_BOT_TOKEN,
        "SLACK_SIGNING_SECRET": LOCAL_SIGNING_SECRET,
        "SLACK_API_URL": ws.standin.api_url,
        "ERFARING_SECRET_KEY": LOCAL_SECRET_KEY,
    }
    env.update(extra)
    return {k: v for k, v in env.items() if v}


def run(
    ws: LocalWorkspace, capsys: pytest.CaptureFixture[str], *argv: str, **env: str
) -> tuple[int, str, str]:
    code = erfaring.main(list(argv), env=env_for(ws, **env))
    out, err = capsys.readouterr()
    return code, out, err


def lessons_in_db(ws: LocalWorkspace) -> list[Lesson]:
    with ws.deps.db.session() as session:
        return list(session.scalars(select(Lesson).order_by(Lesson.id)))


def test_local_workspace_key_is_the_one_the_cli_uses(ws: LocalWorkspace) -> None:
    assert ws.deps.settings.secret_key == LOCAL_SECRET_KEY.encode()


# -- erase ------------------------------------------------------------------------------------------------


def test_erase_refuses_without_yes_and_changes_nothing(
    ws: LocalWorkspace, capsys: pytest.CaptureFixture[str]
) -> None:
    a_busy_workspace(ws)
    per = ws.user_id("per")
    before = database_dump(ws)
    code, out, err = run(ws, capsys, "erase", "--user", per)
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [f"erfaring: erasing {per} cannot be undone; run it again with --yes"]
    assert database_dump(ws) == before


def test_erase_refuses_what_it_cannot_do_right(
    ws: LocalWorkspace, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(ws, capsys, "erase", "--user", "per", "--yes")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Slack user id" in err
    # Without the server's key the anonymous lessons cannot be found: refuse rather than half-erase.
    code, _, err = run(
        ws,
        capsys,
        "erase",
        "--user",
        ws.user_id("per"),
        "--yes",
        ERFARING_SECRET_KEY="",
        SLACK_SIGNING_SECRET="",
    )
    assert code == 2 and len(err.strip().splitlines()) == 1 and "ERFARING_SECRET_KEY" in err


def test_erase_deletes_the_person_and_their_posts(
    ws: LocalWorkspace, capsys: pytest.CaptureFixture[str]
) -> None:
    lessons = a_busy_workspace(ws)
    per, old_hash = ws.user_id("per"), hash_of(ws, "per")
    code, out, err = run(ws, capsys, "erase", "--user", per, "--yes")
    assert code == 0, err
    assert out.strip().splitlines() == [
        f"{ws.standin.team_id}: {per}: 2 lessons deleted, 0 kept anonymously, 1 vote, a mentor profile, "
        "1 mentoring request, 1 mentor offer, 2 mentorships, 0 follow-up answers, 0 settings, "
        # The outbox's delivered effects that held Per's id: his named lesson's post, the
        # mentoring DMs to him, and the update of the offer DM that names him.
        "4 queued messages, not a leader"
    ]
    assert {lesson.id for lesson in lessons_in_db(ws)} == {lessons["ola"].id, lessons["ola_anon"].id}
    posted = {m.ts for m in bot_messages(ws, ws.channel_id("general"))}
    assert lessons["per"].message_ts not in posted and lessons["per_anon"].message_ts not in posted
    dump = database_dump(ws)
    assert per not in dump and old_hash not in dump
    # A second run finds nothing, and says so.
    code, out, _ = run(ws, capsys, "erase", "--user", per, "--yes")
    assert code == 0 and out.strip() == f"nothing stored about {per}"


def test_erase_can_keep_the_lessons_anonymously(
    ws: LocalWorkspace, capsys: pytest.CaptureFixture[str]
) -> None:
    lessons = a_busy_workspace(ws)
    per, old_hash = ws.user_id("per"), hash_of(ws, "per")
    code, out, err = run(ws, capsys, "erase", "--user", per, "--keep-lessons-anonymous", "--yes")
    assert code == 0, err
    assert "0 lessons deleted, 2 kept anonymously" in out
    kept = {lesson.id: lesson for lesson in lessons_in_db(ws)}
    assert kept[lessons["per"].id].anonymous and kept[lessons["per"].id].author_id is None
    assert author_hash(ws.deps.settings.secret_key, ws.standin.team_id, per) == old_hash
    assert kept[lessons["per"].id].author_hash != old_hash
    post = ws.standin.message(ws.channel_id("general"), lessons["per"].message_ts or "")
    assert post is not None and "Shared anonymously" in json.dumps(post.blocks)
    dump = database_dump(ws)
    assert per not in dump and old_hash not in dump


# -- export ------------------------------------------------------------------------------------------------


def test_export_writes_every_lesson_as_json(
    ws: LocalWorkspace, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lessons = a_busy_workspace(ws)
    target = tmp_path / "exports" / "all.json"
    target.parent.mkdir()
    code, out, err = run(ws, capsys, "export", "--out", str(target))
    assert code == 0, err
    assert out.strip() == f"wrote 4 lessons, 2 mentor profiles, 2 mentor requests, 2 mentorships to {target}"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600, "personal data: readable by its owner only"
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["lessons_included"] == "all" and data["team"] is None
    authors = {lesson["id"]: lesson["author"] for lesson in data["lessons"]}
    assert authors == {
        lessons["ola"].id: ws.user_id("ola"),
        lessons["per"].id: ws.user_id("per"),
        lessons["per_anon"].id: "anonymous",
        lessons["ola_anon"].id: "anonymous",
    }
    text = target.read_text(encoding="utf-8")
    assert lessons["per_anon"].author_hash not in text and lessons["ola_anon"].author_hash not in text
    assert list(target.parent.iterdir()) == [target], "no temporary file is left behind"


def test_export_writes_csv_into_a_folder_or_a_zip(
    ws: LocalWorkspace, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lessons = a_busy_workspace(ws)
    folder = tmp_path / "out"
    code, _, err = run(ws, capsys, "export", "--format", "csv", "--out", f"{folder}/")
    assert code == 0, err
    assert sorted(p.name for p in folder.iterdir()) == [
        "lessons.csv",
        "mentor_profiles.csv",
        "mentor_requests.csv",
        "mentorships.csv",
    ]
    with (folder / "lessons.csv").open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert {int(row["id"]) for row in table} == {lesson.id for lesson in lessons.values()}
    assert all(row["created_at"].endswith("Z") for row in table)

    archive = tmp_path / "export.zip"
    code, out, err = run(ws, capsys, "export", "--format", "csv", "--out", str(archive))
    assert code == 0, err
    assert str(archive) in out
    with zipfile.ZipFile(archive) as opened:
        profiles = list(csv.DictReader(io.StringIO(opened.read("mentor_profiles.csv").decode("utf-8-sig"))))
    assert {(p["user"], p["topics"]) for p in profiles} == {
        (ws.user_id("per"), "onboarding"),
        (ws.user_id("ola"), "testing"),
    }


def test_export_to_a_path_that_cannot_be_written_says_so_in_one_line(
    ws: LocalWorkspace, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    nowhere = tmp_path / "missing" / "export.json"
    code, out, err = run(ws, capsys, "export", "--out", str(nowhere))
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [f"erfaring: cannot write {nowhere}: no such directory"]
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    code, _, err = run(ws, capsys, "export", "--format", "csv", "--out", f"{blocked}/")
    assert (
        code == 2
        and len(err.strip().splitlines()) == 1
        and err.startswith(f"erfaring: cannot write {blocked}")
    )
    assert not nowhere.parent.exists()
