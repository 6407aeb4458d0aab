"""A journalist's data protection rights: the legal basis recorded, everything held exported, erasure.

Erasure deletes the person with the notes left on them, and scrubs the address from
what must stay (deliveries, their events, bounce records, the audit log, notes on other
journalists); only the address's hash survives, on the suppression list, so the
person is never added again by an import or a form.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Select,
    Text,
    Update,
    case,
    cast,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, selectinload

from distributor import audit
from distributor.addresses import normalized_address
from distributor.audit import Actor
from distributor.contacts.directory import get_contact, subscriptions_of
from distributor.contacts.export import neutralize_formula
from distributor.contacts.suppressions import describe_entry, suppress
from distributor.contacts.values import clean_value
from distributor.errors import InvalidInput, NotFound
from distributor.models import (
    AuditEntry,
    Base,
    BounceRecord,
    Channel,
    Contact,
    ContactNote,
    Delivery,
    DeliveryEvent,
    LegalBasis,
    MoveSuggestion,
    Role,
    Suppression,
    SuppressionReason,
    email_hash,
    utcnow,
)

ERASED_PREFIX = "erased:"  # deliveries keep "erased:<hash>" where the address was


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _columns(row: Base, *, without: tuple[str, ...] = ()) -> dict[str, Any]:
    """A row's columns as JSON values (bytes left out: the caller says what to show of them)."""
    return {
        column.key: _plain(getattr(row, column.key))
        for column in row.__mapper__.column_attrs
        if column.key not in without
    }


def _spellings(address: str, contact: Contact | None) -> set[str]:
    """The ways the address may be written in stored text: as normalized, as the source
    wrote it, and JSON-escaped (SQLite stores JSON with non-ASCII characters escaped)."""
    forms = {address} | ({contact.original_email} if contact and contact.original_email else set())
    return forms | {json.dumps(form)[1:-1] for form in forms}


def _deliveries_of(address: str, contact: Contact | None) -> Select[int]:
    mine = Delivery.email == address
    if contact is not None:
        mine = or_(mine, Delivery.contact_id == contact.id)
    return select(Delivery.id).where(mine)


def _bounces_of(address: str, contact: Contact | None) -> ColumnElement[bool]:
    return or_(
        func.lower(BounceRecord.recipient) == address,
        BounceRecord.delivery_id.in_(_deliveries_of(address, contact)),
    )


def _moves_of(address: str, contact: Contact | None) -> ColumnElement[bool]:
    """Suggestions that the journalist moved on, and those naming the address as the new one."""
    named = func.lower(MoveSuggestion.new_email).in_(_spellings(address, contact))
    return or_(named, MoveSuggestion.contact_id == contact.id) if contact is not None else named


def _audit_of(
    address: str, contact: Contact | None, suppression: Suppression | None
) -> Select[AuditEntry]:
    """Audit entries about the person: on their contact or suppression, or naming the address."""
    about = [
        cast(AuditEntry.details, Text).contains(form, autoescape=True)
        for form in _spellings(address, contact)
    ]
    about += [AuditEntry.entity_id == address, AuditEntry.actor.contains(address, autoescape=True)]
    if contact is not None:
        about.append(
            (AuditEntry.entity_type == "contact") & (AuditEntry.entity_id == str(contact.id))
        )
    if suppression is not None:
        about.append(
            (AuditEntry.entity_type == "suppression")
            & (AuditEntry.entity_id == str(suppression.id))
        )
    return select(AuditEntry).where(or_(*about)).order_by(AuditEntry.id)


def _find(session: Session, address: str) -> tuple[Contact | None, Suppression | None]:
    contact = session.scalar(
        select(Contact).where(Contact.email == address).options(selectinload(Contact.beat_rows))
    )
    suppression = session.scalar(
        select(Suppression).where(Suppression.email_hash == email_hash(address))
    )
    return contact, suppression


