"""The Slack effects every feature shares, delivered through the outbox (bot/core/outbox.py).

A listener or a flow that has to tell someone something after the ack writes it here instead of
calling Slack: `effects.tell(deps, team, user, text, channel=...)` stores the note in the outbox (in
the caller's session when given, so it commits with the change it belongs to) and the delivery
workers send it. Kinds:
- core.tell: a note only the person sees (ephemeral in the channel, else — or when that fails — a DM);
- core.dm: a DM;
- core.post: a message in a conversation the app is in (a group DM, a channel), exactly once: it
  carries its effect's id as metadata, and a retry after a crash looks for it before posting again;
- core.respond: an answer through a command's or a click's response_url (ephemeral by default);
- core.update / core.delete: change or remove a message the app posted;
- core.react / core.unreact: a reaction on a message.
Features with effects of their own (posting a lesson and recording where, refreshing its counts)
register their kinds in their flows module.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from sqlalchemy.orm import Session

from bot.core import outbox
from bot.core.deps import Deps
from bot.core.outbox import Effect, Permanent, Retry
from bot.core.slack import error_code

log = logging.getLogger(__name__)

TELL, DM, POST, RESPOND, UPDATE, DELETE, REACT, UNREACT = (
    "core.tell",
    "core.dm",
    "core.post",
    "core.respond",
    "core.update",
    "core.delete",
    "core.react",
    "core.unreact",
)


@contextmanager
def _session(deps: Deps, session: Session | None) -> Iterator[Session]:
    if session is not None:
        yield session
        return
    with deps.db.session() as own:
        yield own


def _blocks(blocks: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    return list(blocks) if blocks else None


def tell(
    deps: Deps,
    team_id: str,
    user_id: str,
    text: str,
    *,
    channel: str | None = None,
    blocks: list[dict[str, Any]] | None = None,
    thread_ts: str | None = None,
    session: Session | None = None,
) -> None:
    """A note only `user_id` sees: ephemeral in `channel` when there is one, else a DM."""
    payload = {
        "user": user_id,
        "text": text,
        "channel": channel,
        "blocks": _blocks(blocks),
        "thread_ts": thread_ts,
    }
    with _session(deps, session) as s:
        outbox.enqueue(s, deps, team_id=team_id, kind=TELL, payload=payload, channel=f"dm:{user_id}")


def dm(
    deps: Deps,
    team_id: str,
    user_id: str,
    text: str,
    *,
    blocks: list[dict[str, Any]] | None = None,
    session: Session | None = None,
) -> None:
    with _session(deps, session) as s:
        outbox.enqueue(
            s,
            deps,
            team_id=team_id,
            kind=DM,
            payload={"user": user_id, "text": text, "blocks": _blocks(blocks)},
            channel=f"dm:{user_id}",
        )


def post(
    deps: Deps,
    team_id: str,
    channel: str,
    text: str,
    *,
    blocks: list[dict[str, Any]] | None = None,
    session: Session | None = None,
) -> None:
    """A message in `channel`, paced with the conversation's others, posted once."""
    payload = {
        "channel": channel,
        "text": text,
        "blocks": _blocks(blocks),
        "at": deps.clock.now().timestamp(),
    }
    with _session(deps, session) as s:
        outbox.enqueue(s, deps, team_id=team_id, kind=POST, payload=payload, channel=channel)


def respond(
    deps: Deps,
    team_id: str,
    response_url: str,
    text: str,
    *,
    blocks: list[dict[str, Any]] | None = None,
    replace_original: bool = False,
    fallback_user: str | None = None,
    session: Session | None = None,
) -> None:
    """An answer through a response_url (ephemeral); when that cannot be used (it expired), a DM to
    `fallback_user` instead."""
    payload = {
        "url": response_url,
        "text": text,
        "blocks": _blocks(blocks),
        "replace_original": replace_original,
        "user": fallback_user,
    }
    with _session(deps, session) as s:
        pace = f"dm:{fallback_user}" if fallback_user else None
        outbox.enqueue(s, deps, team_id=team_id, kind=RESPOND, payload=payload, channel=pace)


def update(
    deps: Deps,
    team_id: str,
    channel: str,
    ts: str,
    text: str,
    *,
    blocks: list[dict[str, Any]] | None = None,
    coalesce: str | None = None,
    session: Session | None = None,
) -> None:
    with _session(deps, session) as s:
        outbox.enqueue(
            s,
            deps,
            team_id=team_id,
            kind=UPDATE,
            payload={"channel": channel, "ts": ts, "text": text, "blocks": _blocks(blocks)},
            channel=channel,
            coalesce=coalesce,
        )


def delete(deps: Deps, team_id: str, channel: str, ts: str, *, session: Session | None = None) -> None:
    with _session(deps, session) as s:
        outbox.enqueue(
            s, deps, team_id=team_id, kind=DELETE, payload={"channel": channel, "ts": ts}, channel=channel
        )


def react(
    deps: Deps, team_id: str, channel: str, ts: str, name: str, *, session: Session | None = None
) -> None:
    with _session(deps, session) as s:
        outbox.enqueue(
            s,
            deps,
            team_id=team_id,
            kind=REACT,
            payload={"channel": channel, "ts": ts, "name": name},
            channel=channel,
        )


def unreact(
    deps: Deps, team_id: str, channel: str, ts: str, name: str, *, session: Session | None = None
) -> None:
    with _session(deps, session) as s:
        outbox.enqueue(
            s,
            deps,
            team_id=team_id,
            kind=UNREACT,
            payload={"channel": channel, "ts": ts, "name": name},
            channel=channel,
        )


