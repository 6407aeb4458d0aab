"""Journalists one at a time: add, edit, show, search and delete contacts.

Values go through `contacts.values` like every import row, so a contact typed
at the CLI or in a form obeys the same rules as one from a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, String, exists, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from distributor.addresses import Address, InvalidAddress, parse_address
from distributor.audit import Actor, record
from distributor.contacts.fields import BY_NAME, FIELDS, match_header
from distributor.contacts.lists import get_list
from distributor.contacts.values import (
    CleanContact,
    Problem,
    RowRejected,
    clean_contact,
    clean_value,
)
from distributor.errors import Conflict, InvalidInput, NotFound
from distributor.models import (
    Contact,
    ContactBeat,
    MailingList,
    Role,
    Subscription,
    SubscriptionStatus,
    Suppression,
    email_hash,
)

ATTRIBUTE_PREFIX = "attributes."
# Contact columns a person sets through fields (email, name and beats are handled apart).
COLUMN_FIELDS = tuple(f.name for f in FIELDS if f.name not in ("email", "name", "beats"))
MAX_PAGE = 1000


@dataclass(frozen=True)
class SubscriptionView:
    list_slug: str
    list_name: str
    status: SubscriptionStatus
    channel: str
    reason: str | None
    actor: str | None
    changed_at: datetime


@dataclass(frozen=True)
class SuppressionView:
    reason: str
    note: str | None
    created_at: datetime


@dataclass(frozen=True)
class ContactDetails:
    """Everything `contacts show` presents about one journalist."""

    id: int
    email: str
    original_email: str | None
    alternate_emails: list[str]  # the other addresses an address book gave; never mailed
    name: str
    fields: dict[str, Any]  # field name -> value, for each of COLUMN_FIELDS
    beats: list[str]
    attributes: dict[str, Any]
    consent_at: datetime | None
    created_at: datetime
    updated_at: datetime
    subscriptions: list[SubscriptionView]
    suppression: SuppressionView | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "email": self.email,
            "original_email": self.original_email,
            "alternate_emails": self.alternate_emails,
            "name": self.name,
            **self.fields,
            "beats": self.beats,
            "attributes": self.attributes,
            "consent_at": self.consent_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "subscriptions": [vars(s) for s in self.subscriptions],
            "suppressed": self.suppression is not None,
            "suppression": vars(self.suppression) if self.suppression else None,
        }


@dataclass(frozen=True)
class ContactRow:
    """One line of search results."""

    id: int
    email: str
    name: str
    outlet: str | None
    country: str | None
    language: str | None


@dataclass(frozen=True)
class ContactPage:
    total: int  # matches in all, not only on this page
    offset: int
    limit: int
    contacts: list[ContactRow]


@dataclass(frozen=True)
class ContactChange:
    contact: Contact
    changed: dict[str, dict[str, Any]]  # field -> {"from": old, "to": new}


@dataclass(frozen=True)
class DeletedContact:
    id: int
    email: str


class UnicodeLower(FunctionElement[str]):
    """Lower case that folds every script, not only ASCII (SQLite's lower() leaves Cyrillic alone)."""

    type = String()
    inherit_cache = True


@compiles(UnicodeLower)
def _lowered_default(element: UnicodeLower, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(UnicodeLower, "sqlite")
def _lowered_sqlite(element: UnicodeLower, compiler: SQLCompiler, **kw: Any) -> str:
    # Registered on every SQLite connection by distributor.db.
    return f"unicode_lower({compiler.process(element.clauses, **kw)})"


def _split_keys(values: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Field names (aliases allowed) and `attributes.NAME` keys, or InvalidInput for the rest."""
    fields: dict[str, str] = {}
    attributes: dict[str, str] = {}
    for key, text in values.items():
        if key.startswith(ATTRIBUTE_PREFIX):
            name = key[len(ATTRIBUTE_PREFIX) :].strip()
            if not name or match_header(name):
                raise InvalidInput(
                    f"custom attribute {name!r} is empty or names a contact field; "
                    f"set the field itself with {match_header(name) or 'its name'}=VALUE"
                )
            attributes[name] = text
            continue
        field = match_header(key)
        if field is None:
            known = ", ".join(f.name for f in FIELDS)
            raise InvalidInput(
                f"unknown contact field {key!r}; fields are {known}, "
                f"and custom attributes are set as {ATTRIBUTE_PREFIX}NAME=VALUE"
            )
        fields[field] = text
    return fields, attributes


def _clean(fields: Mapping[str, str], attributes: Mapping[str, str]) -> CleanContact:
    """Clean a contact typed by a person: unlike in an import, any bad value is an error."""
    try:
        cleaned = clean_contact(fields, attributes)
    except RowRejected as exc:
        raise InvalidInput(_describe([exc.problem])) from None
    if cleaned.problems:
        raise InvalidInput(_describe(cleaned.problems))
    return cleaned


def _describe(problems: list[Problem]) -> str:
    return "; ".join(f"{p.field}: {p.reason}" for p in problems)


def _apply(contact: Contact, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        if name == "beats":
            contact.beats = list(value)
        elif name == "attributes":
            contact.attributes = {**contact.attributes, **value}
        else:
            setattr(contact, name, value)


def _require_unused(session: Session, email: str) -> None:
    if session.scalar(select(Contact.id).where(Contact.email == email)) is not None:
        raise Conflict(
            f"a contact with address {email} already exists; change it with "
            f"`distributor contacts edit {email} --set field=value`"
        )


def add_contact(session: Session, values: Mapping[str, str], actor: Actor) -> Contact:
    """Add one journalist from field name -> text (`attributes.NAME` for custom attributes).

    A suppressed address may be added (its history is worth keeping); it just
    cannot be subscribed to any list.
    """
    actor.require(Role.ADMIN, "adding a contact")
    fields, attributes = _split_keys(values)
    cleaned = _clean(fields, attributes)
    _require_unused(session, cleaned.address.email)
    contact = Contact(email=cleaned.address.email, attributes={})
    _apply(contact, cleaned.values)
    session.add(contact)
    session.flush()
    record(session, actor, "contact.add", "contact", contact.id, email=contact.email)
    return contact


def _current(contact: Contact, field: str) -> Any:
    if field == "beats":
        return list(contact.beats)
    if field == "name":
        return contact.name
    return getattr(contact, field)


def edit_contact(
    session: Session,
    email: str,
    changes: Mapping[str, str],
    actor: Actor,
    *,
    tracking_allowed: bool | None = None,
) -> ContactChange:
    """Change fields of a contact; an empty text clears a field (or drops an attribute).

    A new address is normalized and must not belong to another contact.
    `tracking_allowed` False records the contact's objection to tracked links and opens.
    """
    actor.require(Role.ADMIN, "editing a contact")
    if not changes and tracking_allowed is None:
        raise InvalidInput("nothing to change: give at least one field=value")
    contact = get_contact(session, email)
    fields, attributes = _split_keys(changes)
    # Everything is checked before anything changes, so a refused edit leaves the contact as it was.
    address = _address(fields.pop("email")) if "email" in fields else None
    if address is not None and address.email != contact.email:
        _require_unused(session, address.email)
    given = {name: text for name, text in fields.items() if text.strip()}
    cleared = [name for name, text in fields.items() if not text.strip()]
    kept = {name: text for name, text in attributes.items() if text.strip()}
    cleaned = _clean({"email": contact.email, **given}, kept).values if given or kept else {}

    touched = [
        *(["email"] if address else []),
        *fields,
        *(["tracking_allowed"] if tracking_allowed is not None else []),
    ]
    before = {name: _current(contact, name) for name in touched}
    before_attributes = dict(contact.attributes)
    if address is not None:
        contact.email = address.email
        contact.original_email = address.original if address.original != address.email else None
    for name in cleared:
        if name == "beats":
            contact.beats = []
        elif name == "name":
            contact.first_name = contact.last_name = None
        else:
            setattr(contact, name, None)
    _apply(contact, cleaned)
    if tracking_allowed is not None:
        contact.tracking_allowed = tracking_allowed
    contact.attributes = {
        k: v for k, v in contact.attributes.items() if k in kept or k not in attributes
    }
    after = {name: _current(contact, name) for name in touched}
    after |= {ATTRIBUTE_PREFIX + n: contact.attributes.get(n) for n in attributes}
    before |= {ATTRIBUTE_PREFIX + n: before_attributes.get(n) for n in attributes}
    changed = {
        name: {"from": before[name], "to": value}
        for name, value in after.items()
        if before[name] != value
    }
    session.flush()
    record(session, actor, "contact.edit", "contact", contact.id, changes=changed)
    return ContactChange(contact=contact, changed=changed)


def _address(text: str) -> Address:
    try:
        return parse_address(text)
    except InvalidAddress as exc:
        raise InvalidInput(f"email: {exc}") from None


def get_contact(session: Session, email_or_id: str | int) -> Contact:
    """The contact with this address (any spelling) or id, or NotFound saying how to find one."""
    if isinstance(email_or_id, int) or email_or_id.strip().isdigit():
        contact = session.get(Contact, int(email_or_id))
    else:
        try:
            email = parse_address(email_or_id).email
        except InvalidAddress:
            email = email_or_id.strip().lower()
        contact = session.scalar(select(Contact).where(Contact.email == email))
    if contact is None:
        raise NotFound(
            f"no contact {str(email_or_id).strip()!r}; find one with "
            "`distributor contacts search TEXT`, or add it with `distributor contacts add EMAIL`"
        )
    return contact


def suppression_of(session: Session, email: str) -> Suppression | None:
    """The suppression entry of a normalized address, found by its hash."""
    return session.scalar(select(Suppression).where(Suppression.email_hash == email_hash(email)))


def subscriptions_of(session: Session, contact_id: int) -> list[tuple[Subscription, str, str]]:
    """A contact's subscriptions with each list's slug and name, by slug."""
    rows = session.execute(
        select(Subscription, MailingList.slug, MailingList.name)
        .join(MailingList, MailingList.id == Subscription.list_id)
        .where(Subscription.contact_id == contact_id)
        .order_by(MailingList.slug)
    )
    return [(subscription, slug, name) for subscription, slug, name in rows]


def contact_details(session: Session, email_or_id: str | int) -> ContactDetails:
    contact = get_contact(session, email_or_id)
    rows = subscriptions_of(session, contact.id)
    subscriptions = [
        SubscriptionView(
            list_slug=slug,
            list_name=name,
            status=s.status,
            channel=s.channel.value,
            reason=s.reason,
            actor=s.actor,
            changed_at=s.changed_at,
        )
        for s, slug, name in rows
    ]
    suppression = suppression_of(session, contact.email)
    return ContactDetails(
        id=contact.id,
        email=contact.email,
        original_email=contact.original_email,
        alternate_emails=list(contact.alternate_emails or []),
        name=contact.name,
        fields={name: getattr(contact, name) for name in COLUMN_FIELDS},
        beats=list(contact.beats),
        attributes=dict(contact.attributes),
        consent_at=contact.consent_at,
        created_at=contact.created_at,
        updated_at=contact.updated_at,
        subscriptions=subscriptions,
        suppression=(
            SuppressionView(
                reason=suppression.reason.value,
                note=suppression.note,
                created_at=suppression.created_at,
            )
            if suppression
            else None
        ),
    )


def _clean_filter(field: str, text: str) -> Any:
    try:
        return clean_value(field, text)
    except ValueError as exc:
        raise InvalidInput(f"{BY_NAME[field].label}: {exc}") from None


def _contains(column: SQLColumnExpression[Any], text: str) -> ColumnElement[bool]:
    return UnicodeLower(column).contains(text.lower(), autoescape=True)


def search_contacts(
    session: Session,
    text: str | None = None,
    *,
    list_slug: str | None = None,
    outlet: str | None = None,
    country: str | None = None,
    language: str | None = None,
    beat: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> ContactPage:
    """Contacts matching every filter given, ordered by address, one page at a time.

    `text` matches anywhere in the address, first or last name or outlet, in any
    case and script; `list_slug` means subscribed to that list; `language` "en"
    also finds "en-GB".
    """
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInput(f"limit must be 1 to {MAX_PAGE} and offset not negative")
    conditions: list[ColumnElement[bool]] = []
    if text and text.strip():
        needle = text.strip()
        full_name = (
            func.coalesce(Contact.first_name, "") + " " + func.coalesce(Contact.last_name, "")
        )
        conditions.append(
            or_(
                _contains(Contact.email, needle),
                _contains(full_name, needle),
                _contains(Contact.outlet, needle),
            )
        )
    if list_slug is not None:
        list_id = get_list(session, list_slug).id
        conditions.append(
            exists().where(
                Subscription.contact_id == Contact.id,
                Subscription.list_id == list_id,
                Subscription.status == SubscriptionStatus.SUBSCRIBED,
            )
        )
    if outlet:
        conditions.append(_contains(Contact.outlet, outlet.strip()))
    if country:
        conditions.append(Contact.country == _clean_filter("country", country))
    if language:
        code = _clean_filter("language", language)
        conditions.append(or_(Contact.language == code, Contact.language.startswith(f"{code}-")))
    if beat:
        beats = _clean_filter("beats", beat)
        conditions.append(
            exists().where(ContactBeat.contact_id == Contact.id, ContactBeat.beat.in_(beats))
        )
    total = session.scalar(select(func.count(Contact.id)).where(*conditions)) or 0
    rows = session.execute(
        select(
            Contact.id,
            Contact.email,
            Contact.first_name,
            Contact.last_name,
            Contact.outlet,
            Contact.country,
            Contact.language,
        )
        .where(*conditions)
        .order_by(Contact.email)
        .limit(limit)
        .offset(offset)
    )
    return ContactPage(
        total=total,
        offset=offset,
        limit=limit,
        contacts=[
            ContactRow(
                id=id_,
                email=email,
                name=" ".join(p for p in (first, last) if p),
                outlet=outlet_,
                country=country_,
                language=language_,
            )
            for id_, email, first, last, outlet_, country_, language_ in rows
        ],
    )


def delete_contact(session: Session, email: str, actor: Actor) -> DeletedContact:
    """Delete a contact with its subscriptions; past deliveries keep their statistics.

    Not an erasure under data protection law: the address stays in deliveries
    and in the audit log, and it is not suppressed (see `contacts erase`).
    """
    actor.require(Role.ADMIN, "deleting a contact")
    contact = get_contact(session, email)
    deleted = DeletedContact(id=contact.id, email=contact.email)
    session.delete(contact)
    session.flush()
    record(session, actor, "contact.delete", "contact", deleted.id, email=deleted.email)
    return deleted
