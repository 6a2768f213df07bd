"""The monthly report's chart, a PNG: lessons and contributors per week for 12 weeks, and the month's
mentoring funnel (requests → offers → matches → completed), in the leader's language.

Drawn server-side with matplotlib's Agg backend through its object API (a Figure of our own, no
pyplot state), in DejaVu Sans, which matplotlib bundles and which has æ, ø and å. matplotlib is
imported on first use, so serving requests never pays for it. Why matplotlib and what it costs:
docs/insights.md.
"""

from __future__ import annotations

import io
import threading
from typing import TYPE_CHECKING

from bot.core.i18n import Translator
from bot.insights.data import Report
from bot.insights.views import month_name, report_title

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FONT = "DejaVu Sans"
WIDTH, HEIGHT, DPI = 10.0, 4.4, 110  # 1100 × 484 pixels: sharp in Slack's preview, ~40 KB
LESSONS_COLOUR = "#3B7DD8"
CONTRIBUTORS_COLOUR = "#E0663A"
FUNNEL_COLOURS = ("#9DB9E8", "#6F9BE0", "#3B7DD8", "#1F4F9C")
INK = "#333333"
GRID = "#DDDDDD"
# rc_context changes matplotlib's global settings while it lasts: one chart at a time.
_LOCK = threading.Lock()


def _labels(tr: Translator) -> dict[str, str]:
    return {
        "lessons": tr._("Lessons shared"),
        "contributors": tr._("Contributors"),
        "weekly": tr._("Lessons and contributors per week"),
        "week": tr._("Week"),
        "requests": tr._("Requests"),
        "offers": tr._("Offers"),
        "matches": tr._("Matches"),
        "completed": tr._("Completed"),
        "counted": tr._("Counted: what everyone in the workspace may see"),
    }


def _plain(axes: Axes) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.spines["left"].set_color(GRID)
    axes.spines["bottom"].set_color(GRID)
    axes.tick_params(colors=INK, labelsize=9)


def render_chart(tr: Translator, report: Report) -> bytes:
    """The report's chart as PNG bytes."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    words = _labels(tr)
    weeks = report.weeks
    funnel = report.funnel
    with _LOCK, rc_context({"font.family": FONT, "font.size": 10, "text.color": INK, "axes.labelcolor": INK}):
        figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        left, right = figure.subplots(1, 2, width_ratios=[1.8, 1])

        positions = list(range(weeks.periods))
        bars = left.bar(
            positions, weeks.lessons, color=LESSONS_COLOUR, width=0.7, label=words["lessons"], zorder=2
        )
        (line,) = left.plot(
            positions,
            weeks.contributors,
            color=CONTRIBUTORS_COLOUR,
            marker="o",
            linewidth=2,
            label=words["contributors"],
            zorder=3,
        )
        left.set_xticks(positions, [label.partition("-W")[2].lstrip("0") or label for label in weeks.labels])
        left.set_xlabel(words["week"], fontsize=9)
        left.yaxis.set_major_locator(MaxNLocator(integer=True))
        left.set_ylim(bottom=0, top=max([*weeks.lessons, *weeks.contributors, 1]) * 1.2)
        left.grid(axis="y", color=GRID, linewidth=0.8, zorder=0)
        left.set_title(words["weekly"], loc="left", fontsize=11, fontweight="bold")
        left.legend(handles=[bars, line], loc="upper left", frameon=False, fontsize=9, ncols=2)
        _plain(left)

        names = [words["requests"], words["offers"], words["matches"], words["completed"]]
        rows = list(range(len(names)))[::-1]
        right.barh(rows, funnel, color=FUNNEL_COLOURS, height=0.6, zorder=2)
        top = max([*funnel, 1])
        for row, value in zip(rows, funnel, strict=True):
            right.text(value + top * 0.03, row, str(value), va="center", fontsize=10, fontweight="bold")
        right.set_yticks(rows, names)
        right.set_xlim(0, top * 1.25)
        right.xaxis.set_major_locator(MaxNLocator(integer=True))
        right.grid(axis="x", color=GRID, linewidth=0.8, zorder=0)
        right.set_title(
            tr._("Mentoring in {month}").format(month=month_name(tr, report.month)),
            loc="left",
            fontsize=11,
            fontweight="bold",
        )
        _plain(right)

        figure.suptitle(report_title(tr, report), x=0.01, ha="left", fontsize=13, fontweight="bold")
        figure.text(0.99, 0.005, words["counted"], ha="right", va="bottom", fontsize=8, color="#777777")
        out = io.BytesIO()
        # No timestamp or software in the metadata: the same report gives the same bytes.
        figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()
