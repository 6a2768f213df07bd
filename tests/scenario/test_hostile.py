"""A table of hostile requests through signed requests (and unsigned ones → 401) against the real
app: bench/hostile.py's corpus, with "no 5xx, nothing stored, no traceback, the app still serves"
asserted for every one of them."""

from __future__ import annotations

from collections import Counter

import pytest

from bench import hostile
from localslack.workspace import LocalWorkspace


@pytest.fixture
def report(ws: LocalWorkspace) -> hostile.Report:
    return hostile.run(ws)


def test_the_corpus_covers_every_kind_of_hostile_request(ws: LocalWorkspace) -> None:
    cases = list(hostile.corpus(ws))
    assert len(cases) >= 95
    names = " ".join(case.name for case in cases)
    for kind in (
        "unsigned",
        "non-UTF-8",
        "payload= not JSON",
        "payload= a list",
        "payload= a number",
        "payload= null",
        "actions empty",
        "actions an object",
        "event null",
        "value 'abc'",
        "value '1.5e3'",
        "value '99999999999",
        "without user_id",
        "without channel_id",
        "without team_id",
        "state.values not an object",
        "private_metadata a number",
        "reaction item a string",
        "only NUL",
        "only U+FFFD",
    ):
        assert kind in names, kind


def test_no_hostile_request_gets_a_5xx_or_a_traceback_or_stores_anything(report: hostile.Report) -> None:
    assert report.server_errors == []
    assert report.unsigned_not_401 == []
    assert report.tracebacks == []
    assert report.stored == {}, "nothing from a hostile request is stored"
    assert report.suspicious == [], "no value was stored as str() of a wrong type"
    assert report.listener_errors == 0
    assert set(report.statuses) <= {200, 400, 401, 404, 413, 415}


def test_the_app_still_serves_after_the_storm(ws: LocalWorkspace, report: hostile.Report) -> None:
    answer = ws.driver.command(ws.user_id("ola"), ws.channel_id("general"), "/lesson", "Still standing #ops")
    assert answer.ok and "is saved" in answer.body
    ws.settle()
    assert (
        Counter(
            m.text.startswith("Lesson learned: Still standing")
            for m in ws.standin.messages(ws.channel_id("general"))
        )[True]
        == 1
    )
