"""/erfaring stats and /erfaring leaders end to end: signed requests into the real app, the stand-in
answering Slack. Figures follow the visibility rule; leaders are changed by admins only."""

from __future__ import annotations

import json
from dataclasses import replace

from sqlalchemy import select, update

from bot.insights import flows
from bot.lessons.visibility import settle_pending
from localslack.workspace import LocalWorkspace
from storage.insights.models import Leader
from storage.lessons.models import Lesson
from storage.lessons.visibility import AUTHOR


def erfaring(ws: LocalWorkspace, user: str, channel: str, text: str) -> str:
    """Run `/erfaring <text>` as `user` in `channel` (an id); what they alone were shown."""
    user_id = ws.user_id(user)
    before = len(ws.standin.ephemerals(user=user_id))
    response = ws.driver.command(user_id, channel, "/erfaring", text)
    assert response.ok and response.elapsed < 3, response
    ws.settle()
    shown = ws.standin.ephemerals(user=user_id)[before:]
    assert shown, f"/erfaring {text} showed nothing"
    return "\n".join(e.text + json.dumps(e.blocks, ensure_ascii=False) for e in shown)


def share(ws: LocalWorkspace, user: str, channel: str, text: str) -> None:
    assert ws.driver.command(ws.user_id(user), channel, "/lesson", text).ok
    ws.settle()


def secret_channel(ws: LocalWorkspace) -> str:
    members = [ws.user_id("ola"), ws.user_id("ingrid"), ws.standin.bot_user_id]
    return ws.standin.add_channel("secret-project", is_private=True, members=members).id


def lessons_everywhere(ws: LocalWorkspace) -> tuple[str, str]:
    """Two lessons in #team-platform (one of them an "only me" note), two in a private channel (one
    anonymous); visibility settled as Slack says each channel is."""
    public, private = ws.channel_id("team-platform"), secret_channel(ws)
    share(ws, "ola", public, "Pair on the first deploy #onboarding")
    share(ws, "kari", public, "Only a note to myself about the budget #budget")
    share(ws, "ola", private, "The vendor's staging API times out after 30 s #vendor")
    share(ws, "ingrid", private, "anon Ask the vendor for a sandbox before signing #vendor")
    settle_pending(ws.deps)
    with ws.deps.db.session() as session:
        session.execute(update(Lesson).where(Lesson.text.like("Only a note%")).values(visibility=AUTHOR))
    return public, private


def test_stats_show_a_channel_what_its_readers_may_see_only_to_the_asker(ws: LocalWorkspace) -> None:
    public, private = lessons_everywhere(ws)
    shown = erfaring(ws, "kari", public, "stats")
    assert "*Insights for <#" + public + ">: the last 12 weeks*" in shown
    assert "*Lessons shared*: 1  `▁▁▁▁▁▁▁▁▁▁▁█`" in shown, "the note only kari may see is not counted"
    assert "*Contributors*: 1" in shown
    assert "*Participation*: 33%" in shown and "of 3 members" in shown  # kari, ola and the app
    assert "vendor" not in shown and "budget" not in shown, "nothing of the private channel, nor the note"
    assert "#onboarding (1)" in shown
    others = [e for e in ws.standin.ephemerals() if e.user != ws.user_id("kari")]
    assert not [e for e in others if "Insights" in e.text], "only kari saw it"
    assert [m for m in ws.standin.messages(public) if "Insights" in m.text] == [], "never in the channel"

    inside = erfaring(ws, "ola", private, "stats 4")
    assert "the last 4 weeks" in inside and "*Lessons shared*: 2  `▁▁▁█`" in inside
    # ingrid's anonymous lesson counts her, never names her.
    assert "*Contributors*: 2" in inside and "Ingrid" not in inside and ws.user_id("ingrid") not in inside
    assert "#vendor (2)" in inside and "onboarding" not in inside

    everyone = flows.workspace_figures(ws.deps, ws.standin.team_id)
    assert sum(everyone.lessons) == 1 and everyone.contributors_total == 1
    assert everyone.members == 4, "four people, the app left out"


