"""The login page in Chromium: a refused login comes back with the email typed, said in plain
words, with no axe-core violation at a desk or on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from distributor.models import Role
from tests.browser.accessibility import violations
from tests.browser.admin_desk import DESKTOP, PHONE
from tests.browser.conftest import log_in
from tests.web.admin.conftest import EMAILS, Admin


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_a_wrong_password_comes_back_with_the_email_typed_and_passes_axe(
    admin: Admin,
    browser: Any,
    width: int,
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        log_in(page, admin.web.served.url, EMAILS[Role.ADMIN], "not the password")

        assert page.get_by_label("Email").input_value() == EMAILS[Role.ADMIN]
        assert page.get_by_label("Password").input_value() == ""
        assert "The email or password is not right" in page.get_by_role("alert").inner_text()
        assert violations(page) == []
    finally:
        page.close()
