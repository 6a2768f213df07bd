"""Who and where in the local workspace: names for ids, ids for what a person types, and who may
see which conversation."""

from __future__ import annotations

from localslack.console.errors import ConsoleError
from localslack.standin import Channel, SlackStandIn, User


class Directory:
    def __init__(self, standin: SlackStandIn, app_name: str) -> None:
        self.standin = standin
        self.app_name = app_name

    # -- ids → names (the render.Names protocol) -------------------------------------------------

    def user(self, user_id: str) -> str:
        if user_id == self.standin.bot_user_id:
            return self.app_name
        try:
            return self.standin.user(user_id).name
        except KeyError:
            return user_id

    def channel(self, channel_id: str) -> str:
        found = self.find_channel(channel_id)
        if found is None:
            return channel_id
        return f"{self.user(found.user)}'s DM" if found.is_im and found.user else found.name

    def where(self, channel_id: str) -> str:
        """How the console names a conversation: #general, DM with @kari."""
        found = self.find_channel(channel_id)
        if found is None:
            return channel_id
        if found.is_im:
            return f"DM with @{self.user(found.user or '')}"
        if found.is_mpim:
            return "a group DM"
        return "#" + found.name

    # -- what a person types → ids ---------------------------------------------------------------

    def person(self, token: str) -> str:
        """The user id for @name (the app's own name gives the bot user)."""
        name = token.strip().lstrip("@").casefold()
        if name in (self.app_name.casefold(), "app"):
            return self.standin.bot_user_id
        for user in self.people():
            if name in (user.name.casefold(), user.id.casefold()):
                return user.id
        people = ", ".join("@" + u.name for u in self.people())
        raise ConsoleError(f"There is nobody called @{token.strip().lstrip('@')}. People here: {people}.")

    def room(self, token: str) -> Channel:
        """The channel for #name."""
        name = token.strip().lstrip("#").casefold()
        for channel in self.rooms():
            if name in (channel.name.casefold(), channel.id.casefold()):
                return channel
        names = ", ".join("#" + c.name for c in self.rooms())
        raise ConsoleError(f"There is no channel #{token.strip().lstrip('#')}. Channels: {names}.")

    # -- listings and rules ----------------------------------------------------------------------

    def people(self) -> list[User]:
        return [u for u in self.standin.users() if not u.is_bot]

    def rooms(self) -> list[Channel]:
        """Channels, public and private (not DMs)."""
        return [c for c in self.standin.channels() if not c.is_im and not c.is_mpim]

    def find_channel(self, channel_id: str) -> Channel | None:
        # Not standin.channel(): given a user id, that opens a DM with them.
        return next((c for c in self.standin.channels() if c.id == channel_id), None)

    def can_see(self, user_id: str, channel: Channel) -> bool:
        if channel.is_im:
            return channel.user == user_id
        if channel.is_private or channel.is_mpim:
            return user_id in channel.members
        return True

    def app_is_in(self, channel: Channel) -> bool:
        return channel.is_im or self.standin.bot_user_id in channel.members
