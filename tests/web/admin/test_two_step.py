"""Two-step login in the admin: set up from the user's settings, asked for after the password."""

from __future__ import annotations

import re
import time

import httpx
import pyotp
from sqlalchemy import select

from distributor.models import Role, User
from tests.web.admin.conftest import EMAILS, PASSWORD, Admin, Browser

TWO_STEP = "/admin/me/two-step"
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
_CODE = re.compile(r"<li><code>([a-z0-9-]+)</code></li>")


def post_on(browser: Browser, page: str, path: str, form: dict[str, str]) -> httpx.Response:
    """POST `form` with the CSRF token `page` gives (an admin sent to set up has no other)."""
    found = _CSRF.search(browser.get(page).text)
    assert found is not None
    return browser.client.post(path, data={**form, "csrf_token": found.group(1)})


def current_code(admin: Admin, role: Role) -> str:
    admin.commit()
    user = admin.web.session.scalar(select(User).where(User.email == EMAILS[role]))
    assert user is not None
    assert user.totp_secret is not None
    return pyotp.TOTP(user.totp_secret).now()


def set_up(admin: Admin, role: Role) -> tuple[Browser, list[str]]:
    """A browser of `role`'s user, who turned two-step login on; their recovery codes."""
    browser = admin.signed_in(role)
    assert post_on(browser, TWO_STEP, f"{TWO_STEP}/start", {}).status_code == 303
    shown = post_on(browser, TWO_STEP, f"{TWO_STEP}/confirm", {"code": current_code(admin, role)})
    assert shown.status_code == 200, shown.text
    return browser, _CODE.findall(shown.text)


def test_setting_up_shows_a_qr_code_drawn_here_and_the_key(admin: Admin) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    post_on(browser, TWO_STEP, f"{TWO_STEP}/start", {})

    page = browser.get(TWO_STEP).text

    assert '<svg width="' in page
    assert "QR code for your app" in page
    assert re.search(r'<code class="key">[A-Z2-7]{4}( [A-Z2-7]{4}){7}</code>', page)
    assert "http://" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_the_right_code_turns_it_on_and_shows_ten_recovery_codes_once(admin: Admin) -> None:
    browser, codes = set_up(admin, Role.PRESS_OFFICER)

    assert len(codes) == 10
    assert "<strong>10</strong> recovery codes left" in browser.get(TWO_STEP).text
    assert codes[0] not in browser.get(TWO_STEP).text


def test_a_wrong_code_keeps_it_off_and_says_so(admin: Admin) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    post_on(browser, TWO_STEP, f"{TWO_STEP}/start", {})

    shown = post_on(browser, TWO_STEP, f"{TWO_STEP}/confirm", {"code": "123"})

    assert shown.status_code == 422
    assert "That is not the code the app shows now" in shown.text
    assert "Turn on two-step login" in shown.text


def test_the_password_alone_no_longer_logs_in(admin: Admin) -> None:
    set_up(admin, Role.PRESS_OFFICER)
    browser = admin.browser()

    answer = browser.log_in(EMAILS[Role.PRESS_OFFICER], target="/admin/releases")

    assert answer.status_code == 303
    assert answer.headers["location"] == "/admin/login/code?next=%2Fadmin%2Freleases"
    assert browser.get("/admin").headers["location"].startswith("/admin/login")


def test_the_apps_code_after_the_password_logs_in_where_the_user_was_going(
    admin: Admin,
) -> None:
    set_up(admin, Role.PRESS_OFFICER)
    browser = admin.browser()
    browser.log_in(EMAILS[Role.PRESS_OFFICER])
    admin.web.session.expire_all()
    secret = admin.web.session.scalar(
        select(User.totp_secret).where(User.email == EMAILS[Role.PRESS_OFFICER])
    )
    code = pyotp.TOTP(secret or "").at(time.time() + 30)  # set-up took this step's code

    answer = browser.client.post(
        "/admin/login/code", data={"code": code, "next": "/admin/releases"}
    )

    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/admin/releases"
    assert browser.get("/admin/releases").status_code == 200


def test_a_recovery_code_logs_in_once(admin: Admin) -> None:
    _, codes = set_up(admin, Role.PRESS_OFFICER)
    first, second = admin.browser(), admin.browser()
    for browser in (first, second):
        browser.log_in(EMAILS[Role.PRESS_OFFICER])

    used = first.client.post("/admin/login/code", data={"code": codes[0]})
    again = second.client.post("/admin/login/code", data={"code": codes[0]})

    assert used.status_code == 303
    assert again.status_code == 401
    assert "or was used already" in again.text


def test_wrong_codes_lock_the_login_as_wrong_passwords_do(admin: Admin) -> None:
    set_up(admin, Role.PRESS_OFFICER)
    browser = admin.browser()
    browser.log_in(EMAILS[Role.PRESS_OFFICER])

    answers = [
        browser.client.post("/admin/login/code", data={"code": "000000"}).status_code
        for _ in range(6)
    ]

    assert answers == [401] * 5 + [429]


def test_the_code_page_without_a_password_sends_back_to_the_login(admin: Admin) -> None:
    browser = admin.browser()

    assert browser.get("/admin/login/code").headers["location"] == "/admin/login"
    refused = browser.client.post("/admin/login/code", data={"code": "123456"})
    assert refused.headers["location"].startswith("/admin/login")


def test_an_admin_the_settings_require_it_of_is_sent_to_set_it_up_first(admin: Admin) -> None:
    admin.reconfigure(admin_two_factor="true")
    browser = admin.signed_in(Role.ADMIN)

    sent = browser.get("/admin/lists")
    page = browser.get(TWO_STEP)

    assert (sent.status_code, sent.headers["location"]) == (303, TWO_STEP)
    assert "Admins of this office log in in two steps" in page.text
    assert browser.get("/admin/releases").status_code == 303
    assert admin.signed_in(Role.PRESS_OFFICER).get("/admin/lists").status_code == 200


def test_an_admin_the_settings_require_it_of_cannot_turn_it_off(admin: Admin) -> None:
    admin.reconfigure(admin_two_factor="true")
    browser, _ = set_up(admin, Role.ADMIN)

    assert browser.get("/admin/lists").status_code == 200
    assert "Turn two-step login off" not in browser.get(TWO_STEP).text
    refused = post_on(browser, TWO_STEP, f"{TWO_STEP}/off", {"password": PASSWORD})
    assert refused.status_code == 403


def test_turning_it_off_needs_the_password(admin: Admin) -> None:
    browser, _ = set_up(admin, Role.PRESS_OFFICER)

    wrong = post_on(browser, TWO_STEP, f"{TWO_STEP}/off", {"password": "not it at all"})
    right = post_on(browser, TWO_STEP, f"{TWO_STEP}/off", {"password": PASSWORD})

    assert wrong.status_code == 422
    assert right.status_code == 303
    assert "Two-step login is <strong>off</strong>" in browser.get(TWO_STEP).text
