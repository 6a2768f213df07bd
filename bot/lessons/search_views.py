"""Search results, only to the person who searched. Plain data in, Block Kit out.

A result shows what a reader needs to judge it: the text, its number, votes and tags, who shared it
(unless anonymously), where (only a channel the reader may see), when (in the reader's time zone and
language) and a link to the post. Lessons matching only some of the words come after a note that says
so. "More results" asks for the next page; its value carries the query and the page, nothing else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date
from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, DividerBlock

from bot.core.blockkit import Rendered, as_dicts, context, section
from bot.core.i18n import Translator
from bot.core.mrkdwn import escape, truncate
from bot.lessons.ids import SearchAction, SearchBlock

SNIPPET = 280  # a lesson's text in the list
QUERY_SHOWN = 200
MORE_VALUE_QUERY = 1500  # a button's value holds at most 2,000 characters


@dataclass(frozen=True)
class Result:
    """One lesson as a result shows it. `author` is a display name (None: anonymous, or unknown);
    `channel_id` only where the reader may see that channel; `link` to the post, where there is one."""

    id: int
    text: str
    tags: list[str]
    useful: int
    applied: int
    author: str | None
    channel_id: str | None
    created_at: datetime
    link: str | None
    partial: bool = False


@dataclass(frozen=True)
class ResultsPage:
    query: str  # as typed
    results: list[Result]
    page: int  # 0 for the first
    has_more: bool
    timezone: str | None  # the reader's, from Slack
    unknown_channel: str | None = None  # in:#name that names no channel the app can see
    unknown_person: str | None = None  # from:@name that names nobody


def search_what(tr: Translator) -> str:
    return tr._("What should I look for? Try /lesson search onboarding")


def more_value(query: str, page: int) -> str:
    """The "More results" button's value: the query and the page to show (stateless)."""
    return json.dumps({"q": query[:MORE_VALUE_QUERY], "p": page}, ensure_ascii=False)


def read_more_value(value: str) -> tuple[str, int] | None:
    """(query, page) from a "More results" value, or None when it is not one of ours."""
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    query, page = data.get("q"), data.get("p")
    if not isinstance(query, str) or not isinstance(page, int) or isinstance(page, bool) or page < 0:
        return None
    return query, page


def _date(tr: Translator, when: datetime, timezone: str | None) -> str:
    try:
        zone = ZoneInfo(timezone) if timezone else UTC
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    moment = when if when.tzinfo else when.replace(tzinfo=UTC)
    return str(format_date(moment.astimezone(zone).date(), format="medium", locale=tr.language))


def _meta(tr: Translator, result: Result, timezone: str | None) -> str:
    parts = [f"*#{result.id}*", f"👍 {result.useful}", f"✅ {result.applied}"]
    if result.tags:
        parts.append(" ".join(f"#{escape(tag)}" for tag in result.tags))
    if result.author:
        parts.append(tr._("by {name}").format(name=escape(truncate(result.author, 80))))
    if result.channel_id:
        parts.append(tr._("in {channel}").format(channel=f"<#{result.channel_id}>"))
    parts.append(_date(tr, result.created_at, timezone))
    if result.link:
        label = escape(tr._("Open the post"))  # named first: Babel cannot see into f-strings
        parts.append(f"<{result.link}|{label}>")
    return " · ".join(parts)


def _heading(tr: Translator, page: ResultsPage, shown: str) -> str:
    if page.page > 0:
        return tr._("More lessons matching *{query}* (page {page})").format(query=shown, page=page.page + 1)
    full = sum(1 for result in page.results if not result.partial)
    if full == 0:
        return tr._("No lesson has every word of *{query}*; these have some of them.").format(query=shown)
    return tr.ngettext("{n} lesson matches *{query}*", "Top {n} lessons matching *{query}*", full).format(
        n=full, query=shown
    )


def results(tr: Translator, page: ResultsPage) -> Rendered:
    shown = escape(truncate(page.query, QUERY_SHOWN))
    notices: list[str] = []
    if page.unknown_channel:
        notices.append(
            tr._("I know no channel called #{name} (or I am not in it).").format(
                name=escape(truncate(page.unknown_channel, 80))
            )
        )
    if page.unknown_person:
        notices.append(
            tr._("I know nobody called @{name} here.").format(name=escape(truncate(page.unknown_person, 80)))
        )
    if not page.results:
        text = tr._("No lessons match *{query}* yet. Try fewer or shorter words, or share one with /lesson.")
        text = " ".join([*notices, text.format(query=shown)])
        return Rendered(text, as_dicts([section(text)]))
    head = _heading(tr, page, shown)
    blocks: list[Block] = [section(head), DividerBlock()]
    # The note goes before the first partial match, unless the heading says it already (no full
    # match on the first page) or a later page starts with partial matches (the first page said it).
    partial_noted = page.results[0].partial
    for result in page.results:
        if result.partial and not partial_noted:
            blocks.append(context(tr._("These lessons match only some of your words.")))
            partial_noted = True
        blocks += [section(escape(truncate(result.text, SNIPPET))), context(_meta(tr, result, page.timezone))]
    if page.has_more:
        button = ButtonElement(
            text=tr._("More results"),
            action_id=SearchAction.MORE,
            value=more_value(page.query, page.page + 1),
        )
        blocks.append(ActionsBlock(block_id=SearchBlock.MORE, elements=[button]))
    return Rendered(head, as_dicts(blocks))
