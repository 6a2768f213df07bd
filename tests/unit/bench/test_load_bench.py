"""bench/load_bench.py's bookkeeping: what a window reports and how the table reads it."""

from __future__ import annotations

from bench import load_bench
from bench.load_bench import Window


def test_a_window_counts_requests_errors_and_acks_over_slacks_deadline() -> None:
    window = Window(seconds=2.0)
    for ms in (10.0, 20.0, 30.0):
        window.add("lesson", 200, ms, True)
    window.add("search", 200, 3500.0, True)
    window.add("vote", 500, 15.0, False)
    report = window.report()
    assert report["requests"] == 5 and report["requests_per_s"] == 2.5
    assert report["over_3s"] == 1
    assert report["errors"] == 1 and report["error_examples"] == ["vote: HTTP 500"]
    assert set(report["by_kind_p95_ms"]) == {"lesson"}  # one sample is no percentile


def test_the_drain_column_says_what_the_outbox_left_and_the_pace_floor() -> None:
    assert load_bench._drained(None) == ""
    assert load_bench._drained({"seconds": 4.2, "floor_s": 3, "left": 0}) == "4.2 s (pace floor 3 s)"
    assert (
        load_bench._drained({"seconds": None, "floor_s": 276, "left": 512})
        == "512 left after 90 s (pace floor 276 s)"
    )
