"""bot.core.settings: every variable's defaults and validation, and the one-line configuration errors."""

from __future__ import annotations

import pytest

import app
from bot.core.settings import DEFAULT_API_URL, DEFAULT_DATABASE_URL, ConfigError, Settings, load_settings

BOT = "xoxb-1-2-abc"
APP = "xapp-1-A1-abc"
SECRET = "0123456789abcdef0123456789abcdef"
BASE = {"SLACK_BOT_TOKEN": BOT, "SLACK_SIGNING_SECRET": SECRET}


def load(**overrides: str) -> Settings:
    return load_settings({**BASE, **overrides})


def config_error(**overrides: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load(**overrides)
    return info.value


# --- defaults ---------------------------------------------------------------------------------------


def test_defaults() -> None:
    settings = load()
    assert settings.bot_token == BOT
    assert settings.signing_secret == SECRET
    assert settings.app_token is None
    assert settings.socket_mode is False
    assert settings.has_slack_credentials is True
    assert settings.api_url == DEFAULT_API_URL == "https://slack.com/api/"
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.port == 3000
    assert settings.admins == frozenset()
    assert settings.language == "en"
    assert settings.timezone == "Europe/Oslo"
    assert len(settings.secret_key) >= 16


def test_blank_values_count_as_unset() -> None:
    settings = load(
        SLACK_APP_TOKEN="  ",
        SLACK_API_URL="",
        DATABASE_URL=" ",
        PORT="",
        ERFARING_ADMINS="",
        ERFARING_LANGUAGE=" ",
        ERFARING_TIMEZONE="",
    )
    assert settings == load()


def test_values_are_trimmed() -> None:
    settings = load(SLACK_BOT_TOKEN=f"  {BOT}\n", PORT=" 8080 ", ERFARING_LANGUAGE=" nb ")
    assert settings.bot_token == BOT
    assert settings.port == 8080
    assert settings.language == "nb"


# --- Slack tokens -----------------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["xoxp-1-2-3", "xapp-1-2", "abc", "XOXB-1-2", "xoxb"])
def test_bot_token_must_be_a_bot_token(token: str) -> None:
    error = config_error(SLACK_BOT_TOKEN=token)
    assert error.name == "SLACK_BOT_TOKEN"
    assert str(error).startswith("SLACK_BOT_TOKEN:")


@pytest.mark.parametrize("token", ["xoxb-1-2-3", "xoxp-1", "app-1", "XAPP-1"])
def test_app_token_must_be_an_app_token(token: str) -> None:
    error = config_error(SLACK_APP_TOKEN=token)
    assert error.name == "SLACK_APP_TOKEN"
    assert "SLACK_APP_TOKEN" in str(error)


def test_app_token_turns_on_socket_mode() -> None:
    settings = load(SLACK_APP_TOKEN=APP)
    assert settings.app_token == APP
    assert settings.socket_mode is True


@pytest.mark.parametrize("missing", ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"])
def test_slack_credentials_are_required(missing: str) -> None:
    env = {k: v for k, v in BASE.items() if k != missing}
    with pytest.raises(ConfigError) as info:
        load_settings(env)
    assert info.value.name == missing
    assert str(info.value).startswith(f"{missing}:")


def test_require_slack_false_allows_missing_tokens() -> None:
    settings = load_settings({}, require_slack=False)
    assert settings.bot_token is None
    assert settings.signing_secret is None
    assert settings.has_slack_credentials is False
    assert settings.database_url == DEFAULT_DATABASE_URL


def test_require_slack_false_still_checks_a_given_token() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({"SLACK_BOT_TOKEN": "xoxp-user"}, require_slack=False)
    assert info.value.name == "SLACK_BOT_TOKEN"


# --- SLACK_API_URL ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://slack.com/api/", "https://slack.com/api/"),
        ("https://slack.com/api", "https://slack.com/api/"),
        ("http://localhost:8888", "http://localhost:8888/"),
        ("http://127.0.0.1:9000/api", "http://127.0.0.1:9000/api/"),
    ],
)
def test_api_url_gets_a_trailing_slash(raw: str, expected: str) -> None:
    assert load(SLACK_API_URL=raw).api_url == expected


