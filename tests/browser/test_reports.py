"""The dashboard and a send-out's report in Chromium, at desktop and phone width: no
accessibility violation, nothing wider than a phone, charts named for screen readers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from distributor.models import Role, utcnow
from tests.browser.accessibility import violations
from tests.browser.conftest import signed_in_page
from tests.overview.launch import Newsdesk, launch
from tests.web.admin.conftest import Admin

WIDTHS = (1280, 390)


@pytest.fixture
def sendout_id(admin: Admin) -> int:
    desk = Newsdesk.open(admin.web.session)
    desk.release.embargo_until = utcnow() + timedelta(days=2)
    sendout = launch(desk, utcnow() - timedelta(days=3))
    desk.sendout(None, scheduled_at=utcnow() + timedelta(days=2))
    admin.commit()
    return sendout.id


def _sideways(page: Any) -> int:
    """How many pixels the page is wider than the window."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


@pytest.mark.parametrize("width", WIDTHS)
def test_the_dashboard_reads_well_at_each_width(
    admin: Admin,
    browser: Any,
    sendout_id: int,
    width: int,
) -> None:
    url = admin.web.served.url
    page = signed_in_page(browser, url, width, Role.PRESS_OFFICER)
    try:
        page.goto(f"{url}/admin")

        assert page.get_by_role("img", name="Open rate per week, last 30 days").is_visible()
        assert page.get_by_role("progressbar", name="Progress").first.is_visible()
        assert violations(page) == []
        assert _sideways(page) <= 0
        page.get_by_role("link", name="Last 90 days").click()
        page.get_by_role("img", name="Reply rate per week, last 90 days").wait_for()
        assert violations(page) == []
    finally:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_report_reads_well_and_filters_at_each_width(
    admin: Admin,
    browser: Any,
    sendout_id: int,
    width: int,
) -> None:
    url = admin.web.served.url
    page = signed_in_page(browser, url, width, Role.PRESS_OFFICER)
    try:
        page.goto(f"{url}/admin/sendouts/{sendout_id}/report")

        assert violations(page) == []
        assert _sideways(page) <= 0
        page.get_by_label("Show").select_option(label="Bounced")
        page.get_by_label("Search by address, name or outlet").fill("zeit")
        with page.expect_navigation():
            page.get_by_role("button", name="Show").click()
        rows = page.locator("#recipients ~ table tbody tr")
        assert rows.count() == 1
        assert "fritz@zeit.example" in rows.first.inner_text()
        assert violations(page) == []
        assert _sideways(page) <= 0
    finally:
        page.close()
