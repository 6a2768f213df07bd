"""`/lesson search`'s side effects: who is asking, the names in the query, and what results show.

Through the gateway only (`deps.slack`): the searcher's private channels (users.conversations, a
minute), channel names (conversations.list) and people's names (users.list) for `in:` and `from:`,
remembered a few minutes per workspace; the authors' names (users.info, cached by the gateway); the
posts' links (chat.getPermalink, remembered: a link never changes), and the reader's time zone.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from slack_sdk.errors import SlackApiError

from bot.core.deps import Deps
from bot.core.slack import SlackGateway, error_code
from bot.lessons import search
from bot.lessons.search_views import Result, ResultsPage
from bot.lessons.visibility import audience_of

log = logging.getLogger(__name__)

NAMES_CACHE_SECONDS = 300.0
MISS_REFRESH_SECONDS = 30.0  # a name not found is looked up again once the list is this old
LIST_PAGES_MAX = 20  # pages of 200 channels or people
LINKS_MAX = 10_000
LINK_WORKERS = 4
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,31}$")
_LINK = re.compile(r"^https://[^\s<>|]+$")


@dataclass
class _Names:
    """One workspace's names → ids, and when they were listed."""

    at: float = -1e18
    ids: dict[str, tuple[str, ...]] = field(default_factory=dict)


