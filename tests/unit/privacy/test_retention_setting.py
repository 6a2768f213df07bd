"""ERFARING_RETENTION_DAYS: how long an uninstalled workspace's data stays (a whole number, 1-3650)."""

from __future__ import annotations

import pytest

import app
from bot.core.settings import ConfigError, load_settings

BASE = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "0123456789abcdef0123456789abcdef"}


def test_thirty_days_by_default_and_blank_is_unset() -> None:
    assert load_settings(BASE).retention_days == 30
    assert load_settings({**BASE, "ERFARING_RETENTION_DAYS": "  "}).retention_days == 30


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), ("7", 7), (" 90 ", 90), ("3650", 3650)])
def test_a_whole_number_of_days(raw: str, expected: int) -> None:
    assert load_settings({**BASE, "ERFARING_RETENTION_DAYS": raw}).retention_days == expected


# '²' and '０' pass str.isdigit(); they must still be a ConfigError, never a bare ValueError.
@pytest.mark.parametrize(
    "raw",
    ["0", "3651", "-1", "30d", "1.5", "3e1", "thirty", pytest.param("²", id="superscript"), "３０"],
)
def test_anything_else_is_refused_naming_the_variable(raw: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({**BASE, "ERFARING_RETENTION_DAYS": raw})
    assert info.value.name == "ERFARING_RETENTION_DAYS"
    assert str(info.value) == f"ERFARING_RETENTION_DAYS: must be a whole number from 1 to 3650, got {raw!r}"


def test_a_bad_value_stops_start_up_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert app.main(["db", "upgrade"], env={**BASE, "ERFARING_RETENTION_DAYS": "0"}) == 2
    err = capsys.readouterr().err.strip().splitlines()
    problem = "ERFARING_RETENTION_DAYS: must be a whole number from 1 to 3650, got '0'"
    assert err == [f"erfaring: configuration error: {problem}"]
