"""Insights as people see them: `/erfaring stats` (a channel's figures with a sparkline per series), the
compact workspace summary and "your contribution" for App Home, the leaders' replies, and the monthly
report's DM (Block Kit, and plain text for `python app.py report --preview`).

Plain data in (bot.insights.data), Block Kit out. Anonymous authors are counted, never named: a
highlight of an anonymous lesson says "shared anonymously" and shows no channel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from slack_sdk.models.blocks import (
    Block,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.core.blockkit import MESSAGE_BLOCKS_MAX, Rendered, as_dicts, context, section
from bot.core.i18n import Translator
from bot.core.mrkdwn import escape, truncate
from bot.insights.commands import DEFAULT_WEEKS, MAX_WEEKS
from bot.insights.data import Contribution, Figures, LeaderEntry, LeadersChange, Report, ReportLesson
from bot.insights.periods import parse_month

SPARK = "▁▂▃▄▅▆▇█"
SNIPPET = 200
NAME_MAX = 80
TOPICS_MAX = 8
FIELD_MAX = 2000


def sparkline(values: Sequence[float | None]) -> str:
    """▁▂▃▄▅▆▇█ scaled to the largest value; an empty period (0 or unknown) is ▁, and any activity
    shows above it, however small next to the busiest period."""
    numbers = [v or 0.0 for v in values]
    top = max(numbers, default=0.0)
    if top <= 0:
        return SPARK[0] * len(numbers)
    steps = len(SPARK) - 1
    return "".join(SPARK[max(1, round(v / top * steps))] if v > 0 else SPARK[0] for v in numbers)


# --- numbers in the reader's language -------------------------------------------------------------------


def number(tr: Translator, value: float, digits: int = 0) -> str:
    pattern = "#,##0" if digits == 0 else "#,##0." + "0" * digits
    return format_decimal(value, format=pattern, locale=tr.language)


def percent(tr: Translator, share: float | None) -> str:
    return "–" if share is None else format_percent(share, locale=tr.language)


def duration(tr: Translator, hours: float | None) -> str:
    """How long a match took: hours under two days, else days."""
    if hours is None:
        return "–"
    if hours < 48:
        whole = max(1, round(hours))
        return tr.ngettext("{n} hour", "{n} hours", whole).format(n=whole)
    days = round(hours / 24)
    return tr.ngettext("{n} day", "{n} days", days).format(n=days)


def month_name(tr: Translator, month: str) -> str:
    year, number_ = parse_month(month)
    return format_date(date(year, number_, 1), "LLLL y", locale=tr.language)


def _change(tr: Translator, now: float, before: float, digits: int = 0) -> str:
    """ "↑ 8", "↓ 2", "±0": how a figure moved since the month before."""
    delta = now - before
    if abs(delta) < (0.5 if digits == 0 else 0.05):
        return "±0"
    return ("↑ " if delta > 0 else "↓ ") + number(tr, abs(delta), digits)


# --- a scope's figures as rows --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    label: str
    total: str
    spark: str | None = None
    note: str = ""


def _lesson_rows(tr: Translator, f: Figures) -> list[_Row]:
    rows = [
        _Row(tr._("Lessons shared"), number(tr, sum(f.lessons)), sparkline(f.lessons)),
        _Row(tr._("Contributors"), number(tr, f.contributors_total), sparkline(f.contributors)),
    ]
    if f.members:
        note = tr.ngettext("of {n} member", "of {n} members", f.members).format(n=number(tr, f.members))
        rows.append(
            _Row(tr._("Participation"), percent(tr, f.participation_total), sparkline(f.participation), note)
        )
    else:
        rows.append(_Row(tr._("Participation"), "–", None, tr._("(Slack did not say how many members)")))
    rows += [
        _Row("👍 " + tr._("Useful marks"), number(tr, sum(f.useful)), sparkline(f.useful)),
        _Row("✅ " + tr._("Applied marks"), number(tr, sum(f.applied)), sparkline(f.applied)),
    ]
    prompts = sum(f.prompts)
    if prompts:
        per = f.answers_per_prompt_total or 0.0
        note = tr.ngettext(
            "({answers} answers to {n} question)", "({answers} answers to {n} questions)", prompts
        ).format(answers=number(tr, sum(f.answers)), n=number(tr, prompts))
        rows.append(
            _Row(
                tr._("Answers per weekly question"), number(tr, per, 1), sparkline(f.answers_per_prompt), note
            )
        )
    return rows


def _mentoring_rows(tr: Translator, f: Figures) -> list[_Row]:
    known = sum(f.known_units)
    across = (
        tr.ngettext(
            "({n} of {known} match with both teams known)",
            "({n} of {known} matches with both teams known)",
            known,
        ).format(n=number(tr, sum(f.cross_team)), known=number(tr, known))
        if known
        else ""
    )
    return [
        _Row(tr._("Mentoring requests"), number(tr, sum(f.requests)), sparkline(f.requests)),
        _Row(tr._("Matches"), number(tr, sum(f.matches)), sparkline(f.matches)),
        _Row(tr._("Median time to a match"), duration(tr, f.median_match_hours), sparkline(f.match_hours)),
        _Row(tr._("Completed mentorships"), number(tr, sum(f.completed)), sparkline(f.completed)),
        _Row(
            tr._("Matches across teams"),
            percent(tr, f.cross_team_share_total),
            sparkline(f.cross_team_share),
            across,
        ),
    ]


def _row_mrkdwn(row: _Row) -> str:
    spark = f"  `{row.spark}`" if row.spark else ""
    note = f"  {escape(row.note)}" if row.note else ""
    return f"*{escape(row.label)}*: {escape(row.total)}{spark}{note}"


def _row_text(row: _Row) -> str:
    spark = f"  {row.spark}" if row.spark else ""
    note = f"  {row.note}" if row.note else ""
    return f"{row.label}: {row.total}{spark}{note}"


def _topics_line(tr: Translator, f: Figures, *, rich: bool) -> str | None:
    if not f.unserved_topics:
        return None
    topics = list(f.unserved_topics[:TOPICS_MAX])
    shown = ", ".join(f"*{escape(t)}*" for t in topics) if rich else ", ".join(topics)
    return tr._("Asked for, but nobody offers yet: {topics}").format(topics=shown)


def _tags_line(tr: Translator, f: Figures, *, rich: bool) -> str | None:
    if not f.top_tags:
        return None
    shown = ", ".join(f"#{escape(tag) if rich else tag} ({n})" for tag, n in f.top_tags)
    return tr._("Top tags: {tags}").format(tags=shown)


def _counted_note(tr: Translator, f: Figures) -> str:
    where = (
        tr._("the lessons everyone in the workspace may see")
        if f.channel_id is None
        else tr._("the lessons shared here that this channel's members may see")
    )
    return tr._(
        "Counted: {where}; anonymous authors count, but are never named. Weeks start on Monday ({zone}). "
        "Mentoring is the whole workspace's."
    ).format(where=where, zone=f.timezone)


# --- /erfaring stats ------------------------------------------------------------------------------------


def stats_message(tr: Translator, f: Figures) -> Rendered:
    """A channel's figures, only for the person who asked."""
    weeks = f.periods
    where = f"<#{f.channel_id}>" if f.channel_id else escape(tr._("the workspace"))
    head = tr.ngettext(
        "*Insights for {where}: the last {n} week*", "*Insights for {where}: the last {n} weeks*", weeks
    ).format(where=where, n=weeks)
    lessons = "\n".join(_row_mrkdwn(row) for row in _lesson_rows(tr, f))
    mentoring = "\n".join(_row_mrkdwn(row) for row in _mentoring_rows(tr, f))
    extra = [line for line in (_topics_line(tr, f, rich=True), _tags_line(tr, f, rich=True)) if line]
    span = f"{f.labels[0]} – {f.labels[-1]}" if weeks > 1 else f.labels[0]
    blocks: list[Block] = [
        section(f"{head}\n{escape(span)}"),
        section(lessons),
        section(f"*{escape(tr._('Mentoring in the workspace'))}*\n{mentoring}"),
    ]
    if extra:
        blocks.append(section("\n".join(extra)))
    blocks.append(context(escape(_counted_note(tr, f))))
    fallback = tr.ngettext(
        "Insights: {lessons} lessons in the last {n} week",
        "Insights: {lessons} lessons in the last {n} weeks",
        weeks,
    ).format(lessons=sum(f.lessons), n=weeks)
    return Rendered(fallback, as_dicts(blocks))