# --- delivery ---------------------------------------------------------------------------------------


def _str(payload: Mapping[str, Any], key: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value:
        raise Permanent(f"bad_payload:{key}")
    return value


@outbox.handles(TELL)
def _deliver_tell(deps: Deps, effect: Effect) -> Mapping[str, Any] | None:
    p = effect.payload
    user, text, client = _str(p, "user"), _str(p, "text"), deps.slack.client(effect.team_id)
    channel = p.get("channel")
    if isinstance(channel, str) and channel:
        try:
            client.chat_postEphemeral(
                channel=channel, user=user, text=text, blocks=p.get("blocks"), thread_ts=p.get("thread_ts")
            )
            return {"where": "ephemeral"}
        except SlackApiError as exc:
            code = error_code(exc)
            if code not in outbox.PERMANENT_ERRORS and code != "user_not_in_channel":
                raise  # passing trouble: the outbox retries the whole note
            log.info("an ephemeral note could not go to %s (%s); sending it as a DM", channel, code)
    response = client.chat_postMessage(channel=user, text=text, blocks=p.get("blocks"), unfurl_links=False)
    return {"where": "dm", "channel": response.get("channel"), "ts": response.get("ts")}


@outbox.handles(DM)
def _deliver_dm(deps: Deps, effect: Effect) -> Mapping[str, Any] | None:
    p = effect.payload
    response = deps.slack.client(effect.team_id).chat_postMessage(
        channel=_str(p, "user"), text=_str(p, "text"), blocks=p.get("blocks"), unfurl_links=False
    )
    return {"channel": response.get("channel"), "ts": response.get("ts")}


POST_EVENT = "erfaring_effect"
LOOK_BACK_SECONDS = 3600.0


@outbox.handles(POST)
def _deliver_post(deps: Deps, effect: Effect) -> Mapping[str, Any] | None:
    p = effect.payload
    channel = _str(p, "channel")
    if effect.retried:  # the attempt before may have posted just before it died
        at = p.get("at")
        oldest = (
            float(at) if isinstance(at, (int, float)) else deps.clock.now().timestamp()
        ) - LOOK_BACK_SECONDS
        found = deps.slack.posted_with(effect.team_id, channel, POST_EVENT, effect.id, oldest)
        if found is not None:
            return {"channel": channel, "ts": found, "found": True}
    response = deps.slack.client(effect.team_id).chat_postMessage(
        channel=channel,
        text=_str(p, "text"),
        blocks=p.get("blocks"),
        unfurl_links=False,
        metadata={"event_type": POST_EVENT, "event_payload": {"key": effect.id}},
    )
    return {"channel": response.get("channel") or channel, "ts": response.get("ts")}


@outbox.handles(RESPOND)
def _deliver_respond(deps: Deps, effect: Effect) -> Mapping[str, Any] | None:
    p = effect.payload
    url = _str(p, "url")
    answer = WebhookClient(url, timeout=10).send(
        text=_str(p, "text"),
        blocks=p.get("blocks"),
        response_type="ephemeral",
        replace_original=bool(p.get("replace_original")),
    )
    if answer.status_code == 429 or answer.status_code >= 500:
        raise Retry(f"response_url_{answer.status_code}")
    if answer.status_code != 200:
        # An expired or used-up response_url: say it in a DM instead, when we know to whom.
        user = p.get("user")
        if isinstance(user, str) and user:
            deps.slack.client(effect.team_id).chat_postMessage(
                channel=user, text=_str(p, "text"), blocks=p.get("blocks")
            )
            return {"where": "dm"}
        raise Permanent(f"response_url_{answer.status_code}")
    return {"where": "response_url"}


@outbox.handles(UPDATE)
def _deliver_update(deps: Deps, effect: Effect) -> Mapping[str, Any] | None:
    p = effect.payload
    deps.slack.client(effect.team_id).chat_update(
        channel=_str(p, "channel"), ts=_str(p, "ts"), text=_str(p, "text"), blocks=p.get("blocks")
    )
    return None


@outbox.handles(DELETE)
def _deliver_delete(deps: Deps, effect: Effect) -> Mapping[str, Any] | None:
    p = effect.payload
    try:
        deps.slack.client(effect.team_id).chat_delete(channel=_str(p, "channel"), ts=_str(p, "ts"))
    except SlackApiError as exc:
        if error_code(exc) != "message_not_found":  # gone already (a retry after a crash): done
            raise
    return None


@outbox.handles(REACT)
def _deliver_react(deps: Deps, effect: Effect) -> Mapping[str, Any] | None:
    p = effect.payload
    try:
        deps.slack.client(effect.team_id).reactions_add(
            channel=_str(p, "channel"), timestamp=_str(p, "ts"), name=_str(p, "name")
        )
    except SlackApiError as exc:
        if error_code(exc) != "already_reacted":
            raise
    return None


@outbox.handles(UNREACT)
def _deliver_unreact(deps: Deps, effect: Effect) -> Mapping[str, Any] | None:
    p = effect.payload
    try:
        deps.slack.client(effect.team_id).reactions_remove(
            channel=_str(p, "channel"), timestamp=_str(p, "ts"), name=_str(p, "name")
        )
    except SlackApiError as exc:
        if error_code(exc) != "no_reaction":
            raise
    return None
