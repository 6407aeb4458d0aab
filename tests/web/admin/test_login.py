"""/admin/login and the session cookie: who gets in, for how long, and where they land."""

from __future__ import annotations

import time

import pytest

from distributor.accounts import passwords
from distributor.accounts.users import deactivate, set_role
from distributor.audit import Actor
from distributor.models import Role
from distributor.web.sessions import COOKIE, BrowserSession, SessionCookies
from tests.web.admin.conftest import EMAILS, PASSWORD, Admin
from tests.web.conftest import web_settings


def test_the_right_password_starts_a_session_and_goes_to_next(admin: Admin) -> None:
    browser = admin.browser()

    response = browser.log_in(EMAILS[Role.VIEWER], target="/admin/lists?archived=true")

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/lists?archived=true"
    assert browser.get("/admin/lists").status_code == 200


def test_the_session_cookie_is_http_only_same_site_lax_and_expires(admin: Admin) -> None:
    response = admin.browser().log_in(EMAILS[Role.VIEWER])

    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith(f"{COOKIE}=")
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert f"max-age={12 * 3600}" in cookie
    assert "secure" not in cookie  # the app is served over http here


def test_the_session_cookie_is_secure_when_the_base_url_is_https(admin: Admin) -> None:
    admin.reconfigure(base_url="https://press.example")

    response = admin.browser().log_in(EMAILS[Role.VIEWER])

    assert "; secure" in response.headers["set-cookie"].lower()


def test_a_wrong_password_shows_the_form_again_and_starts_no_session(admin: Admin) -> None:
    browser = admin.browser()

    response = browser.log_in(EMAILS[Role.ADMIN], "not the password")

    assert response.status_code == 401
    assert '<p class="alert" role="alert">The email or password is not right.' in response.text
    assert "set-cookie" not in response.headers
    assert browser.get("/admin").status_code == 303


def test_a_wrong_password_keeps_the_email_typed_and_never_the_password(admin: Admin) -> None:
    response = admin.browser().log_in(EMAILS[Role.ADMIN], "not the password")

    assert f'id="f-email" name="email" type="email" value="{EMAILS[Role.ADMIN]}"' in response.text
    assert 'id="f-password" name="password" type="password" value=""' in response.text
    assert "not the password" not in response.text


def test_an_empty_email_is_a_field_error_and_tries_no_login(admin: Admin) -> None:
    browser = admin.browser()

    response = browser.log_in("  ", "a password")

    assert response.status_code == 422
    assert '<span class="error" id="e-email">Enter the email address you log in with.</span>' in (
        response.text
    )
    assert 'aria-invalid="true"' in response.text
    assert "before you can log in" in response.text
    assert "set-cookie" not in response.headers


def test_an_empty_password_is_a_field_error_keeping_the_email(admin: Admin) -> None:
    response = admin.browser().log_in(EMAILS[Role.VIEWER], "")

    assert response.status_code == 422
    assert '<span class="error" id="e-password">Enter your password.</span>' in response.text
    assert f'value="{EMAILS[Role.VIEWER]}"' in response.text


def test_repeated_failures_lock_the_login_with_429_and_retry_after(admin: Admin) -> None:
    browser = admin.browser()
    for _ in range(5):
        assert browser.log_in(EMAILS[Role.ADMIN], "guess again!").status_code == 401

    response = browser.log_in(EMAILS[Role.ADMIN])  # even the right password waits

    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    assert "set-cookie" not in response.headers


def test_display_name_variants_of_the_address_share_one_lock(admin: Admin) -> None:
    browser = admin.browser()
    email = EMAILS[Role.ADMIN]
    for number in range(5):
        variant = f"x{number} <{email.upper()}>"
        assert browser.log_in(variant, "guess again!").status_code == 401

    response = browser.log_in(f"Someone Else <{email}>")

    assert response.status_code == 429


def test_a_login_while_every_password_check_is_taken_is_told_to_come_back(
    admin: Admin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passwords, "HASH_WAIT", 0.05)
    browser = admin.browser()
    held = [passwords._SLOTS.acquire() for _ in range(passwords.HASH_SLOTS)]
    try:
        response = browser.log_in(EMAILS[Role.ADMIN])
    finally:
        for _ in held:
            passwords._SLOTS.release()

    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0
    assert "Try again in a few seconds" in response.text
    assert "set-cookie" not in response.headers
    assert browser.log_in(EMAILS[Role.ADMIN]).status_code == 303  # a slot free: in at once


