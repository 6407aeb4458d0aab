"""Finding a list's contacts by their fields, and editing a contact from its page."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from distributor.audit import Actor
from distributor.contacts.directory import add_contact
from distributor.contacts.lists import create_list
from distributor.contacts.subscriptions import subscribe
from distributor.models import AuditEntry, Contact, Role
from tests.web.admin.conftest import Admin, Browser
from tests.web.recipients import ESCAPED_XSS, XSS

OPERATOR = Actor("test:admin", Role.ADMIN)
_INPUT = re.compile(r'<input id="f-\w+" name="(\w+)" type="text" value="([^"]*)"')
ANNA = {
    "email": "anna@tageblatt.example",
    "first_name": "Anna",
    "last_name": "Berg",
    "outlet": "Tageblatt",
    "country": "DE",
    "language": "de",
    "beats": "culture, film",
}


def _contact(admin: Admin, values: dict[str, str] = ANNA, list_slug: str = "film") -> Contact:
    session = admin.web.session
    if session.scalar(select(Contact.id).limit(1)) is None:
        create_list(session, list_slug, OPERATOR, name="Film")
    contact = add_contact(session, values, OPERATOR)
    subscribe(session, contact.email, list_slug, OPERATOR)
    admin.commit()
    return contact


def _edit(browser: Browser, contact: Contact, **changes: str) -> dict[str, str]:
    """The edit form as the page fills it (text inputs only), with `changes` typed over it."""
    page = browser.get(f"/admin/contacts/{contact.id}").text
    start = page.index('id="edit-form"')
    form = page[start : page.index("</form>", start)]
    filled = {name: html.unescape(value) for name, value in _INPUT.findall(form)}
    return filled | changes


def test_a_lists_contacts_are_filtered_by_country_and_beat(admin: Admin) -> None:
    _contact(admin)
    _contact(admin, {"email": "claire@quotidien.example", "country": "FR", "beats": "film"})

    browser = admin.signed_in(Role.VIEWER)
    french = browser.get("/admin/lists/film?country=France")
    culture = browser.get("/admin/lists/film?beat=culture")

    assert "claire@quotidien.example" in french.text
    assert "anna@tageblatt.example" not in french.text
    assert "anna@tageblatt.example" in culture.text
    assert "claire@quotidien.example" not in culture.text
    assert 'name="country" value="France"' in french.text


def test_an_unknown_country_filter_shows_why(admin: Admin) -> None:
    _contact(admin)

    page = admin.signed_in(Role.VIEWER).get("/admin/lists/film?country=Atlantis")

    assert page.status_code == 400
    assert "Atlantis" in page.text


def test_an_admin_edits_a_contact_and_only_the_changed_fields_are_audited(admin: Admin) -> None:
    contact = _contact(admin)
    browser = admin.signed_in(Role.ADMIN)

    saved = browser.post(
        f"/admin/contacts/{contact.id}",
        _edit(browser, contact, outlet="Abendpost", beats="culture", tracking_allowed="true"),
    )

    assert saved.status_code == 303
    admin.web.session.expire_all()
    edited = admin.web.session.get(Contact, contact.id)
    assert edited is not None
    assert (edited.outlet, edited.beats, edited.first_name) == ("Abendpost", ["culture"], "Anna")
    entry = admin.web.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "contact.edit")
    ).one()
    assert set(entry.details["changes"]) == {"outlet", "beats"}


def test_unticking_tracking_records_the_contacts_objection(admin: Admin) -> None:
    contact = _contact(admin)
    browser = admin.signed_in(Role.ADMIN)

    browser.post(f"/admin/contacts/{contact.id}", _edit(browser, contact))

    admin.web.session.expire_all()
    edited = admin.web.session.get(Contact, contact.id)
    assert edited is not None
    assert edited.tracking_allowed is False


def test_a_refused_edit_shows_why_and_changes_nothing(admin: Admin) -> None:
    contact = _contact(admin)
    other = _contact(admin, {"email": "claire@quotidien.example"})
    browser = admin.signed_in(Role.ADMIN)

    taken = browser.post(
        f"/admin/contacts/{contact.id}",
        _edit(browser, contact, email=other.email, outlet="Abendpost", tracking_allowed="true"),
    )

    assert taken.status_code == 422
    assert "Another contact already has this address." in taken.text
    assert 'value="claire@quotidien.example"' in taken.text
    admin.web.session.expire_all()
    unchanged = admin.web.session.get(Contact, contact.id)
    assert unchanged is not None
    assert (unchanged.email, unchanged.outlet) == ("anna@tageblatt.example", "Tageblatt")


def test_a_press_officer_sees_no_edit_form_and_may_not_post_one(admin: Admin) -> None:
    contact = _contact(admin)
    browser = admin.signed_in(Role.PRESS_OFFICER)

    page = browser.get(f"/admin/contacts/{contact.id}")
    refused = browser.post(f"/admin/contacts/{contact.id}", {"outlet": "Abendpost"})

    assert "<summary>Edit</summary>" not in page.text
    assert refused.status_code == 403


def test_a_typed_name_is_shown_as_text_in_the_form(admin: Admin) -> None:
    contact = _contact(admin)
    browser = admin.signed_in(Role.ADMIN)
    browser.post(f"/admin/contacts/{contact.id}", _edit(browser, contact, first_name=XSS))

    page = browser.get(f"/admin/contacts/{contact.id}")

    assert XSS not in page.text
    assert ESCAPED_XSS in page.text
