"""bot.core.slack's budget for waiting on Slack before an ack: one for all of a listener's lookups."""

from __future__ import annotations

import time

from bot.core import slack
from bot.core.slack import QUICK_TIMEOUT_SECONDS, SlackGateway, before_ack, quick_budget


class _Counting:
    def __init__(self) -> None:
        self.calls = 0

    def users_info(self, **_: object) -> dict[str, object]:
        self.calls += 1
        return {"user": {"id": "U1", "locale": "nb-NO", "name": "ola"}}


def test_outside_a_listener_a_quick_lookup_may_wait_the_whole_quick_timeout() -> None:
    assert quick_budget() == QUICK_TIMEOUT_SECONDS


def test_the_lookups_before_an_ack_share_one_budget_which_ends_with_the_ack() -> None:
    with before_ack(0.2):
        first = quick_budget()
        assert 0.15 < first <= 0.2
        time.sleep(0.1)
        assert quick_budget() < first - 0.09, "what the first lookup waited is gone for the next"
        time.sleep(0.1)
        assert quick_budget() == 0.0, "spent: the next lookup does not ask Slack"
        slack.acked()
        assert quick_budget() == QUICK_TIMEOUT_SECONDS, "after the ack nothing is in a hurry"
    assert quick_budget() == QUICK_TIMEOUT_SECONDS


def test_a_quick_user_lookup_with_no_budget_left_asks_nobody_and_remembers_nothing() -> None:
    client = _Counting()
    gateway = SlackGateway(client)  # type: ignore[arg-type]
    with before_ack(0.0):
        assert gateway.user_info("T1", "U1", quick=True) is None
    assert client.calls == 0
    info = gateway.user_info("T1", "U1", quick=True)
    assert client.calls == 1 and info is not None and info.locale == "nb-NO", "not remembered as unknown"


class _Slow(_Counting):
    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def users_info(self, **kwargs: object) -> dict[str, object]:
        time.sleep(self.seconds)
        return super().users_info(**kwargs)


def test_a_quick_user_lookup_waits_only_what_is_left_of_the_budget_and_keeps_a_late_answer() -> None:
    """With 0.1 s of the ack's budget left and Slack answering in 0.3 s, the lookup gives up after
    0.1 s (not the quick client's own 0.4 s), and Slack's answer, when it comes, is remembered."""
    client = _Slow(0.3)
    gateway = SlackGateway(client)  # type: ignore[arg-type]
    with before_ack(0.1):
        started = time.monotonic()
        assert gateway.user_info("T1", "U1", quick=True) is None
        waited = time.monotonic() - started
    assert waited < 0.2, f"waited {waited:.2f} s for Slack, not what was left of the budget"
    time.sleep(0.35)  # Slack answers after all
    started = time.monotonic()
    info = gateway.user_info("T1", "U1", quick=True)
    assert time.monotonic() - started < 0.05, "remembered: nothing asked again"
    assert info is not None and info.locale == "nb-NO" and client.calls == 1