def test_a_successful_login_forgets_earlier_failures(admin: Admin) -> None:
    browser = admin.browser()
    for _ in range(4):
        browser.log_in(EMAILS[Role.ADMIN], "guess again!")
    assert browser.log_in(EMAILS[Role.ADMIN]).status_code == 303
    for _ in range(4):
        browser.log_in(EMAILS[Role.ADMIN], "guess again!")

    assert browser.log_in(EMAILS[Role.ADMIN]).status_code == 303


def test_logging_out_ends_the_session(admin: Admin) -> None:
    browser = admin.signed_in(Role.VIEWER)

    response = browser.post("/admin/logout", {})

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login"
    assert browser.get("/admin").status_code == 303


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "https:evil.example",
        "/\t/evil.example",
    ],
)
def test_next_never_leads_off_the_site(admin: Admin, target: str) -> None:
    browser = admin.browser()

    form = browser.client.get("/admin/login", params={"next": target})
    response = browser.log_in(EMAILS[Role.VIEWER], target=target)

    assert 'name="next" value="/admin"' in form.text
    assert response.headers["location"] == "/admin"


def test_an_anonymous_visit_comes_back_after_logging_in(admin: Admin) -> None:
    browser = admin.browser()

    refused = browser.get("/admin/lists?archived=true")
    form = browser.get(refused.headers["location"])

    assert refused.headers["location"] == "/admin/login?next=%2Fadmin%2Flists%3Farchived%3Dtrue"
    assert 'name="next" value="/admin/lists?archived=true"' in form.text


def test_an_expired_session_must_log_in_again(admin: Admin) -> None:
    cookies = SessionCookies.of_settings(admin.settings)
    browser = admin.browser()
    user = admin.users[Role.ADMIN]
    old = BrowserSession(user.id, time.time() - 12 * 3600 - 60)
    fresh = BrowserSession(user.id, time.time() - 11 * 3600)

    browser.client.cookies.set(COOKIE, cookies.encode(old))
    expired = browser.get("/admin")
    browser.client.cookies.set(COOKIE, cookies.encode(fresh))
    alive = browser.get("/admin")

    assert expired.status_code == 303
    assert expired.headers["location"].startswith("/admin/login?next=")
    assert alive.status_code == 200


def test_session_max_age_sets_how_long_a_login_lasts(admin: Admin) -> None:
    admin.reconfigure(session_max_age="30m")
    cookies = SessionCookies.of_settings(admin.settings)
    browser = admin.browser()

    login = browser.log_in(EMAILS[Role.VIEWER])
    browser.client.cookies.clear()
    browser.client.cookies.set(
        COOKIE, cookies.encode(BrowserSession(admin.users[Role.VIEWER].id, time.time() - 31 * 60))
    )

    assert "max-age=1800" in login.headers["set-cookie"].lower()
    assert browser.get("/admin").status_code == 303


def test_a_cookie_signed_with_another_key_is_refused(admin: Admin) -> None:
    other = web_settings(admin.web.engine, admin.settings.data_dir, secret_key="another key " * 4)
    browser = admin.browser()
    browser.client.cookies.set(
        COOKIE,
        SessionCookies.of_settings(other).encode(
            BrowserSession(admin.users[Role.ADMIN].id, time.time())
        ),
    )

    assert browser.get("/admin").status_code == 303


def test_a_deactivated_users_cookie_stops_working_at_once(admin: Admin) -> None:
    browser = admin.signed_in(Role.VIEWER)
    deactivate(admin.web.session, admin.users[Role.VIEWER], Actor.command_line())
    admin.commit()

    response = browser.get("/admin")

    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/login")
    assert browser.log_in(EMAILS[Role.VIEWER], PASSWORD).status_code == 401


def test_a_new_role_applies_at_once(admin: Admin) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    assert browser.get("/admin/users").status_code == 403
    set_role(admin.web.session, admin.users[Role.PRESS_OFFICER], Role.ADMIN, Actor.command_line())
    admin.commit()

    assert browser.get("/admin/users").status_code == 200
