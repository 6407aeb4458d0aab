"""A journalist's timeline: the releases they received and what came of each, their bounces,
list changes, edits, the notes colleagues left and the suggestions that they moved on,
newest first.

Each source is read once, newest first and cut at the page's end, then merged: a
timeline costs eight queries however many deliveries the contact has.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, String, and_, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from distributor.accounts import Permission, require
from distributor.audit import Actor, record
from distributor.contacts.directory import suppression_of
from distributor.contacts.fields import BY_NAME
from distributor.contacts.moves import ACCEPT_ACTION, DISMISS_ACTION
from distributor.errors import InvalidInput
from distributor.models import (
    AuditEntry,
    BounceClass,
    BounceRecord,
    Contact,
    ContactNote,
    Delivery,
    DeliveryEvent,
    DeliveryEventKind,
    DeliveryState,
    MailingList,
    MoveSuggestion,
    Release,
    ReleaseVersion,
    SendOut,
    Subscription,
    reason_label,
)

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
# Deeper than this, a page would read too many rows of each source; the audit log goes further.
MAX_DEPTH = 5000
MAX_NOTE = 5000  # characters in one note
NOTE_ACTION = "contact.note"  # the audit log's name for a note left
_SUBSCRIBE_ACTION = "subscription.subscribe"
_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])


class EntryKind(enum.StrEnum):
    RELEASE = "release"  # a release sent to them, with the delivery's current result
    CLICKED = "clicked"
    OPENED = "opened"
    REPLIED = "replied"
    UNSUBSCRIBED = "unsubscribed"  # through a link or the unsubscribe address of an email
    DEFERRED = "deferred"  # a temporary failure; tried again
    FAILED = "failed"
    BOUNCE = "bounce"  # a bounce, complaint, delay warning or auto-reply received
    LIST = "list"  # subscribed, resubscribed, unsubscribed, joined by an import
    CHANGE = "change"  # added, edited, legal basis, signup, data exported
    SUPPRESSION = "suppression"
    NOTE = "note"
    MOVED = "moved"  # an auto-reply or bounce said they moved on: a suggestion and its answer


# Delivery events the timeline shows; a sent event is the release entry itself, and bounced,
# delayed and complained events repeat what their bounce records tell in more detail.
_EVENT_KINDS = {
    DeliveryEventKind.CLICKED: EntryKind.CLICKED,
    DeliveryEventKind.OPENED: EntryKind.OPENED,
    DeliveryEventKind.REPLIED: EntryKind.REPLIED,
    DeliveryEventKind.REPLIED_UNVERIFIED: EntryKind.REPLIED,
    DeliveryEventKind.UNSUBSCRIBED: EntryKind.UNSUBSCRIBED,
    DeliveryEventKind.DEFERRED: EntryKind.DEFERRED,
    DeliveryEventKind.FAILED: EntryKind.FAILED,
}
_EVENT_SUMMARIES = {
    DeliveryEventKind.CLICKED: "Clicked a link in {}",
    DeliveryEventKind.OPENED: "Opened {}",
    DeliveryEventKind.REPLIED: "Replied to {}",
    DeliveryEventKind.REPLIED_UNVERIFIED: "A reply to {} in their name (sender not verified)",
    DeliveryEventKind.UNSUBSCRIBED: "Unsubscribed through {}",
    DeliveryEventKind.DEFERRED: "{} was deferred; it is tried again",
    DeliveryEventKind.FAILED: "{} could not be delivered",
}
_RESULTS = {
    DeliveryState.QUEUED: "{} is queued",
    DeliveryState.SENDING: "{} is being sent",
    DeliveryState.SENT: "Received {}",
    DeliveryState.DEFERRED: "{} is waiting for another try",
    DeliveryState.FAILED: "{} could not be delivered",
    DeliveryState.BOUNCED: "{} bounced",
    DeliveryState.SKIPPED: "{} was not sent: suppressed or unsubscribed by then",
}
_BOUNCES = {
    BounceClass.HARD: "Hard bounce",
    BounceClass.SOFT: "Soft bounce",
    BounceClass.BLOCK: "Blocked by the receiving server",
    BounceClass.COMPLAINT: "Marked as spam",
    BounceClass.DELAYED: "Delivery delayed",
    BounceClass.AUTO_REPLY: "Auto-reply",
    BounceClass.UNKNOWN: "Unrecognized bounce",
}


@dataclass(frozen=True)
class TimelineEntry:
    kind: EntryKind
    at: datetime
    summary: str  # one line a person reads
    release_slug: str | None = None
    release_title: str | None = None
    result: str | None = None  # a release entry's delivery state now; a suggestion's state
    detail: str | None = None  # the reason, URL, diagnostic, note text…
    actor: str | None = None  # who made a change or left a note
    move_id: int | None = None  # a suggestion that they moved on, to accept or dismiss


def contact_timeline(
    session: Session, contact: Contact, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> list[TimelineEntry]:
    """`limit` entries of the contact's timeline from `offset`, newest first."""
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise InvalidInput(f"limit must be 1 to {MAX_LIMIT} and offset not negative")
    if offset + limit > MAX_DEPTH:
        raise InvalidInput(
            f"a timeline shows its latest {MAX_DEPTH} entries; for older ones, "
            f"export the journalist's data with `distributor contacts export-data {contact.email}`"
        )
    depth = offset + limit
    entries = [
        *_notes(session, contact, depth),
        *_moves(session, contact, depth),
        *_suppression(session, contact),
        *_audit(session, contact, depth),
        *_joined(session, contact),
        *_bounces(session, contact, depth),
        *_events(session, contact, depth),
        *_deliveries(session, contact, depth),
    ]
    # Stable: at the same moment, the order above (a reaction before the email it answers) holds.
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[offset:depth]


