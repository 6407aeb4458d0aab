"""The contacts desk in Chromium: finding contacts across lists, a bulk suppression followed to
its end, an erasure that asks for a reason and a confirmation; axe-core finds nothing on the
contacts and contact pages at desktop and phone width, and neither scrolls sideways on a phone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from distributor.audit import Actor
from distributor.contacts import add_contact, create_list, subscribe
from distributor.models import Contact, Role, Suppression
from tests.browser.accessibility import violations
from tests.browser.conftest import signed_in_page
from tests.web.admin.conftest import Admin

OPERATOR = Actor("test:admin", Role.ADMIN)
WIDTHS = (390, 1280)  # ending at desktop width, where the table has its headings
PEOPLE = (
    ("anna.berg@tageblatt.example", "Anna", "Berg", "Tageblatt", "DE", "film"),
    ("claire.dupont@quotidien.example", "Claire", "Dupont", "Le Quotidien", "FR", "film"),
    ("jean.martin@radio-matin-et-soir-internationale.example", "Jean", "Martin", "Radio Matin", "FR", "politics"),
    ("ivan.petrov@vesti.example", "Иван", "Петров", "Вести", "RU", "politics"),
)  # fmt: skip


@pytest.fixture
def desk(admin: Admin) -> Admin:
    session = admin.web.session
    create_list(session, "film", OPERATOR, name="Film critics")
    create_list(session, "politics", OPERATOR, name="Political desk")
    for email, first, last, outlet, country, list_slug in PEOPLE:
        values = {"email": email, "first_name": first, "last_name": last}
        add_contact(session, values | {"outlet": outlet, "country": country}, OPERATOR)
        subscribe(session, email, list_slug, OPERATOR)
    admin.commit()
    return admin


@pytest.fixture
def signed_in(browser: Any, desk: Admin) -> Iterator[Any]:
    """A page of an admin signed in, at desktop width; only the served app is reachable."""
    url = desk.web.served.url
    page = signed_in_page(browser, url, 1280, Role.ADMIN)
    yield page
    page.close()


def _emails(page: Any) -> list[str]:
    return [cell.strip() for cell in page.locator("td.email").all_inner_texts()]


def _fits_and_passes_axe(page: Any) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert violations(page) == [], f"at {width} px"
        sideways = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert sideways <= 0, f"scrolls {sideways} px sideways at {width} px"


def test_search_filter_and_sort_the_contacts(signed_in: Any, desk: Admin) -> None:
    page = signed_in
    page.goto(f"{desk.web.served.url}/admin/contacts")
    _fits_and_passes_axe(page)

    page.get_by_label("Country").fill("France")
    page.get_by_role("button", name="Find").click()
    assert _emails(page) == [
        "claire.dupont@quotidien.example",
        "jean.martin@radio-matin-et-soir-internationale.example",
    ]
    page.get_by_role("link", name="Outlet").click()
    page.get_by_role("link", name="Outlet").click()
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Outlet")
    assert _emails(page)[0] == "jean.martin@radio-matin-et-soir-internationale.example"
    assert page.get_by_label("Country").input_value() == "France"

    page.get_by_label("Search").fill("петров")
    page.get_by_label("Country").fill("")
    page.get_by_role("button", name="Find").click()
    assert _emails(page) == ["ivan.petrov@vesti.example"]

    page.get_by_label("Country").fill("Narnia")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("alert")).to_contain_text("“Narnia” is not a country we know")
    assert page.get_by_label("Country").input_value() == "Narnia"
    _fits_and_passes_axe(page)


def test_a_bulk_suppression_over_a_filter_shows_its_progress_and_result(
    signed_in: Any, desk: Admin
) -> None:
    page = signed_in
    page.goto(f"{desk.web.served.url}/admin/contacts?country=FR")

    page.get_by_label("All 2 matching the filter").check()
    page.get_by_label("Action").select_option("suppress")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#e-reason")).to_contain_text("Say why these contacts")

    page.get_by_label("All 2 matching the filter").check()
    page.get_by_label("Reason", exact=True).fill("The desk closed")
    page.get_by_role("button", name="Apply").click()

    expect(page.get_by_role("progressbar", name="Contacts done")).to_be_visible()
    expect(page.locator("#bulk-outcome")).to_contain_text("Suppressed 2 contacts.")
    _fits_and_passes_axe(page)
    desk.web.session.expire_all()
    suppressed = desk.web.session.scalars(select(Suppression.email).order_by(Suppression.email))
    assert list(suppressed) == [
        "claire.dupont@quotidien.example",
        "jean.martin@radio-matin-et-soir-internationale.example",
    ]


def test_an_erasure_asks_for_a_reason_and_a_confirmation(signed_in: Any, desk: Admin) -> None:
    page = signed_in
    anna = desk.web.session.scalar(select(Contact.id).where(Contact.first_name == "Anna"))
    page.goto(f"{desk.web.served.url}/admin/contacts/{anna}")
    _fits_and_passes_axe(page)

    page.get_by_role("link", name="Erase this person…").click()
    page.get_by_role("button", name="Erase for good").click()
    expect(page.get_by_role("alert")).to_contain_text("Say who asked for the erasure")
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to confirm")
    _fits_and_passes_axe(page)

    page.get_by_label("Reason").fill("Her email of 3 March")
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Erase for good").click()

    expect(page.get_by_role("status").first).to_contain_text(
        "anna.berg@tageblatt.example is erased"
    )
    desk.web.session.expire_all()
    assert desk.web.session.get(Contact, anna) is None