def export_contact_data(session: Session, email: str, actor: Actor) -> dict[str, Any]:
    """Everything held about one journalist, as one JSON-serializable document."""
    actor.require(Role.ADMIN, "exporting a journalist's data")
    address = normalized_address(email)
    contact, suppression = _find(session, address)
    subscriptions = []
    if contact is not None:
        subscriptions = [
            {"list": slug, "list_name": name} | _columns(sub, without=("contact_id",))
            for sub, slug, name in subscriptions_of(session, contact.id)
        ]
    deliveries = session.scalars(
        select(Delivery)
        .where(Delivery.id.in_(_deliveries_of(address, contact)))
        .order_by(Delivery.id)
        .options(selectinload(Delivery.events))
    ).all()
    bounces = session.scalars(
        select(BounceRecord).where(_bounces_of(address, contact)).order_by(BounceRecord.id)
    ).all()
    entries = session.scalars(_audit_of(address, contact, suppression)).all()
    notes: list[ContactNote] = []
    if contact is not None:
        notes = list(
            session.scalars(
                select(ContactNote)
                .where(ContactNote.contact_id == contact.id)
                .order_by(ContactNote.id)
            )
        )
    moves = session.scalars(
        select(MoveSuggestion).where(_moves_of(address, contact)).order_by(MoveSuggestion.id)
    ).all()
    if contact is None and suppression is None and not deliveries and not bounces:
        raise NotFound(
            f"nothing is held about {address}: no contact, delivery, bounce or suppression"
        )
    document = {
        "email": address,
        "exported_at": utcnow().isoformat(),
        "contact": None
        if contact is None
        else _columns(contact) | {"beats": list(contact.beats), "name": contact.name},
        "subscriptions": subscriptions,
        "notes": [_columns(note, without=("contact_id", "user_id")) for note in notes],
        "moved": [_columns(move) for move in moves],
        "deliveries": [
            _columns(d) | {"events": [_columns(e, without=("delivery_id",)) for e in d.events]}
            for d in deliveries
        ],
        "bounces": [
            _columns(b, without=("raw_message",)) | {"raw_message_kept": b.raw_message is not None}
            for b in bounces
        ],
        "suppression": None if suppression is None else describe_entry(suppression),
        "audit": [_columns(entry, without=("user_id",)) for entry in entries],
    }
    audit.record(
        session,
        actor,
        "contact.export_data",
        "contact",
        contact.id if contact else None,
        email_hash=email_hash(address),
    )
    return document


