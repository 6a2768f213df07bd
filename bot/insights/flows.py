"""Every side effect of insights, all through deps.slack: what only Slack knows (how many people are in
a channel or the workspace, which channels are public, who "@kari" is), `/erfaring stats` and
`/erfaring leaders`, and sending a leader's monthly report — its text, then its chart — through the
outbox, exactly once.

The figures and rules live in the services (figures, leaders, report), the words in the views.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web import WebClient
from sqlalchemy.orm import Session

from bot import home_refresh
from bot.core import outbox
from bot.core.blockkit import Rendered
from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.core.outbox import Effect, Permanent, Retry
from bot.core.slack import Conversation, SlackGateway, error_code
from bot.insights import figures, leaders, report, views
from bot.insights.chart import render_chart
from bot.insights.commands import LeadersCommand
from bot.insights.data import Contribution, Figures, Person, Report
from bot.insights.ids import REPORT_METADATA, LeadersAction
from bot.insights.ids import Effect as EffectKind
from bot.insights.periods import end_of_this_week
from bot.rhythm.timing import effective_timezone, zone
from storage.core import queries as core_queries
from storage.insights import queries
from storage.rhythm import queries as rhythm_queries

log = logging.getLogger(__name__)

# What Slack says about people and channels changes slowly: a few minutes of staleness is invisible.
CACHE_SECONDS = 300.0
MISS_SECONDS = 30.0
USERS_PAGE = 200
USERS_PAGES_MAX = 50  # 10,000 people
MEMBERS_PAGE = 1000
MEMBERS_PAGES_MAX = 20
SLACKBOT = "USLACKBOT"
# How far before a claim to look for a report an earlier attempt sent.
HISTORY_SLACK = timedelta(minutes=1)

T = TypeVar("T")


class _Remembered:
    """What this gateway's Slack said lately, per key, for CACHE_SECONDS (a failure for MISS_SECONDS)."""

    def __init__(self) -> None:
        self._values: dict[tuple[str, ...], tuple[float, object]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...], load: Callable[[], T | None], *, fresh: bool = False) -> T | None:
        now = time.monotonic()
        with self._lock:
            cached = self._values.get(key)
        if cached is not None and now < cached[0] and not fresh:
            return cached[1]  # type: ignore[return-value]
        value = load()
        with self._lock:
            if len(self._values) > 10_000:
                self._values.clear()
            self._values[key] = (now + (CACHE_SECONDS if value is not None else MISS_SECONDS), value)
        return value


_memory: weakref.WeakKeyDictionary[SlackGateway, _Remembered] = weakref.WeakKeyDictionary()
_memory_lock = threading.Lock()


def _remembered(deps: Deps) -> _Remembered:
    with _memory_lock:
        found = _memory.get(deps.slack)
        if found is None:
            found = _memory[deps.slack] = _Remembered()
        return found


# --- what only Slack knows ------------------------------------------------------------------------------


def _person(member: Mapping[str, Any]) -> Person:
    profile = member.get("profile") or {}
    return Person(
        id=str(member.get("id") or ""),
        handle=str(member.get("name") or ""),
        display_name=str(profile.get("display_name") or ""),
        real_name=str(profile.get("real_name") or member.get("real_name") or ""),
        deleted=bool(member.get("deleted")),
        is_bot=bool(member.get("is_bot") or member.get("is_app_user")) or member.get("id") == SLACKBOT,
    )


def people(deps: Deps, team_id: str, *, fresh: bool = False) -> list[Person] | None:
    """Everyone in the workspace (users.list, every page), remembered a few minutes (`fresh` asks
    again); None when Slack cannot say."""

    def load() -> list[Person] | None:
        found: list[Person] = []
        cursor: str | None = None
        try:
            for _ in range(USERS_PAGES_MAX):
                response = deps.slack.client(team_id).users_list(limit=USERS_PAGE, cursor=cursor)
                found += [_person(m) for m in response.get("members") or [] if m.get("id")]
                cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    break
        except SlackApiError as exc:
            log.warning("users.list failed: %s", error_code(exc))
            return None
        return found

    return _remembered(deps).get(("people", team_id), load, fresh=fresh)


def workspace_members(deps: Deps, team_id: str) -> int | None:
    """People in the workspace: active accounts that are not apps."""
    everyone = people(deps, team_id)
    return None if everyone is None else sum(1 for p in everyone if not p.deleted and not p.is_bot)


