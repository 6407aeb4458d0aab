"""Settings: embedded defaults with nothing set, one clear line for each bad value."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from datetime import time
from multiprocessing import get_context
from pathlib import Path
from time import time as time_now

import pytest

from distributor.config import load_settings, parse_duration, parse_transport_url
from distributor.errors import ConfigError
from distributor.sending.throttle import DomainLimit


def test_nothing_set_runs_on_embedded_defaults(tmp_path: Path) -> None:
    settings = load_settings({"DISTRIBUTOR_DATA_DIR": str(tmp_path)})

    assert settings.database.render_as_string() == f"sqlite:///{tmp_path}/distributor.sqlite3"
    assert settings.broker_is_embedded
    assert settings.results.startswith("db+sqlite:///")
    assert settings.transport.scheme == "file"
    assert settings.transport.path == tmp_path / "outbox"


def test_data_dir_is_made_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings({}).data_dir == tmp_path / "var"


def test_postgres_urls_use_psycopg_3() -> None:
    settings = load_settings({"DISTRIBUTOR_DATABASE_URL": "postgres://u:p@db:5432/press"})
    assert settings.database.drivername == "postgresql+psycopg"


def test_redis_broker_keeps_results_in_redis() -> None:
    settings = load_settings({"DISTRIBUTOR_BROKER_URL": "redis://127.0.0.1:6379/0"})
    assert not settings.broker_is_embedded
    assert settings.results == "redis://127.0.0.1:6379/0"


def test_from_variable_sets_the_sender_and_bounce_domain() -> None:
    settings = load_settings({"DISTRIBUTOR_FROM": "Ministry Press <press@Ministry.example>"})
    assert settings.from_address == "Ministry Press <press@Ministry.example>"
    assert settings.envelope_domain == "ministry.example"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DISTRIBUTOR_DATABASE_URL", "not a url", "cannot parse it as a database URL"),
        ("DISTRIBUTOR_DATABASE_URL", "mysql://u@h/db", "unsupported database 'mysql'"),
        ("DISTRIBUTOR_BROKER_URL", "amqp://guest@h//", "unsupported scheme 'amqp'"),
        ("DISTRIBUTOR_BROKER_URL", "redis://:6379/0", "needs a host"),
        ("DISTRIBUTOR_BROKER_URL", "redis://h:99999/0", "port"),
        ("DISTRIBUTOR_SMTP_URL", "ftp://h", "unknown scheme 'ftp'"),
        ("DISTRIBUTOR_SMTP_URL", "smtp://h:notaport", "port"),
        ("DISTRIBUTOR_BASE_URL", "press.example.org", "http(s) URL"),
        ("DISTRIBUTOR_FROM", "press office", "expected an address"),
        ("DISTRIBUTOR_FROM", "a@b.example\r\nBcc: victim@x.example", "line breaks"),
        ("DISTRIBUTOR_BOUNCE_DOMAIN", "bounces@x.example", "bare domain"),
        ("DISTRIBUTOR_LOG_LEVEL", "chatty", "'DEBUG', 'INFO'"),
        ("DISTRIBUTOR_LOG_FORMAT", "xml", "'text' or 'json'"),
        ("DISTRIBUTOR_METRICS_PORT", "70000", "less than or equal to 65535"),
        ("DISTRIBUTOR_DKIM_SELECTOR", "s2026", "set both or neither"),
        ("DISTRIBUTOR_SEND_RATE", "0", "greater than 0"),
        ("DISTRIBUTOR_SEND_RATE", "fast", "valid number"),
        ("DISTRIBUTOR_DOMAIN_LIMITS", "gmail.com=20/s; outlook.com=lots", "'outlook.com=lots'"),
        ("DISTRIBUTOR_DOMAIN_LIMITS", "gmail.com 20/s", "no '='"),
        ("DISTRIBUTOR_UPLOAD_MAX_BYTES", "lots", "valid integer"),
        ("DISTRIBUTOR_UPLOAD_MAX_BYTES", "100", "greater than or equal to 1024"),
        ("DISTRIBUTOR_UPLOAD_MAX_BYTES", "1.5", "valid integer"),
    ],
)
def test_bad_value_names_the_variable_in_one_line(variable: str, value: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({variable: value})

    message = str(caught.value)
    assert "\n" not in message
    assert expected in message
    if variable != "DISTRIBUTOR_DKIM_SELECTOR":
        assert message.startswith(f"{variable}=")


def test_log_format_is_read_in_any_case() -> None:
    assert load_settings({"DISTRIBUTOR_LOG_FORMAT": "JSON"}).log_format == "json"
    assert load_settings({}).log_format == "text"


def test_passwords_never_appear_in_errors() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"DISTRIBUTOR_SMTP_URL": "smtp://user:hunter2@:25"})
    assert "hunter2" not in str(caught.value)


def test_missing_dkim_key_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_settings(
            {
                "DISTRIBUTOR_DKIM_SELECTOR": "s1",
                "DISTRIBUTOR_DKIM_KEY_FILE": str(tmp_path / "k.pem"),
            }
        )


def test_smtp_url_carries_credentials_and_default_ports() -> None:
    target = parse_transport_url("smtps://news%40ministry:p%40ss@relay.example")
    assert (target.host, target.port) == ("relay.example", 465)
    assert (target.username, target.password) == ("news@ministry", "p@ss")
    assert parse_transport_url("smtp://relay.example").port == 25


def test_signing_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = load_settings({"DISTRIBUTOR_DATA_DIR": str(tmp_path)})
    first = settings.signing_key()
    assert len(first) >= 32
    assert load_settings({"DISTRIBUTOR_DATA_DIR": str(tmp_path)}).signing_key() == first
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0


def _first_start_key(data_dir: str, start: float) -> str:
    """One process's first start: wait for the common moment, then ask for the key."""
    while time_now() < start:
        pass
    return load_settings({"DISTRIBUTOR_DATA_DIR": data_dir}).signing_key()


