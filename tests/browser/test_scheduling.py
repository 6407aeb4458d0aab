"""A press officer schedules a send-out in Chromium: the day and time on their own clock, shown
back in their zone with UTC on hover, and a cancel that asks first; at desktop and phone widths."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from distributor.audit import SYSTEM
from distributor.contacts.directory import add_contact
from distributor.contacts.lists import create_list
from distributor.contacts.subscriptions import subscribe
from distributor.models import Role, SendOut, SendOutState
from distributor.releases.fileformat import read_release_file
from distributor.releases.store import add_release
from tests.browser.accessibility import violations
from tests.browser.conftest import signed_in_page
from tests.sending.conftest import EXAMPLES
from tests.web.admin.conftest import Admin

WIDTHS = (1280, 390)


@pytest.fixture
def desk(admin: Admin) -> Admin:
    """A release; a list of journalists in Paris and New York; a press officer in New York."""
    session = admin.web.session
    add_release(session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    create_list(session, "culture-desk", SYSTEM, name="Culture desk")
    for email, zone in (
        ("anna.berg@figaro.example", "Europe/Paris"),
        ("joan.reed@nytimes.example", "America/New_York"),
    ):
        add_contact(session, {"email": email, "time_zone": zone}, SYSTEM)
        subscribe(session, email, "culture-desk", SYSTEM)
    admin.users[Role.PRESS_OFFICER].time_zone = "America/New_York"
    admin.commit()
    return admin


def _officer_page(browser: Any, desk: Admin, width: int) -> Any:
    return signed_in_page(browser, desk.web.served.url, width, Role.PRESS_OFFICER)


def _fits(page: Any) -> bool:
    """Whether the page fits its width: nothing to scroll sideways."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _schedule(page: Any, url: str) -> None:
    """Fill in the new send-out form for 3 Feb 2031, 09:00 and submit it."""
    page.goto(f"{url}/admin/sendouts/new")
    page.get_by_label("Culture desk").check()
    page.get_by_label("At a date and time").check()
    page.get_by_label("Day").fill("2031-02-03")
    page.get_by_label("Time", exact=True).fill("09:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Schedule the send-out").click()
    if page.get_by_label("I have read the warnings above").count():
        page.get_by_label("I have read the warnings above").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Schedule the send-out").click()


def test_an_officer_in_new_york_schedules_on_their_own_clock_and_sees_utc_on_hover(
    desk: Admin, browser: Any
) -> None:
    from playwright.sync_api import expect

    url = desk.web.served.url
    page = _officer_page(browser, desk, 1280)
    try:
        page.goto(f"{url}/admin/sendouts/new")
        expect(page.locator("body")).to_contain_text("On your clock: America/New York")
        page.get_by_label("Culture desk").check()
        page.get_by_label("At a date and time").check()
        page.get_by_label("Day").fill("2031-02-03")
        page.get_by_label("Time", exact=True).fill("09:00")
        page.get_by_label("Time", exact=True).dispatch_event("change")
        # The preview follows the fields: the time where the journalists are.
        expect(page.locator("#zone-preview")).to_contain_text("09:00 in New York · 15:00 in Paris")
        _schedule(page, url)

        shown = page.locator("#progress time").first
        expect(shown).to_have_text("3 Feb 2031, 09:00 EST")
        expect(shown).to_have_attribute("title", "2031-02-03 14:00 UTC")
    finally:
        page.close()
    desk.commit()
    sendout = desk.web.session.scalars(select(SendOut)).one()
    assert sendout.scheduled_at == datetime(2031, 2, 3, 14, 0, tzinfo=UTC)


def test_a_cancel_asks_for_a_reason_before_anything_is_cancelled(desk: Admin, browser: Any) -> None:
    from playwright.sync_api import expect

    url = desk.web.served.url
    page = _officer_page(browser, desk, 1280)
    try:
        _schedule(page, url)
        page.get_by_role("link", name="Cancel…").click()
        page.wait_for_url("**/cancel")
        desk.commit()
        still = desk.web.session.scalars(select(SendOut.state)).one()

        page.get_by_label("Why is it cancelled?").fill("The premiere moved to March")
        with page.expect_navigation():
            page.get_by_role("button", name="Cancel the send-out").click()

        expect(page.locator("body")).to_contain_text(
            "Cancelled because: The premiere moved to March"
        )
        expect(page.get_by_role("status")).to_contain_text("is cancelled")
    finally:
        page.close()
    assert still is SendOutState.SCHEDULED
    desk.commit()
    assert desk.web.session.scalars(select(SendOut.state)).one() is SendOutState.CANCELLED


@pytest.mark.parametrize("width", WIDTHS)
def test_the_scheduling_pages_have_no_accessibility_violations_and_fit(
    desk: Admin, browser: Any, width: int
) -> None:
    url = desk.web.served.url
    page = _officer_page(browser, desk, width)
    try:
        page.goto(f"{url}/admin/sendouts/new")
        new_form = (violations(page), _fits(page))
        with page.expect_navigation():
            page.get_by_role("button", name="Schedule the send-out").click()
        refused = (violations(page), _fits(page))
        _schedule(page, url)
        sendout = (violations(page), _fits(page))
        page.get_by_role("link", name="Cancel…").click()
        page.wait_for_url("**/cancel")
        cancel = (violations(page), _fits(page))
    finally:
        page.close()
    assert new_form == ([], True)
    assert refused == ([], True)
    assert sendout == ([], True)
    assert cancel == ([], True)