def channel_members(deps: Deps, team_id: str, channel_id: str) -> int | None:
    """How many are in the channel as Slack counts them (conversations.info's num_members, else
    conversations.members page by page), remembered a few minutes; None when Slack cannot say."""

    def load() -> int | None:
        client = deps.slack.client(team_id)
        try:
            channel = client.conversations_info(channel=channel_id, include_num_members=True).get("channel")
            count = (channel or {}).get("num_members")
            if isinstance(count, int):
                return count
            total, cursor = 0, None
            for _ in range(MEMBERS_PAGES_MAX):
                response = client.conversations_members(channel=channel_id, limit=MEMBERS_PAGE, cursor=cursor)
                total += len(response.get("members") or [])
                cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    break
            return total
        except SlackApiError as exc:
            log.info("no member count for a channel: %s", error_code(exc))
            return None

    return _remembered(deps).get(("members", team_id, channel_id), load)


def public_channels(deps: Deps, team_id: str, channel_ids: Sequence[str]) -> list[str]:
    """The channels among these that are public, as Slack says (the gateway remembers each a few
    minutes): their weekly questions are the whole workspace's to count."""
    return [c for c in channel_ids if deps.slack.conversation(team_id, c).kind is Conversation.PUBLIC]


def workspace_zone(deps: Deps, session: Session, team_id: str) -> ZoneInfo:
    """The workspace's time zone, else ERFARING_TIMEZONE."""
    own = zone(core_queries.workspace_timezone(session, team_id))
    return own or zone(deps.settings.timezone) or ZoneInfo("UTC")


def channel_zone(deps: Deps, session: Session, team_id: str, channel_id: str) -> ZoneInfo:
    """A subscribed channel's own zone, else the workspace's."""
    sub = rhythm_queries.subscription(session, team_id, channel_id)
    if sub is None:
        return workspace_zone(deps, session, team_id)
    return zone(effective_timezone(session, sub, deps.settings.timezone)) or ZoneInfo("UTC")


# --- figures --------------------------------------------------------------------------------------------


def channel_figures(
    deps: Deps, team_id: str, channel_id: str, *, weeks: int, now: datetime | None = None
) -> Figures:
    """A channel's last `weeks` weeks (this one so far included), in the channel's zone."""
    now = now or deps.clock.now()
    members = channel_members(deps, team_id, channel_id)
    with deps.db.read_session() as session:
        tz = channel_zone(deps, session, team_id, channel_id)
        return figures.build_weeks(
            session,
            team_id=team_id,
            channel_id=channel_id,
            end=end_of_this_week(now, tz),
            tz=tz,
            weeks=weeks,
            members=members,
            prompt_channels=[channel_id],
        )


def workspace_prompt_channels(deps: Deps, team_id: str) -> list[str]:
    with deps.db.read_session() as session:
        subscribed = queries.subscribed_channels(session, team_id)
    return public_channels(deps, team_id, subscribed)


def workspace_figures(deps: Deps, team_id: str, *, weeks: int = 12, now: datetime | None = None) -> Figures:
    """The workspace's last `weeks` weeks, counting what everyone may see (App Home for admins)."""
    now = now or deps.clock.now()
    members = workspace_members(deps, team_id)
    prompt_channels = workspace_prompt_channels(deps, team_id)
    with deps.db.read_session() as session:
        tz = workspace_zone(deps, session, team_id)
        return figures.build_weeks(
            session,
            team_id=team_id,
            channel_id=None,
            end=end_of_this_week(now, tz),
            tz=tz,
            weeks=weeks,
            members=members,
            prompt_channels=prompt_channels,
        )


def contribution_of(deps: Deps, team_id: str, user_id: str) -> Contribution:
    """The person's own contribution, for their App Home: only they see it (it counts their anonymous
    lessons)."""
    with deps.db.read_session() as session:
        return figures.contribution(
            session, team_id=team_id, user_id=user_id, secret_key=deps.settings.secret_key
        )


def channel_stats(deps: Deps, team_id: str, channel_id: str, user_id: str, weeks: int) -> Rendered:
    """`/erfaring stats [weeks]`: the channel's figures in the asker's language."""
    tr = deps.languages.for_person(team_id, user_id, channel_id)
    if deps.slack.conversation(team_id, channel_id).kind is Conversation.DM:
        text = views.stats_need_a_channel(tr)
        return Rendered(text, [])
    return views.stats_message(tr, channel_figures(deps, team_id, channel_id, weeks=weeks))


