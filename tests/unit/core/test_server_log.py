"""waitress's per-request queue warnings are summarised: the first passes, then one line a minute."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from waitress.task import ThreadedTaskDispatcher

from bot.core.server_log import WAITRESS_QUEUE, QueueWarnings, summarise_queue_warnings


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def queue_logger() -> Iterator[logging.Logger]:
    """waitress's queue logger without the filters other tests left on it (`serve` installs one)."""
    logger = logging.getLogger(WAITRESS_QUEUE)
    saved = list(logger.filters)
    logger.filters.clear()
    yield logger
    logger.filters[:] = saved


def _burst(dispatcher: ThreadedTaskDispatcher, n: int) -> None:
    for _ in range(n):
        dispatcher.add_task(object())  # no threads: every task waits, as in a burst


def test_a_burst_is_one_line_then_one_a_minute(
    queue_logger: logging.Logger, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    queue_logger.addFilter(QueueWarnings(8, interval=60, now=clock))
    dispatcher = ThreadedTaskDispatcher()  # waitress's own dispatcher, its own warning
    caplog.set_level(logging.WARNING, logger=WAITRESS_QUEUE)

    _burst(dispatcher, 500)
    clock.t += 59.5
    _burst(dispatcher, 200)
    lines = [r.getMessage() for r in caplog.records if r.name == WAITRESS_QUEUE]
    assert lines == [
        "1 request(s) waited for one of the 8 HTTP threads since the last such line, the queue up to 1 "
        "deep: the server is busy (more replicas, or fewer slow requests, would help)"
    ]

    clock.t += 0.5  # a minute after the first line: the next warning carries the count
    _burst(dispatcher, 1)
    lines = [r.getMessage() for r in caplog.records if r.name == WAITRESS_QUEUE]
    assert len(lines) == 2
    assert lines[1].startswith("700 request(s) waited for one of the 8 HTTP threads")
    assert "the queue up to 701 deep" in lines[1]


def test_other_lines_pass_unchanged(queue_logger: logging.Logger, caplog: pytest.LogCaptureFixture) -> None:
    queue_logger.addFilter(QueueWarnings(8, now=FakeClock()))
    caplog.set_level(logging.INFO, logger=WAITRESS_QUEUE)
    queue_logger.warning("something else: %s", "as it was")
    queue_logger.warning("Task queue depth is %d and %d", 1, 2)
    assert [r.getMessage() for r in caplog.records] == [
        "something else: as it was",
        "Task queue depth is 1 and 2",
    ]


def test_installing_twice_keeps_one_filter(queue_logger: logging.Logger) -> None:
    first = summarise_queue_warnings(8)
    assert summarise_queue_warnings(8) is first
    assert sum(isinstance(f, QueueWarnings) for f in queue_logger.filters) == 1
