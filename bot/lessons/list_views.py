"""Ephemeral lists of lessons: search results, "my lessons", and /lesson help."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import Block, DividerBlock

from bot.core.blockkit import Rendered, as_dicts, context, section
from bot.core.i18n import Translator
from bot.core.mrkdwn import escape, truncate
from bot.lessons.views import tag_list

SNIPPET = 280


@dataclass(frozen=True)
class ListedLesson:
    id: int
    text: str
    tags: list[str]
    anonymous: bool
    channel_id: str | None
    useful: int
    applied: int


def _item(tr: Translator, item: ListedLesson, *, show_anonymous_flag: bool) -> list[Block]:
    meta = [f"*#{item.id}*", f"👍 {item.useful}", f"✅ {item.applied}"]
    if item.tags:
        meta.append(tag_list(item.tags))
    if item.channel_id:
        meta.append(tr._("in {channel}").format(channel=f"<#{item.channel_id}>"))
    if show_anonymous_flag and item.anonymous:
        meta.append(tr._("anonymous"))
    return [section(escape(truncate(item.text, SNIPPET))), context(" · ".join(meta))]


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
        blocks += _item(tr, item, show_anonymous_flag=False)
    return Rendered(head, as_dicts(blocks))


def my_lessons(tr: Translator, items: Sequence[ListedLesson]) -> Rendered:
    if not items:
        text = tr._("You have not shared any lessons yet. Try /lesson followed by what you learned.")
        return Rendered(text, as_dicts([section(text)]))
    head = tr._("Your latest lessons (only you can see this). Delete one with /lesson delete <id>.")
    blocks: list[Block] = [section(escape(head)), DividerBlock()]
    for item in items:
        blocks += _item(tr, item, show_anonymous_flag=True)
    return Rendered(escape(head), as_dicts(blocks))


def help_text(tr: Translator, unknown: str | None = None) -> Rendered:
    lines = []
    if unknown:
        lines.append(tr._("I don't know the subcommand *{word}*.").format(word=escape(unknown)))
    lines += [
        "*" + tr._("Share what you learned, so others can use it") + "*",
        "• `"
        + escape("/lesson <text>")
        + "` — "
        + tr._("save a lesson at once; #tags in the text become tags"),
        "• `"
        + escape("/lesson")
        + "` — "
        + tr._("open a form with room for what worked and what to improve"),
        "• `"
        + escape("/lesson anon <text>")
        + "` — "
        + tr._("share anonymously: your name is neither shown nor stored"),
        "• `" + escape("/lesson search <words>") + "` — " + tr._("find lessons, in English or Norwegian"),
        "• `" + escape("/lesson mine") + "` — " + tr._("list your own lessons"),
        "• `" + escape("/lesson delete <id>") + "` — " + tr._("delete one of your lessons"),
        "• " + tr._("On any message: More actions › Save as lesson"),
        "• " + tr._("Mark a lesson with 👍 Useful or ✅ I applied this (or react with :+1: or :bulb:)"),
    ]
    text = "\n".join(lines)
    return Rendered(text, as_dicts([section(text)]))
