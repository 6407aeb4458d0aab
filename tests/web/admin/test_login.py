"""/admin/login and the session cookie: who gets in, for how long, and where they land."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from distributor.accounts import passwords
from distributor.accounts.users import deactivate, set_role
from distributor.audit import Actor
from distributor.models import LoginSession, MailingList, Role, SessionEnd, utcnow
from distributor.web.sessions import COOKIE, BrowserSession, SessionCookies
from tests.web.admin.conftest import EMAILS, PASSWORD, Admin, Browser
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


def _cookie(admin: Admin, browser: Browser) -> BrowserSession:
    """What the session cookie `browser` holds says."""
    value = browser.client.cookies.get(COOKIE)
    assert value is not None, "the browser holds no session cookie"
    session = SessionCookies.of_settings(admin.settings).decode(value, time.time())
    assert session is not None
    return session


def _rows(admin: Admin, role: Role) -> list[LoginSession]:
    admin.commit()
    return list(
        admin.web.session.scalars(
            select(LoginSession)
            .where(LoginSession.user_id == admin.users[role].id)
            .order_by(LoginSession.created_at)
        )
    )


def test_an_expired_session_must_log_in_again(admin: Admin) -> None:
    expired, alive = admin.signed_in(Role.ADMIN), admin.signed_in(Role.ADMIN)
    first, _ = _rows(admin, Role.ADMIN)
    first.expires_at = utcnow() - timedelta(seconds=1)
    admin.commit()

    refused = expired.get("/admin")

    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/admin/login?next=")
    assert alive.get("/admin").status_code == 200


def test_a_cookie_older_than_the_session_max_age_is_refused(admin: Admin) -> None:
    cookies = SessionCookies.of_settings(admin.settings)
    browser = admin.signed_in(Role.ADMIN)
    secret = _cookie(admin, browser).id
    user = admin.users[Role.ADMIN]

    browser.client.cookies.clear()
    browser.client.cookies.set(
        COOKIE, cookies.encode(BrowserSession(user.id, time.time() - 12 * 3600 - 60, secret))
    )
    old = browser.get("/admin")
    browser.client.cookies.set(
        COOKIE, cookies.encode(BrowserSession(user.id, time.time() - 11 * 3600, secret))
    )

    assert old.status_code == 303
    assert browser.get("/admin").status_code == 200


def test_session_max_age_sets_how_long_a_login_lasts(admin: Admin) -> None:
    admin.reconfigure(session_max_age="30m")

    login = admin.browser().log_in(EMAILS[Role.VIEWER])
    (row,) = _rows(admin, Role.VIEWER)

    assert "max-age=1800" in login.headers["set-cookie"].lower()
    assert row.expires_at - row.created_at == timedelta(minutes=30)


def test_a_cookie_signed_with_another_key_is_refused(admin: Admin) -> None:
    other = web_settings(admin.web.engine, admin.settings.data_dir, secret_key="another key " * 4)
    browser = admin.signed_in(Role.ADMIN)
    real = _cookie(admin, browser)
    browser.client.cookies.clear()
    browser.client.cookies.set(COOKIE, SessionCookies.of_settings(other).encode(real))

    assert browser.get("/admin").status_code == 303


def test_a_signed_cookie_naming_an_unknown_session_is_refused(admin: Admin) -> None:
    browser = admin.browser()
    forged = BrowserSession(admin.users[Role.ADMIN].id, time.time(), "a session never started")
    browser.client.cookies.set(COOKIE, SessionCookies.of_settings(admin.settings).encode(forged))

    response = browser.get("/admin")

    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/login")


def test_a_session_of_one_user_does_not_let_in_another(admin: Admin) -> None:
    browser = admin.signed_in(Role.VIEWER)
    theirs = _cookie(admin, browser)
    as_admin = BrowserSession(admin.users[Role.ADMIN].id, theirs.issued_at, theirs.id)
    browser.client.cookies.clear()
    browser.client.cookies.set(COOKIE, SessionCookies.of_settings(admin.settings).encode(as_admin))

    assert browser.get("/admin").status_code == 303


def test_a_cookie_replayed_after_logging_out_gets_the_login_page(admin: Admin) -> None:
    browser = admin.signed_in(Role.VIEWER)
    stolen = browser.client.cookies.get(COOKIE)
    assert stolen is not None

    browser.post("/admin/logout", {})
    browser.client.cookies.set(COOKIE, stolen)
    response = browser.get("/admin")

    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/login")


def test_a_csrf_token_replayed_after_logging_out_changes_nothing(admin: Admin) -> None:
    browser = admin.signed_in(Role.ADMIN)
    stolen, token = browser.client.cookies.get(COOKIE), browser.csrf_token()
    assert stolen is not None

    browser.post("/admin/logout", {})
    browser.client.cookies.set(COOKIE, stolen)
    response = browser.post("/admin/lists", {"slug": "film", "csrf_token": token}, csrf=False)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/login")
    admin.commit()
    assert admin.web.session.scalar(select(MailingList).where(MailingList.slug == "film")) is None


def test_logging_out_ends_the_session_on_the_server_and_no_other(admin: Admin) -> None:
    leaving, staying = admin.signed_in(Role.VIEWER), admin.signed_in(Role.VIEWER)

    leaving.post("/admin/logout", {})
    first, second = _rows(admin, Role.VIEWER)

    assert (first.ended_at is not None, first.ended_reason) == (True, SessionEnd.LOGGED_OUT)
    assert second.ended_at is None
    assert staying.get("/admin").status_code == 200


def test_a_login_notes_where_the_session_comes_from(admin: Admin) -> None:
    browser = admin.browser()
    browser.client.headers["User-Agent"] = "Mozilla/5.0 (Macintosh) " + "x" * 400

    browser.log_in(EMAILS[Role.VIEWER])
    (row,) = _rows(admin, Role.VIEWER)

    assert row.client_address == "127.0.0.1"
    assert row.user_agent is not None
    assert row.user_agent.startswith("Mozilla/5.0 (Macintosh) ")
    assert len(row.user_agent) == 200
    assert row.id != _cookie(admin, browser).id  # the server keeps only a hash of the secret


def test_a_deactivated_users_cookie_stops_working_at_once(admin: Admin) -> None:
    browser = admin.signed_in(Role.VIEWER)
    deactivate(admin.web.session, admin.users[Role.VIEWER], Actor.command_line())
    admin.commit()

    response = browser.get("/admin")

    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/login")
    assert browser.log_in(EMAILS[Role.VIEWER], PASSWORD).status_code == 401
    (row,) = _rows(admin, Role.VIEWER)
    assert row.ended_reason == SessionEnd.DEACTIVATED


def test_deactivating_a_user_on_the_users_page_ends_their_sessions(admin: Admin) -> None:
    theirs = admin.signed_in(Role.PRESS_OFFICER)

    admin.signed_in(Role.ADMIN).post(
        "/admin/users/deactivate", {"email": EMAILS[Role.PRESS_OFFICER]}
    )

    assert theirs.get("/admin").status_code == 303
    assert [row.ended_reason for row in _rows(admin, Role.PRESS_OFFICER)] == [
        SessionEnd.DEACTIVATED
    ]


def test_a_new_role_applies_at_once(admin: Admin) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    assert browser.get("/admin/users").status_code == 403
    set_role(admin.web.session, admin.users[Role.PRESS_OFFICER], Role.ADMIN, Actor.command_line())
    admin.commit()

    assert browser.get("/admin/users").status_code == 200