def test_processes_starting_together_share_one_whole_signing_key(tmp_path: Path) -> None:
    for trial in range(5):
        data_dir = str(tmp_path / str(trial))
        start = time_now() + 0.5
        with ProcessPoolExecutor(8, mp_context=get_context("fork")) as pool:
            keys = list(pool.map(_first_start_key, [data_dir] * 16, [start] * 16))

        assert len(set(keys)) == 1
        assert len(keys[0]) >= 32
        assert [p.name for p in Path(data_dir).iterdir()] == ["secret.key"]


def test_an_empty_key_file_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "secret.key").write_text("\n")

    with pytest.raises(ConfigError, match=r"secret\.key.*empty"):
        load_settings({"DISTRIBUTOR_DATA_DIR": str(tmp_path)}).signing_key()


def test_several_smtp_urls_are_relays_in_fail_over_order() -> None:
    settings = load_settings(
        {"DISTRIBUTOR_SMTP_URL": "smtp://a.example:587?tls=required, smtps://u:p@b.example"}
    )

    assert [(t.scheme, t.host, t.port, t.tls) for t in settings.transports] == [
        ("smtp", "a.example", 587, "required"),
        ("smtps", "b.example", 465, "auto"),
    ]
    assert settings.transport == settings.transports[0]


def test_smtp_url_options_set_timeout_and_ca_file() -> None:
    target = parse_transport_url("smtp://relay.example?timeout=10&cafile=/etc/ca.pem&tls=none")

    assert (target.timeout, str(target.cafile), target.tls) == (10.0, "/etc/ca.pem", "none")


def test_a_bad_relay_among_several_is_named_by_position_with_its_password_masked() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(
            {"DISTRIBUTOR_SMTP_URL": "smtp://a.example,smtp://u:hunter2@b.example?tls=maybe"}
        )

    message = str(caught.value)
    assert "URL 2 of 2" in message
    assert "tls='maybe'" in message
    assert "hunter2" not in message


def test_a_folder_cannot_be_listed_among_relays() -> None:
    with pytest.raises(ConfigError, match="fail-over"):
        load_settings({"DISTRIBUTOR_SMTP_URL": "smtp://a.example,file:///tmp/outbox"})


