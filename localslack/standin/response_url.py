"""response_url: the URLs Slack gives the app in payloads, and how Slack shows what is posted to
them (and a slash command's ack body): ephemeral by default, in_channel, replace or delete the
message the interaction came from. Each URL takes five posts within 30 minutes."""

from __future__ import annotations

from localslack.standin.chat import content
from localslack.standin.params import optional_str, truthy
from localslack.standin.state import JSON, Ephemeral, Message, ResponseUrl, SlackError, State

RESPONSE_URL_USES = 5
RESPONSE_URL_TTL = 30 * 60.0
PATH = "/response/"


def new_url_id(state: State) -> str:
    return f"{state.team_id}/{state.serial()}/{state.rng.getrandbits(96):024x}"


def register(state: State, url_id: str, channel_id: str, user: str, source_ts: str | None) -> None:
    state.response_urls[url_id] = ResponseUrl(channel_id, user, source_ts, issued_at=state.now())


def post(state: State, url_id: str, payload: JSON) -> tuple[int, JSON]:
    """A post to the response_url ``url_id``: Slack's HTTP status and answer."""
    record = state.response_urls.get(url_id)
    if record is None:
        return 404, {"ok": False, "error": "invalid_url"}
    if state.now() - record.issued_at > RESPONSE_URL_TTL:
        return 404, {"ok": False, "error": "expired_url"}
    if record.uses >= RESPONSE_URL_USES:
        return 404, {"ok": False, "error": "used_url"}
    record.uses += 1
    try:
        deliver(state, record.channel, record.user, payload, record.source_ts, "response_url")
    except SlackError as exc:
        return 400, exc.to_json()
    return 200, {"ok": True}


def deliver(
    state: State, channel_id: str, user: str, payload: JSON, source_ts: str | None, source: str
) -> Message | Ephemeral | None:
    """Show a response_url or command-ack payload the way Slack does. Raises SlackError."""
    original: Message | Ephemeral | None = None
    if source_ts:
        original = state.find_message(channel_id, source_ts) or next(
            (e for e in state.ephemerals if e.ts == source_ts), None
        )
    if truthy(payload.get("delete_original")):
        if isinstance(original, Message):
            state.messages[channel_id].remove(original)
        elif isinstance(original, Ephemeral):
            state.ephemerals.remove(original)
        return None
    text, blocks, _ = content(state, source, payload)
    if truthy(payload.get("replace_original")) and original is not None:
        original.text, original.blocks = text, blocks or []
        return original
    if payload.get("response_type") == "in_channel":
        message = Message(
            channel=channel_id,
            ts=state.next_ts(),
            user=state.bot_user_id,
            text=text,
            blocks=blocks or [],
            bot_id=state.bot_id,
        )
        return state.store_message(message, optional_str(payload, "thread_ts"))
    ephemeral = Ephemeral(channel_id, user, text, blocks or [], state.next_ts(), source=source)
    state.ephemerals.append(ephemeral)
    return ephemeral