# --- /erfaring leaders ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Asked:
    team_id: str
    channel_id: str
    user_id: str


def list_leaders(deps: Deps, asked: Asked, tr: Translator) -> Rendered:
    with deps.db.read_session() as session:
        entries = leaders.leaders_of(session, asked.team_id, deps.settings.leaders)
    return views.leaders_list(tr, entries)


def change_leaders(deps: Deps, asked: Asked, command: LeadersCommand) -> str:
    """Add or remove leaders, if the person is an admin (asked fresh), and say what happened."""
    tr = deps.languages.for_person(asked.team_id, asked.user_id, asked.channel_id)
    if not deps.slack.is_admin(asked.team_id, asked.user_id, deps.settings.admins):
        log.info("a non-admin tried to change the leaders in %s", asked.team_id)
        return views.not_admin(tr)
    everyone = people(deps, asked.team_id)
    found = leaders.Directory(everyone or []).find(command.people)
    if everyone is None or found.unknown:  # someone who joined since Slack was last asked
        everyone = people(deps, asked.team_id, fresh=True)
        if everyone is None:
            return views.people_unknown(tr)
        found = leaders.Directory(everyone).find(command.people)
    with deps.db.session() as session:
        if command.action is LeadersAction.ADD:
            change = leaders.add_found(session, asked.team_id, found, asked.user_id, deps.clock.now())
        else:
            change = leaders.remove_found(session, asked.team_id, found, deps.settings.leaders)
        home_refresh.refresh(deps, asked.team_id, asked.user_id, *deps.settings.admins, session=session)
    log.info("leaders of %s changed: +%s -%s", asked.team_id, len(change.added), len(change.removed))
    return views.leaders_changed(tr, change)


# --- the monthly report ---------------------------------------------------------------------------------


def build_report(deps: Deps, team_id: str, month: str, *, ask_slack: bool = True) -> Report:
    """The workspace's report on `month`. `ask_slack` False (a preview without a token) leaves out what
    only Slack knows: members (participation) and which channels are public (answers per question)."""
    members = workspace_members(deps, team_id) if ask_slack else None
    prompt_channels = workspace_prompt_channels(deps, team_id) if ask_slack else []
    with deps.db.read_session() as session:
        tz = workspace_zone(deps, session, team_id)
        return report.build_report(
            session, team_id=team_id, month=month, tz=tz, members=members, prompt_channels=prompt_channels
        )


def author_names(deps: Deps, team_id: str, data: Report) -> views.Names:
    named = [lesson.author_id for lesson in (*data.most_useful, *data.most_applied) if lesson.author_id]
    return views.Names(deps.slack.names(team_id, named))


def claim_report(
    deps: Deps, team_id: str, month: str, leader_id: str, *, replica: str, now: datetime, retry_failed: bool
) -> int | None:
    """Claim this leader's report and store the effect that sends it, in one transaction: the claim id,
    or None when it is someone else's (or sent already)."""
    with deps.db.session() as session:
        claimed = report.claim(
            session, team_id, month, leader_id, replica=replica, now=now, retry_failed=retry_failed
        )
        if claimed is None:
            return None
        outbox.enqueue(
            session,
            deps,
            team_id=team_id,
            kind=EffectKind.REPORT,
            payload={"claim": claimed.id},
            channel=leader_id,  # paced with the leader's other DMs
        )
        return claimed.id


def report_file_name(month: str) -> str:
    return f"erfaring-report-{month}.png"


def _open_dm(client: WebClient, user_id: str) -> str:
    response = client.conversations_open(users=user_id)
    channel = (response.get("channel") or {}).get("id")
    if not channel:
        raise Retry("no_dm_channel")
    return str(channel)


def _uploaded(client: WebClient, channel: str, name: str, oldest: datetime) -> str | None:
    """The id of the chart an earlier attempt shared in the DM, if it did."""
    try:
        response = client.conversations_history(
            channel=channel, oldest=f"{oldest.timestamp():.6f}", limit=200
        )
    except SlackApiError as exc:
        log.info("cannot read the report DM's history (%s)", error_code(exc))
        return None
    for message in response.get("messages") or []:
        shared = list(message.get("files") or [])
        shared += [a["file"] for a in message.get("attachments") or [] if isinstance(a.get("file"), dict)]
        for file in shared:
            if file.get("name") == name and file.get("id"):
                return str(file["id"])
    return None


