"""The load bench's client, in a process of its own (run by bench.load_bench).

    python -m bench.load_client REQUESTS.json URL SECONDS RESULT.json

REQUESTS.json holds, per simulated person, the signed requests to send, already built by the bench
(with the stand-in, which mints the response URLs and trigger ids a request carries). Each person
is a thread that sends its requests one after the other over HTTP until SECONDS have passed, and
RESULT.json gets one [kind, status, milliseconds, ok] row per answer.

Why a process of its own: in the bench's process the stand-in answers the app's Slack calls, and its
threads would share the GIL with the clients, so an app that calls Slack after its acks (Erfaring)
would be timed by clients slowed down by its own Slack traffic, and the bare app (which calls Slack
never) would not. Here both apps are timed by the same idle client.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

Row = tuple[str, int, float, bool]


def send_all(url: str, people: Sequence[Sequence[dict[str, Any]]], seconds: float) -> dict[str, Any]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    rows: list[Row] = []
    ran_out = 0
    lock = threading.Lock()
    start = threading.Event()
    stop_at = [0.0]

    def post(body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with opener.open(request, timeout=30) as answer:
                return int(answer.status), answer.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def person(requests: Sequence[dict[str, Any]]) -> None:
        nonlocal ran_out
        start.wait()
        mine: list[Row] = []
        for request in requests:
            if time.monotonic() >= stop_at[0]:
                break
            began = time.monotonic()
            try:
                status, body = post(request["body"].encode("utf-8"), request["headers"])
            except OSError as exc:
                status, body = 599, str(exc)
            elapsed_ms = (time.monotonic() - began) * 1000
            expect = request.get("expect")
            ok = 200 <= status < 300 and (not expect or expect in body)
            mine.append((request["kind"], status, round(elapsed_ms, 3), ok))
        else:
            with lock:
                ran_out += 1
        with lock:
            rows.extend(mine)

    threads = [threading.Thread(target=person, args=(p,), name=f"person-{i}") for i, p in enumerate(people)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    stop_at[0] = time.monotonic() + seconds
    start.set()
    for thread in threads:
        thread.join()
    return {"seconds": time.perf_counter() - began, "rows": rows, "ran_out": ran_out}


def main(argv: Sequence[str]) -> int:
    requests_path, url, seconds, result_path = argv
    people = json.loads(Path(requests_path).read_text(encoding="utf-8"))
    result = send_all(url, people, float(seconds))
    Path(result_path).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
