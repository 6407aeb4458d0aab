"""A contact's page shows their timeline, and whoever may edit contacts leaves notes on it."""

from __future__ import annotations

from sqlalchemy import select

from distributor.audit import Actor
from distributor.contacts.directory import add_contact
from distributor.contacts.lists import create_list
from distributor.contacts.subscriptions import subscribe
from distributor.models import Contact, ContactNote, Role
from tests.web.admin.conftest import EMAILS, Admin
from tests.web.recipients import ESCAPED_XSS, XSS

OPERATOR = Actor("test:admin", Role.ADMIN)


def _anna(admin: Admin) -> Contact:
    session = admin.web.session
    create_list(session, "film", OPERATOR)
    contact = add_contact(session, {"email": "anna@tageblatt.example"}, OPERATOR)
    subscribe(session, contact.email, "film", OPERATOR)
    admin.commit()
    return contact


def test_contact_page_shows_the_timeline_to_a_viewer(admin: Admin) -> None:
    contact = _anna(admin)

    page = admin.signed_in(Role.VIEWER).get(f"/admin/contacts/{contact.id}")

    assert page.status_code == 200
    timeline = page.text[page.text.index('id="timeline"') :]
    assert timeline.index("Subscribed to film") < timeline.index("Added as a contact")
    assert 'id="note-form"' not in timeline  # no note form for a viewer


def test_admin_leaves_a_note_that_shows_on_the_timeline(admin: Admin) -> None:
    contact = _anna(admin)
    browser = admin.signed_in(Role.ADMIN)

    posted = browser.post(f"/admin/contacts/{contact.id}/notes", {"text": "Call before 10:00"})
    page = browser.get(f"/admin/contacts/{contact.id}")

    assert posted.status_code == 303
    assert posted.headers["location"] == f"/admin/contacts/{contact.id}#timeline"
    timeline = page.text[page.text.index('id="timeline"') :]
    assert timeline.index("Call before 10:00") < timeline.index("Subscribed to film")
    assert f">{EMAILS[Role.ADMIN]}</td>" in timeline


def test_a_notes_text_is_shown_as_text(admin: Admin) -> None:
    contact = _anna(admin)
    browser = admin.signed_in(Role.ADMIN)

    browser.post(f"/admin/contacts/{contact.id}/notes", {"text": XSS})
    page = browser.get(f"/admin/contacts/{contact.id}")

    assert ESCAPED_XSS in page.text
    assert XSS not in page.text


def test_an_empty_note_shows_why_and_adds_nothing(admin: Admin) -> None:
    contact = _anna(admin)

    refused = admin.signed_in(Role.ADMIN).post(f"/admin/contacts/{contact.id}/notes", {"text": " "})

    assert refused.status_code == 422
    assert "Write the note before adding it." in refused.text
    assert admin.web.session.scalars(select(ContactNote)).all() == []


def test_a_press_officer_may_not_leave_a_note(admin: Admin) -> None:
    contact = _anna(admin)

    refused = admin.signed_in(Role.PRESS_OFFICER).post(
        f"/admin/contacts/{contact.id}/notes", {"text": "Hello"}
    )

    assert refused.status_code == 403
    assert admin.web.session.scalars(select(ContactNote)).all() == []