@dataclass(frozen=True)
class _Claimed:
    id: int
    team_id: str
    month: str
    leader_id: str
    status: str
    attempts: int
    claimed_at: datetime
    channel_id: str | None
    message_ts: str | None
    file_id: str | None


def _claim_of(deps: Deps, claim_id: int) -> _Claimed | None:
    with deps.db.read_session() as session:
        row = queries.report_claim(session, claim_id)
        if row is None:
            return None
        return _Claimed(
            row.id,
            row.team_id,
            row.month,
            row.leader_id,
            row.status,
            row.attempts,
            row.claimed_at,
            row.channel_id,
            row.message_ts,
            row.file_id,
        )


def _progress(deps: Deps, claim_id: int, **done: str) -> None:
    with deps.db.session() as session:
        queries.record_progress(session, claim_id, **done)


def report_failed(deps: Deps, effect: Effect, code: str) -> None:
    """The outbox gave up: the claim says why (the CLI prints it; a re-run may try again)."""
    claim_id = effect.payload.get("claim")
    if not isinstance(claim_id, int):
        return
    with deps.db.session() as session:
        queries.finish_claim(session, claim_id, report.FAILED, deps.clock.now(), detail=code)
    log.warning("a monthly report could not be sent to a leader of %s: %s", effect.team_id, code)


@outbox.handles(EffectKind.REPORT, on_failure=report_failed)
def deliver_report(deps: Deps, effect: Effect) -> Mapping[str, Any] | None:
    """One leader's report: the DM's text (with metadata naming the claim), then the chart. Each part
    is recorded on the claim as it arrives; a retry after a crash looks in the DM for a part that
    arrived unrecorded, so the leader gets each once."""
    claim_id = effect.payload.get("claim")
    claim = _claim_of(deps, int(claim_id)) if isinstance(claim_id, int) else None
    if claim is None:
        raise Permanent("report_claim_gone")
    if claim.status != report.CLAIMED:
        return {"status": claim.status}  # sent (or given up) by an earlier attempt
    team, leader = claim.team_id, claim.leader_id
    tr = deps.languages.for_person(team, leader)
    data = build_report(deps, team, claim.month)
    client = deps.slack.client(team)
    look_back = effect.retried or claim.attempts > 1
    oldest = claim.claimed_at - HISTORY_SLACK
    dm = claim.channel_id or _open_dm(client, leader)
    if claim.channel_id is None:
        _progress(deps, claim.id, channel_id=dm)
    key = report.claim_key(team, claim.month, leader)
    ts = claim.message_ts
    if ts is None and look_back:
        ts = deps.slack.posted_with(team, dm, REPORT_METADATA, key, oldest.timestamp())
    if ts is None:
        rendered = views.report_message(tr, data, author_names(deps, team, data))
        posted = client.chat_postMessage(
            channel=dm,
            text=rendered.text,
            blocks=rendered.blocks,
            metadata={"event_type": REPORT_METADATA, "event_payload": {"key": key}},
            unfurl_links=False,
        )
        ts = str(posted["ts"])
    if claim.message_ts is None:
        _progress(deps, claim.id, message_ts=ts)
    name = report_file_name(claim.month)
    file_id = claim.file_id or (_uploaded(client, dm, name, oldest) if look_back else None)
    if file_id is None:
        try:
            uploaded = client.files_upload_v2(
                channel=dm,
                content=render_chart(tr, data),
                filename=name,
                title=views.chart_caption(tr, data),
                initial_comment=views.chart_caption(tr, data),
            )
        except SlackRequestError as exc:  # the bytes did not reach Slack's upload URL
            raise Retry("upload_failed") from exc
        file_id = str((uploaded.get("file") or {}).get("id") or "")
    with deps.db.session() as session:
        queries.record_progress(session, claim.id, file_id=file_id or None)
        queries.finish_claim(session, claim.id, report.SENT, deps.clock.now())
    log.info("monthly report %s sent to a leader of %s", claim.month, team)
    return {"channel": dm, "ts": ts, "file": file_id}
