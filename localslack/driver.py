"""Sends signed requests into the app the way Slack does, and applies the app's answers to the stand-in.

The driver builds the payloads Slack sends (slash commands, button clicks, view submissions,
shortcuts, Events API envelopes), signs them with the signing secret, hands them to ``post`` and
then does what Slack would do with the HTTP response: show a command's ack text, keep a modal open
with field errors, update / push / clear / close modals. It never calls the app's code directly.

Text goes on the wire as Slack sends it. ``command`` escapes a command's text; ``user_types`` (and
``typed``) turn what a person types in the message box into Slack's wire text (entities, <@U…>,
<#C…|name>, <!here>, links), while ``user_says`` posts wire text exactly as given.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import io
import itertools
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode
from wsgiref.types import WSGIApplication
from wsgiref.util import setup_testing_defaults

from bot.core.mrkdwn import to_slack
from localslack import typed
from localslack.standin import (
    JSON,
    Channel,
    Ephemeral,
    Message,
    OpenView,
    SlackError,
    SlackStandIn,
    interactive_elements,
    rich_text,
    rich_text_id,
)

Post = Callable[[bytes, dict[str, str]], tuple[int, str]]

FORM = "application/x-www-form-urlencoded"
ACK_TIMEOUT = 3.0  # Slack gives up on an ack after 3 s
VERIFICATION_TOKEN = "verification-token"  # deprecated field Slack still sends; apps must not rely on it


@dataclass
class Response:
    """The app's HTTP answer, plus what Slack made of it."""

    status: int
    body: str
    json: Any = None
    errors: dict[str, str] | None = None  # field errors of a view submission (the modal stays open)
    elapsed: float = 0.0
    slack_error: str | None = None  # what Slack would complain about: operation_timeout, http_error, ...

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300 and self.slack_error is None


