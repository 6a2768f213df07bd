"""The console's clock: another clock (the system's, or a fake one in tests) plus an offset that
`:wait` moves forward, so scheduled work can be run through days in seconds."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta

from bot.core.clock import Clock, SystemClock

_UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}
_PART = re.compile(r"(\d+)\s*([wdhm])")


class ConsoleClock:
    """now() = base.now() + offset. Only ever moves forward, like time in a demo should."""

    def __init__(self, base: Clock | None = None, offset: timedelta = timedelta(0)) -> None:
        self._base = base or SystemClock()
        self._offset = offset
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._base.now() + self._offset

    @property
    def offset(self) -> timedelta:
        with self._lock:
            return self._offset

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("the console clock only moves forward")
        with self._lock:
            self._offset += delta
        return self.now()


def parse_duration(text: str) -> timedelta:
    """'3d', '2h', '30m', '1w', '1d12h' → a timedelta; ValueError for anything else."""
    compact = text.strip().lower().replace(" ", "")
    if not compact or _PART.sub("", compact):
        raise ValueError(text)
    total = timedelta(0)
    for amount, unit in _PART.findall(compact):
        total += int(amount) * _UNITS[unit]
    if total <= timedelta(0):
        raise ValueError(text)
    return total
