"""Language per workspace (ERFARING_LANGUAGE as the default), per channel, and per person: what one
person sees is in their Slack language, a channel post in the channel's."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.core.i18n import translator
from bot.lessons.ids import LessonAction, LessonCallback
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
    assert ws.deps.languages.workspace(ws.standin.team_id) == "en"
    run(ws, "kari", "general", "/erfaring", "language nb workspace")
    assert ws.deps.languages.workspace(ws.standin.team_id) == "nb"
    # Ola's own answers stay in his Slack language (English); the channel post follows the workspace.
    confirmed = run(ws, "ola", "general", "/lesson", "Les loggen før du gjetter #feilsøking")
    assert confirmed.startswith(en._("Thanks! Lesson #{id} is saved.").format(id=1))
    assert nb._("I applied this") in json.dumps(last_bot_message(ws, "general").blocks, ensure_ascii=False)
    # Someone whose Slack speaks nothing we know (or Slack cannot say) is answered in the workspace's.
    ws.standin.set_locale(ws.user_id("per"), "sv-SE")
    assert run(ws, "per", "general", "/lesson", "mine") == nb._(
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


# --- /lesson: what one person sees is in their language, the post in the channel's ---------------------


def speaks(ws: LocalWorkspace, monkeypatch: pytest.MonkeyPatch, **locales: str) -> None:
    """Give people a Slack locale, as users.info with include_locale tells it.

    The stand-in's users.info does not return `locale` yet (reported to the lead); until it does, its
    user JSON is extended here, so the app's real path (SlackGateway.user_info → Languages) is used."""
    by_id = {ws.user_id(name): locale for name, locale in locales.items()}
    original = ws.standin._user_json

    def with_locale(user: Any) -> dict[str, Any]:
        data = dict(original(user))
        if user.id in by_id:
            data["locale"] = by_id[user.id]
        return data

    monkeypatch.setattr(ws.standin, "_user_json", with_locale)


def ephemeral_texts(ws: LocalWorkspace, who: str) -> list[str]:
    return [e.text for e in ws.standin.ephemerals(user=ws.user_id(who))]


