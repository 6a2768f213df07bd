"""Language per workspace (ERFARING_LANGUAGE as the default), per channel, and per person: what one
person sees is in their Slack language, a channel post in the channel's."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.core.i18n import translator
from bot.lessons.ids import LessonAction, LessonCallback
from bot.rhythm import jobs
from localslack.clock import FakeClock
from localslack.workspace import LocalWorkspace
from storage.rhythm.models import Subscription
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
    assert confirmed.startswith("Thanks! Lesson #1 is saved."), "Ola's own answer: his Slack language"
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
    """Give people a Slack locale, as users.info with include_locale reports it (the stand-in does,
    as Slack does), so the app's real path (SlackGateway.user_info → Languages) is used."""
    for name, locale in locales.items():
        ws.standin.set_locale(ws.user_id(name), locale)


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

    # Deleting: the question and the answer are Bokmål.
    assert ws.driver.command(ws.user_id("ola"), ws.channel_id("general"), "/lesson", "delete 2").ok
    ws.settle()
    question = ws.standin.ephemerals(user=ws.user_id("ola"))[-1]
    assert question.text == nb._("Delete lesson #{id}? It cannot be undone.").format(id=2)
    ws.driver.click(ws.user_id("ola"), action_id=LessonAction.DELETE_CONFIRMED, message=question)
    ws.settle()
    assert ephemeral_texts(ws, "ola")[-1] == nb._("Lesson #{id} is deleted.").format(id=2)


