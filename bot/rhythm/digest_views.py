"""The weekly digest as a Block Kit message, and as plain text for `python app.py digest --preview`.

Within Slack's limits whatever the week held: at most CHANNEL_LESSONS lessons in full and a line
that counts the rest, snippets cut before escaping, and a hard cap at 50 blocks. Anonymous lessons
carry no name; authors are shown by name, not @-mention, so a digest pings nobody.

The label says what the digest covers: "week 10", or "weeks 10–11" with "since 27 Feb" when a digest
was skipped before it, and the range to the minute ("from Feb 27 at 14:00 to Mar 6, 2026 at 14:00"),
so two digests never seem to cover the same day twice. A channel's first digest before its first
question says welcome instead of "0 people".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock, PlainTextObject

from bot.core.blockkit import MESSAGE_BLOCKS_MAX, SECTION_MAX, Rendered, as_dicts, context, section
from bot.core.i18n import Translator
from bot.core.mrkdwn import chunks, escape, truncate
from bot.rhythm.data import DigestData, DigestLesson
from bot.rhythm.views import weekday_name

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


def _local(data: DigestData, instant: datetime) -> datetime:
    return instant.astimezone(ZoneInfo(data.timezone))


def _moment(tr: Translator, data: DigestData, instant: datetime, *, year: bool) -> str:
    """ "Feb 27 at 14:00" (in Bokmål "27. feb. kl. 14:00"), on the channel's clock."""
    local = _local(data, instant)
    day = format_skeleton("yMMMd" if year else "MMMd", local.date(), locale=tr.language)
    return tr._("{date} at {time}").format(date=day, time=local.strftime("%H:%M"))


def _dates(tr: Translator, data: DigestData) -> str:
    """The range to the minute: a digest starts where the one before it ended, so no day is in two."""
    return tr._("Lessons from {start} to {end}").format(
        start=_moment(tr, data, data.start, year=False), end=_moment(tr, data, data.end, year=True)
    )


def _since(tr: Translator, data: DigestData) -> str:
    return format_skeleton("MMMd", _local(data, data.start).date(), locale=tr.language)


def _week_number(week: str) -> str:
    return week.partition("-W")[2].lstrip("0") or week


def _head(tr: Translator, data: DigestData, *, rich: bool) -> str:
    first, last = (_week_number(week) for week in data.weeks)
    if data.several_weeks:
        if rich:
            return tr._("Weekly digest · weeks {first}–{last}").format(first=first, last=last)
        return tr._("Weekly digest, weeks {first}–{last}").format(first=first, last=last)
    if rich:
        return tr._("Weekly digest · week {week}").format(week=last)
    return tr._("Weekly digest, week {week}").format(week=last)


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


def _quiet_line(tr: Translator, data: DigestData) -> str:
    if data.several_weeks:
        return tr._(
            "Quiet here since {since}. Did something go well, or teach you something the hard way? "
            "Share it with /lesson, or answer this week's prompt: one sentence can save a colleague a day."
        ).format(since=_since(tr, data))
    return tr._(
        "A quiet week here. Did something go well, or teach you something the hard way? "
        "Share it with /lesson, or answer this week's prompt: one sentence can save a colleague a day."
    )


def _shared_title(tr: Translator, data: DigestData, *, rich: bool) -> str:
    n = data.lesson_count
    if data.several_weeks and rich:
        return tr.ngettext(
            "*Shared here since {since}* · {n} lesson", "*Shared here since {since}* · {n} lessons", n
        ).format(n=n, since=_since(tr, data))
    if data.several_weeks:
        return tr.ngettext(
            "Shared here since {since}: {n} lesson", "Shared here since {since}: {n} lessons", n
        ).format(n=n, since=_since(tr, data))
    if rich:
        return tr.ngettext(
            "*Shared here this week* · {n} lesson", "*Shared here this week* · {n} lessons", n
        ).format(n=n)
    return tr.ngettext("Shared here this week: {n} lesson", "Shared here this week: {n} lessons", n).format(
        n=n
    )


def _applied_line(tr: Translator, data: DigestData) -> str:
    n = data.applied_lessons
    if n == 0 and data.several_weeks:
        return tr._("No lessons from this channel were marked applied since {since}.").format(
            since=_since(tr, data)
        )
    if n == 0:
        return tr._("No lessons from this channel were marked applied this week.")
    if data.several_weeks:
        lessons = tr.ngettext(
            "{n} lesson from this channel was marked applied since {since}",
            "{n} lessons from this channel were marked applied since {since}",
            n,
        ).format(n=n, since=_since(tr, data))
    else:
        lessons = tr.ngettext(
            "{n} lesson from this channel was marked applied this week",
            "{n} lessons from this channel were marked applied this week",
            n,
        ).format(n=n)
    marks = tr.ngettext("({n} time)", "({n} times)", data.applied_marks).format(n=data.applied_marks)
    return f"{lessons} {marks}."