def add_note(session: Session, contact: Contact, text: str, actor: Actor) -> ContactNote:
    """Leave a note on a contact for colleagues; it shows in the timeline and is audited."""
    require(actor, Permission.MANAGE_LISTS)
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput(f"a note on {contact.email} needs some text")
    if len(cleaned) > MAX_NOTE:
        raise InvalidInput(
            f"a note holds at most {MAX_NOTE} characters; this one has {len(cleaned)}"
        )
    note = ContactNote(
        contact_id=contact.id, author=actor.label, user_id=actor.user_id, text=cleaned
    )
    session.add(note)
    session.flush()
    record(session, actor, NOTE_ACTION, "contact", contact.id, note=note.id)
    return note


def _quoted(title: str | None, slug: str) -> str:
    return f"“{title or slug}”"


def _with_release(query: _Query, *, outer: bool = False) -> _Query:
    """`query`, which has Delivery, joined to its release and the version sent."""
    version = and_(
        ReleaseVersion.release_id == Release.id,
        ReleaseVersion.language == func.coalesce(Delivery.language, Release.default_language),
    )
    return (
        query.join(SendOut, SendOut.id == Delivery.sendout_id, isouter=outer)
        .join(Release, Release.id == SendOut.release_id, isouter=outer)
        .outerjoin(ReleaseVersion, version)
    )


def _deliveries(session: Session, contact: Contact, depth: int) -> Iterable[TimelineEntry]:
    at = func.coalesce(Delivery.sent_at, Delivery.created_at)
    query = select(
        at.label("at"),
        Delivery.state,
        Delivery.email,
        Delivery.last_error,
        Release.slug,
        ReleaseVersion.title,
    ).select_from(Delivery)
    rows = session.execute(
        _with_release(query)
        .where(Delivery.contact_id == contact.id)
        .order_by(at.desc(), Delivery.id.desc())
        .limit(depth)
    )
    for row in rows:
        details = [row.last_error] if row.last_error else []
        if row.email != contact.email:
            details.append(f"sent to {row.email}")
        yield TimelineEntry(
            EntryKind.RELEASE,
            row.at,
            _RESULTS[row.state].format(_quoted(row.title, row.slug)),
            row.slug,
            row.title,
            result=row.state.value,
            detail="; ".join(details) or None,
        )