def stats_as_text(tr: Translator, f: Figures) -> str:
    rows = _lesson_rows(tr, f) + _mentoring_rows(tr, f)
    lines = [f"{f.labels[0]} – {f.labels[-1]} ({f.timezone})", *(_row_text(row) for row in rows)]
    lines += [line for line in (_topics_line(tr, f, rich=False), _tags_line(tr, f, rich=False)) if line]
    return "\n".join(lines)


def invalid_weeks(tr: Translator, given: str) -> str:
    return tr._(
        "*{given}* is not a number of weeks. Try `/erfaring stats` ({default} weeks) "
        "or a number from 1 to {max}."
    ).format(given=escape(given), default=DEFAULT_WEEKS, max=MAX_WEEKS)


def stats_need_a_channel(tr: Translator) -> str:
    return tr._("Run `/erfaring stats` in a channel to see its figures.")


# --- App Home: the workspace and your contribution ------------------------------------------------------


def workspace_summary(tr: Translator, f: Figures) -> Rendered:
    """The workspace's figures for an admin's App Home: a title, ten fields, a line of topics and tags."""
    head = tr.ngettext(
        "*The workspace: the last {n} week*", "*The workspace: the last {n} weeks*", f.periods
    ).format(n=f.periods)
    rows = _lesson_rows(tr, f)[:5] + _mentoring_rows(tr, f)
    fields = [
        MarkdownTextObject(
            text=(f"*{escape(row.label)}*\n{escape(row.total)}" + (f"  `{row.spark}`" if row.spark else ""))[
                :FIELD_MAX
            ]
        )
        for row in rows[:10]
    ]
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=head), fields=fields)]
    extra = [line for line in (_topics_line(tr, f, rich=True), _tags_line(tr, f, rich=True)) if line]
    blocks.append(context(*(extra or []), escape(_counted_note(tr, f))))
    fallback = tr.ngettext(
        "The workspace: {lessons} lessons in the last {n} week",
        "The workspace: {lessons} lessons in the last {n} weeks",
        f.periods,
    ).format(lessons=sum(f.lessons), n=f.periods)
    return Rendered(fallback, as_dicts(blocks))


