"""Asking for someone's App Home to be published again, from any feature, without importing the Home.

The Home (bot.home) shows every feature, so it imports them all; a feature whose change shows on a
person's Home (their lesson was shared, voted on, deleted; their request found a mentor) cannot import
it back. It calls `refresh(deps, team_id, *user_ids, session=...)` here instead: in the caller's
transaction, a `home.refresh` effect is stored for each of those people who has opened their Home at
least once (storage.home), coalesced per person — ten votes in a second publish one Home, which reads
what it shows when it is delivered. Paced per person (`home:<user>`), so two publishes of one Home never
overtake each other.

bot.home registers the function that publishes (`publishes`); in a process that has not imported it
(a unit test of one feature) the effect is delivered as nothing to do.

Never pass an anonymous author's id: the effect would tie them to their lesson.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from bot.core import outbox
from bot.core.deps import Deps
from bot.core.outbox import Effect, Permanent
from storage.home import queries

log = logging.getLogger(__name__)

KIND = "home.refresh"

Publisher = Callable[[Deps, str, str], None]
_publishers: list[Publisher] = []


def publishes(publisher: Publisher) -> Publisher:
    """Register the function that publishes a person's Home (bot.home does, at import)."""
    _publishers[:] = [publisher]
    return publisher


def key(user_id: str) -> str:
    return f"home:{user_id}"


@contextmanager
def _session(deps: Deps, session: Session | None) -> Iterator[Session]:
    if session is not None:
        yield session
        return
    with deps.db.session() as own:
        yield own


def refresh(deps: Deps, team_id: str, *user_ids: str | None, session: Session | None = None) -> int:
    """Publish these people's Homes again after the caller's change (only for those who have one); how
    many refreshes were stored (a coalesced one counts: one is waiting already)."""
    people = [user_id for user_id in dict.fromkeys(user_ids) if user_id]
    if not people:
        return 0
    with _session(deps, session) as s:
        found = queries.with_home(s, team_id, people)
        for user_id in found:
            outbox.enqueue(
                s,
                deps,
                team_id=team_id,
                kind=KIND,
                payload={"user": user_id},
                channel=key(user_id),
                coalesce=key(user_id),
            )
    return len(found)


@outbox.handles(KIND)
def _deliver(deps: Deps, effect: Effect) -> Mapping[str, Any] | None:
    user_id = effect.payload.get("user")
    if not isinstance(user_id, str) or not user_id:
        raise Permanent("bad_payload:user")
    if not _publishers:
        log.info("a Home refresh with nothing to publish it (bot.home is not loaded)")
        return {"published": False}
    _publishers[0](deps, effect.team_id, user_id)
    return None
