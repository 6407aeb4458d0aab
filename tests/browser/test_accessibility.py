"""Every admin page, at a desk (1280 px) and on a phone (390 px): no axe-core violation, and
nothing wider than the phone's screen, so a page never scrolls sideways."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest

from tests.browser.accessibility import violations
from tests.browser.admin_desk import DESKTOP, PHONE, Desk, admin_page, desk  # noqa: F401

PAGES: dict[str, Callable[[Desk], str]] = {
    "dashboard": lambda at: "/admin",
    "releases": lambda at: "/admin/releases",
    "a release": lambda at: f"/admin/releases/{at.release_id}",
    "send-outs": lambda at: "/admin/sendouts",
    "a send-out": lambda at: f"/admin/sendouts/{at.sendout_id}",
    "a send-out's report": lambda at: f"/admin/sendouts/{at.sendout_id}/report",
    "new send-out": lambda at: "/admin/sendouts/new",
    "test copy": lambda at: f"/admin/releases/{at.release_id}/test",
    "lists": lambda at: "/admin/lists",
    "a list": lambda at: f"/admin/lists/{at.list_slug}",
    "import": lambda at: f"/admin/lists/{at.list_slug}/import",
    "segments": lambda at: "/admin/segments",
    "a segment": lambda at: f"/admin/segments/{quote(at.segment)}",
    "contacts": lambda at: "/admin/contacts",
    "a contact": lambda at: f"/admin/contacts/{at.contact_id}",
    "suppressions": lambda at: "/admin/suppressions",
    "bounces": lambda at: "/admin/bounces",
    "audit log": lambda at: "/admin/audit",
    "users": lambda at: "/admin/users",
    "API keys": lambda at: "/admin/keys",
    "your settings": lambda at: "/admin/me",
    "two-step login": lambda at: "/admin/me/two-step",
}
CASES = [
    pytest.param(name, width, id=f"{name}-{width}") for name in PAGES for width in (DESKTOP, PHONE)
]


@pytest.mark.parametrize(("name", "width"), CASES)
def test_an_admin_page_passes_axe_and_fits_the_screen(
    admin_page: Callable[[str, int], Any],  # noqa: F811 - the fixture
    desk: Desk,  # noqa: F811 - the fixture
    name: str,
    width: int,
) -> None:
    page = admin_page(PAGES[name](desk), width)

    assert page.title() != "Log in · distributor"
    assert violations(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} is {overflow} px wider than a {width} px screen"