def contribution_summary(tr: Translator, c: Contribution) -> Rendered:
    """ "Your contribution", for the person themselves (it counts their anonymous lessons too)."""
    shared = tr.ngettext("You shared {n} lesson", "You shared {n} lessons", c.lessons).format(n=c.lessons)
    if c.anonymous:
        shared += " " + tr._("({n} of them anonymously: only you see this)").format(n=c.anonymous)
    marks = tr._("👍 {useful} useful · ✅ {applied} applied").format(useful=c.useful, applied=c.applied)
    people = tr.ngettext(
        "{n} person applied something you shared.", "{n} people applied something you shared.", c.appliers
    ).format(n=c.appliers)
    title = tr._("Your contribution")
    blocks: list[Block] = [section(f"*{escape(title)}*\n{escape(shared)}\n{escape(marks)}\n{escape(people)}")]
    return Rendered(f"{title}: {shared}", as_dicts(blocks))


# --- /erfaring leaders ----------------------------------------------------------------------------------


def leaders_list(tr: Translator, entries: Sequence[LeaderEntry]) -> Rendered:
    if not entries:
        text = tr._(
            "Nobody gets the monthly report yet. An admin adds a leader with `/erfaring leaders add @person`."
        )
        return Rendered(text, as_dicts([section(text)]))
    lines = []
    for entry in entries:
        line = f"• <@{entry.user_id}>"
        if entry.configured:
            line += " " + escape(tr._("(set in ERFARING_LEADERS)"))
        lines.append(line)
    head = tr.ngettext(
        "*{n} leader gets the monthly report* (the first working day of the month, 09:00):",
        "*{n} leaders get the monthly report* (the first working day of the month, 09:00):",
        len(entries),
    ).format(n=len(entries))
    text = head + "\n" + "\n".join(lines)
    return Rendered(tr._("Leaders who get the monthly report"), as_dicts([section(text[:3000])]))


def leaders_help(tr: Translator, unknown: str | None = None) -> Rendered:
    lines = [
        tr._("`/erfaring leaders` — who gets the monthly report"),
        tr._("`/erfaring leaders add @person` — admins: send them the report too"),
        tr._("`/erfaring leaders remove @person` — admins: stop sending it to them"),
        tr._("`/erfaring stats [weeks]` — this channel's figures, only to you (default 12 weeks)"),
    ]
    text = "\n".join(escape(line) for line in lines)
    if unknown:
        text = escape(tr._("I don't know *{word}* here.").format(word=unknown)) + "\n" + text
    return Rendered(text, as_dicts([section(text)]))


def _people(ids: Sequence[str]) -> str:
    return ", ".join(f"<@{user_id}>" for user_id in ids)


def _names(words: Sequence[str]) -> str:
    return ", ".join(f"*{escape(word)}*" for word in words)


