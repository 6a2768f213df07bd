"""Insights' names: the outbox effect that sends a report, its message metadata, and the subcommands."""

from __future__ import annotations

from enum import StrEnum


class Effect(StrEnum):
    REPORT = "insights.report"  # one leader's monthly report: the DM's text, then the chart


# The report's DM carries this metadata with its claim key, so a retry after a crash finds it.
REPORT_METADATA = "erfaring_report"


class LeadersAction(StrEnum):
    LIST = "list"
    ADD = "add"
    REMOVE = "remove"
    HELP = "help"