def test_send_rate_and_domain_limits_become_throttle_limits() -> None:
    settings = load_settings(
        {"DISTRIBUTOR_SEND_RATE": "100", "DISTRIBUTOR_DOMAIN_LIMITS": "gmail.com=20/s,4; *=50/s"}
    )

    limits = settings.throttle_limits
    assert limits.rate == 100
    assert limits.for_domain("gmail.com") == DomainLimit(rate=20, concurrency=4)
    assert limits.for_domain("other.example") == DomainLimit(rate=50)


def test_admin_uploads_take_up_to_100_mb_unless_upload_max_bytes_says_otherwise() -> None:
    assert load_settings({}).upload_max_bytes == 100 * 1024 * 1024
    assert load_settings({"DISTRIBUTOR_UPLOAD_MAX_BYTES": "5000"}).upload_max_bytes == 5000


def test_links_work_for_a_year_unless_link_max_age_says_otherwise() -> None:
    assert load_settings({}).link_max_age == 365 * 86400
    assert load_settings({"DISTRIBUTOR_LINK_MAX_AGE": "30d"}).link_max_age == 30 * 86400
    with pytest.raises(ConfigError, match=r"^DISTRIBUTOR_LINK_MAX_AGE=.*not a duration"):
        load_settings({"DISTRIBUTOR_LINK_MAX_AGE": "forever"})


def test_a_destination_that_asked_to_slow_down_rests_thirty_seconds_unless_set() -> None:
    assert load_settings({}).slow_down == 30
    assert load_settings({"DISTRIBUTOR_SLOW_DOWN": "2m"}).slow_down == 120
    with pytest.raises(ConfigError, match=r"^DISTRIBUTOR_SLOW_DOWN="):
        load_settings({"DISTRIBUTOR_SLOW_DOWN": "0"})


def test_admin_logins_last_twelve_hours_unless_session_max_age_says_otherwise() -> None:
    assert load_settings({}).session_max_age == 12 * 3600
    assert load_settings({"DISTRIBUTOR_SESSION_MAX_AGE": "30m"}).session_max_age == 30 * 60
    with pytest.raises(ConfigError, match=r"^DISTRIBUTOR_SESSION_MAX_AGE=.*not a duration"):
        load_settings({"DISTRIBUTOR_SESSION_MAX_AGE": "a while"})


def test_new_sendouts_track_neither_clicks_nor_opens_unless_settings_say_so() -> None:
    default = load_settings({})
    assert (default.track_clicks, default.track_opens) == (False, False)
    chosen = load_settings({"DISTRIBUTOR_TRACK_CLICKS": "true", "DISTRIBUTOR_TRACK_OPENS": "1"})
    assert (chosen.track_clicks, chosen.track_opens) == (True, True)


def test_a_tracking_switch_that_is_not_a_boolean_is_refused_naming_its_variable() -> None:
    with pytest.raises(ConfigError, match=r"^DISTRIBUTOR_TRACK_CLICKS="):
        load_settings({"DISTRIBUTOR_TRACK_CLICKS": "sometimes"})


def test_the_newsroom_has_no_sign_up_form_unless_signup_lists_names_lists() -> None:
    assert load_settings({}).signup_list_slugs == ()
    chosen = load_settings({"DISTRIBUTOR_SIGNUP_LISTS": " press, science,,press "})
    assert chosen.signup_list_slugs == ("press", "science")


def test_a_signup_list_that_is_not_a_slug_is_refused_naming_its_variable() -> None:
    with pytest.raises(ConfigError, match=r"^DISTRIBUTOR_SIGNUP_LISTS=.*list slug 'Press Desk'"):
        load_settings({"DISTRIBUTOR_SIGNUP_LISTS": "science,Press Desk"})


