"""Lesson search: what a person typed after `/lesson search`, and the page of lessons it finds.

A query is words, `#tags` (lessons with that tag), `in:#channel` (shared there) and `from:@person`
(written by them, never an anonymous lesson); `i:` and `fra:` are the Norwegian spellings. Slack sends
a typed #channel and @person as plain text with our `should_escape: false` (`#name`, `@name`); the
flow (bot.lessons.search_flows) resolves the names. Everything here takes a Session and plain values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.core import tags as tagging
from storage.lessons import queries
from storage.lessons.search import MAX_TERMS, Filters, rank, result_rows, safe_terms
from storage.lessons.visibility import WORKSPACE, Audience

SEARCH_LIMIT = 10  # one page of results
MAX_PAGES = 5  # "More results" goes this far (50 lessons): past that, a narrower search helps more

CHANNEL_FILTERS = ("in:", "i:")
PERSON_FILTERS = ("from:", "fra:")
_SLACK_CHANNEL = re.compile(r"^<#([A-Z0-9]+)(?:\|([^>]*))?>$")


@dataclass(frozen=True)
class Query:
    """What a person asked for. `text` is what they typed (for the heading and the paging button)."""

    text: str
    words: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    channel: str | None = None  # a channel name (or id, if Slack sent one) after in:
    person: str | None = None  # a name after from:
    person_more: tuple[str, ...] = ()  # the words typed after it: a display name may have spaces

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.tags or self.channel or self.person)


def _filter_value(token: str, prefixes: tuple[str, ...]) -> str | None:
    low = token.casefold()
    for prefix in prefixes:
        if low.startswith(prefix):
            return token[len(prefix) :]
    return None


def parse_query(raw: str) -> Query:
    """Words, #tags and the in:/from: filters of what was typed. "in:" or "from:" followed by a space
    takes the next word. Unknown syntax is just words."""
    text = (raw or "").strip()
    words: list[str] = []
    found_tags: list[str] = []
    channel: str | None = None
    person: str | None = None
    person_more: list[str] = []
    tokens = text.split()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        where = _filter_value(token, CHANNEL_FILTERS)
        who = _filter_value(token, PERSON_FILTERS)
        if where is not None or who is not None:
            value = where if where is not None else who
            if not value and i < len(tokens):
                value, i = tokens[i], i + 1
            value = (value or "").strip()
            if where is not None:
                slack = _SLACK_CHANNEL.match(value)
                channel = (slack.group(1) if slack else value.lstrip("#").strip()) or channel
            else:
                person = value.lstrip("@").strip() or person
                person_more = [t for t in tokens[i : i + 2] if not t.startswith("#") and ":" not in t]
            continue
        if token.startswith("#") and len(token) > 1:
            tag = tagging.normalize(token)
            if tag and tag not in found_tags:
                found_tags.append(tag)
            continue
        words.append(token)
    return Query(
        text=text,
        words=tuple(safe_terms(words)),
        tags=tuple(found_tags[:MAX_TERMS]),
        channel=channel,
        person=person,
        person_more=tuple(person_more[: len(person_more)]),
    )


def query_terms(raw: str) -> list[str]:
    """The person's words, NFC and lowercased, without duplicates: at most 8, each at most 40 chars.

    Only runs of letters and digits (any script) count as words; everything else ('#', quotes, '*',
    ':', '&', '|', '!', brackets, '-', '^', '_') separates them, so no FTS5 or tsquery syntax gets
    through. NEAR/AND/OR/NOT stay plain words.
    """
    # storage.lessons.search re-applies the same rule to whatever it is given; one definition of a term.
    return safe_terms([raw or ""])


@dataclass(frozen=True)
class SearchHit:
    lesson_id: int
    score: float
    text: str
    tags: list[str]
    anonymous: bool
    author_id: str | None  # always None for an anonymous lesson
    channel_id: str | None  # where it was shared; the view shows it only when `channel_shown`
    channel_shown: bool  # the searcher may see that channel, and the lesson is not anonymous
    message_ts: str | None
    source_link: str | None
    created_at: datetime
    useful: int
    applied: int
    partial: bool = False  # matches some of the words only


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    page: int
    has_more: bool  # another page of lessons the searcher may see


def _tags(tags_text: str) -> list[str]:
    return [tag.lstrip("#") for tag in tags_text.split() if tag.lstrip("#")]


def channel_shown(audience: Audience, visibility: str, channel_id: str | None, anonymous: bool) -> bool:
    """Whether a result may name its channel to this searcher: never for an anonymous lesson (a DM or
    a private conversation of two names its author); a public channel's lesson, or a private
    channel the searcher is in."""
    if anonymous or not channel_id:
        return False
    return visibility == WORKSPACE or channel_id in audience.channels


def search_lessons(
    session: Session,
    audience: Audience,
    query: Query,
    *,
    channel_id: str | None = None,
    author_ids: tuple[str, ...] = (),
    page: int = 0,
    page_size: int = SEARCH_LIMIT,
) -> SearchPage:
    """One page of the lessons `audience` may see matching `query`, best first. `channel_id` and
    `author_ids` are the resolved in:/from: filters. A lesson the searcher may not see is never
    counted, ranked or hinted at: the next page exists only if a lesson they may see is on it."""
    page = max(0, min(page, MAX_PAGES - 1))
    filters = Filters(tags=query.tags, channel_id=channel_id, author_ids=author_ids)
    ranked = rank(
        session,
        audience.team_id,
        list(query.words),
        audience=audience,
        filters=filters,
        limit=page_size + 1,
        offset=page * page_size,
    )
    has_more = len(ranked) > page_size and page + 1 < MAX_PAGES
    ranked = ranked[:page_size]
    ids = [hit.lesson_id for hit in ranked]
    # By lesson id only (see result_rows): the ids come from a team-filtered search, and the
    # team is checked again on each row below.
    rows = {i: row for i, row in result_rows(session, ids).items() if row.team_id == audience.team_id}
    counts = queries.vote_counts(session, rows)
    hits: list[SearchHit] = []
    for found in ranked:
        row = rows.get(found.lesson_id)
        if row is None:  # deleted meanwhile (or, impossibly, another team's)
            continue
        hits.append(
            SearchHit(
                lesson_id=row.id,
                score=found.score,
                text=row.text,
                tags=_tags(row.tags_text),
                anonymous=row.anonymous,
                # Never expose who wrote an anonymous lesson, whatever the row holds.
                author_id=None if row.anonymous else row.author_id,
                channel_id=None if row.anonymous else row.channel_id,
                channel_shown=channel_shown(audience, row.visibility, row.channel_id, row.anonymous),
                message_ts=None if row.anonymous else row.message_ts,
                source_link=None if row.anonymous else row.source_link,
                created_at=row.created_at,
                useful=counts[row.id].useful,
                applied=counts[row.id].applied,
                partial=found.partial,
            )
        )
    return SearchPage(hits, page, has_more)
