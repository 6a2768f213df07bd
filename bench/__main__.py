"""Every benchmark in turn: /lesson ack latency, load, search speed and quality, digest, insights
(`python -m bench`).

    python -m bench [--database-url URL] [--results-dir DIR]

Defaults finish in a few minutes on 2 cores. Each benchmark also runs on its own, with more options:
`python -m bench.ack_bench --help`, `python -m bench.load_bench --help`,
`python -m bench.search_bench --help`, `python -m bench.search_quality --help`,
`python -m bench.digest_bench --help`, `python -m bench.insights_bench --help`. A failing benchmark does
not stop the ones after it. `make bench` runs this.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench import ack_bench, digest_bench, insights_bench, load_bench, search_bench, search_quality

RESULTS_DIR = Path(__file__).parent / "results"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="PostgreSQL URL for all (default: temporary SQLite files)")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help="where the JSON results go")
    args = parser.parse_args(argv)

    common = ["--database-url", args.database_url] if args.database_url else []
    benches: list[tuple[str, Callable[[list[str]], int], Path]] = [
        ("ack", ack_bench.main, args.results_dir / "ack.json"),
        ("load", load_bench.main, args.results_dir / "load.json"),
        ("search", search_bench.main, args.results_dir / "search.json"),
        ("search quality", search_quality.main, args.results_dir / "search_quality.json"),
        ("digest", digest_bench.main, args.results_dir / "digest.json"),
        ("insights", insights_bench.main, args.results_dir / "insights.json"),
    ]
    failed: list[str] = []
    written: list[Path] = []
    for name, run, output in benches:
        print(f"\n=== {name} benchmark ===", file=sys.stderr, flush=True)
        started = time.monotonic()
        started_wall = time.time()
        try:
            status = run([*common, "--output", str(output)])
        except KeyboardInterrupt:
            print(f"{name}: interrupted", file=sys.stderr)
            return 130
        except Exception as exc:  # one broken benchmark must not hide the others' results
            print(f"{name}: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            status = 1
        print(
            f"=== {name}: {time.monotonic() - started:.0f} s, exit {status} ===", file=sys.stderr, flush=True
        )
        if status == 130:
            return 130
        if status:
            failed.append(name)
        if output.exists() and output.stat().st_mtime >= started_wall:
            written.append(output)
    print("\nResults written to:")
    for path in written:
        print(f"  {path}")
    if failed:
        print(f"Failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