def leaders_changed(tr: Translator, change: LeadersChange) -> str:
    lines: list[str] = []
    if change.added:
        lines.append(
            tr._("Added: {people}. They get the monthly report from now on.").format(
                people=_people(change.added)
            )
        )
    if change.removed:
        lines.append(
            tr._("Removed: {people}. They no longer get the monthly report.").format(
                people=_people(change.removed)
            )
        )
    if change.unchanged:
        lines.append(tr._("No change for {people}.").format(people=_people(change.unchanged)))
    if change.configured:
        lines.append(
            tr._("{people} set in ERFARING_LEADERS: remove them there.").format(
                people=_people(change.configured)
            )
        )
    if change.unknown:
        lines.append(
            tr._("I found nobody called {names} in this workspace.").format(names=_names(change.unknown))
        )
    if change.ambiguous:
        lines.append(
            tr._("Several people are called {names}: pick them from the @ menu.").format(
                names=_names(change.ambiguous)
            )
        )
    if change.not_people:
        lines.append(
            tr._("{people} cannot get a report (an app, or a deactivated account).").format(
                people=_people(change.not_people)
            )
        )
    return "\n".join(lines) or tr._("Nothing changed.")


def leaders_need_people(tr: Translator) -> str:
    return tr._("Whom? Name them: `/erfaring leaders add @person` or `/erfaring leaders remove @person`.")


def people_unknown(tr: Translator) -> str:
    return tr._("Slack could not tell me who is in this workspace just now. Please try again in a minute.")


def not_admin(tr: Translator) -> str:
    return tr._(
        "Only workspace admins can change who gets the monthly report. `/erfaring leaders` shows who does."
    )


# --- the monthly report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """Display names of the highlights' named authors (looked up by the flow)."""

    names: Mapping[str, str] = field(default_factory=dict)


def _byline(tr: Translator, lesson: ReportLesson, names: Names, *, rich: bool) -> str:
    if lesson.author_id is None:
        return tr._("shared anonymously")
    name = truncate(names.names.get(lesson.author_id) or lesson.author_id, NAME_MAX)
    return tr._("by {name}").format(name=escape(name) if rich else name)


def _highlight(tr: Translator, lesson: ReportLesson, names: Names, emoji: str, *, rich: bool) -> str:
    text = " ".join(truncate(lesson.text, SNIPPET).split())
    meta = [_byline(tr, lesson, names, rich=rich), f"{emoji} {lesson.marks}"]
    if lesson.author_id is not None and lesson.channel_id:
        meta.append(
            tr._("in {channel}").format(channel=f"<#{lesson.channel_id}>" if rich else lesson.channel_id)
        )
    meta.append(f"#{lesson.id}")
    return f"• {escape(text) if rich else text}\n   " + " · ".join(meta)


@dataclass(frozen=True)
class _Compared:
    label: str
    now: str
    change: str


def _compared(tr: Translator, r: Report) -> list[_Compared]:
    m = r.months

    def count(label: str, series: Sequence[int]) -> _Compared:
        return _Compared(label, number(tr, series[-1]), _change(tr, series[-1], series[0]))

    def share(label: str, values: Sequence[float | None]) -> _Compared:
        now, before = values[-1], values[0]
        moved = "" if now is None or before is None else _change(tr, now * 100, before * 100) + " pp"
        return _Compared(label, percent(tr, now), moved)

    rows = [
        count(tr._("Lessons shared"), m.lessons),
        count(tr._("Contributors"), m.contributors),
        count("👍 " + tr._("Useful marks"), m.useful),
        count("✅ " + tr._("Applied marks"), m.applied),
        count(tr._("Mentoring requests"), m.requests),
        count(tr._("New mentorships"), m.matches),
        count(tr._("Completed mentorships"), m.completed),
        share(tr._("Matches across teams"), m.cross_team_share),
    ]
    if m.members:
        rows.insert(2, share(tr._("Participation"), m.participation))
    if sum(m.prompts):
        per_now, per_before = m.answers_per_prompt[-1], m.answers_per_prompt[0]
        rows.append(
            _Compared(
                tr._("Answers per weekly question"),
                "–" if per_now is None else number(tr, per_now, 1),
                "" if per_now is None or per_before is None else _change(tr, per_now, per_before, 1),
            )
        )
    return rows


def _mentoring_line(tr: Translator, r: Report) -> str:
    """Plain text (the rich view escapes it once)."""
    matches = r.months.matches[-1]
    line = tr.ngettext("{n} new mentorship", "{n} new mentorships", matches).format(n=matches)
    if r.new_topics:
        line += ": " + ", ".join(f"{topic} ({n})" for topic, n in r.new_topics)
    known = r.months.known_units[-1]
    if known:
        line += ". " + tr._("{n} of {known} across teams (where both teams are known).").format(
            n=r.months.cross_team[-1], known=known
        )
    else:
        line += "."
    return line


