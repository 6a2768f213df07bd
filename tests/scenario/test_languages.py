"""Language per workspace (ERFARING_LANGUAGE as the default) and per channel."""

from __future__ import annotations

import json

from bot.core.i18n import translator
from localslack.workspace import LocalWorkspace
from tests.scenario.helpers import last_bot_message


def run(ws: LocalWorkspace, who: str, channel: str, command: str, text: str) -> str:
    assert ws.driver.command(ws.user_id(who), ws.channel_id(channel), command, text).ok
    ws.settle()
    return ws.standin.ephemerals(user=ws.user_id(who))[-1].text


def test_an_admin_sets_the_workspace_language_and_others_may_not(ws: LocalWorkspace) -> None:
    nb, en = translator("nb"), translator("en")
    refused = run(ws, "ola", "general", "/erfaring", "language nb workspace")
    assert "admin" in refused.lower()
    assert run(ws, "ola", "general", "/lesson", "mine") == en._(
        "You have not shared any lessons yet. Try /lesson followed by what you learned."
    )
    run(ws, "kari", "general", "/erfaring", "language nb workspace")
    assert run(ws, "ola", "general", "/lesson", "mine") == nb._(
        "You have not shared any lessons yet. Try /lesson followed by what you learned."
    )


def test_a_channel_may_speak_another_language_than_its_workspace(ws: LocalWorkspace) -> None:
    nb = translator("nb")
    run(ws, "kari", "team-platform", "/erfaring", "subscribe")
    run(ws, "kari", "team-platform", "/erfaring", "language nb")
    confirmed = run(ws, "ola", "team-platform", "/lesson", "Skriv testen før feilrettingen #testing")
    assert confirmed.startswith(nb._("Thanks! Lesson #{id} is saved.").format(id=1))
    posted = json.dumps(last_bot_message(ws, "team-platform").blocks, ensure_ascii=False)
    assert nb._("I applied this") in posted and nb._("Useful") in posted
    # #general has no language of its own: it follows the workspace (English here).
    confirmed = run(ws, "ola", "general", "/lesson", "Write the test before the fix #testing")
    assert confirmed.startswith("Thanks! Lesson #2 is saved.")
    assert "I applied this" in json.dumps(last_bot_message(ws, "general").blocks)


def test_erfaring_language_setting_defaults_to_the_deployment_language(ws: LocalWorkspace) -> None:
    assert ws.deps.settings.language == "en"
    assert ws.deps.languages.workspace(ws.standin.team_id) == "en"


def test_languages_are_remembered_briefly_and_forgotten_on_change(ws: LocalWorkspace) -> None:
    from storage.core.queries import set_workspace_language

    team = ws.standin.team_id
    assert ws.deps.languages.workspace(team) == "en"
    with ws.deps.db.session() as session:  # changed behind the app's back, e.g. by another replica
        set_workspace_language(session, team, "nb", ws.deps.clock.now())
    assert ws.deps.languages.workspace(team) == "en", "remembered, not read on every ack"
    ws.deps.languages.forget(team)
    assert ws.deps.languages.workspace(team) == "nb"
