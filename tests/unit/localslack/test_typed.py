"""Typed text → the wire text the Slack client sends (localslack.typed), and back (from_slack)."""

from __future__ import annotations

import pytest

from bot.core.mrkdwn import from_slack
from localslack.typed import encode

PEOPLE = {"ola": "U1", "ingrid.berg": "U2", "app": "UBOT"}
ROOMS = {"general": ("C1", "general"), "team-platform": ("C2", "team-platform")}


def wire(text: str) -> str:
    return encode(text, person=lambda name: PEOPLE.get(name.casefold()), room=ROOMS.get)


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("a < b & c > d", "a &lt; b &amp; c &gt; d"),
        ("&lt; stays what was typed", "&amp;lt; stays what was typed"),
        ("<!channel> <@U1> typed by hand", "&lt;!channel&gt; &lt;@U1&gt; typed by hand"),
        ("thanks @ola.", "thanks <@U1>."),
        ("@OLA and @ingrid.berg", "<@U1> and <@U2>"),
        ("@nobody and #nowhere stay as typed", "@nobody and #nowhere stay as typed"),
        ("see #general, then #team-platform", "see <#C1|general>, then <#C2|team-platform>"),
        ("@here @channel @everyone!", "<!here> <!channel> <!everyone>!"),
        ("@Here, look", "<!here>, look"),
        ("mail ola@example.com or a#general", "mail ola@example.com or a#general"),
        ("read https://example.com/a?b=1&c=2.", "read <https://example.com/a?b=1&amp;c=2>."),
        ("(https://example.com/@ola#general)", "(<https://example.com/@ola#general>)"),
        ("<https://example.com>", "&lt;<https://example.com>&gt;"),
    ],
)
def test_typed_text_goes_on_the_wire_as_the_slack_client_sends_it(typed: str, sent: str) -> None:
    assert wire(typed) == sent


def test_the_app_reads_back_what_was_typed() -> None:
    names = {"U1": "ola", "U2": "ingrid.berg"}
    for typed in ("a < b & c > d", "&lt; is not <", "ask @ola about #general, @here", "x & y <b>"):
        assert from_slack(wire(typed), names, {"C1": "general"}) == typed
