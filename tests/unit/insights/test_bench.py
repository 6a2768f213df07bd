"""bench/insights_bench.py on a small fill: the aggregate queries and the naive per-week loop agree,
on every backend (the benchmark itself refuses to report when they do not)."""

from __future__ import annotations

from datetime import timedelta

from bench import insights_bench as bench
from storage.db import Database


def test_the_aggregate_and_the_naive_loop_give_the_same_figures(db: Database) -> None:
    counts = bench.fill(db, 1500, 30, seed=7)
    assert counts["lessons"] == 1650 and counts["votes"] > 0 and counts["prompts"] > 0
    for now in (bench.NOW, bench.NOW - timedelta(weeks=5, days=3)):
        fast = bench.build_once(db, now, 30)
        assert fast == bench.naive_once(db, now, 30)
        assert sum(fast.lessons) > 0 and sum(fast.useful) > 0 and sum(fast.matches) > 0
        assert sum(fast.answers) > 0 and fast.top_tags
    channel = bench.build_once(db, bench.NOW, 30, bench.channel_ids(30)[0])
    assert 0 < sum(channel.lessons) < sum(bench.build_once(db, bench.NOW, 30).lessons)


def test_install_weight_names_the_chart_packages() -> None:
    weight = bench.install_weight()
    assert weight["matplotlib"] > 5 and "numpy" in weight
