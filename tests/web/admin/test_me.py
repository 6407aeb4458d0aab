"""/admin/me: a user changes their own password, sees where they are logged in, logs out everywhere."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from distributor.models import AuditEntry, Role
from distributor.web.admin.me import browser_name
from tests.web.admin.conftest import EMAILS, PASSWORD, Admin, Browser

NEW = "a brand new passphrase"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def _change(browser: Browser, current: str = PASSWORD, new: str = NEW, again: str = NEW) -> str:
    response = browser.post(
        "/admin/me/password",
        {"current_password": current, "new_password": new, "new_password_again": again},
    )
    return f"{response.status_code} {response.headers.get('location', '')}{response.text}"


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(admin: Admin) -> None:
    here, elsewhere = admin.signed_in(Role.VIEWER), admin.signed_in(Role.VIEWER)

    answer = _change(here)
    page = here.get("/admin/me")

    assert answer.startswith("303 /admin/me")
    assert page.status_code == 200
    assert "Your password is changed." in page.text
    assert elsewhere.get("/admin").status_code == 303
    assert admin.browser().log_in(EMAILS[Role.VIEWER], PASSWORD).status_code == 401
    assert admin.browser().log_in(EMAILS[Role.VIEWER], NEW).status_code == 303


def test_a_password_change_is_in_the_audit_log_with_the_browsers_logged_out(admin: Admin) -> None:
    here = admin.signed_in(Role.VIEWER)
    admin.signed_in(Role.VIEWER)
    admin.signed_in(Role.VIEWER)

    _change(here)
    admin.commit()
    entry = admin.web.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()

    assert entry is not None
    assert (entry.action, entry.entity_id, entry.details) == (
        "user.set_password",
        str(admin.users[Role.VIEWER].id),
        {"sessions_ended": 2},
    )
    assert PASSWORD not in str(entry.details)
    assert NEW not in str(entry.details)


def test_a_wrong_current_password_is_refused_beside_the_field_and_keeps_the_form(
    admin: Admin,
) -> None:
    here, elsewhere = admin.signed_in(Role.VIEWER), admin.signed_in(Role.VIEWER)

    response = here.post(
        "/admin/me/password",
        {"current_password": "not my password", "new_password": NEW, "new_password_again": NEW},
    )

    assert response.status_code == 422
    assert (
        '<span class="error" id="e-current_password">This is not the password you log in with now.'
        in response.text
    )
    assert 'action="/admin/me/password"' in response.text
    assert 'id="f-current_password" name="current_password" type="password" value=""' in (
        response.text
    )
    assert "not my password" not in response.text
    assert NEW not in response.text
    assert elsewhere.get("/admin").status_code == 200
    assert admin.browser().log_in(EMAILS[Role.VIEWER], PASSWORD).status_code == 303


@pytest.mark.parametrize(
    ("new", "again", "field", "words"),
    [
        ("too short", "too short", "new_password", "at least 10 characters"),
        (NEW, "a brand new passphrase!", "new_password_again", "Type the same new password"),
    ],
    ids=["short", "mismatched"],
)
def test_a_new_password_that_will_not_do_is_named_beside_its_field(
    admin: Admin, new: str, again: str, field: str, words: str
) -> None:
    here = admin.signed_in(Role.VIEWER)

    answer = _change(here, new=new, again=again)

    assert answer.startswith("422 ")
    assert f'<span class="error" id="e-{field}">' in answer
    assert words in answer
    assert admin.browser().log_in(EMAILS[Role.VIEWER], PASSWORD).status_code == 303


def test_guessing_the_current_password_is_stopped_after_a_few_tries(admin: Admin) -> None:
    here = admin.signed_in(Role.VIEWER)

    answers = [_change(here, current=f"guess number {n}")[:3] for n in range(6)]

    assert answers == ["422"] * 5 + ["429"]


def test_a_password_changed_forgets_the_wrong_ones_typed_before(admin: Admin) -> None:
    here = admin.signed_in(Role.VIEWER)
    for n in range(4):
        _change(here, current=f"guess number {n}")
    assert _change(here).startswith("303 ")

    answers = [_change(here, current=f"guess number {n}", new=PASSWORD)[:3] for n in range(4)]

    assert answers == ["422"] * 4


def test_logging_out_everywhere_ends_this_session_too(admin: Admin) -> None:
    here, elsewhere = admin.signed_in(Role.VIEWER), admin.signed_in(Role.VIEWER)
    other_user = admin.signed_in(Role.ADMIN)

    response = here.post("/admin/me/log-out-everywhere", {})

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login"
    assert here.get("/admin").status_code == 303
    assert elsewhere.get("/admin").status_code == 303
    assert other_user.get("/admin").status_code == 200
    admin.commit()
    entry = admin.web.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    assert (entry.action, entry.details) == ("user.log_out_everywhere", {"sessions_ended": 2})


def test_the_page_lists_where_you_are_logged_in_and_which_is_this_browser(admin: Admin) -> None:
    here, phone = admin.browser(), admin.browser()
    here.client.headers["User-Agent"] = FIREFOX
    phone.client.headers["User-Agent"] = IPHONE
    here.log_in(EMAILS[Role.VIEWER])
    phone.log_in(EMAILS[Role.VIEWER])
    admin.signed_in(Role.ADMIN)  # someone else's

    page = here.get("/admin/me").text

    assert "Firefox on Windows <strong>(this browser)</strong>" in page
    assert "Safari on an iPhone</td>" in page
    assert page.count('<td data-label="From">127.0.0.1</td>') == 2
    assert "Log out everywhere</button>" in page


def test_a_browser_logged_out_is_no_longer_listed(admin: Admin) -> None:
    here, gone = admin.signed_in(Role.VIEWER), admin.signed_in(Role.VIEWER)

    gone.post("/admin/logout", {})

    assert here.get("/admin/me").text.count('<td data-label="Browser">') == 1


@pytest.mark.parametrize(
    ("user_agent", "name"),
    [
        (FIREFOX, "Firefox on Windows"),
        (IPHONE, "Safari on an iPhone"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on a Mac",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        ("curl/8.5.0", "curl"),
        (None, "An unknown browser"),
        ("", "An unknown browser"),
    ],
)
def test_a_browser_is_named_in_a_few_words(user_agent: str | None, name: str) -> None:
    assert browser_name(user_agent) == name
