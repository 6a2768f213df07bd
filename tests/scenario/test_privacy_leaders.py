"""Erasure and the leaders' report: `forget-me` and `python app.py erase` take the person off the
leaders (their reports' claims too; leaders they added stay leaders), and `my-data` says whether the
person is a leader and which reports they got."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from bot.core.i18n import translator
from bot.insights import jobs
from bot.privacy.ids import PrivacyAction
from localslack.clock import FakeClock
from localslack.workspace import LocalWorkspace
from storage.insights.models import Leader, ReportClaim
from tests.scenario.test_privacy import click_forget, database_dump, erfaring, forget_prompt, my_data
from tests.scenario.test_privacy_cli import run


def leaders_in_db(ws: LocalWorkspace) -> list[tuple[str, str]]:
    with ws.deps.db.session() as session:
        return [
            (row.user_id, row.added_by) for row in session.scalars(select(Leader).order_by(Leader.user_id))
        ]


def claims_in_db(ws: LocalWorkspace) -> list[tuple[str, str]]:
    with ws.deps.db.session() as session:
        return [(c.leader_id, c.month) for c in session.scalars(select(ReportClaim).order_by(ReportClaim.id))]


def leaders_and_a_report(ws: LocalWorkspace, clock: FakeClock) -> None:
    """Kari, an admin, makes Ola and herself leaders; on Monday 2 March at 09:00 in Oslo (where the
    clock starts) February's report goes out to both."""
    erfaring(ws, "kari", "general", "leaders add @ola @kari")
    jobs.run_due_reports(ws.deps, clock.now())
    ws.settle()
    assert sorted(leader for leader, _ in claims_in_db(ws)) == sorted([ws.user_id("ola"), ws.user_id("kari")])


def test_erase_takes_the_person_off_the_leaders_and_keeps_the_leaders_they_added(
    ws: LocalWorkspace, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    leaders_and_a_report(ws, clock)
    kari, ola = ws.user_id("kari"), ws.user_id("ola")
    code, out, err = run(ws, capsys, "erase", "--user", kari, "--yes")
    assert code == 0, err
    assert out.strip().splitlines()[0].endswith(", a leader")
    assert leaders_in_db(ws) == [(ola, "erased")]  # Ola still gets the report; who added him is gone
    assert [leader for leader, _ in claims_in_db(ws)] == [ola]
    assert kari not in database_dump(ws)
    shown = erfaring(ws, "ola", "general", "leaders")
    assert f"<@{ola}>" in shown and f"<@{kari}>" not in shown


def test_forget_me_says_the_person_is_a_leader_and_takes_them_off(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    erfaring(ws, "kari", "general", "leaders add @ingrid")
    ingrid = ws.user_id("ingrid")
    ws.standin.set_locale(ingrid, "nb-NO")
    ws.deps.slack.forget_people()
    # Being a leader is all that is stored about Ingrid: still something to erase.
    prompt = forget_prompt(ws, "ingrid", "glem-meg")
    assert translator("nb")._(
        "your place among the leaders who get the monthly report"
    ) in prompt.text + json.dumps(prompt.blocks, ensure_ascii=False)
    click_forget(ws, "ingrid", PrivacyAction.FORGET_DELETE, prompt)
    assert leaders_in_db(ws) == []
    assert ingrid not in database_dump(ws)


def test_my_data_says_whether_the_person_is_a_leader_and_which_reports_they_got(
    ws: LocalWorkspace, clock: FakeClock
) -> None:
    leaders_and_a_report(ws, clock)
    data: dict[str, Any] = my_data(ws, "ola")
    report = data["leaders_report"]
    assert report["leader"] is True and report["in_erfaring_leaders"] is False
    assert report["added_at"].endswith("Z")
    assert [(r["month"], r["status"]) for r in report["reports"]] == [("2026-02", "sent")]
    added = my_data(ws, "kari")["settings_created"]["leaders_added"]
    assert sorted(row["leader"] for row in added) == sorted([ws.user_id("ola"), ws.user_id("kari")])

    nobody = my_data(ws, "per")["leaders_report"]
    assert nobody == {"leader": False, "added_at": None, "in_erfaring_leaders": False, "reports": []}
    ws.deps.settings = replace(ws.deps.settings, leaders=frozenset({ws.user_id("per")}))
    configured = my_data(ws, "per")["leaders_report"]
    assert configured["leader"] is True and configured["in_erfaring_leaders"] is True
