"""What people see: /erfaring stats, the App Home summaries, the leaders' replies and the monthly report,
valid Block Kit in both languages, anonymous authors never named."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.core.i18n import translator
from bot.insights import views
from bot.insights.data import Contribution, Figures, LeaderEntry, LeadersChange, Report, ReportLesson
from localslack.standin import validate_blocks

EN, NB = translator("en"), translator("nb")
START = datetime(2026, 2, 15, 23, 0, tzinfo=UTC)


def figures(channel: str | None = "C0PUB", **changes: object) -> Figures:
    base = Figures(
        team_id="T0",
        channel_id=channel,
        timezone="Europe/Oslo",
        labels=("2026-W08", "2026-W09", "2026-W10"),
        starts=(START, START, START),
        end=START,
        members=8,
        lessons=(2, 3, 2),
        contributors=(2, 2, 2),
        contributors_total=3,
        useful=(0, 3, 1),
        applied=(1, 0, 4),
        prompts=(0, 1, 1),
        answers=(0, 1, 2),
        requests=(1, 2, 3),
        offers=(1, 2, 1),
        matches=(1, 1, 1),
        completed=(0, 0, 1),
        match_hours=(6.0, 48.0, 120.0),
        cross_team=(1, 0, 0),
        known_units=(1, 1, 0),
        median_match_hours=48.0,
        unserved_topics=("design", "kotlin <&>"),
        top_tags=(("deploy", 2), ("testing", 2)),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def text_of(blocks: list[dict[str, object]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_sparkline() -> None:
    assert views.sparkline([0, 1, 2, 4, 8]) == "▁▂▃▅█"
    assert views.sparkline([0, 0]) == "▁▁"
    assert views.sparkline([None, 0.5, 1.0]) == "▁▅█"
    assert views.sparkline([1, 100]) == "▂█", "any activity shows above the floor"
    assert views.sparkline([]) == ""


def test_numbers_in_the_readers_language() -> None:
    assert views.percent(EN, 0.375) == "38%" and views.percent(NB, 0.375) == "38\xa0%"
    assert views.percent(EN, None) == "–"
    assert views.number(NB, 1.5, 1) == "1,5" and views.number(EN, 12345) == "12,345"
    assert views.duration(EN, 6) == "6 hours" and views.duration(EN, 120) == "5 days"
    assert views.duration(NB, 1) == "1 time" and views.duration(EN, None) == "–"
    assert views.month_name(NB, "2026-02") == "februar 2026"


@pytest.mark.parametrize("tr", [EN, NB], ids=["en", "nb"])
def test_stats_message_has_a_sparkline_per_series(tr: object) -> None:
    shown = views.stats_message(tr, figures())  # type: ignore[arg-type]
    assert validate_blocks(shown.blocks) == []
    body = text_of(shown.blocks)
    assert body.count("`▁") + body.count("`▂") + body.count("`▃") + body.count("`▅") + body.count("`█") >= 10
    assert "<#C0PUB>" in body
    assert "kotlin &lt;&amp;&gt;" in body, "topics are escaped once"
    assert "2026-W08 – 2026-W10" in body


def test_stats_message_in_english_says_what_it_counts() -> None:
    shown = views.stats_message(EN, figures())
    body = text_of(shown.blocks)
    assert "*Lessons shared*: 7" in body and "*Contributors*: 3" in body
    assert "*Participation*: 38%" in body and "of 8 members" in body
    assert "*Answers per weekly question*: 1.5" in body and "(3 answers to 2 questions)" in body
    assert "*Median time to a match*: 2 days" in body
    assert "*Matches across teams*: 50%" in body
    assert "this channel's members may see" in body and "never named" in body
    assert shown.text == "Insights: 7 lessons in the last 3 weeks"
    unknown = text_of(views.stats_message(EN, figures(members=None, prompts=(0, 0, 0))).blocks)
    assert "Slack did not say" in unknown and "Answers per weekly question" not in unknown


def test_stats_as_text() -> None:
    text = views.stats_as_text(EN, figures())
    assert "Lessons shared: 7  ▆█▆" in text, "scaled to the busiest week"
    assert "Participation: 38%  ███  of 8 members" in text


@pytest.mark.parametrize("tr", [EN, NB], ids=["en", "nb"])
def test_the_workspace_summary_is_a_few_blocks(tr: object) -> None:
    shown = views.workspace_summary(tr, figures(channel=None))  # type: ignore[arg-type]
    assert validate_blocks(shown.blocks, surface="home") == []
    assert len(shown.blocks) <= 3
    assert len(shown.blocks[0]["fields"]) == 10  # type: ignore[arg-type]


def test_your_contribution() -> None:
    mine = Contribution("T0", "U0BOB", named=1, anonymous=2, useful=1, applied=3, appliers=2)
    shown = views.contribution_summary(EN, mine)
    assert validate_blocks(shown.blocks, surface="home") == []
    body = text_of(shown.blocks)
    assert "You shared 3 lessons" in body and "2 of them anonymously: only you see this" in body
    assert "👍 1 useful · ✅ 3 applied" in body and "2 people applied something you shared." in body
    alone = text_of(views.contribution_summary(NB, replace(mine, anonymous=0, named=1, appliers=1)).blocks)
    assert "Du har delt 1 lærdom" in alone and "anonymt" not in alone and "1 person har brukt" in alone


def test_leaders_views() -> None:
    assert "Nobody gets the monthly report yet" in views.leaders_list(EN, []).text
    listed = views.leaders_list(EN, [LeaderEntry("U0KARI", True, False), LeaderEntry("U0CONF", False, True)])
    assert validate_blocks(listed.blocks) == []
    body = text_of(listed.blocks)
    assert "*2 leaders get the monthly report*" in body and "<@U0KARI>" in body
    assert "<@U0CONF> (set in ERFARING_LEADERS)" in body
    said = views.leaders_changed(
        EN, LeadersChange(added=["U0A"], unknown=["<b>"], ambiguous=["Anne"], not_people=["U0BOT"])
    )
    assert (
        "Added: <@U0A>." in said and "*&lt;b&gt;*" in said and "*Anne*" in said and "<@U0BOT> cannot" in said
    )
    assert views.leaders_changed(EN, LeadersChange()) == "Nothing changed."
    helped = views.leaders_help(NB, "forfrem")
    assert "forfrem" in helped.text and "/erfaring ledere legg til @person" in helped.text


def report(**changes: object) -> Report:
    months = figures(
        channel=None,
        labels=("2026-01", "2026-02"),
        starts=(START, START),
        lessons=(34, 42),
        contributors=(15, 17),
        contributors_total=20,
        useful=(10, 12),
        applied=(5, 3),
        prompts=(4, 4),
        answers=(8, 10),
        requests=(3, 6),
        offers=(2, 5),
        matches=(2, 4),
        completed=(1, 2),
        match_hours=(10.0, 20.0),
        cross_team=(1, 3),
        known_units=(2, 4),
    )
    base = Report(
        team_id="T0",
        month="2026-02",
        previous="2026-01",
        timezone="Europe/Oslo",
        months=months,
        weeks=figures(channel=None),
        most_useful=(
            ReportLesson(5, "Pair on the <first> deploy & write it down", "U0ALICE", "C0PUB", 4),
            ReportLesson(7, "Keep the runbook next to the alert", None, "C0SECRETDM", 3),
        ),
        most_applied=(),
        new_topics=(("testing", 3), ("deploy", 1)),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("tr", [EN, NB], ids=["en", "nb"])
def test_the_report_message_is_valid_and_names_no_anonymous_author(tr: object) -> None:
    shown = views.report_message(tr, report(), views.Names({"U0ALICE": "Alice Ås"}))  # type: ignore[arg-type]
    assert validate_blocks(shown.blocks) == []
    body = text_of(shown.blocks)
    assert "Alice Ås" in body and "U0ALICE" not in body
    assert "&lt;first&gt; deploy &amp; write" in body
    assert "C0SECRETDM" not in body, "an anonymous lesson shows no channel"


def test_the_report_compares_the_month_with_the_one_before() -> None:
    shown = views.report_message(EN, report())
    body = text_of(shown.blocks)
    assert "Erfaring · February 2026" in body and "against January 2026" in body
    assert "*Lessons shared*\\n42  (↑ 8)" in body
    assert "*✅ Applied marks*\\n3  (↓ 2)" in body
    assert "*Matches across teams*\\n75%  (↑ 25 pp)" in body
    assert "*Answers per weekly question*\\n2.5  (↑ 0.5)" in body
    assert "4 new mentorships: testing (3), deploy (1). 3 of 4 across teams" in body
    assert "Nobody offers these topics yet: *design*, *kotlin &lt;&amp;&gt;*" in body
    assert "Nothing was marked this month." in body, "no applied highlights"
    assert shown.text == "Erfaring · February 2026: 42 lessons shared (January 2026: 34)."


def test_the_report_as_text_for_the_preview() -> None:
    text = views.report_as_text(NB, report())
    assert text.startswith("Erfaring · februar 2026\n")
    assert "Delte lærdommer: 42 (↑ 8)" in text
    assert "Pair on the <first> deploy & write it down" in text, "plain text is not escaped"
    assert "av U0ALICE" in text, "without names, the id"
    assert "delt anonymt" in text
