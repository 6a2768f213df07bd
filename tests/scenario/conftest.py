"""Scenario fixtures: the real Bolt app, signed requests into POST /slack/events, and the
local Slack stand-in answering every Web API call, on each database backend."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

import app as erfaring
from localslack.clock import FakeClock
from localslack.workspace import LocalWorkspace
from storage.db import Database

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday morning in Oslo (09:00 CET)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def ws(db: Database, clock: FakeClock) -> Iterator[LocalWorkspace]:
    workspace = erfaring.local_workspace(db, clock)
    yield workspace
    workspace.settle()
    assert workspace.executor.errors == [], "a listener raised after ack()"
    assert workspace.standin.invalid_payloads == [], "the app sent invalid Block Kit"
    workspace.close()
