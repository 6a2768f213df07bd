"""The rules of a run of the weekly posts, without Slack: which subscriptions are active (as plain
data), which slot of a kind is due, why a slot is skipped, what a run reports, and which Slack
errors are worth another try. bot.rhythm.jobs runs them; bot.rhythm.flows posts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.core.slack import error_code
from bot.rhythm import timing
from bot.rhythm.claims import SlotKey
from bot.rhythm.ids import KINDS, Kind
from bot.rhythm.timing import Schedule, Slot
from storage.rhythm import queries
from storage.rhythm.models import Subscription

log = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(hours=6)
# Our own retries on top of slack_sdk's handlers: a few tries, doubling, honouring Retry-After.
ATTEMPTS = 4
BACKOFF_FIRST = 1.0
WAIT_MAX = 120.0  # seconds; ATTEMPTS waits of at most this stay well inside claims.STALE_AFTER
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


# --- what a run did ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    team_id: str
    channel_id: str
    kind: str
    week: str
    status: str  # posted | done | skipped | failed | retry
    detail: str = ""
    message_ts: str | None = None

    @classmethod
    def of(cls, key: SlotKey, status: str, detail: str = "", ts: str | None = None) -> Outcome:
        return cls(key.team_id, key.channel_id, key.kind, key.week, status, detail, ts)

    def line(self) -> str:
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.channel_id} ({self.team_id}) {self.kind} {self.week}: {self.status}{detail}"


HANDLED = ("posted", "done")
FAILED = ("failed", "retry")


@dataclass
class RunReport:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def handled(self) -> list[Outcome]:
        """Posted now, or already posted / in hand elsewhere."""
        return [o for o in self.outcomes if o.status in HANDLED]

    @property
    def posted(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "posted"]

    @property
    def skipped(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "skipped"]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in FAILED]

    @property
    def ok(self) -> bool:
        return not self.failed

    def extend(self, other: RunReport) -> None:
        self.outcomes.extend(other.outcomes)


# --- subscriptions as plain data -----------------------------------------------------------------


@dataclass(frozen=True)
class Channel:
    """A subscription with its effective zone and language, read once per run."""

    id: int
    team_id: str
    channel_id: str
    timezone: str
    language: str
    holiday_country: str | None
    paused_until: datetime | None
    created_by: str
    created_at: datetime
    schedules: dict[str, Schedule | None]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _schedule(sub: Subscription, kind: str) -> Schedule | None:
    try:
        return timing.schedule_of(sub, kind)
    except ValueError:
        return None


def active_channels(
    session: Session,
    *,
    default_timezone: str,
    language_of: Callable[[str, str], str],
    team: str | None = None,
    channel: str | None = None,
) -> list[Channel]:
    """The active subscriptions (of one workspace or channel), with `language_of(team, channel)`."""
    return [
        Channel(
            id=sub.id,
            team_id=sub.team_id,
            channel_id=sub.channel_id,
            timezone=timing.effective_timezone(session, sub, default_timezone),
            language=language_of(sub.team_id, sub.channel_id),
            holiday_country=sub.holiday_country,
            paused_until=sub.paused_until,
            created_by=sub.created_by,
            created_at=sub.created_at,
            schedules={kind: _schedule(sub, kind) for kind in KINDS},
        )
        for sub in queries.active_subscriptions(session, team_id=team, channel_id=channel)
    ]


def admins_for(configured: frozenset[str], sub: Channel) -> list[str]:
    """Who hears about a failing channel: ERFARING_ADMINS, else the person who subscribed it."""
    return sorted(configured) or [sub.created_by]


# --- which slot, and whether it is skipped -------------------------------------------------------------


class InvalidSchedule(ValueError):
    """The subscription's stored schedule for a kind cannot be read."""


def due_slot(sub: Channel, kind: Kind, now: datetime, *, force: bool) -> Slot | None:
    """The slot of `kind` a run at `now` is about: the latest one due (None when that came before
    the subscription: the first post is the first slot after subscribing). With `force`, this
    week's, due now. Raises InvalidSchedule."""
    if force:
        return Slot(kind, timing.week_key(now, sub.tz), now)
    schedule = sub.schedules[kind]
    if schedule is None:
        raise InvalidSchedule(kind)
    slot = timing.last_due(now, schedule, sub.tz, kind)
    return None if slot.due_at < sub.created_at else slot


def skip_reason(sub: Channel, slot: Slot, now: datetime, grace: timedelta) -> str | None:
    """Why the slot is not posted (paused, a public holiday, later than the grace allows), or None."""
    if sub.paused_until is not None and slot.due_at < sub.paused_until:
        return f"paused until {sub.paused_until.isoformat(timespec='minutes')}"
    holiday = timing.holiday_name(sub.holiday_country, slot.due_at.astimezone(sub.tz).date())
    if holiday:
        return f"public holiday ({sub.holiday_country}): {holiday}"
    if not timing.within_grace(slot.due_at, now, grace):
        hours = grace.total_seconds() / 3600
        return f"missed: due {slot.due_at.isoformat(timespec='minutes')}, more than {hours:g} h ago"
    return None


def slots_between(
    channels: Sequence[Channel], start: datetime, end: datetime, kinds: Iterable[str] = KINDS
) -> list[datetime]:
    """Every instant in (start, end] at which some subscription's post is due, oldest first."""
    instants: set[datetime] = set()
    for sub in channels:
        for kind in kinds:
            schedule = sub.schedules.get(kind)
            if schedule is not None:
                instants.update(
                    slot.due_at for slot in timing.due_between(start, end, schedule, sub.tz, kind)
                )
    return sorted(instants)


# --- retries -----------------------------------------------------------------------------------------


def transient(exc: BaseException) -> bool:
    """A passing failure: rate limits, Slack's 5xx, the network."""
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        return status == 429 or status >= 500 or error_code(exc) in TRANSIENT_ERRORS
    return isinstance(exc, OSError)  # connection refused or reset, timeouts (URLError is an OSError)


def retry_after(exc: BaseException) -> float:
    """Slack's Retry-After for a rate-limited call, in seconds (0 when it said none)."""
    if not isinstance(exc, SlackApiError):
        return 0.0
    headers = getattr(exc.response, "headers", None) or {}
    for name, value in headers.items():
        if str(name).lower() == "retry-after":
            raw = value[0] if isinstance(value, list) and value else value
            try:
                return float(raw)
            except (TypeError, ValueError):
                return 0.0
    return 0.0


T = TypeVar("T")


def with_retries(call: Callable[[], T], sleep: Callable[[float], None]) -> T:
    """`call`, tried up to ATTEMPTS times on passing errors, waiting longer each time and at least as
    long as Slack's Retry-After."""
    backoff = BACKOFF_FIRST
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return call()
        except Exception as exc:
            if attempt == ATTEMPTS or not transient(exc):
                raise
            wait = min(WAIT_MAX, max(backoff, retry_after(exc)))
            log.warning(
                "Slack call failed (%s), try %s of %s; waiting %.1f s",
                error_code(exc),
                attempt,
                ATTEMPTS,
                wait,
            )
            sleep(wait)
            backoff *= 2
    raise AssertionError("unreachable")