class SlackDriver:
    def __init__(
        self,
        signing_secret: str,
        standin: SlackStandIn,
        post: Post,
        clock: Callable[[], float] = time.time,
        *,
        ack_timeout: float = ACK_TIMEOUT,
    ) -> None:
        self.standin = standin
        self._post = post
        self._clock = clock
        self._key = signing_secret.encode()
        self._ack_timeout = ack_timeout
        self._ids = itertools.count(1)

    # -- slash commands and shortcuts ---------------------------------------------------------------

    def command(
        self, user_id: str, channel_id: str, command: str, text: str = "", *, wire: bool = False
    ) -> Response:
        """Run a slash command as `user_id` typed it. Like Slack, the text goes on the wire with `&`,
        `<`, `>` as entities; `wire=True` sends `text` exactly as given (a hostile or odd client)."""
        channel = self.standin.channel(channel_id)
        fields = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.standin.team_id,
            "team_domain": self.standin.team_domain,
            "channel_id": channel.id,
            "channel_name": self._channel_name(channel_id),
            "user_id": user_id,
            "user_name": self.standin.user(user_id).name,
            "command": command,
            "text": text if wire else to_slack(text),
            "api_app_id": self.standin.app_id,
            "is_enterprise_install": "false",
            "response_url": self.standin.new_response_url(channel.id, user_id),
            "trigger_id": self.standin.new_trigger_id(user_id),
        }
        response = self._send(urlencode(fields).encode("utf-8"), FORM)
        self._apply_command_ack(response, channel.id, user_id)
        return response

    def message_shortcut(self, user_id: str, channel_id: str, message: Message, callback_id: str) -> Response:
        channel = self.standin.channel(channel_id)
        current = self._current_message(message)
        return self._send_payload(
            {
                "type": "message_action",
                "token": VERIFICATION_TOKEN,
                "action_ts": self._action_ts(),
                "team": self._team(),
                "user": self._user(user_id),
                "channel": {"id": channel.id, "name": self._channel_name(channel.id)},
                "is_enterprise_install": False,
                "enterprise": None,
                "callback_id": callback_id,
                "trigger_id": self.standin.new_trigger_id(user_id),
                "response_url": self.standin.new_response_url(channel.id, user_id),
                "message_ts": current.ts,
                "message": self.standin.message_dict(current),
            }
        )

    def global_shortcut(self, user_id: str, callback_id: str) -> Response:
        return self._send_payload(
            {
                "type": "shortcut",
                "token": VERIFICATION_TOKEN,
                "action_ts": self._action_ts(),
                "team": self._team(),
                "user": self._user(user_id),
                "is_enterprise_install": False,
                "enterprise": None,
                "callback_id": callback_id,
                "trigger_id": self.standin.new_trigger_id(user_id),
            }
        )

    # -- block actions -------------------------------------------------------------------------------

    def click(
        self,
        user_id: str,
        *,
        action_id: str,
        value: Any = None,
        message: Message | Ephemeral | None = None,
        view_id: str | None = None,
        block_id: str | None = None,
        values: dict[str, object] | None = None,
    ) -> Response:
        """Click a button (or pick ``value`` in a select) in a message, an ephemeral message or a view.

        ``values`` fills the view's inputs the user typed into before clicking.
        """
        if (message is None) == (view_id is None):
            raise ValueError("click() needs exactly one of message= or view_id=")
        payload: JSON = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": self.standin.app_id,
            "token": VERIFICATION_TOKEN,
            "trigger_id": self.standin.new_trigger_id(user_id),
            "team": self._team(),
            "enterprise": None,
            "is_enterprise_install": False,
            "state": {"values": {}},
        }
        if view_id is not None:
            open_view = self._open_view(user_id, view_id, any_type=True)
            blocks = open_view.blocks
            payload["container"] = {"type": "view", "view_id": view_id}
            payload["view"] = self._view_with_state(open_view, values or {}, enforce_required=False)
            where = f"view {view_id}"
        elif isinstance(message, Ephemeral):
            current_ephemeral = self.standin.ephemeral(message.ts)
            if current_ephemeral is None or current_ephemeral.user != user_id:
                raise ValueError(f"{user_id} cannot see ephemeral message {message.ts}")
            blocks = current_ephemeral.blocks
            payload["container"] = {
                "type": "message",
                "message_ts": current_ephemeral.ts,
                "channel_id": current_ephemeral.channel,
                "is_ephemeral": True,
            }
            payload["channel"] = {"id": message.channel, "name": self._channel_name(message.channel)}
            payload["response_url"] = self.standin.new_response_url(
                current_ephemeral.channel, user_id, source_ts=current_ephemeral.ts
            )
            where = f"ephemeral message {message.ts}"
        else:
            assert message is not None
            current = self._current_message(message)
            blocks = current.blocks
            payload["container"] = {
                "type": "message",
                "message_ts": current.ts,
                "channel_id": current.channel,
                "is_ephemeral": False,
            }
            payload["channel"] = {"id": current.channel, "name": self._channel_name(current.channel)}
            payload["message"] = self.standin.message_dict(current)
            payload["response_url"] = self.standin.new_response_url(
                current.channel, user_id, source_ts=current.ts
            )
            where = f"message {current.ts}"
        found_block_id, element = _find_element(blocks, action_id, block_id, where)
        action: JSON = {"action_id": action_id, "block_id": found_block_id, "action_ts": self._action_ts()}
        if element.get("type") == "button":
            action.update(type="button", text=element.get("text"))
            chosen = element.get("value") if value is None else value
            if chosen is not None:
                action["value"] = chosen
        else:
            action.update(_element_state(element, value))
        payload["actions"] = [action]
        return self._send_payload(payload)

    # -- modals ----------------------------------------------------------------------------------------

    def submit_view(self, user_id: str, view_id: str, values: dict[str, object] | None = None) -> Response:
        """Fill the modal's inputs (keyed by block_id or action_id) and press Submit.

        Like the Slack client, this refuses to submit when a required input is empty.
        """
        open_view = self._open_view(user_id, view_id)
        stack = self.standin.views_for(user_id)
        if stack[-1].id != view_id:
            raise ValueError(f"view {view_id} is not the top of {user_id}'s modal stack")
        shown = self._view_with_state(open_view, values or {}, enforce_required=True)
        payload: JSON = {
            "type": "view_submission",
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": self.standin.app_id,
            "token": VERIFICATION_TOKEN,
            "trigger_id": self.standin.new_trigger_id(user_id),
            "view": shown,
            "response_urls": self._response_urls(user_id, open_view, shown["state"]["values"]),
            "is_enterprise_install": False,
            "enterprise": None,
        }
        response = self._send_payload(payload)
        self._apply_view_submission(response, user_id, open_view)
        return response

    def close_view(self, user_id: str, view_id: str, notify: bool | None = None) -> Response | None:
        """Press Close. Sends view_closed when ``notify`` (None: when the view set notify_on_close)."""
        open_view = self._open_view(user_id, view_id)
        cleared = bool(open_view.view.get("clear_on_close"))
        if cleared:
            self.standin.clear_views(user_id)
        else:
            self.standin.close_view(user_id, view_id)
        if not (open_view.view.get("notify_on_close") if notify is None else notify):
            return None
        return self._send_payload(
            {
                "type": "view_closed",
                "team": self._team(),
                "user": self._user(user_id),
                "api_app_id": self.standin.app_id,
                "token": VERIFICATION_TOKEN,
                "view": self._view_with_state(open_view, {}, enforce_required=False),
                "is_cleared": cleared,
                "is_enterprise_install": False,
                "enterprise": None,
            }
        )

    # -- Events API ----------------------------------------------------------------------------------

    def event(
        self,
        event: JSON,
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
        event_time: float | None = None,
    ) -> Response:
        """Deliver ``event`` as Slack does, in an event_callback envelope; ``event_time`` (epoch seconds,
        default now) dates it, e.g. a late retry of something that happened earlier."""
        envelope = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.standin.team_id,
            "api_app_id": self.standin.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(self._clock() if event_time is None else event_time),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.standin.team_id,
                    "user_id": self.standin.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers = {
                "X-Slack-Retry-Num": str(retry_num),
                "X-Slack-Retry-Reason": retry_reason or "http_timeout",
            }
        response = self._send(json.dumps(envelope).encode("utf-8"), "application/json", headers)
        return response

    def url_verification(self, challenge: str = "challenge-token") -> Response:
        body = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
        return self._send(json.dumps(body).encode("utf-8"), "application/json")

    def message_event(
        self, user_id: str, channel_id: str, text: str, ts: str, thread_ts: str | None = None
    ) -> JSON:
        channel = self.standin.channel(channel_id)
        event: JSON = {
            "type": "message",
            "client_msg_id": str(uuid.uuid4()),
            "text": text,
            "user": user_id,
            "ts": ts,
            "team": self.standin.team_id,
            "blocks": [rich_text(text, block_id=rich_text_id(ts))],  # as history shows the message
            "channel": channel.id,
            "event_ts": ts,
            "channel_type": _channel_type(channel.is_im, channel.is_mpim, channel.is_private),
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
            parent = self.standin.message(channel.id, thread_ts)
            if parent is not None:
                event["parent_user_id"] = parent.user
        return event

    def app_mention_event(
        self, user_id: str, channel_id: str, text: str, ts: str, thread_ts: str | None = None
    ) -> JSON:
        event = self.message_event(user_id, channel_id, text, ts, thread_ts)
        event["type"] = "app_mention"
        event.pop("channel_type")
        event.pop("parent_user_id", None)
        return event

    def reaction_event(
        self, added: bool, user_id: str, name: str, channel_id: str, ts: str, item_user: str | None = None
    ) -> JSON:
        channel = self.standin.channel(channel_id)
        if item_user is None:
            target = self.standin.message(channel.id, ts)
            item_user = target.user if target is not None else None
        event: JSON = {
            "type": "reaction_added" if added else "reaction_removed",
            "user": user_id,
            "reaction": name.strip(":"),
            "item": {"type": "message", "channel": channel.id, "ts": ts},
            "event_ts": self._action_ts(),
        }
        if item_user:
            event["item_user"] = item_user
        return event

    def app_home_opened(self, user_id: str) -> JSON:
        event: JSON = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": self.standin.im_channel(user_id),
            "tab": "home",
            "event_ts": self._action_ts(),
        }
        home = self.standin.home_view(user_id)
        if home is not None:
            event["view"] = copy.deepcopy(home.view)
        return event

    def user_change_event(self, user_id: str) -> JSON:
        """A person's profile changed (or they were deactivated: ``user.deleted``)."""
        return {
            "type": "user_change",
            "user": self.standin.user_dict(user_id),
            "cache_ts": int(self._clock()),
            "event_ts": self._action_ts(),
        }

    def app_uninstalled_event(self) -> JSON:
        return {"type": "app_uninstalled"}

    def tokens_revoked_event(self, *, bot: bool = True, users: Iterable[str] = ()) -> JSON:
        """Tokens were revoked: the bot's (an uninstall) and/or people's OAuth tokens."""
        return {
            "type": "tokens_revoked",
            "tokens": {"oauth": list(users), "bot": [self.standin.bot_user_id] if bot else []},
        }

    # -- a person using Slack: change the stand-in, then tell the app ---------------------------------

    def typed(self, text: str, *, aliases: Mapping[str, str] | None = None) -> str:
        """``text`` as the Slack client sends it when a person types it in the message box: ``&``,
        ``<``, ``>`` as entities, ``@name`` as ``<@U…>`` (a person's handle or id; ``aliases`` adds
        names, e.g. the app's display name → the bot user), ``#channel`` as ``<#C…|channel>``,
        ``@here`` / ``@channel`` / ``@everyone`` as ``<!here>`` …, and addresses as ``<https://…>``.
        A name that matches nobody stays as typed."""
        people = {k.casefold(): v for k, v in (aliases or {}).items()}
        for user in self.standin.users():
            people.setdefault(user.name.casefold(), user.id)
            people.setdefault(user.id.casefold(), user.id)
        rooms: dict[str, Channel] = {}
        for channel in self.standin.channels():
            if not channel.is_im and not channel.is_mpim:
                rooms.setdefault(channel.name.casefold(), channel)
                rooms.setdefault(channel.id.casefold(), channel)

        def room(name: str) -> tuple[str, str] | None:
            found = rooms.get(name.casefold())
            return None if found is None else (found.id, found.name)

        return typed.encode(text, person=lambda name: people.get(name.casefold()), room=room)

    def user_types(
        self,
        user_id: str,
        channel_id: str,
        text: str,
        thread_ts: str | None = None,
        *,
        send: Iterable[str] = ("message", "app_mention"),
        aliases: Mapping[str, str] | None = None,
    ) -> tuple[Message, list[Response]]:
        """A person types ``text`` in the message box and presses Enter: the stand-in stores the wire
        text (see ``typed``) and the app gets the events, as from ``user_says``."""
        return self.user_says(user_id, channel_id, self.typed(text, aliases=aliases), thread_ts, send=send)

    def user_says(
        self,
        user_id: str,
        channel_id: str,
        text: str,
        thread_ts: str | None = None,
        *,
        send: Iterable[str] = ("message", "app_mention"),
    ) -> tuple[Message, list[Response]]:
        """Post ``text`` as a person, exactly as given (wire text: write ``&lt;`` and ``<@U…>``
        yourself, or use ``user_types``), and deliver the events Slack would send: "message", and
        "app_mention" when the text mentions the app. ``send`` limits them to the app's subscriptions."""
        message = self.standin.user_post_message(user_id, channel_id, text, thread_ts)
        kinds = set(send)
        responses = []
        if "message" in kinds:
            event = self.message_event(user_id, message.channel, message.text, message.ts, message.thread_ts)
            responses.append(self.event(event))
        if "app_mention" in kinds and f"<@{self.standin.bot_user_id}>" in message.text:
            event = self.app_mention_event(
                user_id, message.channel, message.text, message.ts, message.thread_ts
            )
            responses.append(self.event(event))
        return message, responses

    def user_reacts(
        self, user_id: str, channel_id: str, ts: str, name: str, *, added: bool = True
    ) -> Response:
        if added:
            message = self.standin.user_add_reaction(user_id, channel_id, ts, name)
        else:
            message = self.standin.user_remove_reaction(user_id, channel_id, ts, name)
        return self.event(self.reaction_event(added, user_id, name, message.channel, ts, message.user))

    def open_home(self, user_id: str) -> Response:
        return self.event(self.app_home_opened(user_id))

    def deactivate(self, user_id: str) -> Response:
        """An admin deactivates the person: Slack marks them deleted and sends ``user_change``."""
        self.standin.deactivate(user_id)
        return self.event(self.user_change_event(user_id))

    def uninstall(self) -> list[Response]:
        """An admin uninstalls the app: its token stops working, and Slack sends ``tokens_revoked``
        and ``app_uninstalled``, in that order."""
        self.standin.uninstall()
        return [self.event(self.tokens_revoked_event()), self.event(self.app_uninstalled_event())]

    def reinstall(self) -> None:
        """An admin installs the app again: its token works again (Slack sends no event for that; the
        app learns it from the next request)."""
        self.standin.install()

    # ================================================================================================
    # sending

    def _send(self, body: bytes, content_type: str, extra_headers: dict[str, str] | None = None) -> Response:
        timestamp = str(int(self._clock()))
        # Signed over the raw bytes as Slack does (slack_sdk's helper would decode them as UTF-8 first).
        digest = hmac.new(self._key, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
        signature = "v0=" + digest
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
            **(extra_headers or {}),
        }
        started = time.monotonic()
        status, text = self._post(body, headers)
        elapsed = time.monotonic() - started
        parsed: Any = None
        if text.strip():
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
        response = Response(status=status, body=text, json=parsed, elapsed=elapsed)
        if elapsed > self._ack_timeout:
            response.slack_error = "operation_timeout"
        elif not 200 <= status < 300:
            response.slack_error = "http_error"
        return response

    def _send_payload(self, payload: JSON) -> Response:
        body = "payload=" + quote(json.dumps(payload))
        return self._send(body.encode("utf-8"), FORM)

    # -- applying the app's answers ------------------------------------------------------------------

    def _apply_command_ack(self, response: Response, channel_id: str, user_id: str) -> None:
        # Slack shows a command's ack body: JSON as a message payload, anything else as plain text.
        if response.slack_error or not response.body.strip():
            return
        payload = response.json if isinstance(response.json, dict) else {"text": response.body}
        try:
            self.standin.deliver_response(channel_id, user_id, payload, source="command")
        except SlackError as exc:
            response.slack_error = exc.error

    def _apply_view_submission(self, response: Response, user_id: str, open_view: OpenView) -> None:
        if response.slack_error:
            return  # Slack shows an error inside the modal and keeps it open
        data = response.json
        if not response.body.strip() or (isinstance(data, dict) and "response_action" not in data):
            self.standin.close_view(user_id, open_view.id)
            return
        if not isinstance(data, dict):
            response.slack_error = "invalid_response"
            return
        action = data.get("response_action")
        try:
            if action == "errors":
                errors = data.get("errors")
                if not isinstance(errors, dict) or not errors:
                    raise SlackError("invalid_response_action_errors")
                inputs = {b.get("block_id") for b in open_view.blocks if b.get("type") == "input"}
                unknown = sorted(str(k) for k in errors if k not in inputs)
                if unknown:
                    # Slack rejects the whole answer when an error names no input block of the view.
                    message = f"errors name no input block: {unknown}"
                    self.standin.record_invalid("view_submission", "invalid_response_action", [message], data)
                    raise SlackError("invalid_response_action")
                response.errors = {str(k): str(v) for k, v in errors.items()}
            elif action == "update":
                self.standin.update_view(open_view.id, data.get("view") or {})
            elif action == "push":
                self.standin.push_view(user_id, data.get("view") or {})
            elif action == "clear":
                self.standin.clear_views(user_id)
            else:
                raise SlackError("invalid_response_action")
        except SlackError as exc:
            response.slack_error = exc.error

    # -- payload parts --------------------------------------------------------------------------------

    def _team(self) -> JSON:
        return {"id": self.standin.team_id, "domain": self.standin.team_domain}

    def _user(self, user_id: str) -> JSON:
        user = self.standin.user(user_id)
        return {"id": user.id, "username": user.name, "name": user.name, "team_id": self.standin.team_id}

    def _channel_name(self, channel_id: str) -> str:
        channel = self.standin.channel(channel_id)
        if channel.is_im:
            return "directmessage"
        if channel.is_private and not channel.is_mpim:
            return "privategroup"  # what Slack sends for private channels in payloads
        return channel.name

    def _action_ts(self) -> str:
        return f"{self._clock():.6f}"

    def _current_message(self, message: Message) -> Message:
        current = self.standin.message(message.channel, message.ts)
        if current is None:
            raise ValueError(f"message {message.ts} in {message.channel} no longer exists")
        return current

    def _open_view(self, user_id: str, view_id: str, *, any_type: bool = False) -> OpenView:
        open_view = self.standin.view(view_id)
        if open_view is None or open_view.user != user_id:
            raise ValueError(f"view {view_id} is not open for {user_id}")
        if not any_type and open_view.type != "modal":
            raise ValueError(f"view {view_id} is a {open_view.type} view, not a modal")
        return open_view

    def _view_with_state(
        self, open_view: OpenView, values: dict[str, object], *, enforce_required: bool
    ) -> JSON:
        shown = copy.deepcopy(open_view.view)
        shown["state"] = {
            "values": build_state_values(open_view.blocks, values, enforce_required=enforce_required)
        }
        return shown

    def _response_urls(self, user_id: str, open_view: OpenView, state: JSON) -> list[JSON]:
        # Inputs with response_url_enabled give the app a response_url for the picked conversation.
        urls = []
        for block, element in interactive_elements(open_view.blocks):
            if block.get("type") != "input" or not element.get("response_url_enabled"):
                continue
            picked = state.get(block["block_id"], {}).get(element["action_id"], {})
            channel_id = picked.get("selected_conversation") or picked.get("selected_channel")
            if channel_id:
                urls.append(
                    {
                        "block_id": block["block_id"],
                        "action_id": element["action_id"],
                        "channel_id": channel_id,
                        "response_url": self.standin.new_response_url(channel_id, user_id),
                    }
                )
        return urls


