"""ERFARING_LEADERS: optional Slack user ids, checked like ERFARING_ADMINS."""

from __future__ import annotations

import pytest

import app
from bot.core.settings import ConfigError, load_settings

BASE = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "0123456789abcdef0123456789abcdef"}


def test_leaders_are_optional() -> None:
    assert load_settings(BASE).leaders == frozenset()
    assert load_settings({**BASE, "ERFARING_LEADERS": "  "}).leaders == frozenset()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("U0123ABCD", {"U0123ABCD"}), ("U0123ABCD, W0456EFGH;U0123ABCD,", {"U0123ABCD", "W0456EFGH"})],
)
def test_leaders_are_user_ids(raw: str, expected: set[str]) -> None:
    assert load_settings({**BASE, "ERFARING_LEADERS": raw}).leaders == frozenset(expected)


@pytest.mark.parametrize("raw", ["kari", "@kari", "C0123ABCD", "u0123abcd"])
def test_anything_else_is_refused_by_name(raw: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({**BASE, "ERFARING_LEADERS": raw})
    assert info.value.name == "ERFARING_LEADERS" and str(info.value).startswith("ERFARING_LEADERS:")
    assert "ERFARING_ADMINS" not in str(info.value)


def test_the_cli_stops_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert app.main(["serve"], env={**BASE, "ERFARING_LEADERS": "kari"}) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "ERFARING_LEADERS" in err[0]
