"""Channel subscriptions to the weekly rhythm and their settings. Plain data in, rows out; no Slack.

Values arrive already parsed (bot.rhythm.commands); the setters check them again, so a caller that
skips parsing still cannot store a bad zone, language or country.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.rhythm import commands as parsing
from bot.rhythm import timing
from bot.rhythm.commands import Field, InvalidValue
from bot.rhythm.data import ChannelSettings
from bot.rhythm.ids import DIGEST, PROMPT
from storage.rhythm import queries
from storage.rhythm.models import Subscription

# Slack's error for a post in an archived channel: the subscription is switched off.
ARCHIVED = "is_archived"
LAST_ERROR_MAX = 120


class NotSubscribed(LookupError):
    """The channel has never been subscribed, so it has no settings to change."""


def get(session: Session, team_id: str, channel_id: str) -> Subscription | None:
    return queries.subscription(session, team_id, channel_id)


def _require(session: Session, team_id: str, channel_id: str) -> Subscription:
    sub = get(session, team_id, channel_id)
    if sub is None:
        raise NotSubscribed(channel_id)
    return sub


@dataclass(frozen=True)
class SubscribeResult:
    subscription: Subscription
    created: bool  # a new subscription with the defaults
    reactivated: bool  # an old one switched back on, with its earlier settings


def subscribe(
    session: Session, *, team_id: str, channel_id: str, user_id: str, now: datetime
) -> SubscribeResult:
    """Idempotent: an active subscription stays as it is; an inactive one is switched back on."""
    existing = get(session, team_id, channel_id)
    if existing is None:
        sub = Subscription(
            team_id=team_id,
            channel_id=channel_id,
            active=True,
            prompt_weekday=0,
            prompt_time="09:00",
            digest_weekday=4,
            digest_time="14:00",
            holiday_country="NO",
            created_by=user_id,
            created_at=now,
            updated_at=now,
        )
        try:
            with session.begin_nested():
                session.add(sub)
        except IntegrityError:
            # Someone subscribed the channel at the same moment (a double click, another replica).
            return SubscribeResult(_require(session, team_id, channel_id), created=False, reactivated=False)
        return SubscribeResult(sub, created=True, reactivated=False)
    if existing.active:
        return SubscribeResult(existing, created=False, reactivated=False)
    existing.active = True
    existing.last_error = None  # whatever stopped posts before, an admin has just looked at it
    existing.updated_at = now
    session.flush()
    return SubscribeResult(existing, created=False, reactivated=True)


def unsubscribe(session: Session, team_id: str, channel_id: str, now: datetime) -> bool:
    """Stop the rhythm in a channel, keeping its settings for a later subscribe. False when it was
    not subscribed."""
    sub = get(session, team_id, channel_id)
    if sub is None or not sub.active:
        return False
    sub.active = False
    sub.updated_at = now
    session.flush()
    return True


def set_schedule(
    session: Session, team_id: str, channel_id: str, kind: str, weekday: int, at: str, now: datetime
) -> Subscription:
    """When the prompt or the digest goes out: weekday (Monday = 0) and "HH:MM" on the channel's clock."""
    if kind not in (PROMPT, DIGEST):
        raise InvalidValue(Field.KIND, kind)
    if not 0 <= weekday <= 6:
        raise InvalidValue(Field.WEEKDAY, str(weekday))
    at = parsing.parse_time(at)
    sub = _require(session, team_id, channel_id)
    if kind == PROMPT:
        sub.prompt_weekday, sub.prompt_time = weekday, at
    else:
        sub.digest_weekday, sub.digest_time = weekday, at
    sub.updated_at = now
    session.flush()
    return sub


def set_timezone(session: Session, team_id: str, channel_id: str, name: str, now: datetime) -> Subscription:
    sub = _require(session, team_id, channel_id)
    sub.timezone = parsing.parse_timezone(name)
    sub.updated_at = now
    session.flush()
    return sub


def set_holidays(
    session: Session, team_id: str, channel_id: str, country: str | None, now: datetime
) -> Subscription:
    """No posts on `country`'s public holidays; None switches holidays off."""
    sub = _require(session, team_id, channel_id)
    sub.holiday_country = None if country is None else parsing.parse_holidays(country)
    sub.updated_at = now
    session.flush()
    return sub


def pause(session: Session, team_id: str, channel_id: str, weeks: int, now: datetime) -> Subscription:
    """No posts for `weeks` weeks from now; 0 resumes at once."""
    if not 0 <= weeks <= parsing.MAX_PAUSE_WEEKS:
        raise InvalidValue(Field.WEEKS, str(weeks))
    sub = _require(session, team_id, channel_id)
    sub.paused_until = now + timedelta(weeks=weeks) if weeks else None
    sub.updated_at = now
    session.flush()
    return sub


# --- how the last post went ----------------------------------------------------------------------------


def record_failure(session: Session, subscription_id: int, code: str, now: datetime) -> bool:
    """Remember why the channel's last post failed; an archived channel's subscription is switched
    off until someone subscribes it again. False when admins heard about this error already (or the
    subscription is gone), so they are not told every week."""
    sub = session.get(Subscription, subscription_id)
    if sub is None:
        return False
    previous = sub.last_error
    sub.last_error = code[:LAST_ERROR_MAX]
    if code == ARCHIVED:
        sub.active = False
        sub.updated_at = now
    session.flush()
    return previous != code


def clear_failure(session: Session, subscription_id: int) -> None:
    """The channel's post went out: whatever failed before is over."""
    sub = session.get(Subscription, subscription_id)
    if sub is not None and sub.last_error is not None:
        sub.last_error = None


# --- reading the effective settings -----------------------------------------------------------------


def settings_of(
    session: Session, sub: Subscription, *, default_timezone: str, now: datetime
) -> ChannelSettings:
    """The subscription's settings as they behave (its language is the channel's: bot.core.language)."""
    return ChannelSettings(
        channel_id=sub.channel_id,
        active=sub.active,
        prompt_weekday=sub.prompt_weekday,
        prompt_time=sub.prompt_time,
        digest_weekday=sub.digest_weekday,
        digest_time=sub.digest_time,
        timezone=timing.effective_timezone(session, sub, default_timezone),
        timezone_inherited=timing.zone(sub.timezone) is None,
        holiday_country=sub.holiday_country,
        paused_until=sub.paused_until if timing.is_paused(sub, now) else None,
        last_error=sub.last_error,
    )


def channel_settings(
    session: Session, team_id: str, channel_id: str, *, default_timezone: str, now: datetime
) -> ChannelSettings | None:
    """The channel's settings, or None when it was never subscribed."""
    sub = get(session, team_id, channel_id)
    return None if sub is None else settings_of(session, sub, default_timezone=default_timezone, now=now)