class Directory:
    """Channel and people names of each workspace, and posts' links, for one gateway."""

    def __init__(self, slack: SlackGateway, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._slack = slack
        self._monotonic = monotonic
        self._channels: dict[str, _Names] = {}
        self._people: dict[str, _Names] = {}
        self._links: dict[tuple[str, str, str], str] = {}
        self._lock = threading.Lock()

    def channel_id(self, team_id: str, name: str) -> str | None:
        """The channel called `name` (a channel id is taken as it is), or None."""
        if _CHANNEL_ID.match(name):
            return name
        found = self._lookup(self._channels, team_id, name.casefold(), self._list_channels)
        return found[0] if found else None

    def person_ids(self, team_id: str, name: str) -> tuple[str, ...]:
        """The people answering to `name`: their handle, display name or full name, else their first
        name (case does not matter); () when nobody does."""
        return self._lookup(self._people, team_id, name.casefold(), self._list_people)

    def _lookup(
        self,
        cache: dict[str, _Names],
        team_id: str,
        key: str,
        listing: Callable[[str], dict[str, tuple[str, ...]] | None],
    ) -> tuple[str, ...]:
        now = self._monotonic()
        with self._lock:
            names = cache.get(team_id)
        fresh = names is not None and now - names.at < NAMES_CACHE_SECONDS
        if names is not None and fresh and (key in names.ids or now - names.at < MISS_REFRESH_SECONDS):
            return names.ids.get(key, ())
        listed = listing(team_id)
        if listed is None:  # Slack could not say: what was known before, if anything
            return names.ids.get(key, ()) if names else ()
        with self._lock:
            cache[team_id] = _Names(now, listed)
        return listed.get(key, ())

    def _pages(
        self, method: Callable[..., object], key: str, **args: object
    ) -> list[dict[str, object]] | None:
        found: list[dict[str, object]] = []
        cursor: str | None = None
        try:
            for _ in range(LIST_PAGES_MAX):
                response = method(limit=200, cursor=cursor, **args)
                found += [item for item in response.get(key) or [] if isinstance(item, dict)]  # type: ignore[attr-defined]
                cursor = (response.get("response_metadata") or {}).get("next_cursor") or None  # type: ignore[attr-defined]
                if not cursor:
                    break
        except SlackApiError as exc:
            log.warning("listing %s failed: %s", key, error_code(exc))
            return None
        return found

    def _list_channels(self, team_id: str) -> dict[str, tuple[str, ...]] | None:
        client = self._slack.client(team_id)
        channels = self._pages(
            client.conversations_list,
            "channels",
            types="public_channel,private_channel",
            exclude_archived=False,
        )
        if channels is None:
            return None
        return {str(c["name"]).casefold(): (str(c["id"]),) for c in channels if c.get("name") and c.get("id")}

    def _list_people(self, team_id: str) -> dict[str, tuple[str, ...]] | None:
        people = self._pages(self._slack.client(team_id).users_list, "members")
        if people is None:
            return None
        exact: dict[str, list[str]] = {}
        first: dict[str, list[str]] = {}
        for person in people:
            user_id = person.get("id")
            if not isinstance(user_id, str) or person.get("deleted") or person.get("is_bot"):
                continue
            profile = person.get("profile")
            profile = profile if isinstance(profile, dict) else {}
            names = {person.get("name"), person.get("real_name"), profile.get("display_name")}
            names |= {profile.get("real_name")}
            for name in {str(n).casefold() for n in names if isinstance(n, str) and n}:
                exact.setdefault(name, []).append(user_id)
                first.setdefault(name.split()[0], []).append(user_id)
        merged = {name: list(dict.fromkeys(ids)) for name, ids in first.items()}
        merged.update({name: list(dict.fromkeys(ids)) for name, ids in exact.items()})
        return {name: tuple(ids) for name, ids in merged.items()}

    def links(self, team_id: str, posts: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """Each post's link (chat.getPermalink, a few at a time); posts Slack has no link for are left out."""
        wanted = list(dict.fromkeys(posts))
        with self._lock:
            known = {
                post: self._links[(team_id, *post)] for post in wanted if (team_id, *post) in self._links
            }
        missing = [post for post in wanted if post not in known]
        if missing:
            with ThreadPoolExecutor(max_workers=min(LINK_WORKERS, len(missing))) as pool:
                found = list(pool.map(lambda post: self._slack.permalink(team_id, *post), missing))
            with self._lock:
                if len(self._links) >= LINKS_MAX:
                    self._links.clear()
                for post, link in zip(missing, found, strict=True):
                    if link and _LINK.match(link):
                        self._links[(team_id, *post)] = link
                        known[post] = link
        return known


_DIRECTORIES: weakref.WeakKeyDictionary[SlackGateway, Directory] = weakref.WeakKeyDictionary()
_DIRECTORIES_LOCK = threading.Lock()


def directory(slack: SlackGateway) -> Directory:
    with _DIRECTORIES_LOCK:
        found = _DIRECTORIES.get(slack)
        if found is None:
            found = _DIRECTORIES[slack] = Directory(slack)
        return found


@dataclass(frozen=True)
class _Resolved:
    query: search.Query
    channel_id: str | None = None
    author_ids: tuple[str, ...] = ()
    unknown_channel: str | None = None
    unknown_person: str | None = None


def _resolve(deps: Deps, team_id: str, query: search.Query) -> _Resolved:
    names = directory(deps.slack)
    channel_id = names.channel_id(team_id, query.channel) if query.channel else None
    author_ids: tuple[str, ...] = ()
    person_words = 0
    if query.person:
        # "from:@Ola Hansen": Slack sends a display name as typed, spaces and all; the longest name
        # that someone answers to wins, and its words stop being search words.
        for extra in range(len(query.person_more), -1, -1):
            name = " ".join((query.person, *query.person_more[:extra]))
            author_ids = names.person_ids(team_id, name)
            if author_ids:
                person_words = extra
                break
    resolved_query = query
    if person_words:
        taken = {word.casefold() for word in query.person_more[:person_words]}
        taken_words = set(search.query_terms(" ".join(taken)))
        resolved_query = replace(query, words=tuple(w for w in query.words if w not in taken_words))
    return _Resolved(
        resolved_query,
        channel_id,
        author_ids,
        unknown_channel=query.channel if query.channel and channel_id is None else None,
        unknown_person=query.person if query.person and not author_ids else None,
    )


def find(deps: Deps, team_id: str, user_id: str, raw: str, page: int = 0) -> ResultsPage:
    """One page of what `user_id` may find for `raw`, as the results view shows it."""
    query = search.parse_query(raw)
    resolved = _resolve(deps, team_id, query)
    unknown = resolved.unknown_channel is not None or resolved.unknown_person is not None
    audience = audience_of(deps, team_id, user_id)
    if unknown:  # a filter that names nothing: finding everything else instead would mislead
        found = search.SearchPage([], 0, False)
    else:
        with deps.db.read_session() as session:
            found = search.search_lessons(
                session,
                audience,
                resolved.query,
                channel_id=resolved.channel_id,
                author_ids=resolved.author_ids,
                page=page,
            )
    authors = deps.slack.names(team_id, [hit.author_id for hit in found.hits if hit.author_id])
    posts = [(hit.channel_id, hit.message_ts) for hit in found.hits if hit.channel_shown and hit.message_ts]
    links = directory(deps.slack).links(team_id, [(c, ts) for c, ts in posts if c]) if posts else {}
    reader = deps.slack.user_info(team_id, user_id)
    results = [
        Result(
            id=hit.lesson_id,
            text=hit.text,
            tags=list(hit.tags),
            useful=hit.useful,
            applied=hit.applied,
            author=authors.get(hit.author_id) if hit.author_id else None,
            channel_id=hit.channel_id if hit.channel_shown else None,
            created_at=hit.created_at,
            link=_link_of(hit, links),
            partial=hit.partial,
        )
        for hit in found.hits
    ]
    return ResultsPage(
        query=query.text,
        results=results,
        page=found.page,
        has_more=found.has_more,
        timezone=reader.tz if reader else None,
        unknown_channel=resolved.unknown_channel,
        unknown_person=resolved.unknown_person,
    )


def _link_of(hit: search.SearchHit, links: dict[tuple[str, str], str]) -> str | None:
    if not hit.channel_shown or hit.anonymous:
        return None
    if hit.channel_id and hit.message_ts and (hit.channel_id, hit.message_ts) in links:
        return links[(hit.channel_id, hit.message_ts)]
    if hit.source_link and _LINK.match(hit.source_link):
        return hit.source_link
    return None