# ----------------------------------------------------------------------------------------------
# view state


def build_state_values(
    blocks: list[JSON], values: dict[str, object], *, enforce_required: bool = True
) -> dict[str, dict[str, JSON]]:
    """``view.state.values`` for the input blocks, filled from ``values`` keyed by block_id or action_id.

    Untouched inputs keep their initial value, or None. With ``enforce_required`` an empty required
    input raises ValueError, as the Slack client would not submit the form.
    """
    inputs = [b for b in blocks if b.get("type") == "input" and isinstance(b.get("element"), dict)]
    known = {str(b["block_id"]) for b in inputs} | {str(b["element"].get("action_id")) for b in inputs}
    unknown = sorted(set(values) - known)
    if unknown:
        present = [f"{b['block_id']}/{b['element'].get('action_id')}" for b in inputs]
        raise ValueError(f"no input block or action_id {unknown} in the view; inputs: {present}")
    state: dict[str, dict[str, JSON]] = {}
    for block in inputs:
        block_id, element = str(block["block_id"]), block["element"]
        action_id = str(element.get("action_id"))
        key = block_id if block_id in values else action_id if action_id in values else None
        entry = (
            _element_state(element, None, initial=True)
            if key is None
            else _element_state(element, values[key])
        )
        if enforce_required and not block.get("optional") and _is_empty(entry):
            raise ValueError(f"required input {block_id!r} ({action_id}) is empty; Slack would not submit")
        state[block_id] = {action_id: entry}
    return state


