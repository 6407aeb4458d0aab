"""Every page a journalist meets, in Chromium at a desktop's and a phone's width: no axe-core
violation, nothing wider than the phone, and the office's name on each.

The app is served on loopback with the office's name and logo; the browser clicks the
buttons a journalist would press, so the pages after each answer are checked too.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from distributor.models import Release, ReleaseVersion
from distributor.models.base import utcnow
from tests.browser.accessibility import violations
from tests.web.conftest import ANNA, Web
from tests.web.office import OFFICE, configure_office
from tests.web.recipients import emailed, link

WIDTHS = (1280, 390)


@pytest.fixture
def office(web: Web, engine: Engine, tmp_path: Path) -> Web:
    """The app with the office's name and logo, a published release and an embargoed one."""
    configure_office(web, engine, tmp_path)
    published = Release(slug="research-centre-opens", organization=OFFICE)
    published.versions.append(
        ReleaseVersion(
            language="en",
            title="Research centre opens in Leipzig",
            summary="120 researchers will work on climate models.",
            body_markdown="The **ministry** opens a research centre.\n\n> We are proud.\n"
            "— Dr. Eva Lang, director",
        )
    )
    embargoed = Release(slug="budget-2027", embargo_until=utcnow() + timedelta(days=2))
    embargoed.versions.append(
        ReleaseVersion(language="en", title="Budget 2027", body_markdown="Numbers.")
    )
    web.session.add_all([published, embargoed])
    web.session.commit()
    return web


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    width = request.param
    page = browser.new_page(viewport={"width": width, "height": 900})
    yield page
    page.close()


def _checked(page: Any, what: str) -> None:
    """The page as it stands passes axe, fits the viewport's width and names the office."""
    width = page.viewport_size["width"]
    assert violations(page) == [], what
    assert page.evaluate("document.documentElement.scrollWidth") <= width, what
    assert OFFICE in page.inner_text("body"), what


def _visit(page: Any, url: str, what: str) -> None:
    page.goto(url)
    _checked(page, what)


def _press(page: Any, button: str, what: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()
    _checked(page, what)


def test_unsubscribe_and_subscribe_again(office: Web, page: Any) -> None:
    base = office.served.url
    delivery = emailed(office, ANNA)

    _visit(page, base + link(delivery), "the unsubscribe page")
    _press(page, "Unsubscribe from Science", "the answer to an unsubscribe")
    with page.expect_navigation():
        page.get_by_role("link", name="Subscribe again").click()
    _checked(page, "the subscribe-again page")
    _press(page, "Subscribe again", "the answer to subscribing again")
    assert "is on Science again" in page.inner_text("body")


def test_preferences(office: Web, page: Any) -> None:
    _visit(page, office.served.url + link(emailed(office, ANNA), "p"), "the preferences page")
    _press(page, "Save", "the preferences saved")


def test_newsroom_search_and_releases(office: Web, page: Any) -> None:
    base = office.served.url

    _visit(page, f"{base}/newsroom", "the newsroom")
    page.get_by_label("Search the releases").fill("climate")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    _checked(page, "the newsroom's search results")
    assert page.get_by_label("Search the releases").input_value() == "climate"
    with page.expect_navigation():
        page.get_by_role("link", name="Research centre opens in Leipzig").click()
    _checked(page, "a web version")
    _visit(page, f"{base}/releases/budget-2027", "an embargoed release's page")
    _visit(page, f"{base}/newsroom?q=volcano", "a search that finds nothing")


def _confirmation_path(outbox: Path) -> str:
    """The confirmation link's path in the one message the sign-up sent."""
    [sent] = outbox.glob("*.eml")
    message = email.message_from_bytes(sent.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(("plain",))
    assert body is not None
    [path] = re.findall(r"(/newsroom/confirm/\S+)", body.get_content())
    return str(path)


def test_signup(office: Web, page: Any, tmp_path: Path) -> None:
    base = office.served.url

    _visit(page, f"{base}/newsroom/signup", "the sign-up form")
    _press(page, "Sign up", "the sign-up form with its errors")
    page.get_by_label("Email address", exact=True).fill("lena.vogel@zeitung.example")
    page.get_by_label("Your name", exact=True).fill("Lena Vogel")
    page.get_by_role("checkbox", name="Science").check()
    page.get_by_role("checkbox", name="I agree").check()
    _press(page, "Sign up", "the sign-up sent")
    _visit(page, base + _confirmation_path(tmp_path / "web" / "outbox"), "the confirm page")
    _press(page, "Confirm my sign-up", "the sign-up confirmed")


def test_error_pages(office: Web, page: Any) -> None:
    base = office.served.url

    _visit(page, f"{base}/releases/no-such-release", "an unknown release")
    assert page.get_by_role("link", name=f"Go to the {OFFICE} newsroom").is_visible()
    _visit(page, f"{base}/u/0-aaaaaaaaaa", "a link that is not valid")
