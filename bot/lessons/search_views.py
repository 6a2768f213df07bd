"""Search results, only to the person who searched. Plain data in (bot.lessons.data), Block Kit out."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, DividerBlock

from bot.core.blockkit import Rendered, as_dicts, section
from bot.core.i18n import Translator
from bot.core.mrkdwn import escape, truncate
from bot.lessons.data import ListedLesson
from bot.lessons.views import list_item


def search_what(tr: Translator) -> str:
    return tr._("What should I look for? Try /lesson search onboarding")


# --- lists: search results, "my lessons", help ------------------------------------------------------------


def search_results(tr: Translator, query: str, items: Sequence[ListedLesson]) -> Rendered:
    shown = escape(truncate(query, 200))
    if not items:
        text = tr._("No lessons match *{query}* yet. Try fewer or shorter words, or share one with /lesson.")
        text = text.format(query=shown)
        return Rendered(text, as_dicts([section(text)]))
    head = tr.ngettext(
        "{n} lesson matches *{query}*", "Top {n} lessons matching *{query}*", len(items)
    ).format(n=len(items), query=shown)
    blocks: list[Block] = [section(head), DividerBlock()]
    for item in items:
        blocks += list_item(tr, item, show_anonymous_flag=False)
    return Rendered(head, as_dicts(blocks))