def _option(element: JSON, value: object) -> JSON:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    for option in options:
        if option.get("value") == value:
            return {k: option[k] for k in ("text", "value", "description") if k in option}
    if element.get("type") in ("external_select", "multi_external_select"):
        return {"text": {"type": "plain_text", "text": str(value)}, "value": str(value)}
    raise ValueError(
        f"no option with value {value!r} in {element.get('action_id')}: {[o.get('value') for o in options]}"
    )


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return list(value)
    return [value]


def _element_state(element: JSON, value: object, *, initial: bool = False) -> JSON:
    """The state entry of one element: the given value, or its initial value when ``initial``."""
    kind = str(element.get("type"))
    entry: JSON = {"type": kind}
    if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_input"):
        entry["value"] = element.get("initial_value") if initial else (None if value is None else str(value))
    elif kind in ("static_select", "external_select", "radio_buttons", "overflow"):
        if initial:
            entry["selected_option"] = element.get("initial_option")
        else:
            entry["selected_option"] = None if value is None else _option(element, value)
    elif kind in ("checkboxes", "multi_static_select", "multi_external_select"):
        if initial:
            entry["selected_options"] = list(element.get("initial_options") or [])
        else:
            entry["selected_options"] = [_option(element, v) for v in _as_list(value)]
    elif kind == "users_select":
        entry["selected_user"] = element.get("initial_user") if initial else value
    elif kind == "multi_users_select":
        entry["selected_users"] = list(element.get("initial_users") or []) if initial else _as_list(value)
    elif kind == "conversations_select":
        entry["selected_conversation"] = element.get("initial_conversation") if initial else value
    elif kind == "multi_conversations_select":
        entry["selected_conversations"] = (
            list(element.get("initial_conversations") or []) if initial else _as_list(value)
        )
    elif kind == "channels_select":
        entry["selected_channel"] = element.get("initial_channel") if initial else value
    elif kind == "multi_channels_select":
        entry["selected_channels"] = (
            list(element.get("initial_channels") or []) if initial else _as_list(value)
        )
    elif kind == "datepicker":
        entry["selected_date"] = element.get("initial_date") if initial else value
    elif kind == "timepicker":
        entry["selected_time"] = element.get("initial_time") if initial else value
    elif kind == "datetimepicker":
        entry["selected_date_time"] = element.get("initial_date_time") if initial else value
    elif kind == "rich_text_input":
        if initial:
            entry["rich_text_value"] = element.get("initial_value")
        else:
            entry["rich_text_value"] = None if value is None else _rich_text(str(value))
    else:
        entry["value"] = value
    return entry