@pytest.mark.parametrize(
    "raw", ["slack.com/api", "ftp://slack.com/api/", "https://", "localhost:8888", "api"]
)
def test_api_url_must_be_http(raw: str) -> None:
    error = config_error(SLACK_API_URL=raw)
    assert error.name == "SLACK_API_URL"
    assert str(error).startswith("SLACK_API_URL:")


# --- DATABASE_URL -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sqlite:///erfaring.db", "sqlite:///erfaring.db"),
        ("sqlite:////var/lib/erfaring/db.sqlite", "sqlite:////var/lib/erfaring/db.sqlite"),
        ("postgresql+psycopg://u:p@db:5432/erfaring", "postgresql+psycopg://u:p@db:5432/erfaring"),
        ("postgresql://u:p@db:5432/erfaring", "postgresql+psycopg://u:p@db:5432/erfaring"),
        ("postgres://u:p@db/erfaring", "postgresql+psycopg://u:p@db/erfaring"),
    ],
)
def test_database_url_schemes(raw: str, expected: str) -> None:
    assert load(DATABASE_URL=raw).database_url == expected


@pytest.mark.parametrize(
    "raw", ["mysql://u@h/db", "postgresql+psycopg2://u@h/db", "erfaring.db", "http://db", "oracle://x"]
)
def test_database_url_rejects_other_schemes(raw: str) -> None:
    error = config_error(DATABASE_URL=raw)
    assert error.name == "DATABASE_URL"
    assert str(error).startswith("DATABASE_URL:")


# --- PORT -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), ("80", 80), ("3000", 3000), ("65535", 65535)])
def test_port_in_range(raw: str, expected: int) -> None:
    assert load(PORT=raw).port == expected


# '²' and '０' pass str.isdigit(); they must still be a ConfigError, never a bare ValueError.
@pytest.mark.parametrize(
    "raw",
    [
        "0",
        "65536",
        "-1",
        "abc",
        "80.5",
        "3e3",
        pytest.param("²", id="superscript-two"),
        pytest.param("０", id="fullwidth-zero"),
    ],
)
def test_port_out_of_range_or_not_a_number(raw: str) -> None:
    error = config_error(PORT=raw)
    assert error.name == "PORT"
    assert str(error).startswith("PORT:")


# --- ERFARING_ADMINS --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("U0123ABCD", {"U0123ABCD"}),
        ("U0123ABCD,W0456EFGH", {"U0123ABCD", "W0456EFGH"}),
        (" U0123ABCD ; U0456EFGH, ", {"U0123ABCD", "U0456EFGH"}),
        ("U0123ABCD,U0123ABCD", {"U0123ABCD"}),
    ],
)
def test_admins(raw: str, expected: set[str]) -> None:
    assert load(ERFARING_ADMINS=raw).admins == frozenset(expected)


@pytest.mark.parametrize("raw", ["u0123abcd", "C0123ABCD", "@alice", "U0123ABCD,alice", "<@U0123ABCD>", "U1"])
def test_admins_must_be_user_ids(raw: str) -> None:
    error = config_error(ERFARING_ADMINS=raw)
    assert error.name == "ERFARING_ADMINS"
    assert str(error).startswith("ERFARING_ADMINS:")


# --- ERFARING_LANGUAGE ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "nb"])
def test_language(language: str) -> None:
    assert load(ERFARING_LANGUAGE=language).language == language


@pytest.mark.parametrize("language", ["no", "nn", "de", "english", "en_US"])
def test_language_rejects_others(language: str) -> None:
    error = config_error(ERFARING_LANGUAGE=language)
    assert error.name == "ERFARING_LANGUAGE"
    assert str(error).startswith("ERFARING_LANGUAGE:")


