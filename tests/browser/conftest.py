"""One headless Chromium (Debian's) for the session; pages that cannot reach the network."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from distributor.models import Role
from distributor.rendering.screenshots import CHROMIUM_ARGS

# The served app and its signed-in users, shared with the web tests: every admin page test
# and every journalist page test here needs them.
from tests.web.admin.conftest import EMAILS, PASSWORD, admin, password_hash  # noqa: F401
from tests.web.conftest import sendgrid_signer, served, sns_signer, web  # noqa: F401

OpenPage = Callable[[str, int], Any]


@pytest.fixture(scope="session")
def browser(chromium_executable: str) -> Iterator[Any]:
    """Chromium started once for the session."""
    executable = chromium_executable
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[OpenPage]:
    """Show HTML at a viewport width; every request but inline data is refused."""
    pages: list[Any] = []
    blocked: list[str] = []

    def _open(html: str, width: int) -> Any:
        page = browser.new_page(viewport={"width": width, "height": 900})
        pages.append(page)

        def gate(route: Any) -> None:
            if route.request.url.startswith("data:"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        page.route("**/*", gate)
        page.set_content(html, wait_until="load")
        return page

    yield _open
    for page in pages:
        page.close()


def log_in(page: Any, url: str, email: str, password: str) -> None:
    """Log in to the admin pages at `url` as a person does: the form, then the button."""
    page.goto(f"{url}/admin/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def signed_in_page(browser: Any, url: str, width: int, role: Role, height: int = 900) -> Any:
    """A page `width` px wide, signed in to the app at `url` as its user of `role`, that
    fetches nothing but the app (an email's pictures on other hosts are not fetched)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(url) else route.abort(),
    )
    log_in(page, url, EMAILS[role], PASSWORD)
    return page
