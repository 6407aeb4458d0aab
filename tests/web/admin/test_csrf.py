"""Admin forms carry a token bound to the session; without the right one nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from distributor.models import MailingList, Role, User
from tests.web.admin.conftest import EMAILS, Admin


def _lists(admin: Admin) -> int:
    admin.commit()
    return admin.web.session.scalar(select(func.count(MailingList.id))) or 0


def test_a_form_with_the_sessions_token_is_accepted(admin: Admin) -> None:
    browser = admin.signed_in(Role.ADMIN)

    response = browser.post("/admin/lists", {"slug": "film"})

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/lists/film"


@pytest.mark.parametrize("token", [None, "", "0" * 64], ids=["missing", "empty", "wrong"])
def test_a_missing_or_wrong_token_gets_403_and_changes_nothing(
    admin: Admin, token: str | None
) -> None:
    browser = admin.signed_in(Role.ADMIN)
    before = _lists(admin)
    form = {"slug": "film"} | ({} if token is None else {"csrf_token": token})

    response = browser.post("/admin/lists", form, csrf=False)

    assert response.status_code == 403
    assert "Nothing has changed" in response.text
    assert _lists(admin) == before


def test_another_sessions_token_is_refused(admin: Admin) -> None:
    mine = admin.signed_in(Role.ADMIN)
    theirs = admin.signed_in(Role.ADMIN).csrf_token()

    response = mine.post(
        "/admin/users/role",
        {"email": EMAILS[Role.VIEWER], "role": "admin", "csrf_token": theirs},
        csrf=False,
    )

    assert response.status_code == 403
    admin.commit()
    assert admin.web.session.get_one(User, admin.users[Role.VIEWER].id).role == Role.VIEWER


def test_logging_out_without_the_token_keeps_the_session(admin: Admin) -> None:
    browser = admin.signed_in(Role.VIEWER)

    assert browser.post("/admin/logout", {}, csrf=False).status_code == 403
    assert browser.get("/admin").status_code == 200
