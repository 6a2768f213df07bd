"""The HTTP server's own log lines, made readable under load.

waitress logs "Task queue depth is N" for every request that finds all its threads busy: under a
burst, one identical warning per request (2,546 lines in the load benchmark's 15 s). QueueWarnings
keeps the first and then at most one line a minute that says how many requests waited and how deep
the queue got. `app.py serve` installs it; the benchmarks' server does too, for both apps alike.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

WAITRESS_QUEUE = "waitress.queue"
_QUEUE_DEPTH = "Task queue depth is %d"  # waitress.task.ThreadedTaskDispatcher.add_task
QUEUE_SUMMARY_SECONDS = 60.0


class QueueWarnings(logging.Filter):
    """Passes the first queue warning, then at most one per `interval` that counts the requests which
    waited since the line before and the deepest the queue got. Other lines pass unchanged."""

    def __init__(
        self, threads: int, interval: float = QUEUE_SUMMARY_SECONDS, now: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.threads, self.interval, self.now = threads, interval, now
        self._lock = threading.Lock()
        self._waited = 0
        self._deepest = 0
        self._last: float | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if record.msg != _QUEUE_DEPTH or not (isinstance(args, tuple) and len(args) == 1):
            return True
        depth = args[0] if isinstance(args[0], int) else 0
        with self._lock:
            self._waited += 1
            self._deepest = max(self._deepest, depth)
            at = self.now()
            if self._last is not None and at - self._last < self.interval:
                return False
            waited, deepest = self._waited, self._deepest
            self._waited, self._deepest, self._last = 0, 0, at
        record.msg = (
            "%d request(s) waited for one of the %d HTTP threads since the last such line, the queue "
            "up to %d deep: the server is busy (more replicas, or fewer slow requests, would help)"
        )
        record.args = (waited, self.threads, deepest)
        return True


def summarise_queue_warnings(threads: int) -> QueueWarnings:
    """Install one QueueWarnings on waitress's queue logger (again: the one already there)."""
    logger = logging.getLogger(WAITRESS_QUEUE)
    for existing in logger.filters:
        if isinstance(existing, QueueWarnings):
            return existing
    summary = QueueWarnings(threads)
    logger.addFilter(summary)
    return summary
