"""Language per workspace (ERFARING_LANGUAGE as the default) and per channel."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.core.i18n import translator
from bot.core.slack import UserInfo
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


# --- the weekly rhythm: /erfaring language, replies in the person's language, posts in the channel's ---


def speaks(ws: LocalWorkspace, monkeypatch: pytest.MonkeyPatch, **locales: str) -> None:
    """Give people a Slack locale, as users.info (include_locale) reports it. The stand-in's users
    carry none, so the gateway's answer is dressed up here."""
    real = ws.deps.slack.user_info
    by_id = {ws.user_id(name): locale for name, locale in locales.items()}

    def user_info(team_id: str, user_id: str, *, fresh: bool = False, quick: bool = False) -> UserInfo | None:
        info = real(team_id, user_id, fresh=fresh, quick=quick)
        if info is not None and user_id in by_id:
            return dataclasses.replace(info, locale=by_id[user_id])
        return info

    monkeypatch.setattr(ws.deps.slack, "user_info", user_info)


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

    # Others may not change it (and are told so in the channel's language: they have no Slack locale).
    refused = run(ws, "ola", "general", "/erfaring", "language en")
    assert refused == nb._(
        "Only workspace admins can change the weekly rhythm. Ask an admin, or see /erfaring status."
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
    shown = shown_to(ws, "ola", "general", "status")  # ola has no Slack locale: the channel's language
    language_line = nb._("Language: {language}").format(language=nb._("Norwegian Bokmål"))
    assert language_line in shown and nb._("(workspace default)") not in shown
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