def _events(session: Session, contact: Contact, depth: int) -> Iterable[TimelineEntry]:
    query = select(
        DeliveryEvent.kind,
        DeliveryEvent.at,
        DeliveryEvent.detail,
        DeliveryEvent.data,
        Release.slug,
        ReleaseVersion.title,
    ).select_from(DeliveryEvent)
    query = query.join(Delivery, Delivery.id == DeliveryEvent.delivery_id)
    rows = session.execute(
        _with_release(query)
        .where(Delivery.contact_id == contact.id, DeliveryEvent.kind.in_(_EVENT_KINDS))
        .order_by(DeliveryEvent.at.desc(), DeliveryEvent.id.desc())
        .limit(depth)
    )
    for row in rows:
        detail = row.data.get("url") or row.detail
        if row.kind is DeliveryEventKind.UNSUBSCRIBED and row.data.get("lists"):
            detail = "left " + ", ".join(row.data["lists"])
        yield TimelineEntry(
            _EVENT_KINDS[row.kind],
            row.at,
            _EVENT_SUMMARIES[row.kind].format(_quoted(row.title, row.slug)),
            row.slug,
            row.title,
            detail=detail,
        )


def _bounces(session: Session, contact: Contact, depth: int) -> Iterable[TimelineEntry]:
    theirs = select(Delivery.id).where(Delivery.contact_id == contact.id)
    query = (
        select(
            BounceRecord.received_at,
            BounceRecord.classification,
            BounceRecord.reason,
            BounceRecord.status_code,
            BounceRecord.diagnostic,
            BounceRecord.decision,
            Release.slug,
            ReleaseVersion.title,
        )
        .select_from(BounceRecord)
        .outerjoin(Delivery, Delivery.id == BounceRecord.delivery_id)
    )
    # Outer joins all the way: a bounce found by its address alone names no release.
    rows = session.execute(
        _with_release(query, outer=True)
        .where(or_(BounceRecord.delivery_id.in_(theirs), BounceRecord.recipient == contact.email))
        .order_by(BounceRecord.received_at.desc(), BounceRecord.id.desc())
        .limit(depth)
    )
    for row in rows:
        summary = _BOUNCES[row.classification]
        label = reason_label(row.reason) if row.reason else None  # none on older records
        if (
            label and label.lower() != summary.lower()
        ):  # "Auto-reply", not "Auto-reply (auto-reply)"
            summary += f" ({label})"
        if row.slug is not None:
            summary += f" of {_quoted(row.title, row.slug)}"
        said = " ".join(part for part in (row.status_code, row.diagnostic) if part)
        detail = "; ".join(part for part in (said, row.decision) if part)
        yield TimelineEntry(
            EntryKind.BOUNCE, row.received_at, summary, row.slug, row.title, detail=detail or None
        )


