"""A Slack workspace on this machine: the real app, answered by the in-process Slack stand-in.

The scenario tests and the terminal console both run on this; app.py builds it
(`app.local_workspace`), since app.py alone builds the app.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from bot.core.clock import Clock
from bot.core.deps import Deps
from localslack.driver import SlackDriver
from localslack.executor import TrackingExecutor
from localslack.standin import DEFAULT_LOCALE, SlackStandIn

LOCAL_SIGNING_SECRET = "local-signing-secret-not-for-slack"
LOCAL_BOT_TOKEN = "xoxb-local-workspace"
LOCAL_TEAM_ID = "T0LOCAL"


@dataclass(frozen=True)
class SeedUser:
    name: str
    real_name: str
    title: str
    is_admin: bool = False
    locale: str = DEFAULT_LOCALE  # Slack's language for the person; ws.standin.set_locale() changes it


@dataclass(frozen=True)
class SeedChannel:
    name: str
    members: tuple[str, ...]
    is_private: bool = False
    bot_member: bool = True


SEED_USERS = (
    SeedUser("kari", "Kari Nordmann", "Engineering manager, Platform", is_admin=True),
    SeedUser("ola", "Ola Hansen", "Developer, Platform"),
    SeedUser("ingrid", "Ingrid Berg", "Designer, Product"),
    SeedUser("per", "Per Johansen", "Support lead, Customer Care"),
)
SEED_CHANNELS = (
    SeedChannel("general", ("kari", "ola", "ingrid", "per")),
    SeedChannel("team-platform", ("kari", "ola")),
    SeedChannel("team-product", ("ingrid", "per")),
    SeedChannel("leaders", ("kari",), is_private=True, bot_member=False),
)


def seed(standin: SlackStandIn, *, locale: str | None = None) -> dict[str, str]:
    """Add the named people and channels; returns name → id for both. `locale` gives everyone that
    Slack language instead of their own (a Norwegian console workspace speaks Norwegian)."""
    ids: dict[str, str] = {}
    for person in SEED_USERS:
        user = standin.add_user(
            person.name,
            person.real_name,
            is_admin=person.is_admin,
            title=person.title,
            locale=locale or person.locale,
        )
        ids[person.name] = user.id
    for room in SEED_CHANNELS:
        members = [ids[name] for name in room.members]
        if room.bot_member:
            members.append(standin.bot_user_id)
        channel = standin.add_channel(room.name, is_private=room.is_private, members=members)
        ids["#" + room.name] = channel.id
    return ids


@dataclass
class LocalWorkspace:
    standin: SlackStandIn
    driver: SlackDriver
    deps: Deps
    executor: TrackingExecutor
    clock: Clock
    ids: dict[str, str] = field(default_factory=dict)

    def settle(self, timeout: float = 15.0) -> None:
        """Let the work Bolt runs after ack() finish, and deliver every effect due now (the outbox's
        workers would do it in the background; here it happens before anyone looks)."""
        deadline = time.monotonic() + timeout
        while True:
            self.executor.drain(max(0.1, deadline - time.monotonic()))
            if not self.deps.outbox.drain() and self.executor.idle():
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the app is still busy after {timeout}s")

    def user_id(self, name: str) -> str:
        return self.ids[name.lstrip("@")]

    def channel_id(self, name: str) -> str:
        return self.ids["#" + name.lstrip("#")]

    def close(self) -> None:
        self.executor.shutdown(wait=True)
        self.standin.stop()