def _is_empty(entry: JSON) -> bool:
    filled = [v for k, v in entry.items() if k != "type"]
    return all(v is None or v == "" or v == [] for v in filled)


def _find_element(blocks: list[JSON], action_id: str, block_id: str | None, where: str) -> tuple[str, JSON]:
    for block, element in interactive_elements(blocks):
        if element.get("action_id") == action_id and (block_id is None or block.get("block_id") == block_id):
            return str(block.get("block_id")), element
    present = [f"{b.get('block_id')}/{e.get('action_id')}" for b, e in interactive_elements(blocks)]
    wanted = action_id if block_id is None else f"{block_id}/{action_id}"
    raise LookupError(f"no element {wanted!r} in {where}; it has: {present}")


def _rich_text(text: str) -> JSON:
    return {
        "type": "rich_text",
        "block_id": uuid.uuid4().hex[:5],
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
    }


def _channel_type(is_im: bool, is_mpim: bool, is_private: bool) -> str:
    if is_im:
        return "im"
    if is_mpim:
        return "mpim"
    return "group" if is_private else "channel"


# ----------------------------------------------------------------------------------------------
# posters


def wsgi_poster(app: WSGIApplication, path: str = "/slack/events") -> Post:
    """Deliver requests to a WSGI application in-process."""

    def post(body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        environ: dict[str, Any] = {}
        setup_testing_defaults(environ)
        environ.update(
            {
                "REQUEST_METHOD": "POST",
                "PATH_INFO": path,
                "QUERY_STRING": "",
                "wsgi.input": io.BytesIO(body),
                "CONTENT_LENGTH": str(len(body)),
            }
        )
        for name, value in headers.items():
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value
            else:
                environ[f"HTTP_{key}"] = value
        statuses: list[str] = []
        written: list[bytes] = []

        def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            statuses.append(status)
            return written.append

        result = app(environ, start_response)
        try:
            chunks = written + list(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return int(statuses[-1].split()[0]), b"".join(chunks).decode("utf-8")

    return post


def http_poster(url: str, timeout: float = 10.0) -> Post:
    """Deliver requests over a real socket to ``url`` (e.g. http://127.0.0.1:3000/slack/events)."""
    # No proxies: the app under test is local even where http_proxy is set.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def post(body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with opener.open(request, timeout=timeout) as answer:
                return int(answer.status), answer.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    return post
