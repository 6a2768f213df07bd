"""Posts the weekly prompts and digests that are due, each at most once.

`run_due(deps, now)` looks at every active subscription: the latest slot of each kind that is due at
`now` is skipped (paused, a public holiday, or later than the grace period allows), or claimed in
the database, built, posted and recorded. The APScheduler jobs, the start-up catch-up, the CLI and
the console all come through here, so the exactly-once rule lives in one place (bot.rhythm.claims).

A channel that fails is recorded and reported to the workspace's admins; it never stops the others.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy import select

from bot.core.blockkit import Rendered
from bot.core.deps import Deps
from bot.core.i18n import Translator, translator
from bot.core.mrkdwn import escape
from bot.core.slack import error_code
from bot.lessons.flows import tell_user
from bot.rhythm import claims, timing
from bot.rhythm.claims import Claim, SlotKey, Status
from bot.rhythm.digest import DigestData, SectionHook, build_digest
from bot.rhythm.digest_views import Decorations, digest_as_text, digest_message
from bot.rhythm.prompts import next_prompt
from bot.rhythm.timing import DIGEST, KINDS, PROMPT, Schedule, Slot
from bot.rhythm.views import prompt_message
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
ARCHIVED = "is_archived"
METADATA_EVENT = "erfaring_weekly_post"
HISTORY_SLACK = timedelta(minutes=1)


def default_replica_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


DEFAULT_REPLICA = default_replica_id()


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


# --- prompts --------------------------------------------------------------------------------------


def _render_prompt(deps: Deps, claim: Claim, tr: Translator, language: str) -> Rendered:
    # The claim row exists first, so the message's "Share a lesson" button can carry its id.
    with deps.db.session() as session:
        choice = next_prompt(session, claim.key.team_id, claim.key.channel_id, language)
        claims.set_prompt_key(session, claim, choice.key)
    return prompt_message(tr, choice.text, claim.post_id)


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


def active_channels(deps: Deps, *, team: str | None = None, channel: str | None = None) -> list[Channel]:
    query = select(Subscription).where(Subscription.active.is_(True))
    if team is not None:
        query = query.where(Subscription.team_id == team)
    if channel is not None:
        query = query.where(Subscription.channel_id == channel)
    found: list[Channel] = []
    with deps.db.session() as session:
        for sub in session.scalars(query.order_by(Subscription.team_id, Subscription.channel_id)):
            found.append(
                Channel(
                    id=sub.id,
                    team_id=sub.team_id,
                    channel_id=sub.channel_id,
                    timezone=timing.effective_timezone(session, sub, deps.settings.timezone),
                    language=deps.languages.channel(sub.team_id, sub.channel_id),
                    holiday_country=sub.holiday_country,
                    paused_until=sub.paused_until,
                    created_by=sub.created_by,
                    created_at=sub.created_at,
                    schedules={kind: _schedule(sub, kind) for kind in KINDS},
                )
            )
    return found


# --- a run -----------------------------------------------------------------------------------------


@dataclass
class _Run:
    deps: Deps
    now: datetime
    grace: timedelta
    replica: str
    force: bool
    sleep: Callable[[float], None]
    sections: Sequence[SectionHook] | None
    public: dict[str, bool] = field(default_factory=dict)
    names: dict[str, str | None] = field(default_factory=dict)


def run_due(
    deps: Deps,
    now: datetime,
    *,
    kinds: Iterable[str] = KINDS,
    channel: str | None = None,
    team: str | None = None,
    grace: timedelta = DEFAULT_GRACE,
    replica_id: str | None = None,
    force: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    sections: Sequence[SectionHook] | None = None,
) -> RunReport:
    """Post every due, unclaimed slot of the active subscriptions (or only `channel`'s).

    With `force` (the CLI), the slot is this week's, due now: no holiday, pause or grace check, and
    a slot that failed or was skipped may be posted after all; one that was posted never twice.
    """
    run = _Run(deps, now, grace, replica_id or DEFAULT_REPLICA, force, sleep, sections)
    report = RunReport()
    wanted = [kind for kind in kinds if kind in KINDS]
    channels = active_channels(deps, team=team, channel=channel)
    if force and channel is not None and not channels:
        for kind in wanted:
            report.outcomes.append(Outcome(team or "-", channel, kind, "-", "failed", "not subscribed"))
    for sub in channels:
        for kind in wanted:
            try:
                outcome = _run_slot(run, sub, kind)
            except Exception as exc:  # one channel's trouble never stops the others
                log.exception("weekly %s for %s in %s failed", kind, sub.channel_id, sub.team_id)
                outcome = Outcome(sub.team_id, sub.channel_id, kind, "-", "failed", type(exc).__name__)
            if outcome is not None:
                report.outcomes.append(outcome)
                if outcome.status != "done":
                    log.info("weekly rhythm: %s", outcome.line())
    return report


def _skip_reason(run: _Run, sub: Channel, slot: Slot) -> str | None:
    if sub.paused_until is not None and slot.due_at < sub.paused_until:
        return f"paused until {sub.paused_until.isoformat(timespec='minutes')}"
    holiday = timing.holiday_name(sub.holiday_country, slot.due_at.astimezone(sub.tz).date())
    if holiday:
        return f"public holiday ({sub.holiday_country}): {holiday}"
    if not timing.within_grace(slot.due_at, run.now, run.grace):
        hours = run.grace.total_seconds() / 3600
        return f"missed: due {slot.due_at.isoformat(timespec='minutes')}, more than {hours:g} h ago"
    return None


def _run_slot(run: _Run, sub: Channel, kind: str) -> Outcome | None:
    schedule = sub.schedules[kind]
    tz = sub.tz
    if run.force:
        slot = Slot(kind, timing.week_key(run.now, tz), run.now)
    else:
        if schedule is None:
            return Outcome(sub.team_id, sub.channel_id, kind, "-", "failed", "invalid schedule")
        slot = timing.last_due(run.now, schedule, tz, kind)
        if slot.due_at < sub.created_at:
            return None  # the first post is the first slot after subscribing
    key = SlotKey(sub.team_id, sub.channel_id, kind, slot.week)

    def outcome(status: str, detail: str = "", ts: str | None = None) -> Outcome:
        return Outcome(sub.team_id, sub.channel_id, kind, slot.week, status, detail, ts)

    with run.deps.db.session() as session:
        row = claims.find(session, key)
        seen = None if row is None else (row.status, row.detail or "", row.message_ts)
        open_to_us = row is not None and claims.can_take_over(row, run.now, force=run.force)
    if seen is not None and not open_to_us:
        status, detail, ts = seen
        return outcome("done", f"already {status}" + (f" ({detail})" if detail else ""), ts)
    reason = None if run.force else _skip_reason(run, sub, slot)
    if reason and seen is None:
        if claims.record_skip(run.deps.db, key, slot.due_at, run.replica, run.now, reason):
            return outcome("skipped", reason)
        return outcome("done", "taken by another process")
    claim = claims.claim(run.deps.db, key, slot.due_at, run.replica, run.now, force=run.force)
    if claim is None:
        return outcome("done", "taken by another process")
    if claim.taken_over:
        ts = _already_in_channel(run, claim)
        if ts is not None:  # the process before us posted, then died before it could say so
            claims.finish(run.deps.db, claim, Status.POSTED, run.now, message_ts=ts, detail="recovered")
            return outcome("posted", "recovered an earlier post", ts)
    if reason:  # a retry or an abandoned claim, now too late (or on a holiday, or paused)
        claims.finish(run.deps.db, claim, Status.SKIPPED, run.now, detail=reason)
        return outcome("skipped", reason)
    return _post_claimed(run, sub, claim, outcome)


def _post_claimed(run: _Run, sub: Channel, claim: Claim, outcome: Callable[..., Outcome]) -> Outcome:
    deps = run.deps
    tr = translator(sub.language)
    try:
        rendered = _render(run, sub, claim, tr)
    except Exception as exc:
        log.exception("building the weekly %s for %s failed", claim.key.kind, sub.channel_id)
        detail = f"build_failed: {type(exc).__name__}"
        claims.finish(deps.db, claim, Status.FAILED, run.now, detail=detail)
        return outcome("failed", detail)
    try:
        response = _with_retries(run, lambda: _post(run, claim, rendered))
    except Exception as exc:
        code = error_code(exc)
        if _transient(exc):
            # Passing trouble: a later pass (within the grace period) takes the slot over.
            claims.finish(deps.db, claim, Status.RETRY, run.now, detail=code)
            return outcome("retry", code)
        claims.finish(deps.db, claim, Status.FAILED, run.now, detail=code)
        _channel_failed(run, sub, claim.key.kind, code)
        return outcome("failed", code)
    ts = str(response.get("ts") or "")
    if not claims.finish(deps.db, claim, Status.POSTED, run.now, message_ts=ts):
        log.warning("the claim on %s was taken over while posting it", claim.key)
    _channel_ok(run, sub)
    return outcome("posted", "", ts)


def _render(run: _Run, sub: Channel, claim: Claim, tr: Translator) -> Rendered:
    if claim.key.kind == PROMPT:
        return _render_prompt(run.deps, claim, tr, sub.language)
    end = run.now if run.force else claim.due_at
    with run.deps.db.session() as session:
        data = build_digest(
            session,
            team_id=sub.team_id,
            channel_id=sub.channel_id,
            week=claim.key.week,
            end=end,
            tz=sub.tz,
            secret_key=run.deps.settings.secret_key,
            language=sub.language,
            show_channel=lambda channel_id: _is_public(run, sub.team_id, channel_id),
            sections=run.sections,
        )
    return digest_message(tr, data, decorate(run.deps, data, run.names))


def _post(run: _Run, claim: Claim, rendered: Rendered) -> SlackResponse:
    return run.deps.slack.client(claim.key.team_id).chat_postMessage(
        channel=claim.key.channel_id,
        text=rendered.text,
        blocks=rendered.blocks,
        unfurl_links=False,
        unfurl_media=False,
        # Lets a process that takes over an abandoned claim see that the post already went out.
        metadata={
            "event_type": METADATA_EVENT,
            "event_payload": {"post_id": claim.post_id, "kind": claim.key.kind, "week": claim.key.week},
        },
    )


def _already_in_channel(run: _Run, claim: Claim) -> str | None:
    """The ts of our message for this claim if it is in the channel (needs channels:history)."""
    oldest = claim.due_at - HISTORY_SLACK
    try:
        response = run.deps.slack.client(claim.key.team_id).conversations_history(
            channel=claim.key.channel_id,
            oldest=f"{oldest.timestamp():.6f}",
            limit=200,
            include_all_metadata=True,
        )
    except SlackApiError as exc:
        log.info("cannot check %s for an earlier post (%s); posting", claim.key.channel_id, error_code(exc))
        return None
    for message in response.get("messages") or []:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == METADATA_EVENT and payload.get("post_id") == claim.post_id:
            return str(message.get("ts"))
    return None


# --- retries -----------------------------------------------------------------------------------------


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        return status == 429 or status >= 500 or error_code(exc) in TRANSIENT_ERRORS
    return isinstance(exc, OSError)  # connection refused or reset, timeouts (URLError is an OSError)


def _retry_after(exc: BaseException) -> float:
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


def _with_retries(run: _Run, call: Callable[[], SlackResponse]) -> SlackResponse:
    """`call`, tried up to ATTEMPTS times on passing errors, waiting longer each time and at least as
    long as Slack's Retry-After."""
    backoff = BACKOFF_FIRST
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return call()
        except Exception as exc:
            if attempt == ATTEMPTS or not _transient(exc):
                raise
            wait = min(WAIT_MAX, max(backoff, _retry_after(exc)))
            log.warning(
                "Slack call failed (%s), try %s of %s; waiting %.1f s",
                error_code(exc),
                attempt,
                ATTEMPTS,
                wait,
            )
            run.sleep(wait)
            backoff *= 2
    raise AssertionError("unreachable")


# --- failures and admins -----------------------------------------------------------------------------


def admins_for(deps: Deps, sub: Channel) -> list[str]:
    """ERFARING_ADMINS, else the person who subscribed the channel."""
    return sorted(deps.settings.admins) or [sub.created_by]


def _failure_text(tr: Translator, kind: str, channel_id: str, code: str) -> str:
    if kind == PROMPT:
        text = tr._("I could not post the weekly question in {channel} ({error}).")
    else:
        text = tr._("I could not post the weekly digest in {channel} ({error}).")
    text = text.format(channel=f"<#{channel_id}>", error=escape(code))
    if code == ARCHIVED:
        hint = tr._(
            "The channel is archived, so I paused its subscription. "
            "Unarchive it and run /erfaring subscribe there to start again."
        )
    elif code == "not_in_channel":
        hint = tr._("I am not a member: invite me with /invite @Erfaring in that channel.")
    elif code == "channel_not_found":
        hint = tr._(
            "The channel is gone, or it is private and I am not in it: invite me with /invite @Erfaring, "
            "or run /erfaring unsubscribe there."
        )
    else:
        hint = tr._("I will try again next time. Run /erfaring status in the channel to check its settings.")
    return f":warning: {text} {hint}"


def _channel_failed(run: _Run, sub: Channel, kind: str, code: str) -> None:
    deps = run.deps
    with deps.db.session() as session:
        row = session.get(Subscription, sub.id)
        if row is None:
            return
        previous = row.last_error
        row.last_error = code[:120]
        if code == ARCHIVED:
            row.active = False  # paused until someone subscribes the channel again
            row.updated_at = run.now
    if previous == code:
        return  # admins heard about this one already; do not DM them every week
    text = _failure_text(deps.languages.for_workspace(sub.team_id), kind, sub.channel_id, code)
    for user_id in admins_for(deps, sub):
        tell_user(deps, user_id, text)


def _channel_ok(run: _Run, sub: Channel) -> None:
    with run.deps.db.session() as session:
        row = session.get(Subscription, sub.id)
        if row is not None and row.last_error is not None:
            row.last_error = None


# --- digest decorations: names, links, which channels are public ----------------------------------


def _is_public(run: _Run, team_id: str, channel_id: str) -> bool:
    """Only lessons from public channels cross into other channels' digests."""
    if channel_id not in run.public:
        try:
            info = run.deps.slack.client(team_id).conversations_info(channel=channel_id)
            found = info.get("channel") or {}
            run.public[channel_id] = not (
                found.get("is_private") or found.get("is_im") or found.get("is_mpim")
            )
        except SlackApiError as exc:
            log.info(
                "conversations.info for %s failed (%s): leaving its lessons out", channel_id, error_code(exc)
            )
            run.public[channel_id] = False
    return run.public[channel_id]


def decorate(deps: Deps, data: DigestData, names: dict[str, str | None] | None = None) -> Decorations:
    """Display names of named authors and links to the lessons' messages, best effort."""
    names = {} if names is None else names
    shown = [*data.lessons, *data.others]
    for author in {lesson.author_id for lesson in shown if lesson.author_id}:
        if author not in names:
            names[author] = _display_name(deps, data.team_id, author)
    links: dict[int, str] = {}
    for lesson in shown:
        if lesson.channel_id and lesson.message_ts:
            try:
                response = deps.slack.client(data.team_id).chat_getPermalink(
                    channel=lesson.channel_id, message_ts=lesson.message_ts
                )
                links[lesson.id] = str(response["permalink"])
            except (SlackApiError, KeyError) as exc:
                log.info("no permalink for lesson %s: %s", lesson.id, type(exc).__name__)
        if lesson.id not in links and lesson.source_link and lesson.source_link.startswith("https://"):
            links[lesson.id] = lesson.source_link  # a prompt answer: the thread reply it came from
    return Decorations(names={k: v for k, v in names.items() if v}, links=links)


def _display_name(deps: Deps, team_id: str, user_id: str) -> str | None:
    info = deps.slack.user_info(team_id, user_id)
    return info.name if info else None


# --- previews ----------------------------------------------------------------------------------------


def preview_digest(
    deps: Deps, now: datetime, sub: Channel, *, sections: Sequence[SectionHook] | None = None
) -> DigestData:
    """This week's digest as it would be posted now, read from the database only (no Slack calls)."""
    with deps.db.session() as session:
        return build_digest(
            session,
            team_id=sub.team_id,
            channel_id=sub.channel_id,
            week=timing.week_key(now, sub.tz),
            end=now,
            tz=sub.tz,
            secret_key=deps.settings.secret_key,
            language=sub.language,
            sections=sections,
        )


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


def preview_texts(deps: Deps, now: datetime, *, channel: str | None = None) -> tuple[list[str], list[str]]:
    """(digests as text, problems) for `python app.py digest --preview`: database only, nothing posted."""
    channels = active_channels(deps, channel=channel)
    if channel is not None and not channels:
        return [], [f"{channel}: not subscribed"]
    texts = [digest_as_text(translator(sub.language), preview_digest(deps, now, sub)) for sub in channels]
    return texts, []


__all__ = [
    "DEFAULT_GRACE",
    "DIGEST",
    "PROMPT",
    "Channel",
    "Outcome",
    "RunReport",
    "active_channels",
    "decorate",
    "preview_digest",
    "preview_texts",
    "run_due",
    "slots_between",
]