def _unserved_line(tr: Translator, r: Report, *, rich: bool) -> str | None:
    topics = list(r.months.unserved_topics[:TOPICS_MAX])
    if not topics:
        return None
    shown = ", ".join(f"*{escape(t)}*" for t in topics) if rich else ", ".join(topics)
    usage = "`" + escape("/mentor offer <topic>") + "`" if rich else "/mentor offer <topic>"
    return tr._("Nobody offers these topics yet: {topics}. Who could? {usage}").format(
        topics=shown, usage=usage
    )


def report_title(tr: Translator, r: Report) -> str:
    return tr._("Erfaring · {month}").format(month=month_name(tr, r.month))


def report_intro(tr: Translator, r: Report) -> str:
    return tr._("How the workspace shared experience in {month}, against {previous}.").format(
        month=month_name(tr, r.month), previous=month_name(tr, r.previous)
    )


def _report_titles(tr: Translator) -> tuple[str, str, str, str]:
    return (
        tr._("Most useful"),
        tr._("Most applied"),
        tr._("Mentoring"),
        tr._("Nothing was marked this month."),
    )


def report_message(tr: Translator, r: Report, names: Names | None = None) -> Rendered:
    """The leader's DM: the month against the one before, the highlights; the chart follows as a file."""
    names = names or Names()
    useful_title, applied_title, mentoring_title, none_marked = _report_titles(tr)
    fields = [
        MarkdownTextObject(
            text=f"*{escape(row.label)}*\n{escape(row.now)}"
            + (f"  ({escape(row.change)})" if row.change else "")
        )
        for row in _compared(tr, r)[:10]
    ]
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=truncate(report_title(tr, r), 150))),
        SectionBlock(text=MarkdownTextObject(text=escape(report_intro(tr, r))), fields=fields),
        DividerBlock(),
    ]
    for title, lessons, emoji in ((useful_title, r.most_useful, "👍"), (applied_title, r.most_applied, "✅")):
        body = "\n".join(_highlight(tr, lesson, names, emoji, rich=True) for lesson in lessons) or escape(
            none_marked
        )
        blocks.append(section(f"*{escape(title)}*\n{body}"[:3000]))
    mentoring = _mentoring_line(tr, r)
    unserved = _unserved_line(tr, r, rich=True)
    blocks.append(
        section(f"*{escape(mentoring_title)}*\n{escape(mentoring)}" + (f"\n{unserved}" if unserved else ""))
    )
    blocks.append(context(escape(report_note(tr))))
    m = r.months
    fallback = tr.ngettext(
        "{title}: {n} lesson shared ({previous}: {before}).",
        "{title}: {n} lessons shared ({previous}: {before}).",
        m.lessons[-1],
    ).format(
        title=report_title(tr, r), n=m.lessons[-1], previous=month_name(tr, r.previous), before=m.lessons[0]
    )
    return Rendered(fallback, as_dicts(blocks[:MESSAGE_BLOCKS_MAX]))


def report_note(tr: Translator) -> str:
    return tr._(
        "Counted: what everyone in the workspace may see; anonymous authors count, but are never named. "
        "The chart follows: lessons and contributors per week, and the month's mentoring."
    )


def report_as_text(tr: Translator, r: Report, names: Names | None = None) -> str:
    """The same report as plain text (`python app.py report --preview DIR`)."""
    names = names or Names()
    useful_title, applied_title, mentoring_title, none_marked = _report_titles(tr)
    lines = [report_title(tr, r), report_intro(tr, r), ""]
    for row in _compared(tr, r):
        lines.append(f"{row.label}: {row.now}" + (f" ({row.change})" if row.change else ""))
    for title, lessons, emoji in ((useful_title, r.most_useful, "👍"), (applied_title, r.most_applied, "✅")):
        lines += ["", title]
        lines += [_highlight(tr, lesson, names, emoji, rich=False) for lesson in lessons] or [none_marked]
    lines += ["", mentoring_title, _mentoring_line(tr, r)]
    unserved = _unserved_line(tr, r, rich=False)
    if unserved:
        lines.append(unserved)
    lines += ["", report_note(tr)]
    return "\n".join(lines) + "\n"


def chart_caption(tr: Translator, r: Report) -> str:
    return tr._("Lessons and contributors per week, and the mentoring funnel of {month}").format(
        month=month_name(tr, r.month)
    )
