"""Notes on journalists under data protection: exported with the person, erased with them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.contacts.directory import add_contact
from distributor.contacts.privacy import erase_contact, export_contact_data
from distributor.contacts.timeline import add_note
from distributor.models import ContactNote, Role

OPERATOR = Actor("user:ada@press.example", Role.ADMIN)
ANNA = "anna@tageblatt.example"


def test_data_export_includes_the_notes_on_the_person(session: Session) -> None:
    anna = add_contact(session, {"email": ANNA}, OPERATOR)
    add_note(session, anna, "Prefers calls before 10:00", OPERATOR)

    document = export_contact_data(session, ANNA, OPERATOR)

    assert [(n["text"], n["author"]) for n in document["notes"]] == [
        ("Prefers calls before 10:00", OPERATOR.label)
    ]


def test_erasure_removes_the_notes_on_the_person(session: Session) -> None:
    anna = add_contact(session, {"email": ANNA}, OPERATOR)
    add_note(session, anna, "Prefers calls before 10:00", OPERATOR)

    erase_contact(session, ANNA, OPERATOR, "asked by email on 2026-11-20")

    assert session.scalars(select(ContactNote)).all() == []


def test_erasure_scrubs_the_address_from_notes_on_others(session: Session) -> None:
    add_contact(session, {"email": ANNA}, OPERATOR)
    ben = add_contact(session, {"email": "ben@kurier.example"}, OPERATOR)
    add_note(session, ben, f"Shares a desk with {ANNA}", OPERATOR)

    erasure = erase_contact(session, ANNA, OPERATOR, "asked by email on 2026-11-20")

    (kept,) = session.scalars(select(ContactNote.text)).all()
    assert kept == f"Shares a desk with erased:{erasure.email_hash}"