def test_an_english_speaker_in_a_bokmal_channel_is_answered_in_english_and_the_post_is_bokmal(
    ws: LocalWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb = translator("nb")
    team, channel = ws.standin.team_id, ws.channel_id("team-platform")
    ws.deps.languages.set_channel(team, channel, "nb")
    speaks(ws, monkeypatch, ola="en-GB", kari="sv-SE")

    confirmed = run(ws, "ola", "team-platform", "/lesson", "Skriv testen før feilrettingen #testing")
    assert confirmed.startswith("Thanks! Lesson #1 is saved.")
    post = last_bot_message(ws, "team-platform")
    assert post.text.startswith(nb._("Lesson learned: {text}").format(text="Skriv testen"))
    posted = json.dumps(post.blocks, ensure_ascii=False)
    assert nb._("I applied this") in posted and "I applied this" not in posted

    # Kari's Slack speaks Swedish, which Erfaring does not: she gets the channel's Bokmål.
    assert run(ws, "kari", "team-platform", "/lesson", "mine") == nb._(
        "You have not shared any lessons yet. Try /lesson followed by what you learned."
    )
    assert run(ws, "ola", "team-platform", "/lesson", "search testing") == "1 lesson matches *testing*"

    # A vote on a lesson that is gone is answered in the voter's language; the refresh stays Bokmål.
    kari, ola = ws.user_id("kari"), ws.user_id("ola")
    ws.driver.click(kari, action_id=LessonAction.USEFUL, message=post)  # (authors cannot vote)
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


# --- the weekly rhythm: /erfaring language, replies in the person's language, posts in the channel's ---


def shown_to(ws: LocalWorkspace, who: str, channel: str, text: str) -> str:
    """Everything `/erfaring <text>` showed the person (ack and responses), as one string."""
    user = ws.user_id(who)
    before = len(ws.standin.ephemerals(user=user))
    assert ws.driver.command(user, ws.channel_id(channel), "/erfaring", text).ok
    ws.settle()
    shown = ws.standin.ephemerals(user=user)[before:]
    assert shown, f"/erfaring {text} showed nothing"
    return "\n".join(e.text + json.dumps(e.blocks, ensure_ascii=False) for e in shown)


def test_erfaring_language_works_in_any_channel_subscribed_or_not(ws: LocalWorkspace) -> None:
    nb, team = translator("nb"), ws.standin.team_id
    general, leaders = ws.channel_id("general"), ws.channel_id("leaders")  # neither subscribed
    shown = run(ws, "kari", "general", "/erfaring", "language nb")
    assert shown == nb._("Questions and digests in {channel} are now in {language}.").format(
        channel=f"<#{general}>", language=nb._("Norwegian Bokmål")
    ), "confirmed in the new language"
    assert ws.deps.languages.channel_own(team, general) == "nb"
    assert ws.deps.languages.workspace(team) == "en", "the workspace keeps its own"
    # A private channel the bot is not in: nothing to join, nothing to post, so it works there too.
    assert "English" in run(ws, "kari", "leaders", "/erfaring", "språk english")
    assert ws.deps.languages.channel_own(team, leaders) == "en"
    kari = ws.user_id("kari")
    ws.ids["#dm"] = ws.standin.im_channel(kari)
    run(ws, "kari", "dm", "/erfaring", "language nb")
    assert ws.deps.languages.channel_own(team, ws.channel_id("dm")) == "nb"
    with ws.deps.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == 0
    assert "not subscribed yet" not in json.dumps([e.text for e in ws.standin.ephemerals(user=kari)])

    # Others may not change it, and are told so in their own Slack language (Ola's is English).
    refused = run(ws, "ola", "general", "/erfaring", "language en")
    assert (
        refused
        == "Only workspace admins can change the weekly rhythm. Ask an admin, or see /erfaring status."
    )
    assert ws.deps.languages.channel_own(team, general) == "nb"


def test_workspace_language_is_set_by_an_admin_and_confirmed_in_it(ws: LocalWorkspace) -> None:
    nb, team = translator("nb"), ws.standin.team_id
    run(ws, "kari", "team-platform", "/erfaring", "language en")  # this channel keeps English
    shown = run(ws, "kari", "general", "/erfaring", "language nb workspace")
    assert shown == nb._(
        "Erfaring now speaks {language} in this workspace. Channels with a language of their own keep it."
    ).format(language=nb._("Norwegian Bokmål"))
    assert ws.deps.languages.workspace(team) == "nb"
    assert ws.deps.languages.channel_own(team, ws.channel_id("general")) is None, "not the channel's"
    assert ws.deps.languages.channel(team, ws.channel_id("team-platform")) == "en"


def test_status_shows_the_channels_language_and_whether_it_is_inherited(ws: LocalWorkspace) -> None:
    nb, en = translator("nb"), translator("en")
    shown = shown_to(ws, "ola", "general", "status")  # not subscribed: the language is still shown
    assert (
        en._("Language: {language}").format(language="English") + " " + en._("(workspace default)") in shown
    )
    run(ws, "kari", "general", "/erfaring", "language nb")
    shown = shown_to(ws, "ola", "general", "status")  # told in Ola's Slack language (English)
    assert "Language: Norwegian Bokmål" in shown and "(workspace default)" not in shown
    ws.standin.set_locale(ws.user_id("ola"), "nb-NO")
    ws.deps.slack.forget_people()  # Slack tells apps of such changes with user_change; here, at once
    shown = shown_to(ws, "ola", "general", "status")
    language_line = nb._("Language: {language}").format(language=nb._("Norwegian Bokmål"))
    assert language_line in shown and nb._("(workspace default)") not in shown
    ws.standin.set_locale(ws.user_id("ola"), "en-US")
    ws.deps.slack.forget_people()
    run(ws, "kari", "team-platform", "/erfaring", "subscribe")
    shown = shown_to(ws, "ola", "team-platform", "status")
    assert "Language: English (workspace default)" in shown and "Monday at 09:00" in shown


def test_replies_only_the_person_sees_are_in_their_slack_language(
    ws: LocalWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb, en = translator("nb"), translator("en")
    speaks(ws, monkeypatch, ola="nb-NO", kari="nb-NO")
    general = ws.channel_id("general")  # English, as the workspace
    shown = shown_to(ws, "ola", "general", "help")
    assert nb._("this channel's settings") in shown and "this channel's settings" not in shown
    shown = shown_to(ws, "ola", "general", "status")
    assert (
        nb._(
            "{channel} is not subscribed to the weekly rhythm. "
            "An admin can start it with /erfaring subscribe."
        ).format(channel=f"<#{general}>")
        in shown
    )
    shown = shown_to(ws, "ola", "general", "subscribe")
    assert (
        nb._("Only workspace admins can change the weekly rhythm. Ask an admin, or see /erfaring status.")
        in shown
    )
    shown = shown_to(ws, "ola", "general", "pause 99")
    assert nb._("*{given}* is not a number of weeks.").format(given="99") in shown
    # The confirmation of a language change is in the new language, whatever the person speaks.
    shown = shown_to(ws, "kari", "general", "language en")
    assert shown.startswith(
        en._("Questions and digests in {channel} are now in {language}.").format(
            channel=f"<#{general}>", language="English"
        )
    )
    # Everything else stays in hers.
    shown = shown_to(ws, "kari", "general", "subscribe")
    assert nb._("{channel} is subscribed to the weekly rhythm.").format(channel=f"<#{general}>") in shown
    # Someone without a Slack locale gets the channel's language.
    assert "this channel's settings" in shown_to(ws, "per", "general", "help")


def test_posts_are_in_the_channels_language_and_admin_notes_in_each_admins(
    ws: LocalWorkspace, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    nb, en = translator("nb"), translator("en")
    kari, per = ws.user_id("kari"), ws.user_id("per")
    speaks(ws, monkeypatch, kari="en-GB", per="nb-NO")
    ws.deps.settings = dataclasses.replace(ws.deps.settings, admins=frozenset({kari, per}))
    run(ws, "kari", "team-platform", "/erfaring", "subscribe")
    run(ws, "kari", "team-platform", "/erfaring", "language nb")
    run(ws, "kari", "leaders", "/erfaring", "language en")  # private, the bot is not in it
    with ws.deps.db.session() as session:  # as if it had been subscribed while the bot was a member
        session.add(
            Subscription(
                team_id=ws.standin.team_id,
                channel_id=ws.channel_id("leaders"),
                active=True,
                prompt_weekday=0,
                prompt_time="09:00",
                digest_weekday=4,
                digest_time="14:00",
                holiday_country="NO",
                created_by=kari,
                created_at=clock.now() - timedelta(days=1),
                updated_at=clock.now() - timedelta(days=1),
            )
        )
        sub = session.scalar(
            select(Subscription).where(Subscription.channel_id == ws.channel_id("team-platform"))
        )
        assert sub is not None
        sub.created_at = clock.now() - timedelta(days=1)
    report = jobs.run_due(ws.deps, clock.now(), kinds=("prompt",), replica_id="test")
    ws.settle()  # the admins' notes go out through the outbox, as the delivery workers would send them
    assert sorted(o.status for o in report.outcomes) == ["failed", "posted"]
    prompt = last_bot_message(ws, "team-platform")
    assert prompt.text.startswith(nb._("This week's question: {question}").format(question=""))
    assert nb._("💬 This week's question") in json.dumps(prompt.blocks, ensure_ascii=False)

    # The admins hear about #leaders, each in their own language.
    def dm_text(user: str) -> str:
        [note] = [
            m for m in ws.standin.messages(ws.standin.im_channel(user)) if m.user == ws.standin.bot_user_id
        ]
        return note.text

    leaders = f"<#{ws.channel_id('leaders')}>"
    assert en._("I could not post the weekly question in {channel} ({error}).").format(
        channel=leaders, error="not_in_channel"
    ) in dm_text(kari)
    assert nb._("I could not post the weekly question in {channel} ({error}).").format(
        channel=leaders, error="not_in_channel"
    ) in dm_text(per)

    clock.set(datetime(2026, 3, 6, 13, 0, tzinfo=UTC))  # Friday 14:00 in Oslo
    jobs.run_due(ws.deps, clock.now(), kinds=("digest",), replica_id="test")
    digest = last_bot_message(ws, "team-platform")
    assert nb._("Weekly digest · week {week}").format(week=10) in json.dumps(
        digest.blocks, ensure_ascii=False
    )
