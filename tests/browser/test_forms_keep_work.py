"""In Chromium, on a phone: a press officer types a mistake into an admin form and sends it; the
form comes back with everything typed still there and the mistake named beside its field,
and the page still passes axe-core."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.accessibility import violations
from tests.browser.admin_desk import PHONE, Desk, admin_page, desk  # noqa: F401 - the fixtures

Open = Callable[[str, int], Any]


def submit(page: Any, button: str) -> Any:
    """Press the button as a person does; the answer to the form is the page shown after."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()
    return page


def test_a_list_short_name_with_capitals_comes_back_with_the_name_kept(
    admin_page: Open,  # noqa: F811 - the fixture
) -> None:
    from playwright.sync_api import expect

    page = admin_page("/admin/lists", PHONE)
    page.get_by_label("Name", exact=True).fill("Film critics")
    page.get_by_label("Short name").fill("Film Critics!")
    page.get_by_label("Description").fill("Critics of the national papers")

    submit(page, "Create the list")

    short_name = page.get_by_label("Short name")
    expect(short_name).to_have_value("Film Critics!")
    expect(short_name).to_have_attribute("aria-invalid", "true")
    expect(short_name).to_have_accessible_description(
        "Used in web addresses and to pick the list: lowercase letters, digits and hyphens, "
        "such as film-critics. A short name holds only lowercase letters, digits and hyphens "
        "between them, such as film-critics-fr, at most 100 characters."
    )
    expect(page.get_by_label("Name", exact=True)).to_have_value("Film critics")
    expect(page.get_by_label("Description")).to_have_value("Critics of the national papers")
    expect(page.get_by_role("alert")).to_contain_text("One thing needs your attention")
    assert violations(page) == []


def test_a_list_short_name_taken_is_named_and_a_new_one_is_accepted(
    admin_page: Open,  # noqa: F811 - the fixture
    desk: Desk,  # noqa: F811 - the fixture
) -> None:
    from playwright.sync_api import expect

    page = admin_page("/admin/lists", PHONE)
    page.get_by_label("Name", exact=True).fill("Journalists again")
    page.get_by_label("Short name").fill(desk.list_slug)
    submit(page, "Create the list")

    expect(page.locator("#e-slug")).to_have_text(
        f"Another list already has the short name {desk.list_slug}; choose another."
    )
    expect(page.get_by_label("Name", exact=True)).to_have_value("Journalists again")
    assert violations(page) == []

    page.get_by_label("Short name").fill("journalists-again")
    submit(page, "Create the list")

    expect(page.get_by_role("status")).to_have_text("The list Journalists again is created.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Journalists again")


def test_a_test_copy_to_no_address_keeps_the_addresses_typed(
    admin_page: Open,  # noqa: F811 - the fixture
    desk: Desk,  # noqa: F811 - the fixture
) -> None:
    from playwright.sync_api import expect

    page = admin_page(f"/admin/releases/{desk.release_id}/test", PHONE)
    page.get_by_label("Addresses, one a line").fill("me@press.example.org\nnot-an-address")

    submit(page, "Send the test copy")

    addresses = page.get_by_label("Addresses, one a line")
    expect(addresses).to_have_value("me@press.example.org\nnot-an-address")
    expect(page.locator("#e-addresses")).to_have_text(
        "not-an-address is not an email address; write each as name@example.org."
    )
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text("Releases")
    assert violations(page) == []


def test_a_segment_condition_that_cannot_be_read_keeps_the_form(
    admin_page: Open,  # noqa: F811 - the fixture
) -> None:
    from playwright.sync_api import expect

    page = admin_page("/admin/segments", PHONE)
    page.get_by_label("Name", exact=True).fill("French film")
    page.get_by_label("Conditions, one per line; a contact must meet them all").fill(
        "country like FR"
    )

    submit(page, "Create the segment")

    expect(page.get_by_label("Name", exact=True)).to_have_value("French film")
    expect(page.locator("#e-where")).to_contain_text(
        "Line 1, “country like FR”: 'like' is not a comparison"
    )
    assert violations(page) == []


def test_a_user_with_a_bad_address_keeps_the_name_and_role(
    admin_page: Open,  # noqa: F811 - the fixture
) -> None:
    from playwright.sync_api import expect

    page = admin_page("/admin/users", PHONE)
    page.get_by_label("Email", exact=True).fill("anna.berg at tageblatt")
    page.get_by_label("Name", exact=True).fill("Anna Berg")
    page.get_by_label("Role", exact=True).select_option(label="Press officer")
    page.get_by_label("Password").fill("a long passphrase")

    submit(page, "Create the user")

    expect(page.get_by_label("Email", exact=True)).to_have_value("anna.berg at tageblatt")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Anna Berg")
    expect(page.get_by_label("Role", exact=True)).to_have_value("press_officer")
    expect(page.locator("#e-email")).to_have_text(
        "Write the person's email address, such as name@example.org."
    )
    assert violations(page) == []


def test_an_api_key_without_a_name_keeps_the_expiry(
    admin_page: Open,  # noqa: F811 - the fixture
) -> None:
    from playwright.sync_api import expect

    page = admin_page("/admin/keys", PHONE)
    page.get_by_label("Expires after").fill("90d")

    submit(page, "Create the key")

    expect(page.get_by_label("Expires after")).to_have_value("90d")
    expect(page.locator("#e-name")).to_have_text("Say what will use the key, such as newsroom CMS.")
    assert violations(page) == []
