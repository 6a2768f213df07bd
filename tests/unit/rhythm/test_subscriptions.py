"""bot.rhythm.subscriptions: subscribe, settings, pause, effective values, how the last post went.

A channel's language is no longer a subscription setting: tests/unit/core/test_language.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.rhythm import subscriptions
from bot.rhythm.commands import Field, InvalidValue
from bot.rhythm.data import ChannelSettings
from bot.rhythm.ids import DIGEST, PROMPT
from storage.core.queries import ensure_workspace
from storage.db import Database
from storage.rhythm.models import Subscription

T1, C1, C2 = "T1", "C1", "C2"
ADMIN = "UADMIN01"
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def subscribe(db: Database, channel: str = C1, now: datetime = NOW) -> subscriptions.SubscribeResult:
    with db.session() as session:
        return subscriptions.subscribe(session, team_id=T1, channel_id=channel, user_id=ADMIN, now=now)


def current(db: Database, channel: str = C1) -> Subscription:
    with db.session() as session:
        sub = subscriptions.get(session, T1, channel)
    assert sub is not None
    return sub


def effective(db: Database, channel: str = C1) -> ChannelSettings:
    with db.session() as session:
        shown = subscriptions.channel_settings(session, T1, channel, default_timezone="Europe/Oslo", now=NOW)
    assert shown is not None
    return shown


def test_subscribe_creates_with_the_defaults_and_is_idempotent(db: Database) -> None:
    first = subscribe(db)
    assert first.created and not first.reactivated
    sub = current(db)
    assert (sub.active, sub.prompt_weekday, sub.prompt_time, sub.digest_weekday, sub.digest_time) == (
        True,
        0,
        "09:00",
        4,
        "14:00",
    )
    assert sub.holiday_country == "NO" and sub.timezone is None
    again = subscribe(db, now=NOW + timedelta(minutes=1))
    assert not again.created and not again.reactivated
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == 1


def test_unsubscribe_keeps_the_settings_and_subscribe_reactivates_them(db: Database) -> None:
    subscribe(db)
    with db.session() as session:
        subscriptions.set_schedule(session, T1, C1, DIGEST, 3, "15:30", NOW)
        sub = subscriptions.get(session, T1, C1)
        assert sub is not None
        sub.last_error = "is_archived"
        assert subscriptions.unsubscribe(session, T1, C1, NOW)
        assert not subscriptions.unsubscribe(session, T1, C1, NOW), "a second time changes nothing"
        assert not subscriptions.unsubscribe(session, T1, C2, NOW), "never subscribed"
    assert not current(db).active
    result = subscribe(db)
    assert result.reactivated and not result.created
    sub = current(db)
    assert sub.active and (sub.digest_weekday, sub.digest_time) == (3, "15:30")
    assert sub.last_error is None


def test_settings_need_a_subscription(db: Database) -> None:
    with db.session() as session:
        for change in (
            lambda: subscriptions.set_schedule(session, T1, C1, PROMPT, 0, "09:00", NOW),
            lambda: subscriptions.set_timezone(session, T1, C1, "Europe/Oslo", NOW),
            lambda: subscriptions.set_holidays(session, T1, C1, None, NOW),
            lambda: subscriptions.pause(session, T1, C1, 1, NOW),
        ):
            with pytest.raises(subscriptions.NotSubscribed):
                change()


def test_setters_store_checked_values(db: Database) -> None:
    subscribe(db)
    with db.session() as session:
        subscriptions.set_schedule(session, T1, C1, PROMPT, 2, "7:05", NOW)
        subscriptions.set_timezone(session, T1, C1, "america/new_york", NOW)
        subscriptions.set_holidays(session, T1, C1, "se", NOW)
    sub = current(db)
    assert (sub.prompt_weekday, sub.prompt_time) == (2, "07:05")
    assert sub.timezone == "America/New_York"
    assert sub.holiday_country == "SE"
    with db.session() as session:
        subscriptions.set_holidays(session, T1, C1, None, NOW)
    assert current(db).holiday_country is None

    with db.session() as session:
        for change, field in (
            (lambda: subscriptions.set_schedule(session, T1, C1, "weekly", 0, "09:00", NOW), Field.KIND),
            (lambda: subscriptions.set_schedule(session, T1, C1, PROMPT, 7, "09:00", NOW), Field.WEEKDAY),
            (lambda: subscriptions.set_schedule(session, T1, C1, PROMPT, 0, "24:00", NOW), Field.TIME),
            (lambda: subscriptions.set_timezone(session, T1, C1, "Mars/Olympus", NOW), Field.TIMEZONE),
            (lambda: subscriptions.set_holidays(session, T1, C1, "ZZ", NOW), Field.HOLIDAYS),
            (lambda: subscriptions.pause(session, T1, C1, 53, NOW), Field.WEEKS),
        ):
            with pytest.raises(InvalidValue) as caught:
                change()
            assert caught.value.field is field
    assert current(db).timezone == "America/New_York", "nothing bad was stored"


def test_pause_sets_an_end_and_zero_resumes(db: Database) -> None:
    subscribe(db)
    with db.session() as session:
        subscriptions.pause(session, T1, C1, 3, NOW)
    assert current(db).paused_until == NOW + timedelta(weeks=3)
    assert effective(db).paused_until == NOW + timedelta(weeks=3)
    with db.session() as session:
        subscriptions.pause(session, T1, C1, 0, NOW)
    assert current(db).paused_until is None


def test_effective_settings_fall_back_to_the_workspace_then_the_defaults(db: Database) -> None:
    subscribe(db)
    shown = effective(db)
    assert (shown.timezone, shown.timezone_inherited) == ("Europe/Oslo", True)
    with db.session() as session:
        ensure_workspace(session, T1, NOW).timezone = "Europe/London"
    shown = effective(db)
    assert (shown.timezone, shown.timezone_inherited) == ("Europe/London", True)
    with db.session() as session:
        subscriptions.set_timezone(session, T1, C1, "Asia/Tokyo", NOW)
    shown = effective(db)
    assert (shown.timezone, shown.timezone_inherited) == ("Asia/Tokyo", False)


def test_a_channel_never_subscribed_has_no_settings(db: Database) -> None:
    with db.session() as session:
        assert subscriptions.channel_settings(session, T1, C2, default_timezone="UTC", now=NOW) is None


def test_a_failure_is_news_once_and_an_archived_channel_is_switched_off(db: Database) -> None:
    subscribe(db)
    sub_id = current(db).id
    with db.session() as session:
        assert subscriptions.record_failure(session, sub_id, "not_in_channel", NOW)
        assert not subscriptions.record_failure(session, sub_id, "not_in_channel", NOW), "told once"
    assert current(db).last_error == "not_in_channel" and current(db).active
    with db.session() as session:
        assert subscriptions.record_failure(session, sub_id, subscriptions.ARCHIVED, NOW), "a new error"
    assert current(db).active is False and current(db).last_error == "is_archived"
    with db.session() as session:
        subscriptions.clear_failure(session, sub_id)
        assert not subscriptions.record_failure(session, 424242, "channel_not_found", NOW), "no such row"
    assert current(db).last_error is None
