"""The weekly digest as a Block Kit message, and as plain text for `python app.py digest --preview`.

Within Slack's limits whatever the week held: at most CHANNEL_LESSONS lessons in full and a line
that counts the rest, snippets cut before escaping, and a hard cap at 50 blocks. Anonymous lessons
carry no name; authors are shown by name, not @-mention, so a digest pings nobody.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date
from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock, PlainTextObject

from bot.core.blockkit import MESSAGE_BLOCKS_MAX, SECTION_MAX, Rendered, as_dicts, context, section
from bot.core.i18n import Translator
from bot.core.mrkdwn import chunks, escape, truncate
from bot.rhythm.data import DigestData, DigestLesson

SNIPPET = 280  # characters of a lesson shown in the digest (escaping at most quintuples it)
NAME_MAX = 80
SPARK = "▁▂▃▄▅▆▇█"
EXTRA_LINES_MAX = 20


@dataclass(frozen=True)
class Decorations:
    """What the flows looked up in Slack: display names of named authors and message links."""

    names: Mapping[str, str] = field(default_factory=dict)
    links: Mapping[int, str] = field(default_factory=dict)


def sparkline(values: Sequence[int]) -> str:
    """▁▂▃▅▇ scaled to the largest value; all ▁ when every week was empty."""
    top = max(values, default=0)
    if top <= 0:
        return SPARK[0] * len(values)
    # Any activity shows above the floor, however small next to the busiest week.
    return "".join(SPARK[max(1, round(v / top * (len(SPARK) - 1))) if v > 0 else 0] for v in values)


def _dates(tr: Translator, data: DigestData) -> str:
    tz = ZoneInfo(data.timezone)
    first = data.start.astimezone(tz).date()
    last = (data.end - timedelta(seconds=1)).astimezone(tz).date()
    locale = tr.language
    return f"{format_date(first, 'd MMM', locale=locale)} – {format_date(last, 'd MMM y', locale=locale)}"


def _week_number(data: DigestData) -> str:
    return data.week.partition("-W")[2].lstrip("0") or data.week


def _byline(tr: Translator, lesson: DigestLesson, names: Mapping[str, str], *, rich: bool) -> str | None:
    if lesson.author_id is None:
        return tr._("shared anonymously")
    name = names.get(lesson.author_id)
    if not name:
        return None
    shown = truncate(name, NAME_MAX)
    return tr._("by {name}").format(name=escape(shown) if rich else shown)


def _lesson_block_text(tr: Translator, lesson: DigestLesson, deco: Decorations, *, show_channel: bool) -> str:
    meta = [f"👍 {lesson.useful}", f"✅ {lesson.applied}"]
    byline = _byline(tr, lesson, deco.names, rich=True)
    if byline:
        meta.insert(0, byline)
    if show_channel and lesson.channel_id:
        meta.append(tr._("in {channel}").format(channel=f"<#{lesson.channel_id}>"))
    link = deco.links.get(lesson.id)
    if link:
        label = tr._("Lesson #{id}").format(id=lesson.id)
        meta.append(f"<{escape(link)}|{label}>")
    else:
        meta.append(f"#{lesson.id}")
    # Cut before escaping, so the cut never lands inside an entity such as &lt;.
    text = f"{escape(truncate(lesson.text, SNIPPET))}\n{' · '.join(meta)}"
    return text[:SECTION_MAX]


def _more_line(tr: Translator, more: int) -> str:
    return tr.ngettext(
        "{n} more — find it with /lesson search <words>",
        "{n} more — find them with /lesson search <words>",
        more,
    ).format(n=more)


def _quiet_line(tr: Translator) -> str:
    return tr._(
        "A quiet week here. Did something go well, or teach you something the hard way? "
        "Share it with /lesson, or answer this week's prompt: one sentence can save a colleague a day."
    )


def _applied_line(tr: Translator, data: DigestData) -> str:
    if data.applied_lessons == 0:
        return tr._("No lessons from this channel were marked applied this week.")
    lessons = tr.ngettext(
        "{n} lesson from this channel was marked applied this week",
        "{n} lessons from this channel were marked applied this week",
        data.applied_lessons,
    ).format(n=data.applied_lessons)
    marks = tr.ngettext("({n} time)", "({n} times)", data.applied_marks).format(n=data.applied_marks)
    return f"{lessons} {marks}."


def _participation_line(tr: Translator, data: DigestData) -> str:
    this_week = tr.ngettext(
        "{n} person shared or voted here this week.",
        "{n} people shared or voted here this week.",
        data.contributors,
    ).format(n=data.contributors)
    trend = tr.ngettext("Last {weeks} week: {spark}", "Last {weeks} weeks: {spark}", len(data.trend)).format(
        weeks=len(data.trend), spark=sparkline(data.trend)
    )
    return f"{this_week}\n{trend} ({' → '.join(str(v) for v in data.trend[-2:])})"


def _fallback(tr: Translator, data: DigestData) -> str:
    head = tr._("Weekly digest, week {week}").format(week=_week_number(data))
    shared = tr.ngettext(
        "{n} lesson shared in this channel", "{n} lessons shared in this channel", data.lesson_count
    ).format(n=data.lesson_count)
    people = tr.ngettext("{n} person took part", "{n} people took part", data.contributors).format(
        n=data.contributors
    )
    return f"{head}: {shared}, {people}."


def _titles(tr: Translator) -> tuple[str, str, str]:
    # Outside f-strings, so Babel's extractor finds them.
    return tr._("Top lessons from other channels"), tr._("Put to use"), tr._("Participation")


def digest_message(tr: Translator, data: DigestData, deco: Decorations | None = None) -> Rendered:
    deco = deco or Decorations()
    others_title, applied_title, participation_title = _titles(tr)
    head = tr._("Weekly digest · week {week}").format(week=_week_number(data))
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=truncate(head, 150))),
        context(f"{_dates(tr, data)} · <#{data.channel_id}>"),
    ]
    if data.quiet:
        blocks.append(section(f":seedling: {escape(_quiet_line(tr))}"))
    else:
        title = tr.ngettext(
            "*Shared here this week* · {n} lesson", "*Shared here this week* · {n} lessons", data.lesson_count
        ).format(n=data.lesson_count)
        blocks.append(section(title))
        blocks += [
            section(_lesson_block_text(tr, lesson, deco, show_channel=False)) for lesson in data.lessons
        ]
        if data.more:
            blocks.append(context(escape(_more_line(tr, data.more))))
    blocks.append(DividerBlock())
    if data.others:
        blocks.append(section(f"*{others_title}*"))
        blocks += [section(_lesson_block_text(tr, lesson, deco, show_channel=True)) for lesson in data.others]
    blocks.append(section(f"*{applied_title}*\n{escape(_applied_line(tr, data))}"))
    blocks.append(section(f"*{participation_title}*\n{escape(_participation_line(tr, data))}"))
    footer = context(
        escape(tr._("Find more: /lesson search <words> · Share yours: /lesson · Settings: /erfaring help"))
    )
    # Sections from other features (mentoring, ...) get what room is left, never more.
    room = MESSAGE_BLOCKS_MAX - len(blocks) - 1
    extra = "\n".join(data.extra[:EXTRA_LINES_MAX])
    if extra and room > 0:
        blocks += [section(piece) for piece in chunks(extra, SECTION_MAX)][:room]
    blocks.append(footer)
    return Rendered(_fallback(tr, data), as_dicts(blocks[:MESSAGE_BLOCKS_MAX]))


def _text_lesson(
    tr: Translator, index: int, lesson: DigestLesson, deco: Decorations, *, channel: bool
) -> str:
    meta = [f"👍 {lesson.useful}", f"✅ {lesson.applied}", f"#{lesson.id}"]
    byline = _byline(tr, lesson, deco.names, rich=False)
    if byline:
        meta.insert(0, byline)
    if channel and lesson.channel_id:
        meta.append(tr._("in {channel}").format(channel=lesson.channel_id))
    text = " ".join(truncate(lesson.text, SNIPPET).split())
    return f"  {index}. {text}\n     {' · '.join(meta)}"


def digest_as_text(tr: Translator, data: DigestData, deco: Decorations | None = None) -> str:
    """The same digest for a terminal (`digest --preview`): no mrkdwn, nothing posted."""
    deco = deco or Decorations()
    others_title, applied_title, participation_title = _titles(tr)
    head = tr._("Weekly digest · week {week}").format(week=_week_number(data))
    lines = [f"{head} — {data.channel_id} ({data.week}, {_dates(tr, data)}, {data.timezone})"]
    if data.quiet:
        lines.append(_quiet_line(tr))
    else:
        lines.append(
            tr.ngettext(
                "Shared here this week: {n} lesson", "Shared here this week: {n} lessons", data.lesson_count
            ).format(n=data.lesson_count)
        )
        lines += [
            _text_lesson(tr, i, lesson, deco, channel=False) for i, lesson in enumerate(data.lessons, 1)
        ]
        if data.more:
            lines.append("  " + _more_line(tr, data.more))
    if data.others:
        lines.append(others_title)
        lines += [_text_lesson(tr, i, lesson, deco, channel=True) for i, lesson in enumerate(data.others, 1)]
    lines.append(f"{applied_title}: {_applied_line(tr, data)}")
    lines.append(f"{participation_title}: {_participation_line(tr, data)}")
    lines += data.extra[:EXTRA_LINES_MAX]
    return "\n".join(lines)
