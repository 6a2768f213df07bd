"""The ack benchmark's statistics and report, on known data (no timing: benchmarks live in bench/)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from bench import ack_bench


def test_percentile_interpolates_between_ranks() -> None:
    samples = [float(x) for x in range(1, 101)]  # 1..100
    assert ack_bench.percentile(samples, 0) == 1.0
    assert ack_bench.percentile(samples, 50) == pytest.approx(50.5)
    assert ack_bench.percentile(samples, 95) == pytest.approx(95.05)
    assert ack_bench.percentile(samples, 99) == pytest.approx(99.01)
    assert ack_bench.percentile(samples, 100) == 100.0


def test_percentile_ignores_order_and_handles_one_sample() -> None:
    assert ack_bench.percentile([30.0, 10.0, 20.0], 50) == 20.0
    assert ack_bench.percentile([7.0], 95) == 7.0


@pytest.mark.parametrize("q", [-1, 100.5])
def test_percentile_rejects_out_of_range(q: float) -> None:
    with pytest.raises(ValueError):
        ack_bench.percentile([1.0, 2.0], q)


def test_percentile_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError):
        ack_bench.percentile([], 50)


def test_summarize_known_data() -> None:
    samples = [10.0] * 94 + [20.0] * 5 + [100.0]
    stats = ack_bench.summarize(samples)
    assert stats["n"] == 100
    assert stats["p50"] == 10.0
    assert stats["p95"] == pytest.approx(20.0)
    assert stats["p99"] == pytest.approx(20.8)
    assert stats["mean"] == pytest.approx(11.4)
    assert stats["max"] == 100.0


def test_ratio_and_target() -> None:
    assert ack_bench.ratio(13.0, 10.0) == 1.3
    assert ack_bench.ratio(11.0, 10.0) <= ack_bench.TARGET_RATIO
    assert ack_bench.ratio(11.1, 10.0) > ack_bench.TARGET_RATIO
    assert math.isinf(ack_bench.ratio(1.0, 0.0))


def _run(server: str, erfaring_p95: float, bare_p95: float) -> dict[str, Any]:
    def app(p95: float, rss: list[float]) -> dict[str, Any]:
        latency = {"n": 500, "p50": 10.0, "p95": p95, "p99": p95 + 1, "mean": 10.5, "max": 30.0}
        return {
            "latency_ms": latency,
            "sequential_requests_per_s": 95.2,
            "burst": None,
            "peak_rss_mib": sum(rss),
            "peak_rss_mib_per_process": rss,
        }

    p95_ratio = ack_bench.ratio(erfaring_p95, bare_p95)
    return {
        "server": server,
        "apps": {"erfaring": app(erfaring_p95, [26.0, 70.0]), "bare": app(bare_p95, [30.0])},
        "p50_ratio": 1.0,
        "p95_ratio": p95_ratio,
        "p99_ratio": 1.0,
        "target_met": p95_ratio <= ack_bench.TARGET_RATIO,
    }


def test_markdown_table_shows_figures_and_verdicts() -> None:
    table = ack_bench.markdown([_run("waitress", 12.0, 11.0), _run("gunicorn", 30.0, 11.0)])
    assert "| waitress | erfaring | 10.0 | 12.0 |" in table
    assert "96.0 (26.0 + 70.0)" in table  # gunicorn-style master + worker memory is shown summed
    assert "| waitress | 1.0 | 1.091 | 1.0 | PASS |" in table
    assert "| gunicorn | 1.0 | 2.727 | 1.0 | FAIL |" in table


def test_parse_args_defaults_and_rejects_unknown_server() -> None:
    args = ack_bench.parse_args([])
    assert args.requests >= 500
    assert args.servers == ["waitress", "gunicorn"]
    assert args.threads == ack_bench.SERVE_THREADS
    with pytest.raises(SystemExit):
        ack_bench.parse_args(["--servers", "waitress,uvicorn"])


def test_child_environment_drops_proxies_and_local_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///somewhere-else.db")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-would-switch-to-socket-mode")
    env = ack_bench._child_env({"SLACK_API_URL": "http://127.0.0.1:1234/api/"})
    assert "HTTPS_PROXY" not in env
    assert "DATABASE_URL" not in env
    assert "SLACK_APP_TOKEN" not in env
    assert env["SLACK_API_URL"] == "http://127.0.0.1:1234/api/"