def test_a_bokmal_speaker_in_an_english_channel_is_answered_in_bokmal_and_the_post_is_english(
    ws: LocalWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb, en = translator("nb"), translator("en")
    speaks(ws, monkeypatch, ola="nb-NO")
    assert ws.deps.languages.channel(ws.standin.team_id, ws.channel_id("general")) == "en"

    confirmed = run(ws, "ola", "general", "/lesson", "Write the test before the fix #testing")
    assert confirmed.startswith(nb._("Thanks! Lesson #{id} is saved.").format(id=1))
    post = last_bot_message(ws, "general")
    assert post.text.startswith(en._("Lesson learned: {text}").format(text="Write the test"))
    posted = json.dumps(post.blocks, ensure_ascii=False)
    assert "I applied this" in posted and nb._("I applied this") not in posted

    # Search, mine, help and errors: Bokmål too; someone without a locale gets the channel's English.
    found = run(ws, "ola", "general", "/lesson", "search testing")
    assert found == nb.ngettext("{n} lesson matches *{query}*", "", 1).format(n=1, query="testing")
    assert run(ws, "kari", "general", "/lesson", "search testing") == "1 lesson matches *testing*"
    mine = ws.standin.ephemerals(user=ws.user_id("ola"))
    run(ws, "ola", "general", "/lesson", "mine")
    assert len(ws.standin.ephemerals(user=ws.user_id("ola"))) == len(mine) + 1
    run(ws, "ola", "general", "/lesson", "help")
    assert nb._("Share what you learned, so others can use it") in ephemeral_texts(ws, "ola")[-1]
    run(ws, "ola", "general", "/lesson", "search")
    assert ephemeral_texts(ws, "ola")[-1] == nb._("What should I look for? Try /lesson search onboarding")

    # The form is theirs too, and so is the confirmation after it; its post is the channel's.
    assert ws.driver.command(ws.user_id("ola"), ws.channel_id("general"), "/lesson", "").ok
    ws.settle()
    [view] = ws.standin.views_for(ws.user_id("ola"))
    assert view.view["title"]["text"] == nb._("Share a lesson")
    ws.driver.submit_view(ws.user_id("ola"), view.id, {"text": "Pair on the first deploy"})
    ws.settle()
    assert ephemeral_texts(ws, "ola")[-1].startswith(nb._("Thanks! Lesson #{id} is saved.").format(id=2))
    assert last_bot_message(ws, "general").text == "Lesson learned: Pair on the first deploy"

    # Deleting: the answer is Bokmål.
    assert ws.driver.command(ws.user_id("ola"), ws.channel_id("general"), "/lesson", "delete 2").ok
    ws.settle()
    assert ephemeral_texts(ws, "ola")[-1] == nb._("Lesson #{id} is deleted.").format(id=2)


def test_an_english_speaker_in_a_bokmal_channel_is_answered_in_english_and_the_post_is_bokmal(
    ws: LocalWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb = translator("nb")
    team, channel = ws.standin.team_id, ws.channel_id("team-platform")
    ws.deps.languages.set_channel(team, channel, "nb")
    speaks(ws, monkeypatch, ola="en-GB")

    confirmed = run(ws, "ola", "team-platform", "/lesson", "Skriv testen før feilrettingen #testing")
    assert confirmed.startswith("Thanks! Lesson #1 is saved.")
    post = last_bot_message(ws, "team-platform")
    assert post.text.startswith(nb._("Lesson learned: {text}").format(text="Skriv testen"))
    posted = json.dumps(post.blocks, ensure_ascii=False)
    assert nb._("I applied this") in posted and "I applied this" not in posted

    # Kari has no locale: she gets the channel's Bokmål.
    assert run(ws, "kari", "team-platform", "/lesson", "mine") == nb._(
        "You have not shared any lessons yet. Try /lesson followed by what you learned."
    )
    assert run(ws, "ola", "team-platform", "/lesson", "search testing") == "1 lesson matches *testing*"

    # A vote on a lesson that is gone is answered in the voter's language; the refresh stays Bokmål.
    kari, ola = ws.user_id("kari"), ws.user_id("ola")
    ws.driver.click(ola, action_id=LessonAction.USEFUL, message=post)
    ws.settle()
    refreshed = json.dumps(last_bot_message(ws, "team-platform").blocks, ensure_ascii=False)
    assert nb._("Useful") + " · 1" in refreshed
    ws.driver.click(ola, action_id=LessonAction.APPLIED, value="999", message=post)
    ws.driver.click(kari, action_id=LessonAction.APPLIED, value="999", message=post)
    ws.settle()
    assert ephemeral_texts(ws, "ola")[-1] == "That lesson has been deleted."
    assert ws.standin.ephemerals(user=kari)[-1].text == nb._("That lesson has been deleted.")


def test_save_as_lesson_opens_the_form_in_the_persons_language(
    ws: LocalWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb = translator("nb")
    speaks(ws, monkeypatch, kari="nb-NO")
    channel = ws.channel_id("general")
    message, _ = ws.driver.user_says(ws.user_id("ingrid"), channel, "Record the demo first", send=())
    for who in ("kari", "per"):
        ws.driver.message_shortcut(ws.user_id(who), channel, message, LessonCallback.SAVE_MESSAGE_SHORTCUT)
    ws.settle()
    [for_kari] = ws.standin.views_for(ws.user_id("kari"))
    [for_per] = ws.standin.views_for(ws.user_id("per"))
    assert for_kari.view["title"]["text"] == nb._("Share a lesson")
    assert for_per.view["title"]["text"] == "Share a lesson"


def test_an_anonymous_share_asks_slack_nothing_about_its_author(
    ws: LocalWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anonymity comes first: no users.info for the author (it would sit in the log beside "lesson
    saved"), so the answer is in the channel's language."""
    speaks(ws, monkeypatch, per="nb-NO")
    ws.standin.reset_calls()
    confirmed = run(ws, "per", "general", "/lesson", "anon I shipped on a Friday and regretted it")
    assert confirmed.startswith("Thanks! Lesson #1 is saved.")
    asked = [c.args.get("user") for c in ws.standin.calls_to("users.info")]
    assert ws.user_id("per") not in asked
