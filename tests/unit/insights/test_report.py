"""The monthly report's content (the month against the one before, the highlights) and its claims:
one per (workspace, month, leader), whoever asks and however often."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from bot.insights import report
from bot.rhythm.claims import Status
from bot.rhythm.ids import PROMPT
from storage.db import Database
from storage.insights import queries
from tests.unit.insights import dataset
from tests.unit.insights.dataset import OSLO, PUB, TEAM

NOW = datetime(2026, 4, 1, 7, 0, tzinfo=UTC)


def test_the_rhythms_values_for_a_posted_question_agree() -> None:
    assert queries.PROMPT_KIND == PROMPT and queries.POSTED == Status.POSTED


def test_the_report_compares_the_month_with_the_one_before(db: Database) -> None:
    with db.session() as session:
        built = dataset.build(session)
    with db.read_session() as session:
        data = report.build_report(
            session, team_id=TEAM, month="2026-03", tz=OSLO, members=12, prompt_channels=[PUB]
        )
    assert (data.month, data.previous, data.months.labels) == ("2026-03", "2026-02", ("2026-02", "2026-03"))
    m = data.months
    # February: L0, L1, L2, L4, L5, L6 (everyone may see them); March: L10, L11.
    assert m.lessons == (6, 2) and m.contributors == (2, 2)
    assert m.useful == (4, 1) and m.applied == (1, 4)
    assert m.requests == (4, 3) and m.matches == (3, 1) and m.completed == (0, 1)
    assert data.funnel == (3, 1, 1, 1)
    assert data.weeks.periods == 12 and data.weeks.labels[-1] == "2026-W14"
    assert data.weeks.end == m.end
    # March's marks: L4 got one 👍 (uy; uz's was taken back); L5 two ✅, L4 and L6 one each.
    L = built.lessons
    assert [(h.id, h.marks) for h in data.most_useful] == [(L["L4"].id, 1)]
    assert [(h.id, h.marks) for h in data.most_applied] == [(L["L5"].id, 2), (L["L4"].id, 1), (L["L6"].id, 1)]
    assert data.most_applied[2].author_id is None, "bob's anonymous lesson stays anonymous"
    assert data.most_applied[0].author_id == dataset.BOB
    assert data.new_topics == (("deploy", 1),)


def test_a_report_is_claimed_once(db: Database) -> None:
    with db.session() as session:
        first = report.claim(session, TEAM, "2026-03", "U0LEAD", replica="a", now=NOW)
        assert first is not None
    with db.session() as session:
        assert report.claim(session, TEAM, "2026-03", "U0LEAD", replica="b", now=NOW) is None
        assert (
            report.claim(session, TEAM, "2026-03", "U0LEAD", replica="b", now=NOW, retry_failed=True) is None
        )
        assert report.claim(session, TEAM, "2026-03", "U0OTHER", replica="b", now=NOW) is not None
        assert report.claim(session, TEAM, "2026-02", "U0LEAD", replica="b", now=NOW) is not None


def test_many_claimers_at_once_make_one_claim(db: Database) -> None:
    won: list[int] = []
    start = threading.Barrier(4)

    def claimer(name: str) -> None:
        start.wait()
        with db.session() as session:
            claimed = report.claim(session, TEAM, "2026-03", "U0LEAD", replica=name, now=NOW)
            if claimed is not None:
                won.append(claimed.id)

    threads = [threading.Thread(target=claimer, args=(f"r{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1


def test_a_failed_report_may_be_claimed_again_by_one_and_keeps_what_arrived(db: Database) -> None:
    with db.session() as session:
        claimed = report.claim(session, TEAM, "2026-03", "U0LEAD", replica="a", now=NOW)
        assert claimed is not None
        claim_id = claimed.id
        queries.record_progress(session, claim_id, channel_id="D0LEAD", message_ts="1.000001")
        assert queries.finish_claim(session, claim_id, report.FAILED, NOW, detail="missing_scope")
    with db.session() as session:
        again = report.claim(session, TEAM, "2026-03", "U0LEAD", replica="b", now=NOW, retry_failed=True)
        assert again is not None and again.id == claim_id
        assert (again.status, again.attempts, again.detail) == (report.CLAIMED, 2, None)
        assert (again.channel_id, again.message_ts) == ("D0LEAD", "1.000001")
        assert (
            report.claim(session, TEAM, "2026-03", "U0LEAD", replica="c", now=NOW, retry_failed=True) is None
        )
        assert queries.finish_claim(session, claim_id, report.SENT, NOW)
        assert not queries.finish_claim(session, claim_id, report.FAILED, NOW), "a sent report stays sent"
    with db.read_session() as session:
        row = queries.report_claim(session, claim_id)
        assert row is not None and row.status == report.SENT and row.sent_at == NOW
