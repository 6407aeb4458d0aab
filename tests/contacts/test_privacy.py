"""Privacy: the legal basis recorded, everything held exported, erasure that leaves only a hash."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.audit import Actor, record
from distributor.contacts.privacy import (
    ERASED_PREFIX,
    erase_contact,
    export_contact_data,
    set_legal_basis,
)
from distributor.contacts.suppressions import add_suppression, suppressed_among
from distributor.errors import InvalidInput, NotFound, PermissionDenied
from distributor.models import (
    AuditEntry,
    Base,
    BounceClass,
    Channel,
    Contact,
    Delivery,
    DeliveryEventKind,
    LegalBasis,
    MailingList,
    MoveSuggestion,
    Role,
    Subscription,
    Suppression,
    SuppressionReason,
    email_hash,
)
from tests.contacts.deliveries import bounce, delivery

ADMIN = Actor("test:admin", Role.ADMIN)
ANNA = "anna@paper.example"


@pytest.fixture
def anna(session: Session) -> Contact:
    """A journalist with everything distributor can hold about one: beats, lists, mail, bounces, audit."""
    press = MailingList(slug="press-fr", name="Press FR")
    contact = Contact(
        email=ANNA,
        original_email="Anna@Paper.example",
        first_name="Anna",
        last_name="Schmidt",
        country="FR",
        attributes={"desk": "culture"},
        source="fair 2025",
    )
    contact.beats.extend(["film", "tv"])
    session.add(contact)
    session.add(Subscription(mailing_list=press, contact=contact, channel=Channel.IMPORT))
    bruno = Contact(email="bruno@radio.example")
    session.add(bruno)
    session.flush()
    sent = delivery(session, contact, events=(DeliveryEventKind.CLICKED,))
    sent.last_error = f"452 <{contact.original_email}> mailbox full"
    sent.events[0].detail = f"clicked by {ANNA}"
    sent.events[0].data = {"url": f"https://example.org/?who={ANNA}"}
    delivery(session, bruno)
    hard = bounce(session, "Anna@Paper.example", BounceClass.HARD)
    hard.decision = f"suppressed {ANNA}: hard bounce"
    record(session, ADMIN, "contact.create", "contact", contact.id, email=ANNA)
    record(session, ADMIN, "note", "misc", None, text=f"called {contact.original_email}")
    said = f"Bruno has left the radio. Please write to Anna at {ANNA}."
    session.add(MoveSuggestion(contact_id=bruno.id, new_email=ANNA, name="Anna", evidence=said))
    moved = MoveSuggestion(contact_id=contact.id, new_email="a@other.example", evidence="left")
    session.add(moved)
    session.flush()
    return contact


def test_consent_is_recorded_with_its_record_and_time(session: Session, anna: Contact) -> None:
    at = datetime(2026, 3, 1, 9, tzinfo=UTC)
    set_legal_basis(session, ANNA, "consent", "signed up at the Berlinale stand", at, ADMIN)
    assert (anna.legal_basis, anna.consent_record, anna.consent_at) == (
        LegalBasis.CONSENT,
        "signed up at the Berlinale stand",
        at,
    )
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "contact.legal_basis")
    ).one()
    assert entry.details["after"]["legal_basis"] == "consent"


def test_consent_without_a_record_is_refused(session: Session, anna: Contact) -> None:
    with pytest.raises(InvalidInput, match="consent needs its record"):
        set_legal_basis(session, ANNA, LegalBasis.CONSENT, None, None, ADMIN)


def test_unknown_legal_basis_names_the_choices(session: Session, anna: Contact) -> None:
    with pytest.raises(
        InvalidInput, match="'gut feeling' is not a legal basis; use one of consent"
    ):
        set_legal_basis(session, ANNA, "gut feeling", None, None, ADMIN)


def test_export_contains_everything_held_about_the_journalist(
    session: Session, anna: Contact
) -> None:
    add_suppression(session, ANNA, "complaint", ADMIN)
    document = export_contact_data(session, "ANNA@paper.example", ADMIN)
    json.dumps(document)  # serializable as it is
    assert document["contact"]["last_name"] == "Schmidt"
    assert document["contact"]["beats"] == ["film", "tv"]
    assert document["contact"]["attributes"] == {"desk": "culture"}
    assert document["contact"]["legal_basis"] == "legitimate_interest"
    assert document["contact"]["source"] == "fair 2025"
    assert [s["list"] for s in document["subscriptions"]] == ["press-fr"]
    assert document["subscriptions"][0]["channel"] == "import"
    [sent] = document["deliveries"]
    assert [e["kind"] for e in sent["events"]] == ["clicked"]
    [hard] = document["bounces"]
    assert (hard["classification"], hard["raw_message_kept"]) == ("hard", True)
    assert "raw_message" not in hard
    assert document["suppression"]["reason"] == "complaint"
    assert sorted(move["new_email"] for move in document["moved"]) == [
        "a@other.example",  # a suggestion that she moved on
        ANNA,  # a colleague's auto-reply naming her as the new contact
    ]
    actions = [entry["action"] for entry in document["audit"]]
    assert actions == ["contact.create", "note", "suppression.add"]


def test_export_is_audited_without_the_address(session: Session, anna: Contact) -> None:
    export_contact_data(session, ANNA, ADMIN)
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "contact.export_data")
    ).one()
    assert entry.details == {"email_hash": email_hash(ANNA)}


def test_export_of_an_address_never_held_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound, match=r"nothing is held about nobody@paper\.example"):
        export_contact_data(session, "nobody@paper.example", ADMIN)


def test_only_an_admin_exports_or_erases(session: Session, anna: Contact) -> None:
    officer = Actor("user:3", Role.PRESS_OFFICER)
    with pytest.raises(PermissionDenied):
        export_contact_data(session, ANNA, officer)
    with pytest.raises(PermissionDenied):
        erase_contact(session, ANNA, officer, "asked")


def test_erasure_needs_a_reason(session: Session, anna: Contact) -> None:
    with pytest.raises(InvalidInput, match="erasure needs a reason"):
        erase_contact(session, ANNA, ADMIN, "")


def _cells_naming(session: Session, address: str) -> list[str]:
    """Every cell of every table whose text contains `address` in any case or JSON escaping."""
    found = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)).mappings():
            for column, value in row.items():
                if isinstance(value, bytes):
                    text = value.decode("utf-8", "replace")
                elif isinstance(value, dict | list):
                    text = json.dumps(value, ensure_ascii=False)
                else:
                    text = str(value)
                if address.lower() in text.lower():
                    found.append(f"{table.name}.{column}")
    return found


def test_erasure_leaves_no_plain_address_anywhere_in_the_database(
    session: Session, anna: Contact
) -> None:
    add_suppression(session, ANNA, "complaint", ADMIN)
    assert _cells_naming(session, ANNA)  # the scan sees it before
    erase_contact(session, ANNA, ADMIN, f"request from {ANNA} on 2026-03-01")
    session.commit()
    assert _cells_naming(session, ANNA) == []


def test_erasure_keeps_statistics_and_the_other_journalists(
    session: Session, anna: Contact
) -> None:
    erasure = erase_contact(session, ANNA, ADMIN, "asked by email")
    session.commit()
    emails = sorted(session.scalars(select(Delivery.email)))
    assert emails == ["bruno@radio.example", f"{ERASED_PREFIX}{email_hash(ANNA)}"]
    assert session.scalars(select(Contact.email)).all() == ["bruno@radio.example"]
    assert session.scalars(select(Subscription)).all() == []
    assert (erasure.deliveries, erasure.bounces, erasure.suppression) == (1, 1, "added")


def test_erased_address_is_suppressed_by_hash_so_never_added_again(
    session: Session, anna: Contact
) -> None:
    erase_contact(session, ANNA, ADMIN, "asked by email")
    entry = session.scalars(select(Suppression)).one()
    assert (entry.email, entry.email_hash, entry.reason) == (
        None,
        email_hash(ANNA),
        SuppressionReason.ERASED,
    )
    assert suppressed_among(session, [ANNA]) == {ANNA}


def test_erasure_of_a_suppressed_address_keeps_its_first_reason_without_the_address(
    session: Session, anna: Contact
) -> None:
    add_suppression(session, ANNA, "complaint", ADMIN)
    assert erase_contact(session, ANNA, ADMIN, "asked").suppression == "kept"
    entry = session.scalars(select(Suppression)).one()
    assert (entry.email, entry.reason) == (None, SuppressionReason.COMPLAINT)


def test_erasure_is_audited_with_the_hash_only(session: Session, anna: Contact) -> None:
    erase_contact(session, ANNA, ADMIN, "asked by email")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "contact.erase")).one()
    assert entry.details["email_hash"] == email_hash(ANNA)
    assert ANNA not in json.dumps(entry.details)
