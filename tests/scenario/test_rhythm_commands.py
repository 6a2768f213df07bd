"""/erfaring end to end: subscriptions and settings, as admins and others type them in Slack."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from bot.rhythm.prompts import builtin_prompts
from localslack.workspace import LocalWorkspace
from storage.rhythm.models import CustomPrompt, Subscription
from tests.scenario.conftest import START
from tests.scenario.helpers import everything_sent


def erfaring(ws: LocalWorkspace, user: str, channel: str, text: str = "") -> str:
    """Run `/erfaring <text>` and return what the person was shown for it (ack and responses)."""
    before = len(ws.standin.ephemerals(user=ws.user_id(user)))
    response = ws.driver.command(ws.user_id(user), ws.channel_id(channel), "/erfaring", text)
    assert response.ok and response.elapsed < 3, response
    ws.settle()
    shown = ws.standin.ephemerals(user=ws.user_id(user))[before:]
    assert shown, f"/erfaring {text} showed nothing"
    return "\n".join(e.text + json.dumps(e.blocks, ensure_ascii=False) for e in shown)


def subscription(ws: LocalWorkspace, channel: str) -> Subscription | None:
    with ws.deps.db.session() as session:
        return session.scalar(select(Subscription).where(Subscription.channel_id == ws.channel_id(channel)))


def joins(ws: LocalWorkspace) -> list[str]:
    return [str(call.args.get("channel")) for call in ws.standin.calls_to("conversations.join")]


def test_help_and_unknown_subcommands_show_every_subcommand(ws: LocalWorkspace) -> None:
    shown = erfaring(ws, "ola", "general", "help")
    for sub in (
        "subscribe",
        "unsubscribe",
        "schedule prompt|digest",
        "timezone",
        "language en|nb",
        "holidays",
    ):
        assert f"/erfaring {sub}" in shown
    assert "/erfaring pause" in shown and "/erfaring prompts add|list|remove" in shown
    assert "&lt;weekday&gt;" in shown, "placeholders are escaped mrkdwn"
    assert ":raised_hand:" in shown
    shown = erfaring(ws, "ola", "general", "subscrbe")
    assert "I don't know the subcommand *subscrbe*" in shown and "/erfaring subscribe" in shown
    assert subscription(ws, "general") is None


def test_a_non_admin_is_refused_and_nothing_changes(ws: LocalWorkspace) -> None:
    shown = erfaring(ws, "ola", "team-platform", "subscribe")
    assert "Only workspace admins" in shown
    assert subscription(ws, "team-platform") is None
    assert joins(ws) == []
    assert ws.standin.calls_to("users.info"), "Slack's admin flag was asked for"
    for text in ("unsubscribe", "schedule prompt monday 10:00", "timezone Europe/London", "pause 2"):
        assert "Only workspace admins" in erfaring(ws, "ola", "team-platform", text)
    shown = erfaring(ws, "ola", "general", "prompts add What did you learn from the outage?")
    assert "Only workspace admins" in shown
    assert "What did you learn from the outage?" in shown, "the text is given back"


def test_admin_subscribes_a_public_channel_and_the_bot_joins_it(ws: LocalWorkspace) -> None:
    shown = erfaring(ws, "kari", "team-platform", "subscribe")
    channel = ws.channel_id("team-platform")
    assert joins(ws) == [channel]
    sub = subscription(ws, "team-platform")
    assert sub is not None and sub.active and sub.created_by == ws.user_id("kari")
    assert f"<#{channel}> is subscribed" in shown
    assert "Monday at 09:00" in shown and "Friday at 14:00" in shown and "Europe/Oslo" in shown

    # A public channel the bot is not in yet: it joins by itself.
    kari = ws.user_id("kari")
    random = ws.standin.add_channel("random", members=[kari])
    ws.ids["#random"] = random.id
    assert "is subscribed" in erfaring(ws, "kari", "random", "subscribe")
    assert ws.standin.bot_user_id in ws.standin.channel(random.id).members
    assert joins(ws)[-1] == random.id

    # Twice is harmless.
    assert "already subscribed" in erfaring(ws, "kari", "team-platform", "subscribe")
    with ws.deps.db.session() as session:
        assert len(list(session.scalars(select(Subscription)))) == 2


def test_a_private_channel_needs_an_invite_first(ws: LocalWorkspace) -> None:
    shown = erfaring(ws, "kari", "leaders", "subscribe")
    assert "/invite @Erfaring" in shown and "private" in shown
    assert subscription(ws, "leaders") is None
    ws.standin.add_member(ws.channel_id("leaders"), ws.standin.bot_user_id)
    shown = erfaring(ws, "kari", "leaders", "subscribe")
    assert "is subscribed" in shown
    assert subscription(ws, "leaders") is not None


def test_a_direct_message_is_no_channel_to_subscribe(ws: LocalWorkspace) -> None:
    kari = ws.user_id("kari")
    ws.ids["#dm"] = ws.standin.im_channel(kari)
    assert "for channels" in erfaring(ws, "kari", "dm", "subscribe")
    assert subscription(ws, "dm") is None


def test_every_setting_with_english_and_norwegian_weekdays(ws: LocalWorkspace) -> None:
    erfaring(ws, "kari", "team-platform", "subscribe")
    shown = erfaring(ws, "kari", "team-platform", "schedule prompt tirsdag 9:30")
    assert "Tuesday at 09:30" in shown
    shown = erfaring(ws, "kari", "team-platform", "schedule digest søndag 18:00")
    assert "digest now comes every Sunday at 18:00" in shown
    erfaring(ws, "kari", "team-platform", "schedule digest Thu 15:45")
    assert "America/New_York" in erfaring(ws, "kari", "team-platform", "timezone america/new_york")
    assert "No posts on public holidays in SE" in erfaring(ws, "kari", "team-platform", "holidays se")
    shown = erfaring(ws, "kari", "team-platform", "pause 2")
    assert "Paused for 2 weeks" in shown
    sub = subscription(ws, "team-platform")
    assert sub is not None
    assert (sub.prompt_weekday, sub.prompt_time, sub.digest_weekday, sub.digest_time) == (
        1,
        "09:30",
        3,
        "15:45",
    )
    assert (sub.timezone, sub.holiday_country) == ("America/New_York", "SE")
    assert sub.paused_until == START + timedelta(weeks=2)

    shown = erfaring(ws, "ola", "team-platform", "status")
    for expected in ("Tuesday at 09:30", "Thursday at 15:45", "America/New_York", "SE", "Paused until"):
        assert expected in shown, expected
    assert "English (workspace default)" in shown

    assert "running again" in erfaring(ws, "kari", "team-platform", "pause 0")
    assert "Holidays are off" in erfaring(ws, "kari", "team-platform", "holidays off")
    shown = erfaring(ws, "ola", "team-platform", "")
    assert "Paused until" not in shown and "Holidays: off" in shown
    # Last, as from here on the channel is answered in Bokmål.
    erfaring(ws, "kari", "team-platform", "language nb")
    sub = subscription(ws, "team-platform")
    assert sub is not None
    assert (sub.paused_until, sub.holiday_country) == (None, None)
    assert ws.deps.languages.channel_own(ws.standin.team_id, ws.channel_id("team-platform")) == "nb"


def test_invalid_values_are_refused_at_once_naming_what_is_accepted(ws: LocalWorkspace) -> None:
    erfaring(ws, "kari", "team-platform", "subscribe")
    before = subscription(ws, "team-platform")
    cases = {
        "schedule prompt someday 09:00": ("*someday* is not a weekday", "mandag"),
        "schedule prompt monday 25:00": ("*25:00* is not a time", "HH:MM"),
        "schedule weekly monday 09:00": ("*weekly* is neither prompt nor digest", "prompt|digest"),
        "schedule": ("prompt|digest", "&lt;weekday&gt;"),
        "timezone Mars/Olympus": ("*Mars/Olympus* is not a time zone", "Europe/Oslo"),
        "timezone": ("IANA", "Europe/Oslo"),
        "language de": ("*de* is not a language", "en (English) or nb"),
        "holidays XX": ("*XX*", "NO, SE, DK"),
        "pause 99": ("*99* is not a number of weeks", "0 to 52"),
        "pause": ("0 to 52", "0 resumes"),
        "prompts shuffle": ("*shuffle*", "/erfaring prompts add"),
        "prompts remove x": ("*x* is not a question id", "prompts list"),
        "prompts add": ("1 to 300 characters", ""),
    }
    users_info_calls = len(ws.standin.calls_to("users.info"))
    for text, (wrong, accepted) in cases.items():
        shown = erfaring(ws, "kari", "team-platform", text)
        assert wrong in shown and accepted in shown, (text, shown)
    assert len(ws.standin.calls_to("users.info")) == users_info_calls, "refused before any slow check"
    after = subscription(ws, "team-platform")
    assert after is not None and before is not None
    assert (after.prompt_time, after.timezone, after.holiday_country, after.paused_until) == (
        before.prompt_time,
        before.timezone,
        before.holiday_country,
        before.paused_until,
    )
    assert ws.deps.languages.channel_own(ws.standin.team_id, ws.channel_id("team-platform")) is None
    # A wrong value from someone typing rubbish cannot ping anyone either.
    shown = erfaring(ws, "ola", "general", "timezone <!channel>")
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown


def test_settings_in_a_channel_that_is_not_subscribed(ws: LocalWorkspace) -> None:
    shown = erfaring(ws, "kari", "general", "schedule prompt monday 10:00")
    assert "not subscribed yet" in shown and "/erfaring subscribe" in shown
    assert subscription(ws, "general") is None
    shown = erfaring(ws, "ola", "general", "status")
    assert "is not subscribed to the weekly rhythm" in shown
    assert "Language: English (workspace default)" in shown, "every channel has a language"
    # The language is no subscription setting: it changes in a channel that is not subscribed.
    assert "now in Norwegian" not in erfaring(ws, "kari", "general", "language nb")
    assert "Norwegian" not in erfaring(ws, "kari", "general", "language nb"), "confirmed in Bokmål"
    assert ws.deps.languages.channel_own(ws.standin.team_id, ws.channel_id("general")) == "nb"
    assert subscription(ws, "general") is None


def test_unsubscribe_stops_and_subscribe_brings_back_the_settings(ws: LocalWorkspace) -> None:
    erfaring(ws, "kari", "team-platform", "subscribe")
    erfaring(ws, "kari", "team-platform", "schedule prompt onsdag 08:15")
    assert "is unsubscribed" in erfaring(ws, "kari", "team-platform", "unsubscribe")
    sub = subscription(ws, "team-platform")
    assert sub is not None and not sub.active
    assert "is unsubscribed" in erfaring(ws, "ola", "team-platform", "status")
    assert "was not subscribed" in erfaring(ws, "kari", "team-platform", "unsubscribe")
    shown = erfaring(ws, "kari", "team-platform", "subscribe")
    assert "subscribed again" in shown and "Wednesday at 08:15" in shown
    sub = subscription(ws, "team-platform")
    assert sub is not None and sub.active


def test_admins_manage_their_own_questions(ws: LocalWorkspace) -> None:
    shown = erfaring(ws, "ola", "general", "prompts list")
    assert "no questions of its own yet" in shown and str(len(builtin_prompts("en"))) in shown
    shown = erfaring(ws, "kari", "general", "prompts add What did the last incident teach you? <!channel>")
    assert "Added question #1 (English)" in shown
    erfaring(ws, "kari", "general", "prompts add nb: Hva lærte du av forrige hendelse?")
    shown = erfaring(ws, "ola", "general", "prompts")
    assert "#1" in shown and "What did the last incident teach you?" in shown
    assert "#2" in shown and "(nb) Hva lærte du av forrige hendelse?" in shown
    assert "<!channel>" not in everything_sent(ws), "a question's text is escaped everywhere"

    assert "already in the library" in erfaring(
        ws, "kari", "general", "prompts add what did the last incident teach you? <!channel>"
    )
    too_long = "Why " + "really " * 60 + "?"
    shown = erfaring(ws, "kari", "general", f"prompts add {too_long}")
    assert "1 to 300 characters" in shown and too_long in shown, "refused, with the text given back"

    assert "Removed question #1" in erfaring(ws, "kari", "general", "prompts remove 1")
    assert "There is no question #1" in erfaring(ws, "kari", "general", "prompts remove 1")
    assert "There is no question #99" in erfaring(ws, "kari", "general", "prompts remove 99")
    with ws.deps.db.session() as session:
        rows = list(session.scalars(select(CustomPrompt).order_by(CustomPrompt.id)))
    assert [(p.language, p.removed) for p in rows] == [("en", True), ("nb", False)]
    assert "What did the last incident" not in erfaring(ws, "ola", "general", "prompts list")


# --- Norwegian all the way, and slips of the keyboard (issue 9 §7) ------------------------------------


def test_a_slip_of_the_keyboard_asks_did_you_mean_instead_of_the_whole_help(ws: LocalWorkspace) -> None:
    shown = erfaring(ws, "kari", "general", "subscrbe")
    assert "Did you mean `/erfaring subscribe`?" in shown
    assert "/erfaring timezone" not in shown, "not the whole help"
    assert subscription(ws, "general") is None, "a slip changes nothing"
    shown = erfaring(ws, "kari", "general", "tidsplna digest fredag 14:00")
    assert "Did you mean `/erfaring tidsplan digest fredag 14:00`?" in shown
    # Far from every subcommand: the help, as before.
    shown = erfaring(ws, "kari", "general", "banana")
    assert "I don't know the subcommand *banana*" in shown and "/erfaring timezone" in shown


def test_the_help_in_bokmal_shows_norwegian_subcommands_and_placeholders(ws: LocalWorkspace) -> None:
    ws.standin.set_locale(ws.user_id("ola"), "nb-NO")
    ws.deps.slack.forget_people()
    shown = erfaring(ws, "ola", "general", "hjelp")
    for usage in (
        "/erfaring abonner",
        "/erfaring avslutt",
        "/erfaring tidsplan spørsmål|oppsummering &lt;ukedag&gt; &lt;TT:MM&gt;",
        "/erfaring tidssone &lt;IANA-navn&gt;",
        "/erfaring språk en|nb arbeidsområde",
        "/erfaring helligdager &lt;landkode&gt;|av",
        "/erfaring pause &lt;uker&gt;",
        "/erfaring spørsmål ny|liste|fjern",
    ):
        assert usage in shown, usage
    assert "&lt;weekday&gt;" not in shown and "/erfaring subscribe`" not in shown
    assert "Underkommandoene har engelske navn også: subscribe" in shown
    shown = erfaring(ws, "ola", "general", "abonerr")
    assert "Mente du `/erfaring abonner`?" in shown


def test_an_admin_runs_the_rhythm_in_norwegian(ws: LocalWorkspace) -> None:
    assert "is subscribed to the weekly rhythm" in erfaring(ws, "kari", "team-platform", "abonner")
    assert "Friday at 15:00" in erfaring(ws, "kari", "team-platform", "tidsplan oppsummering fredag 15:00")
    assert "Europe/London" in erfaring(ws, "kari", "team-platform", "tidssone europe/london")
    assert "Holidays are off" in erfaring(ws, "kari", "team-platform", "helligdager av")
    assert "Paused for 1 week" in erfaring(ws, "kari", "team-platform", "pause 1")
    assert "running again" in erfaring(ws, "kari", "team-platform", "fortsett")
    assert "Added question" in erfaring(
        ws, "kari", "team-platform", "spørsmål ny en: What did a customer teach you?"
    )
    assert "What did a customer teach you?" in erfaring(ws, "ola", "team-platform", "spørsmål liste")
    assert "Friday at 15:00" in erfaring(ws, "ola", "team-platform", "status")
    sub = subscription(ws, "team-platform")
    assert sub is not None
    assert (sub.digest_weekday, sub.digest_time, sub.timezone, sub.holiday_country, sub.paused_until) == (
        4,
        "15:00",
        "Europe/London",
        None,
        None,
    )
    assert "is unsubscribed" in erfaring(ws, "kari", "team-platform", "avslutt")
    sub = subscription(ws, "team-platform")
    assert sub is not None and not sub.active
