"""A journalist's timeline: releases and their results, reactions, bounces, list changes, notes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.contacts.directory import add_contact, get_contact
from distributor.contacts.importing.pipeline import import_contacts
from distributor.contacts.lists import create_list
from distributor.contacts.subscriptions import subscribe, unsubscribe
from distributor.contacts.timeline import EntryKind, add_note, contact_timeline
from distributor.errors import InvalidInput, PermissionDenied
from distributor.models import (
    AuditEntry,
    BounceClass,
    Contact,
    DeliveryEvent,
    DeliveryEventKind,
    DeliveryState,
    Role,
)
from distributor.models.base import utcnow
from tests.contacts.deliveries import bounce, delivery

OPERATOR = Actor("user:ada@press.example", Role.ADMIN)
START = utcnow() - timedelta(days=10)
URL = "https://newsroom.example/budget-2027"


@pytest.fixture
def anna(session: Session) -> Contact:
    """A journalist added and subscribed to `film` and `culture` at START."""
    for slug in ("film", "culture"):
        create_list(session, slug, OPERATOR)
    contact = add_contact(session, {"email": "anna@tageblatt.example"}, OPERATOR)
    for slug in ("film", "culture"):
        subscribe(session, contact.email, slug, OPERATOR)
    session.flush()
    for second, entry in enumerate(session.scalars(select(AuditEntry).order_by(AuditEntry.id))):
        entry.at = START + timedelta(seconds=second)
    session.flush()
    return contact


def _reaction(
    session: Session, delivery_id: int, kind: DeliveryEventKind, after: timedelta, **values: Any
) -> None:
    session.add(DeliveryEvent(delivery_id=delivery_id, kind=kind, at=START + after, **values))
    session.flush()


@contextmanager
def _counting(session: Session) -> Iterator[list[str]]:
    """The SQL statements run inside the block."""
    statements: list[str] = []
    connection = session.connection()

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", count)


def test_timeline_tells_a_journalists_story_newest_first(session: Session, anna: Contact) -> None:
    budget = delivery(session, anna, at=START + timedelta(days=1), title="Budget 2027")
    _reaction(session, budget.id, DeliveryEventKind.CLICKED, timedelta(days=1, hours=1),
              detail=URL, data={"url": URL})  # fmt: skip
    _reaction(session, budget.id, DeliveryEventKind.REPLIED, timedelta(days=1, hours=3),
              detail="Can I interview the minister?")  # fmt: skip
    grants = delivery(
        session, anna, DeliveryState.BOUNCED, at=START + timedelta(days=3), title="Culture grants"
    )
    bounce(session, anna.email, BounceClass.SOFT, delivery_id=grants.id).received_at = (
        START + timedelta(days=3, minutes=5)
    )
    unsubscribe(session, anna.email, "culture", OPERATOR, reason="asked by phone")
    add_note(session, anna, "Prefers calls before 10:00", OPERATOR)
    session.flush()

    entries = contact_timeline(session, anna)

    assert [(entry.kind, entry.summary) for entry in entries] == [
        (EntryKind.NOTE, "Note"),
        (EntryKind.LIST, "Unsubscribed from culture"),
        (EntryKind.BOUNCE, "Soft bounce of “Culture grants”"),
        (EntryKind.RELEASE, "“Culture grants” bounced"),
        (EntryKind.REPLIED, "Replied to “Budget 2027”"),
        (EntryKind.CLICKED, "Clicked a link in “Budget 2027”"),
        (EntryKind.RELEASE, "Received “Budget 2027”"),
        (EntryKind.LIST, "Subscribed to culture"),
        (EntryKind.LIST, "Subscribed to film"),
        (EntryKind.CHANGE, "Added as a contact"),
    ]


def test_timeline_entries_carry_the_release_the_result_and_the_detail(
    session: Session, anna: Contact
) -> None:
    budget = delivery(session, anna, at=START + timedelta(days=1), title="Budget 2027")
    _reaction(session, budget.id, DeliveryEventKind.CLICKED, timedelta(days=2),
              detail=URL, data={"url": URL})  # fmt: skip
    add_note(session, anna, "  Prefers calls before 10:00\n", OPERATOR)

    note, click, received = contact_timeline(session, anna, limit=3)

    assert (note.detail, note.actor) == ("Prefers calls before 10:00", OPERATOR.label)
    slug = budget.sendout.release.slug
    assert (click.release_slug, click.release_title, click.detail) == (slug, "Budget 2027", URL)
    assert (received.release_slug, received.result) == (slug, "sent")


def test_a_bounce_entry_names_its_reason_in_words(session: Session, anna: Contact) -> None:
    grants = delivery(session, anna, DeliveryState.BOUNCED, title="Culture grants")
    bounce(session, anna.email, BounceClass.SOFT, delivery_id=grants.id).reason = "mailboxfull"
    session.flush()

    [entry] = [e for e in contact_timeline(session, anna) if e.kind is EntryKind.BOUNCE]

    assert entry.summary == "Soft bounce (mailbox full) of “Culture grants”"


def test_a_bounce_kept_without_a_reason_is_named_by_its_class(
    session: Session, anna: Contact
) -> None:
    bounce(session, anna.email, BounceClass.HARD)

    [entry] = [e for e in contact_timeline(session, anna) if e.kind is EntryKind.BOUNCE]

    assert entry.summary == "Hard bounce"


def test_timeline_pages_by_limit_and_offset(session: Session, anna: Contact) -> None:
    whole = contact_timeline(session, anna)

    assert len(whole) == 3
    assert contact_timeline(session, anna, limit=2) == whole[:2]
    assert contact_timeline(session, anna, limit=2, offset=1) == whole[1:]


def test_timeline_runs_the_same_few_queries_however_many_deliveries(
    session: Session, anna: Contact
) -> None:
    def queries() -> int:
        with _counting(session) as statements:
            contact_timeline(session, anna)
        return len(statements)

    first = delivery(session, anna, events=(DeliveryEventKind.CLICKED,))
    bounce(session, anna.email, delivery_id=first.id)
    few = queries()
    for _ in range(20):
        delivery(session, anna, events=(DeliveryEventKind.CLICKED, DeliveryEventKind.OPENED))

    assert queries() == few <= 8


def test_imported_contact_shows_joining_the_list(session: Session, tmp_path: Path) -> None:
    create_list(session, "film", OPERATOR)
    source = tmp_path / "desk.csv"
    source.write_text("email,outlet\nben@kurier.example,Kurier\n", encoding="utf-8")
    import_contacts(session, source, "film", OPERATOR)

    (joined,) = contact_timeline(session, get_contact(session, "ben@kurier.example"))

    assert (joined.kind, joined.summary, joined.actor) == (
        EntryKind.LIST,
        "Joined film",
        OPERATOR.label,
    )
    assert joined.detail == "import; import of desk.csv"


def test_a_note_is_audited_without_its_text(session: Session, anna: Contact) -> None:
    note = add_note(session, anna, "Off sick until May", OPERATOR)

    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()

    assert entry is not None
    assert (entry.action, entry.entity_id, entry.details) == (
        "contact.note",
        str(anna.id),
        {"note": note.id},
    )


@pytest.mark.parametrize("text", ["", "   \n"])
def test_an_empty_note_is_refused(session: Session, anna: Contact, text: str) -> None:
    with pytest.raises(InvalidInput, match="needs some text"):
        add_note(session, anna, text, OPERATOR)


def test_a_note_over_the_limit_is_refused_naming_it(session: Session, anna: Contact) -> None:
    with pytest.raises(InvalidInput, match="at most 5000 characters; this one has 5001"):
        add_note(session, anna, "x" * 5001, OPERATOR)


def test_leaving_a_note_needs_the_role_that_edits_contacts(session: Session, anna: Contact) -> None:
    officer = Actor("user:otto@press.example", Role.PRESS_OFFICER)

    with pytest.raises(PermissionDenied, match="admin role"):
        add_note(session, anna, "Hello", officer)
