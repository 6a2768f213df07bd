"""A thread pool that can wait for everything it was given: tests and the console "settle" the app
after a request, so the work Bolt runs after ack() has finished before anyone looks."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class TrackingExecutor(ThreadPoolExecutor):
    def __init__(self, max_workers: int = 5) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="erfaring-listener")
        self._pending: set[Future[Any]] = set()
        self._lock = threading.Lock()
        self.errors: list[BaseException] = []

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: Future[Any]) -> None:
        with self._lock:
            self._pending.discard(future)
        if not future.cancelled() and future.exception() is not None:
            self.errors.append(future.exception())  # type: ignore[arg-type]

    def idle(self) -> bool:
        with self._lock:
            return not self._pending

    def drain(self, timeout: float = 15.0) -> None:
        """Wait until no submitted work is left, including work submitted while waiting."""
        while True:
            with self._lock:
                pending = set(self._pending)
            if not pending:
                return
            _, not_done = wait(pending, timeout=timeout)
            if not_done:
                raise TimeoutError(f"{len(not_done)} listener task(s) still running after {timeout}s")
