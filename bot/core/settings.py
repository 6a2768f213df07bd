"""Configuration from the environment (and `.env`), validated once at start-up."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LANGUAGES = ("en", "nb")
DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///erfaring.db"
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


class ConfigError(ValueError):
    """A configuration value is missing or invalid; `str()` is the one line shown at start-up."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name


@dataclass(frozen=True)
class Settings:
    bot_token: str | None
    signing_secret: str | None
    app_token: str | None = None
    api_url: str = DEFAULT_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    port: int = 3000
    admins: frozenset[str] = field(default_factory=frozenset)
    # ERFARING_RETENTION_DAYS: how long an uninstalled workspace's data stays before it is deleted.
    retention_days: int = 30
    language: str = "en"
    timezone: str = "Europe/Oslo"
    secret_key: bytes = b""
    leaders: frozenset[str] = field(default_factory=frozenset)  # ERFARING_LEADERS: get the monthly report
    # ERFARING_OUTBOX_LEASE_SECONDS: how long a delivery worker holds an effect before another may take
    # it over (a worker that died: kill -9, a lost machine).
    outbox_lease_seconds: int = 60

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None

    @property
    def has_slack_credentials(self) -> bool:
        return bool(self.bot_token and self.signing_secret)


def _clean(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _require(env: Mapping[str, str], name: str, hint: str) -> str:
    value = _clean(env, name)
    if value is None:
        raise ConfigError(name, f"is not set ({hint})")
    return value


def _port(raw: str | None) -> int:
    if raw is None:
        return 3000
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 65535:
        raise ConfigError("PORT", f"must be a number from 1 to 65535, got {raw!r}")
    return int(raw)


def _api_url(raw: str | None) -> str:
    if raw is None:
        return DEFAULT_API_URL
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError("SLACK_API_URL", f"must be an http(s) URL such as {DEFAULT_API_URL}, got {raw!r}")
    # WebClient joins method names onto base_url, so it must end with a slash.
    return raw if raw.endswith("/") else raw + "/"


def _database_url(raw: str | None) -> str:
    if raw is None:
        return DEFAULT_DATABASE_URL
    scheme = raw.split(":", 1)[0]
    if scheme == "postgresql" or scheme == "postgres":
        # Plain postgresql:// would pick psycopg2, which we do not ship.
        return "postgresql+psycopg:" + raw.split(":", 1)[1]
    if scheme not in ("sqlite", "postgresql+psycopg"):
        raise ConfigError(
            "DATABASE_URL",
            f"must start with sqlite:/// or postgresql+psycopg://, got {scheme!r}",
        )
    return raw


def _user_ids(raw: str | None, name: str) -> frozenset[str]:
    if raw is None:
        return frozenset()
    ids = [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
    for user_id in ids:
        if not _USER_ID.match(user_id):
            raise ConfigError(name, f"must be Slack user IDs like U0123ABCD, got {user_id!r}")
    return frozenset(ids)


def _admins(raw: str | None) -> frozenset[str]:
    return _user_ids(raw, "ERFARING_ADMINS")


def _retention_days(raw: str | None) -> int:
    if raw is None:
        return 30
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 3650:
        raise ConfigError("ERFARING_RETENTION_DAYS", f"must be a whole number from 1 to 3650, got {raw!r}")
    return int(raw)


def _leaders(raw: str | None) -> frozenset[str]:
    return _user_ids(raw, "ERFARING_LEADERS")


def _language(raw: str | None) -> str:
    if raw is None:
        return "en"
    if raw not in LANGUAGES:
        raise ConfigError("ERFARING_LANGUAGE", f"must be one of {', '.join(LANGUAGES)}, got {raw!r}")
    return raw


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _timezone(raw: str | None) -> str:
    if raw is None:
        return "Europe/Oslo"
    if not valid_timezone(raw):
        raise ConfigError("ERFARING_TIMEZONE", f"must be an IANA time zone such as Europe/Oslo, got {raw!r}")
    return raw


def _secret_key(raw: str | None, signing_secret: str | None) -> bytes:
    if raw is not None:
        if len(raw) < 16:
            raise ConfigError("ERFARING_SECRET_KEY", "must be at least 16 characters")
        return raw.encode()
    # Without an explicit key, derive one from the signing secret: it is server-side only as well.
    base = (signing_secret or "erfaring-local-console").encode()
    return hmac.new(base, b"erfaring-anonymous-authors", hashlib.sha256).digest()


def _whole_number(name: str, raw: str | None, default: int, low: int, high: int) -> int:
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise ConfigError(name, f"must be a whole number from {low} to {high}, got {raw!r}")
    return int(raw)


def load_settings(env: Mapping[str, str], *, require_slack: bool = True) -> Settings:
    """Read and check every setting; raise ConfigError naming the first bad one."""
    bot_token = _clean(env, "SLACK_BOT_TOKEN")
    signing_secret = _clean(env, "SLACK_SIGNING_SECRET")
    app_token = _clean(env, "SLACK_APP_TOKEN")
    if require_slack:
        bot_token = _require(env, "SLACK_BOT_TOKEN", "the Bot User OAuth Token, xoxb-...")
        signing_secret = _require(env, "SLACK_SIGNING_SECRET", "Basic Information > Signing Secret")
    if bot_token is not None and not bot_token.startswith("xoxb-"):
        raise ConfigError("SLACK_BOT_TOKEN", "must be a bot token starting with xoxb-")
    if app_token is not None and not app_token.startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN", "must be an app-level token starting with xapp- (or be unset)")
    return Settings(
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        api_url=_api_url(_clean(env, "SLACK_API_URL")),
        database_url=_database_url(_clean(env, "DATABASE_URL")),
        port=_port(_clean(env, "PORT")),
        admins=_admins(_clean(env, "ERFARING_ADMINS")),
        retention_days=_retention_days(_clean(env, "ERFARING_RETENTION_DAYS")),
        language=_language(_clean(env, "ERFARING_LANGUAGE")),
        timezone=_timezone(_clean(env, "ERFARING_TIMEZONE")),
        secret_key=_secret_key(_clean(env, "ERFARING_SECRET_KEY"), signing_secret),
        leaders=_leaders(_clean(env, "ERFARING_LEADERS")),
        outbox_lease_seconds=_whole_number(
            "ERFARING_OUTBOX_LEASE_SECONDS", _clean(env, "ERFARING_OUTBOX_LEASE_SECONDS"), 60, 5, 3600
        ),
    )