def _audit(session: Session, contact: Contact, depth: int) -> Iterable[TimelineEntry]:
    subscriptions = select(cast(Subscription.id, String)).where(
        Subscription.contact_id == contact.id
    )
    entries = session.scalars(
        select(AuditEntry)
        .where(
            or_(
                (AuditEntry.entity_type == "contact") & (AuditEntry.entity_id == str(contact.id)),
                (AuditEntry.entity_type == "subscription")
                & AuditEntry.entity_id.in_(subscriptions),
            ),
            AuditEntry.action != NOTE_ACTION,  # the note itself is in the timeline
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(depth)
    )
    for entry in entries:
        kind = EntryKind.LIST if entry.action.startswith("subscription.") else EntryKind.CHANGE
        summary, detail = _described(entry.action, entry.details)
        yield TimelineEntry(kind, entry.at, summary, detail=detail, actor=entry.actor)


def _described(action: str, details: dict[str, Any]) -> tuple[str, str | None]:
    """An audit entry about a contact as a line and its detail."""
    lists = ", ".join(details.get("lists") or [details.get("list") or "?"])
    reason = details.get("reason")
    how = f"{details['channel']}" if details.get("channel") else None
    detail = "; ".join(part for part in (how, reason) if part) or None
    if action == _SUBSCRIBE_ACTION:
        return f"Subscribed to {lists}", detail
    if action == "subscription.resubscribe":
        return f"Resubscribed to {lists}", detail
    if action == "subscription.unsubscribe":
        return f"Unsubscribed from {lists}", detail
    if action == "contact.add":
        return "Added as a contact", None
    if action == "contact.edit":
        changes = details.get("changes") or {}
        changed = "; ".join(
            f"{_label(name)}: {_shown(change.get('from'))} → {_shown(change.get('to'))}"
            for name, change in changes.items()
        )
        edited = ", ".join(_label(name) for name in changes) or "nothing"
        return f"Edited {edited}", changed or None
    if action == "contact.legal_basis":
        after = details.get("after") or {}
        return f"Legal basis recorded: {after.get('legal_basis', '?')}", None
    if action == "signup.request":
        return f"Asked to join {lists}; confirmation sent", None
    if action == "contact.export_data":
        return "Their data was exported", None
    if action == ACCEPT_ACTION and details.get("as_colleague"):
        return f"Colleague {details.get('new_email')} added on the same lists", None
    if action == ACCEPT_ACTION:
        return f"Moved on: address changed to {details.get('new_email')}", None
    if action == DISMISS_ACTION:
        return f"Suggested move to {details.get('new_email')} dismissed", None
    return action, None


def _label(name: str) -> str:
    """A field's name as people read it: "first_name" is "First name"."""
    found = BY_NAME.get(name)
    return found.label if found else name.replace("_", " ").capitalize()


def _shown(value: Any) -> str:
    """A value before or after an edit: quoted, or "(empty)"."""
    if value in (None, "", []):
        return "(empty)"
    return f"“{', '.join(map(str, value)) if isinstance(value, list) else value}”"


def _joined(session: Session, contact: Contact) -> Iterable[TimelineEntry]:
    """Subscriptions made without an audit entry of their own: those of imports."""
    audited = exists().where(
        AuditEntry.entity_type == "subscription",
        AuditEntry.entity_id == cast(Subscription.id, String),
        AuditEntry.action == _SUBSCRIBE_ACTION,
    )
    rows = session.execute(
        select(Subscription, MailingList.slug)
        .join(MailingList, MailingList.id == Subscription.list_id)
        .where(Subscription.contact_id == contact.id, ~audited)
    )
    for subscription, slug in rows:
        # The row keeps only its latest move: its reason still tells the joining if none followed.
        unchanged = subscription.changed_at == subscription.created_at
        parts = (subscription.channel.value, subscription.reason)
        detail = "; ".join(p for p in parts if p) if unchanged else None
        actor = subscription.actor if unchanged else None
        yield TimelineEntry(
            EntryKind.LIST, subscription.created_at, f"Joined {slug}", detail=detail, actor=actor
        )


def _suppression(session: Session, contact: Contact) -> Iterable[TimelineEntry]:
    entry = suppression_of(session, contact.email)
    if entry is not None:
        detail = "; ".join(part for part in (entry.note, entry.source) if part) or None
        yield TimelineEntry(
            EntryKind.SUPPRESSION,
            entry.created_at,
            f"Suppressed ({entry.reason.value}): no send-out reaches the address",
            detail=detail,
        )


def _notes(session: Session, contact: Contact, depth: int) -> Iterable[TimelineEntry]:
    notes = session.scalars(
        select(ContactNote)
        .where(ContactNote.contact_id == contact.id)
        .order_by(ContactNote.created_at.desc(), ContactNote.id.desc())
        .limit(depth)
    )
    for note in notes:
        yield TimelineEntry(
            EntryKind.NOTE, note.created_at, "Note", detail=note.text, actor=note.author
        )


def _moves(session: Session, contact: Contact, depth: int) -> Iterable[TimelineEntry]:
    suggestions = session.scalars(
        select(MoveSuggestion)
        .where(MoveSuggestion.contact_id == contact.id)
        .order_by(MoveSuggestion.created_at.desc(), MoveSuggestion.id.desc())
        .limit(depth)
    )
    for suggestion in suggestions:
        named = f"{suggestion.name} <{suggestion.new_email}>" if suggestion.name else None
        where = f" ({suggestion.outlet})" if suggestion.outlet else ""
        yield TimelineEntry(
            EntryKind.MOVED,
            suggestion.created_at,
            f"Moved on? Suggested: {named or suggestion.new_email}{where}",
            result=suggestion.state.value,
            detail=suggestion.evidence,
            move_id=suggestion.id,
        )
