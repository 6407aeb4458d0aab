"""A journalist on two lists whose auto-reply said they moved on: one open suggestion."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.contacts.directory import add_contact
from distributor.contacts.lists import create_list
from distributor.contacts.moves import MovedNotice, suggest_move
from distributor.contacts.subscriptions import subscribe
from distributor.models import Contact, MoveSuggestion, Role
from tests.contacts.deliveries import delivery

OPERATOR = Actor("user:ada@press.example", Role.ADMIN)
ANNA = "anna.berg@tageblatt.example"
MARIA = "maria.lopez@tageblatt.example"
NOTICE = MovedNotice(
    new_email=MARIA,
    name="Maria López",
    outlet=None,
    evidence="Anna Berg is no longer with the Tageblatt. Please contact Maria López at "
    "maria.lopez@tageblatt.example.",
)


@dataclass(frozen=True)
class Moved:
    contact: Contact
    suggestion: MoveSuggestion


def moved_on(session: Session, notice: MovedNotice = NOTICE) -> Moved:
    """Anna, with the outlet Tageblatt, on `film` and `culture`, and a suggestion from `notice`."""
    for slug in ("film", "culture"):
        create_list(session, slug, OPERATOR)
    contact = add_contact(session, {"email": ANNA, "outlet": "Tageblatt"}, OPERATOR)
    for slug in ("film", "culture"):
        subscribe(session, contact.email, slug, OPERATOR)
    sent = delivery(session, contact)
    suggestion = suggest_move(session, delivery_id=sent.id, bounce_record_id=None, notice=notice)
    assert suggestion is not None
    return Moved(contact, suggestion)