# --- ERFARING_TIMEZONE ------------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["Europe/Oslo", "UTC", "America/New_York", "Asia/Kolkata"])
def test_timezone(zone: str) -> None:
    assert load(ERFARING_TIMEZONE=zone).timezone == zone


@pytest.mark.parametrize(
    "zone",
    ["Oslo", "Europe/Olso", "Europe", "+01:00", "../../etc/passwd", "/etc/localtime", "Europe/Oslo\x00"],
)
def test_timezone_rejects_non_iana(zone: str) -> None:
    error = config_error(ERFARING_TIMEZONE=zone)
    assert error.name == "ERFARING_TIMEZONE"
    assert str(error).startswith("ERFARING_TIMEZONE:")


# --- ERFARING_SECRET_KEY ----------------------------------------------------------------------------


def test_secret_key_given() -> None:
    assert load(ERFARING_SECRET_KEY="k" * 16).secret_key == b"k" * 16


@pytest.mark.parametrize("raw", ["k", "k" * 15, "  short-key   "])
def test_secret_key_too_short(raw: str) -> None:
    error = config_error(ERFARING_SECRET_KEY=raw)
    assert error.name == "ERFARING_SECRET_KEY"
    assert str(error).startswith("ERFARING_SECRET_KEY:")
    assert raw.strip() not in str(error)  # the (short) secret itself is not echoed


def test_secret_key_derived_from_signing_secret() -> None:
    one = load()
    again = load()
    other = load(SLACK_SIGNING_SECRET="another-signing-secret-value")
    assert one.secret_key == again.secret_key
    assert one.secret_key != other.secret_key
    assert SECRET.encode() not in one.secret_key


# --- the command line -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SLACK_BOT_TOKEN", "xoxp-user-token"),
        ("SLACK_APP_TOKEN", "xoxb-not-an-app-token"),
        ("SLACK_API_URL", "slack.com/api"),
        ("DATABASE_URL", "mysql://u@h/db"),
        ("PORT", "99999"),
        pytest.param("PORT", "²", id="PORT-superscript-two"),
        ("ERFARING_ADMINS", "alice"),
        ("ERFARING_LANGUAGE", "de"),
        ("ERFARING_TIMEZONE", "Mars/Olympus"),
        ("ERFARING_SECRET_KEY", "short"),
    ],
)
def test_cli_bad_value_is_one_line_on_stderr(
    capsys: pytest.CaptureFixture[str], name: str, value: str
) -> None:
    code = app.main(["serve"], env={**BASE, name: value})
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert name in lines[0]
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_cli_without_tokens_names_the_bot_token(capsys: pytest.CaptureFixture[str]) -> None:
    code = app.main(["serve"], env={})
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "SLACK_BOT_TOKEN" in lines[0]
    assert "Traceback" not in captured.err


def test_cli_default_command_is_serve(capsys: pytest.CaptureFixture[str]) -> None:
    code = app.main([], env={"SLACK_SIGNING_SECRET": SECRET})
    captured = capsys.readouterr()
    assert code == 2
    assert "SLACK_BOT_TOKEN" in captured.err


def test_the_outbox_lease_is_a_whole_number_of_seconds() -> None:
    from bot.core.settings import ConfigError, load_settings

    base = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    assert load_settings(base).outbox_lease_seconds == 60
    assert load_settings({**base, "ERFARING_OUTBOX_LEASE_SECONDS": "5"}).outbox_lease_seconds == 5
    for bad in ("0", "4", "3601", "1.5", "-10", "soon"):
        with pytest.raises(ConfigError) as caught:
            load_settings({**base, "ERFARING_OUTBOX_LEASE_SECONDS": bad})
        assert "ERFARING_OUTBOX_LEASE_SECONDS" in str(caught.value)