def _participation_line(tr: Translator, data: DigestData) -> str:
    if data.several_weeks:
        this_week = tr.ngettext(
            "{n} person shared or voted here since {since}.",
            "{n} people shared or voted here since {since}.",
            data.contributors,
        ).format(n=data.contributors, since=_since(tr, data))
    else:
        this_week = tr.ngettext(
            "{n} person shared or voted here this week.",
            "{n} people shared or voted here this week.",
            data.contributors,
        ).format(n=data.contributors)
    trend = tr.ngettext("Last {weeks} week: {spark}", "Last {weeks} weeks: {spark}", len(data.trend)).format(
        weeks=len(data.trend), spark=sparkline(data.trend)
    )
    return f"{this_week}\n{trend} ({' → '.join(str(v) for v in data.trend[-2:])})"


def _welcome_title(tr: Translator) -> str:
    return tr._("Welcome to the weekly rhythm!")


def _welcome(tr: Translator, data: DigestData, *, rich: bool) -> str:
    """A first digest before the first question: what is coming, instead of counting nobody."""

    def words(text: str) -> str:
        return escape(text) if rich else text

    channel = f"<#{data.channel_id}>" if rich else data.channel_id
    lines = [words(tr._("This is the first digest in {channel}.")).format(channel=channel)]
    if data.next_question is not None:
        local = _local(data, data.next_question)
        lines.append(
            words(tr._("The first question comes on {weekday}, {date} at {time}.")).format(
                weekday=weekday_name(tr, local.weekday()),
                date=format_skeleton("MMMd", local.date(), locale=tr.language),
                time=local.strftime("%H:%M"),
            )
        )
    lines.append(words(tr._("From then on, this digest gathers what was shared here since the one before.")))
    title = _welcome_title(tr)
    head = f":wave: *{escape(title)}*" if rich else title
    return " ".join([head, *lines])


def _fallback(tr: Translator, data: DigestData) -> str:
    head = _head(tr, data, rich=False)
    if data.welcome:
        return f"{head}: {_welcome_title(tr)}"
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
    head = _head(tr, data, rich=True)
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=truncate(head, 150))),
        context(f"{escape(_dates(tr, data))} · <#{data.channel_id}>"),
    ]
    if data.welcome:
        blocks.append(section(_welcome(tr, data, rich=True)))
    if data.quiet and not data.welcome:
        blocks.append(section(f":seedling: {escape(_quiet_line(tr, data))}"))
    elif not data.quiet:
        blocks.append(section(_shared_title(tr, data, rich=True)))
        blocks += [
            section(_lesson_block_text(tr, lesson, deco, show_channel=False)) for lesson in data.lessons
        ]
        if data.more:
            blocks.append(context(escape(_more_line(tr, data.more))))
    blocks.append(DividerBlock())
    if data.others:
        blocks.append(section(f"*{others_title}*"))
        blocks += [section(_lesson_block_text(tr, lesson, deco, show_channel=True)) for lesson in data.others]
    if not data.welcome:  # nobody was asked yet: no "0 people", no empty trend
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
    head = _head(tr, data, rich=True)
    weeks = data.week if not data.several_weeks else "–".join(data.weeks)
    lines = [f"{head} — {data.channel_id} ({weeks}, {_dates(tr, data)}, {data.timezone})"]
    if data.welcome:
        lines.append(_welcome(tr, data, rich=False))
    if data.quiet and not data.welcome:
        lines.append(_quiet_line(tr, data))
    elif not data.quiet:
        lines.append(_shared_title(tr, data, rich=False))
        lines += [
            _text_lesson(tr, i, lesson, deco, channel=False) for i, lesson in enumerate(data.lessons, 1)
        ]
        if data.more:
            lines.append("  " + _more_line(tr, data.more))
    if data.others:
        lines.append(others_title)
        lines += [_text_lesson(tr, i, lesson, deco, channel=True) for i, lesson in enumerate(data.others, 1)]
    if not data.welcome:
        lines.append(f"{applied_title}: {_applied_line(tr, data)}")
        lines.append(f"{participation_title}: {_participation_line(tr, data)}")
    lines += data.extra[:EXTRA_LINES_MAX]
    return "\n".join(lines)
