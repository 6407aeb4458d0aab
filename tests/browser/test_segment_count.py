"""The segment form in Chromium: the count follows the rules as they are typed (htmx)."""

from __future__ import annotations

from typing import Any

from distributor.audit import Actor
from distributor.contacts.directory import add_contact
from distributor.models import Role
from tests.browser.conftest import log_in
from tests.web.admin.conftest import EMAILS, PASSWORD, Admin

OPERATOR = Actor("test:admin", Role.ADMIN)


def test_the_count_follows_the_rules_as_they_are_typed(
    admin: Admin,
    browser: Any,
) -> None:
    for email, country in (("amelie@cine.example", "FR"), ("dieter@kino.example", "DE")):
        add_contact(admin.web.session, {"email": email, "country": country}, OPERATOR)
    admin.commit()
    url = admin.web.served.url
    page = browser.new_page()
    try:
        log_in(page, url, EMAILS[Role.ADMIN], PASSWORD)
        page.goto(f"{url}/admin/segments")
        rules = page.locator("#f-where")
        count = page.locator("#segment-count")

        rules.press_sequentially("country = FR")
        count.get_by_text("amelie@cine.example").wait_for()
        before = page.url
        rules.fill("contry = FR")
        rules.dispatch_event("input")
        count.get_by_text(
            "'contry' is not something a contact record holds", exact=False
        ).wait_for()

        assert "1 contact matches" not in count.inner_text()
        assert page.url == before  # counted in place, not by loading a page
    finally:
        page.close()