def test_sign_up_links_work_three_days_unless_signup_max_age_says_otherwise() -> None:
    assert load_settings({}).signup_max_age == 3 * 86400
    assert load_settings({"DISTRIBUTOR_SIGNUP_MAX_AGE": "2h"}).signup_max_age == 2 * 3600
    with pytest.raises(ConfigError, match=r"^DISTRIBUTOR_SIGNUP_MAX_AGE=.*not a duration"):
        load_settings({"DISTRIBUTOR_SIGNUP_MAX_AGE": "soon"})


def test_one_address_gets_one_sign_up_mail_in_five_minutes_unless_set_otherwise() -> None:
    assert load_settings({}).signup_mail_interval == 300
    assert load_settings({"DISTRIBUTOR_SIGNUP_MAIL_INTERVAL": "1h"}).signup_mail_interval == 3600
    with pytest.raises(ConfigError, match=r"^DISTRIBUTOR_SIGNUP_MAIL_INTERVAL="):
        load_settings({"DISTRIBUTOR_SIGNUP_MAIL_INTERVAL": "-5"})


def test_a_blank_signup_consent_is_refused_naming_its_variable() -> None:
    assert "unsubscribe" in load_settings({}).signup_consent
    with pytest.raises(ConfigError, match=r"^DISTRIBUTOR_SIGNUP_CONSENT=.*agrees to"):
        load_settings({"DISTRIBUTOR_SIGNUP_CONSENT": "   "})


def test_guard_settings_default_to_quiet_nights_a_fifth_and_two_a_day() -> None:
    settings = load_settings({})
    assert settings.quiet_window == (time(22, 0), time(7, 0))
    assert (settings.guard_share, settings.daily_release_limit) == (0.2, 2)


def test_quiet_hours_can_be_switched_off() -> None:
    assert load_settings({"DISTRIBUTOR_QUIET_HOURS": "off"}).quiet_window is None


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DISTRIBUTOR_QUIET_HOURS", "10pm-7am"),
        ("DISTRIBUTOR_QUIET_HOURS", "22:00-22:00"),
        ("DISTRIBUTOR_GUARD_SHARE", "1.5"),
        ("DISTRIBUTOR_DAILY_RELEASE_LIMIT", "-1"),
    ],
)
def test_bad_guard_setting_is_named(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({variable: value})
    assert str(caught.value).startswith(f"{variable}={value!r}")


def test_the_office_is_named_by_organization_or_else_by_the_from_name() -> None:
    named = load_settings({"DISTRIBUTOR_ORGANIZATION": " Ministry of Science "})
    from_name = load_settings({"DISTRIBUTOR_FROM": "Culture Press Office <press@culture.example>"})

    assert named.organization_name == "Ministry of Science"
    assert from_name.organization_name == "Culture Press Office"
    assert load_settings({}).organization_name == "Press Office"


def test_a_logo_is_an_image_file_that_exists(tmp_path: Path) -> None:
    logo = tmp_path / "logo.PNG"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")

    settings = load_settings({"DISTRIBUTOR_LOGO": str(logo)})

    assert settings.logo == logo
    assert settings.logo_type == "image/png"
    assert load_settings({}).logo is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [("missing.png", "DISTRIBUTOR_LOGO="), ("logo.pdf", "expected an image file ending in")],
)
def test_a_logo_that_is_missing_or_no_image_is_refused(
    tmp_path: Path, name: str, expected: str
) -> None:
    (tmp_path / "logo.pdf").write_bytes(b"%PDF")

    with pytest.raises(ConfigError, match=expected):
        load_settings({"DISTRIBUTOR_LOGO": str(tmp_path / name)})


def test_a_secret_key_shorter_than_32_characters_is_refused_naming_the_setting() -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings({"DISTRIBUTOR_SECRET_KEY": "hunter2-secret"})

    assert str(refused.value).startswith("DISTRIBUTOR_SECRET_KEY='***': must be at least 32")
    assert "hunter2" not in str(refused.value)


def test_a_secret_key_of_32_characters_signs() -> None:
    key = "k" * 32
    assert load_settings({"DISTRIBUTOR_SECRET_KEY": key}).signing_key() == key


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e999", "NaNd"])
def test_a_duration_that_is_not_a_finite_number_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration"):
        parse_duration(text)