def contact_data_csv(document: dict[str, Any]) -> bytes:
    """`export_contact_data`'s document as a spreadsheet: one line per value, with the part
    of the document it is in (contact, subscriptions 1, deliveries 2 events 1…) and its name."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Part", "Field", "Value"])

    def lines(part: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(inner, dict | list):
                    lines(f"{part} {key}".strip(), inner)
                else:
                    writer.writerow([part, key, neutralize_formula(_cell(inner))])
        elif isinstance(value, list):
            for number, item in enumerate(value, 1):
                lines(f"{part} {number}", item)
        else:
            writer.writerow([part, "", neutralize_formula(_cell(value))])

    lines("", document)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Erasure:
    email_hash: str
    contact_id: int | None  # None: no contact was held, only traces of one
    deliveries: int  # scrubbed, kept for the send-outs' statistics
    bounces: int
    audit_entries: int
    suppression: str  # "added", or "kept" when the address was already suppressed


def _updated(session: Session, statement: Update) -> int:
    """Run a bulk UPDATE; the number of rows it changed."""
    result = session.execute(statement.execution_options(synchronize_session=False))
    assert isinstance(result, CursorResult)
    return result.rowcount


def _scrubber(address: str, contact: Contact | None, placeholder: str) -> Callable[[Any], Any]:
    """Replace every spelling of the address, in any case, inside text, dicts and lists."""
    pattern = re.compile("|".join(map(re.escape, _spellings(address, contact))), re.IGNORECASE)

    def scrub(value: Any) -> Any:
        if isinstance(value, str):
            return pattern.sub(placeholder, value)
        if isinstance(value, dict):
            return {scrub(k): scrub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [scrub(v) for v in value]
        return value

    return scrub


def erase_contact(session: Session, email: str, actor: Actor, reason: str) -> Erasure:
    """Delete the journalist and every copy of the address; keep its hash on the suppression list."""
    actor.require(Role.ADMIN, "erasing a journalist")
    if not reason.strip():
        raise InvalidInput("erasure needs a reason (--reason): who asked, when, how")
    address = normalized_address(email)
    digest = email_hash(address)
    placeholder = f"{ERASED_PREFIX}{digest}"
    contact, suppression = _find(session, address)
    scrub = _scrubber(address, contact, placeholder)
    mine = _deliveries_of(address, contact)

    decision: ColumnElement[str | None] = BounceRecord.decision.expression
    note: ColumnElement[str] = ContactNote.text.expression
    evidence: ColumnElement[str] = MoveSuggestion.evidence.expression
    naming: list[ColumnElement[bool]] = []
    quoting: list[ColumnElement[bool]] = []
    for form in _spellings(address, contact):
        decision = func.replace(decision, form, placeholder)
        note = func.replace(note, form, placeholder)
        evidence = func.replace(evidence, form, placeholder)
        naming.append(ContactNote.text.contains(form, autoescape=True))
        quoting.append(MoveSuggestion.evidence.contains(form, autoescape=True))
    # A suggestion on another journalist may name the address, as their new one or in its words.
    new_one = _moves_of(address, None)
    _updated(
        session,
        update(MoveSuggestion)
        .where(or_(new_one, *quoting))
        .values(
            new_email=case((new_one, placeholder), else_=MoveSuggestion.new_email),
            evidence=evidence,
        ),
    )
    # The contact's own notes go with it (CASCADE); notes on others may name the address.
    _updated(session, update(ContactNote).where(or_(*naming)).values(text=note))
    _updated(
        session,
        update(DeliveryEvent)
        .where(DeliveryEvent.delivery_id.in_(mine))
        .values(detail=None, data={}),
    )
    # Recipient, raw message and diagnostic (the remote server's words) name the address.
    bounces = _updated(
        session,
        update(BounceRecord)
        .where(_bounces_of(address, contact))
        .values(recipient=None, raw_message=None, diagnostic=None, decision=decision),
    )
    deliveries = _updated(
        session,
        update(Delivery)
        .where(Delivery.id.in_(mine.scalar_subquery()))
        .values(email=placeholder, contact_id=None, last_error=None),
    )
    entries = session.scalars(_audit_of(address, contact, suppression)).all()
    for entry in entries:
        entry.details = scrub(entry.details)
        entry.actor = scrub(entry.actor)
        entry.entity_id = scrub(entry.entity_id)

    if suppression is not None:
        suppression.email = None
        suppression.note = scrub(suppression.note)
        suppression.source = scrub(suppression.source)
    else:
        suppress(
            session,
            address,
            SuppressionReason.ERASED,
            actor=actor,
            channel=Channel.ADMIN,
            source="erasure",
            keep_address=False,
        )
    contact_id = contact.id if contact else None
    if contact is not None:
        session.delete(contact)  # with its beats and subscriptions
    session.flush()
    session.expire_all()  # the bulk updates above bypassed the objects in the session
    audit.record(
        session,
        actor,
        "contact.erase",
        "contact",
        contact_id,
        email_hash=digest,
        reason=scrub(reason.strip()),
        deliveries=deliveries,
        bounces=bounces,
        audit_entries=len(entries),
    )
    session.flush()
    return Erasure(
        email_hash=digest,
        contact_id=contact_id,
        deliveries=deliveries,
        bounces=bounces,
        audit_entries=len(entries),
        suppression="kept" if suppression is not None else "added",
    )


def set_legal_basis(
    session: Session,
    email: str,
    basis: LegalBasis | str,
    record: str | None,
    at: datetime | None,
    actor: Actor,
    *,
    source: str | None = None,
) -> Contact:
    """Record why the address may be held and mailed: the basis, the evidence, when, and where from.

    Consent needs its record (what was agreed to, where, how) and a time (now if not given).
    """
    actor.require(Role.ADMIN, "recording a legal basis")
    contact = get_contact(session, email)
    try:
        values: dict[str, Any] = {
            "legal_basis": basis
            if isinstance(basis, LegalBasis)
            else clean_value("legal_basis", basis)
        }
        if record is not None and record.strip():
            values["consent_record"] = clean_value("consent_record", record)
        if source is not None and source.strip():
            values["source"] = clean_value("source", source)
    except ValueError as exc:
        raise InvalidInput(f"{contact.email}: {exc}") from None
    if values["legal_basis"] is LegalBasis.CONSENT:
        if "consent_record" not in values:
            raise InvalidInput(
                f"{contact.email}: consent needs its record: what was agreed to, "
                "where and how (--record)"
            )
        values["consent_at"] = (at or utcnow()).astimezone(UTC)
    elif at is not None:
        values["consent_at"] = at.astimezone(UTC)
    before = {key: _plain(getattr(contact, key)) for key in values}
    for key, value in values.items():
        setattr(contact, key, value)
    session.flush()
    audit.record(
        session,
        actor,
        "contact.legal_basis",
        "contact",
        contact.id,
        before=before,
        after={key: _plain(value) for key, value in values.items()},
    )
    return contact