def test_stats_in_the_askers_language_and_refusals(ws: LocalWorkspace) -> None:
    public = ws.channel_id("team-platform")
    ws.standin.set_locale(ws.user_id("ola"), "nb-NO")
    shown = erfaring(ws, "ola", public, "statistikk")
    assert "*Innsikt for <#" in shown and "de siste 12 ukene" in shown and "Delte lærdommer" in shown
    refused = erfaring(ws, "kari", public, "stats 53")
    assert "*53* is not a number of weeks" in refused and "from 1 to 52" in refused
    assert "Insights for" not in refused
    dm = ws.standin.im_channel(ws.user_id("kari"))
    assert "Run `/erfaring stats` in a channel" in erfaring(ws, "kari", dm, "stats")


def leaders_in_db(ws: LocalWorkspace) -> list[str]:
    with ws.deps.db.session() as session:
        return [row.user_id for row in session.scalars(select(Leader).order_by(Leader.user_id))]


def test_an_admin_adds_and_removes_leaders_by_name(ws: LocalWorkspace) -> None:
    general = ws.channel_id("general")
    ola, ingrid = ws.user_id("ola"), ws.user_id("ingrid")
    assert "Nobody gets the monthly report yet" in erfaring(ws, "per", general, "leaders")

    added = erfaring(ws, "kari", general, "leaders add @ola")
    assert f"Added: <@{ola}>. They get the monthly report from now on." in added
    assert leaders_in_db(ws) == [ola]
    added = erfaring(ws, "kari", general, "ledere legg til @Ingrid Berg")  # a whole name, with its space
    assert f"Added: <@{ingrid}>" in added
    assert sorted(leaders_in_db(ws)) == sorted([ola, ingrid])
    assert len(ws.standin.calls_to("users.list")) == 1, "the workspace's people are remembered"
    newcomer = ws.standin.add_user("nora", "Nora Nyansatt").id
    assert f"Added: <@{newcomer}>" in erfaring(ws, "kari", general, "leaders add @nora")
    assert len(ws.standin.calls_to("users.list")) == 2, "asked again for a name it did not know"
    assert "Removed" in erfaring(ws, "kari", general, "leaders remove @nora")

    listed = erfaring(ws, "per", general, "leaders")
    assert (
        "*2 leaders get the monthly report*" in listed and f"<@{ola}>" in listed and f"<@{ingrid}>" in listed
    )

    nobody = erfaring(ws, "kari", general, "leaders add @nobody @app")
    assert "I found nobody called *nobody*" in nobody
    assert f"<@{ws.standin.bot_user_id}> cannot get a report" in nobody
    removed = erfaring(ws, "kari", general, "leaders remove @ola")
    assert f"Removed: <@{ola}>" in removed and leaders_in_db(ws) == [ingrid]
    assert "Whom?" in erfaring(ws, "kari", general, "leaders add")
    assert "I don't know *promote* here" in erfaring(ws, "kari", general, "leaders promote @ola")


def test_others_are_refused_and_nothing_changes(ws: LocalWorkspace) -> None:
    general = ws.channel_id("general")
    refused = erfaring(ws, "ola", general, "leaders add @ola")
    assert "Only workspace admins can change who gets the monthly report" in refused
    assert leaders_in_db(ws) == []
    assert erfaring(ws, "kari", general, "leaders add @per").startswith("Added")
    assert "Only workspace admins" in erfaring(ws, "ingrid", general, "ledere fjern @per")
    assert leaders_in_db(ws) == [ws.user_id("per")]


def test_configured_leaders_are_listed_and_not_removable_in_slack(ws: LocalWorkspace) -> None:
    per = ws.user_id("per")
    ws.deps.settings = replace(ws.deps.settings, leaders=frozenset({per}))
    general = ws.channel_id("general")
    assert f"<@{per}> (set in ERFARING_LEADERS)" in erfaring(ws, "ola", general, "leaders")
    said = erfaring(ws, "kari", general, "leaders remove @per")
    assert "set in ERFARING_LEADERS: remove them there" in said
