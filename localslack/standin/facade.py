"""SlackStandIn: the one object tests, the driver and the console hold. It builds the workspace,
serves it over HTTP, reads its state, and changes it the way a person in the Slack client would.
The Web API itself lives in one module per family (chat, conversations, users, ...)."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from localslack.standin import auth, chat, conversations, files, reactions, response_url, users, views
from localslack.standin.server import Faults, Method, Served, Server
from localslack.standin.shapes import message_json, user_json
from localslack.standin.state import (
    DEFAULT_LOCALE,
    JSON,
    Call,
    Channel,
    Ephemeral,
    Message,
    OpenView,
    SlackError,
    State,
    User,
)

METHODS: dict[str, Method] = {
    **auth.METHODS,
    **users.METHODS,
    **conversations.METHODS,
    **chat.METHODS,
    **reactions.METHODS,
    **views.METHODS,
    **files.METHODS,
}


class SlackStandIn(Served):
    """A Slack workspace with one app installed, served over HTTP on 127.0.0.1.

    State changes a person makes in the Slack client (posting, reacting) are the ``user_*`` methods;
    the caller then sends the matching event to the app (see ``localslack.driver``).
    """

    def __init__(
        self,
        team_id: str = "T0LOCAL",
        team_name: str = "Local",
        bot_user_id: str = "UBOT",
        bot_token: str = "xoxb-local",
        clock: Callable[[], float] = time.time,
        *,
        bot_name: str = "app",
        bot_id: str | None = None,
        app_id: str = "A0LOCAL",
    ) -> None:
        state = State(
            team_id=team_id,
            team_name=team_name,
            bot_user_id=bot_user_id,
            bot_token=bot_token,
            clock=clock,
            bot_name=bot_name,
            bot_id=bot_id,
            app_id=app_id,
        )
        self._state = state
        self._lock = state.lock
        self._faults = Faults()
        self._server = Server(state, METHODS, self._faults)
        self.team_id, self.team_name, self.team_domain = state.team_id, state.team_name, state.team_domain
        self.bot_user_id, self.bot_token, self.bot_id, self.app_id = (
            bot_user_id,
            bot_token,
            state.bot_id,
            app_id,
        )
        self.calls: list[Call] = state.calls
        self.invalid_payloads = state.invalid_payloads

    # -- building the workspace ---------------------------------------------------------------------------

    def add_user(
        self,
        name: str,
        real_name: str = "",
        *,
        id: str | None = None,
        is_admin: bool = False,
        is_owner: bool = False,
        is_primary_owner: bool = False,
        deleted: bool = False,
        tz: str = "Europe/Oslo",
        title: str = "",
        locale: str = DEFAULT_LOCALE,
    ) -> User:
        ZoneInfo(tz)  # fail here, not later inside users.info
        with self._lock:
            user = User(
                id=id or self._state.new_id("U"),
                name=name,
                real_name=real_name or name,
                is_admin=is_admin,
                is_owner=is_owner or is_primary_owner,
                is_primary_owner=is_primary_owner,
                deleted=deleted,
                tz=tz,
                title=title,
                locale=_checked_locale(locale),
            )
            self._state.users[user.id] = user
            return user

    def set_locale(self, user_id: str, locale: str) -> None:
        """The person's Slack language, e.g. "nb-NO": users.info shows it with include_locale."""
        with self._lock:
            self.user(user_id).locale = _checked_locale(locale)

    def add_channel(
        self,
        name: str,
        *,
        id: str | None = None,
        is_private: bool = False,
        is_archived: bool = False,
        members: Iterable[str] = (),
    ) -> Channel:
        """A public or private channel; put ``bot_user_id`` in ``members`` to have the app in it."""
        with self._lock:
            member_ids = set(members)
            unknown = member_ids - set(self._state.users)
            if unknown:
                raise ValueError(f"unknown members {sorted(unknown)}: add_user() them first")
            channel = Channel(
                id=id or self._state.new_id("G" if is_private else "C"),
                name=name.lstrip("#"),
                is_private=is_private,
                is_archived=is_archived,
                members=member_ids,
                created=int(self._state.now()),
            )
            return self._state.add_channel(channel)

    def add_member(self, channel: str, user: str) -> None:
        with self._lock:
            self.channel(channel).members.add(self.user(user).id)

    def remove_member(self, channel: str, user: str) -> None:
        """`user` leaves the channel (or is removed): Slack stops listing it among their conversations."""
        with self._lock:
            self.channel(channel).members.discard(user)

    def deactivate(self, user: str) -> User:
        """An admin deactivates `user`: users.info shows them `deleted` (send the app `user_change`,
        driver.deactivate does both)."""
        with self._lock:
            found = self.user(user)
            found.deleted = True
            return found

    def reactivate(self, user: str) -> User:
        with self._lock:
            found = self.user(user)
            found.deleted = False
            return found

    def uninstall(self) -> None:
        """The app is uninstalled: every Web API call with its token answers `token_revoked` (send the
        app `tokens_revoked` and `app_uninstalled`, driver.uninstall does both)."""
        with self._lock:
            self._state.revoked = True

    def install(self) -> None:
        """The app is installed again: its token works again."""
        with self._lock:
            self._state.revoked = False

    @property
    def installed(self) -> bool:
        with self._lock:
            return not self._state.revoked

    def restore(
        self, users: Iterable[User], channels: Iterable[Channel], messages: Iterable[Message]
    ) -> None:
        """Put saved people, conversations (DMs too) and messages back, with their ids and ts, into
        a fresh stand-in (the console's resume); ids and ts made later come after them."""
        with self._lock:
            self._state.restore(users, channels, messages)

    # -- reading state ------------------------------------------------------------------------------------

    def user(self, user_id: str) -> User:
        with self._lock:
            try:
                return self._state.users[user_id]
            except KeyError:
                raise KeyError(f"no user {user_id!r} in the stand-in") from None

    def users(self) -> list[User]:
        with self._lock:
            return list(self._state.users.values())

    def channel(self, ref: str) -> Channel:
        """A channel by id, '#name' or name; a user id gives that user's DM with the app."""
        with self._lock:
            channel = self._state.find_channel(ref)
            if channel is None:
                raise KeyError(f"no channel {ref!r} in the stand-in")
            return channel

    def channel_by_name(self, name: str) -> Channel:
        with self._lock:
            for channel in self._state.channels.values():
                if channel.name == name.lstrip("#") and not channel.is_im:
                    return channel
            raise KeyError(f"no channel named {name!r} in the stand-in")

    def channels(self) -> list[Channel]:
        with self._lock:
            return list(self._state.channels.values())

    def messages(self, channel: str, thread_ts: str | None = None) -> list[Message]:
        """Top-level messages, oldest first; with ``thread_ts``, the parent and its replies."""
        with self._lock:
            channel_id = self.channel(channel).id
            if thread_ts is None:
                return [m for m in self._state.messages[channel_id] if m.is_top_level]
            return self._state.thread_messages(channel_id, thread_ts)

    def message(self, channel: str, ts: str) -> Message | None:
        with self._lock:
            found = self._state.find_channel(channel)
            return None if found is None else self._state.find_message(found.id, ts)

    def ephemerals(self, user: str | None = None, channel: str | None = None) -> list[Ephemeral]:
        with self._lock:
            channel_id = None if channel is None else self.channel(channel).id
            return [
                e
                for e in self._state.ephemerals
                if (user is None or e.user == user) and (channel_id is None or e.channel == channel_id)
            ]

    def ephemeral(self, ts: str) -> Ephemeral | None:
        with self._lock:
            return next((e for e in self._state.ephemerals if e.ts == ts), None)

    def views_for(self, user: str) -> list[OpenView]:
        """The user's open modals, the root first."""
        with self._lock:
            return list(self._state.stacks.get(user, []))

    def home_view(self, user: str) -> OpenView | None:
        with self._lock:
            return self._state.homes.get(user)

    def view(self, view_id: str) -> OpenView | None:
        """An open modal or a published home view by id."""
        with self._lock:
            return self._state.find_view(view_id)

    def files(self, channel: str | None = None) -> list[files.File]:
        """Files the app uploaded (and shared in `channel`, when given), oldest first."""
        with self._lock:
            found = list(self._state.files.values())
        return [f for f in found if channel is None or channel in f.channels]

    def im_channel(self, user: str) -> str:
        """The id of the user's DM with the app, created on first use."""
        with self._lock:
            return self._state.open_conversation([self.user(user).id])[0].id

    def user_dict(self, user: str) -> JSON:
        """The person as users.info and events (user_change) show them."""
        with self._lock:
            return user_json(self._state, self.user(user), include_locale=True)

    def message_dict(self, message: Message) -> JSON:
        """The message as the Web API and interaction payloads show it (``text`` as stored)."""
        with self._lock:
            return message_json(self._state, message)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def reset_calls(self) -> None:
        with self._lock:
            self.calls.clear()

    # -- tokens that Slack hands to the app in payloads ---------------------------------------------------

    def new_trigger_id(self, user: str) -> str:
        with self._lock:
            return views.new_trigger_id(self._state, self.user(user).id)

    def new_response_url(self, channel: str, user: str, *, source_ts: str | None = None) -> str:
        """A response_url for ``user`` in ``channel``; ``source_ts`` is the message it may replace."""
        with self._lock:
            url_id = response_url.new_url_id(self._state)
            response_url.register(self._state, url_id, self.channel(channel).id, user, source_ts)
            return f"{self.base_url}{response_url.PATH}{url_id}"

    # -- what a person does in the Slack client -----------------------------------------------------------

    def user_post_message(self, user: str, channel: str, text: str, thread_ts: str | None = None) -> Message:
        """``user`` posts ``text`` exactly as given: wire text (entities, <@U…>), as Slack stores it."""
        with self._lock:
            return chat.person_posts(self._state, self.user(user), self.channel(channel), text, thread_ts)

    def user_add_reaction(self, user: str, channel: str, ts: str, name: str) -> Message:
        with self._lock:
            return reactions.person_reacts(self._state, user, channel, ts, name, added=True)

    def user_remove_reaction(self, user: str, channel: str, ts: str, name: str) -> Message:
        with self._lock:
            return reactions.person_reacts(self._state, user, channel, ts, name, added=False)

    # -- what Slack does with the app's interaction responses (used by the driver) ------------------------

    def close_view(self, user: str, view_id: str) -> list[OpenView]:
        """Close one modal and any pushed on top of it; returns the closed views."""
        with self._lock:
            return views.close(self._state, user, view_id)

    def clear_views(self, user: str) -> list[OpenView]:
        with self._lock:
            return self._state.stacks.pop(user, [])

    def update_view(self, view_id: str, view: JSON, *, source: str = "response_action") -> OpenView:
        """Replace an open view's content, as response_action "update" does. Raises SlackError."""
        with self._lock:
            existing = self._state.find_view(view_id)
            if existing is None:
                raise SlackError("not_found")
            return views.replace(self._state, existing, view, source)

    def push_view(self, user: str, view: JSON, *, source: str = "response_action") -> OpenView:
        """Push a modal onto the user's stack, as response_action "push" does. Raises SlackError."""
        with self._lock:
            return views.push(self._state, user, view, source)

    def deliver_response(
        self, channel: str, user: str, payload: JSON, *, source_ts: str | None = None, source: str = "command"
    ) -> Message | Ephemeral | None:
        """Show a response_url / command-ack payload the way Slack does. Raises SlackError."""
        with self._lock:
            return response_url.deliver(
                self._state, self.channel(channel).id, user, payload, source_ts, source
            )

    def record_invalid(self, method: str, error: str, errors: list[str], payload: JSON) -> None:
        with self._lock:
            self._state.record_invalid(method, error, errors, copy.deepcopy(payload))


def _checked_locale(locale: str) -> str:
    if not isinstance(locale, str) or not locale.strip():
        raise ValueError(f"a Slack locale such as 'en-US' or 'nb-NO', not {locale!r}")
    return locale.strip()
