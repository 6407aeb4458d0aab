"""Journalists who moved on: suggestions read from their auto-replies and bounces, and an admin's
answer to each. Nothing about a contact changes until an admin accepts: then either the
contact's address changes, or the colleague named is added on the same lists. Accepting
and dismissing are audited, and doing either twice changes nothing more.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.accounts import Permission, require
from distributor.audit import Actor, record
from distributor.contacts.directory import add_contact, edit_contact
from distributor.contacts.subscriptions import subscribe_contact
from distributor.errors import Conflict, NotFound
from distributor.models import (
    Contact,
    Delivery,
    MailingList,
    MoveState,
    MoveSuggestion,
    Subscription,
    SubscriptionStatus,
    utcnow,
)

ACCEPT_ACTION = "contact.move_accept"
DISMISS_ACTION = "contact.move_dismiss"
MAX_OPEN = 1000  # suggestions listed at once


@dataclass(frozen=True)
class MoveView:
    """A suggestion as the doors present it, with the contact it is about."""

    id: int
    contact_id: int
    email: str  # the contact's address now
    new_email: str
    name: str | None
    outlet: str | None
    evidence: str
    state: MoveState
    as_colleague: bool
    colleague_id: int | None
    bounce_record_id: int | None
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"state": self.state.value}


@dataclass(frozen=True)
class MoveDecision:
    move: MoveView
    changed: bool  # False when the suggestion had been decided this way before


@dataclass(frozen=True)
class MovedNotice:
    """What a message says about where its journalist went."""

    new_email: str  # normalized: the journalist's new address, or the colleague's to write to
    name: str | None  # whose address it is, where the text names them
    outlet: str | None  # where they went, where the text says
    evidence: str  # the sentences it was read from, for the person who decides


def suggest_move(
    session: Session, *, delivery_id: int, bounce_record_id: int | None, notice: MovedNotice
) -> MoveSuggestion | None:
    """An open suggestion for the contact of `delivery_id`, unless one for this address was made.

    The same auto-reply comes back for every send-out: one suggestion per contact and
    address, whatever was decided on it, so a dismissed one stays dismissed.
    """
    contact = session.scalar(
        select(Contact)
        .join(Delivery, Delivery.contact_id == Contact.id)
        .where(Delivery.id == delivery_id)
    )
    if contact is None or contact.email == notice.new_email:
        return None
    made = session.scalar(
        select(MoveSuggestion.id).where(
            MoveSuggestion.contact_id == contact.id,
            MoveSuggestion.new_email == notice.new_email,
        )
    )
    if made is not None:
        return None
    suggestion = MoveSuggestion(
        contact_id=contact.id,
        bounce_record_id=bounce_record_id,
        new_email=notice.new_email,
        name=notice.name,
        outlet=notice.outlet,
        evidence=notice.evidence,
        state=MoveState.OPEN,
    )
    session.add(suggestion)
    session.flush()
    return suggestion


def open_moves(session: Session, limit: int = MAX_OPEN, offset: int = 0) -> list[MoveView]:
    """`limit` of the suggestions waiting for an answer from `offset`, oldest first."""
    rows = session.execute(
        select(MoveSuggestion, Contact.email)
        .join(Contact, Contact.id == MoveSuggestion.contact_id)
        .where(MoveSuggestion.state == MoveState.OPEN)
        .order_by(MoveSuggestion.created_at, MoveSuggestion.id)
        .limit(limit)
        .offset(offset)
    )
    return [_view(suggestion, email) for suggestion, email in rows]


def open_moves_of(session: Session, contact: Contact) -> list[MoveView]:
    """The contact's suggestions waiting for an answer, newest first."""
    suggestions = session.scalars(
        select(MoveSuggestion)
        .where(MoveSuggestion.contact_id == contact.id, MoveSuggestion.state == MoveState.OPEN)
        .order_by(MoveSuggestion.created_at.desc(), MoveSuggestion.id.desc())
    )
    return [_view(suggestion, contact.email) for suggestion in suggestions]


def accept_move(
    session: Session, move_id: int, actor: Actor, *, as_colleague: bool = False
) -> MoveDecision:
    """Change the contact's address to the new one, or add the named colleague on the same lists.

    Accepting an accepted suggestion again changes nothing; a dismissed one is refused.
    """
    require(actor, Permission.MANAGE_LISTS)
    suggestion, contact = _suggestion(session, move_id)
    if suggestion.state is MoveState.ACCEPTED:
        return MoveDecision(_view(suggestion, contact.email), changed=False)
    if suggestion.state is MoveState.DISMISSED:
        raise Conflict(
            f"suggestion {move_id} was dismissed by {suggestion.decided_by}; "
            f"to use {suggestion.new_email}, edit or add the contact instead"
        )
    old_email = contact.email
    if as_colleague:
        suggestion.colleague_id = _add_colleague(session, suggestion, contact, actor).id
    else:
        changes = {"email": suggestion.new_email}
        if suggestion.outlet:
            changes["outlet"] = suggestion.outlet
        edit_contact(session, contact.email, changes, actor)
    suggestion.state = MoveState.ACCEPTED
    suggestion.as_colleague = as_colleague
    _decided(suggestion, actor)
    record(
        session,
        actor,
        ACCEPT_ACTION,
        "contact",
        contact.id,
        suggestion=suggestion.id,
        old_email=old_email,
        new_email=suggestion.new_email,
        as_colleague=as_colleague,
        colleague_id=suggestion.colleague_id,
    )
    session.flush()
    return MoveDecision(_view(suggestion, contact.email), changed=True)


def dismiss_move(session: Session, move_id: int, actor: Actor) -> MoveDecision:
    """Close a suggestion without changing anything; dismissing it again changes nothing."""
    require(actor, Permission.MANAGE_LISTS)
    suggestion, contact = _suggestion(session, move_id)
    if suggestion.state is MoveState.DISMISSED:
        return MoveDecision(_view(suggestion, contact.email), changed=False)
    if suggestion.state is MoveState.ACCEPTED:
        raise Conflict(f"suggestion {move_id} was accepted by {suggestion.decided_by} already")
    suggestion.state = MoveState.DISMISSED
    _decided(suggestion, actor)
    record(
        session,
        actor,
        DISMISS_ACTION,
        "contact",
        contact.id,
        suggestion=suggestion.id,
        new_email=suggestion.new_email,
    )
    session.flush()
    return MoveDecision(_view(suggestion, contact.email), changed=True)


def _suggestion(session: Session, move_id: int) -> tuple[MoveSuggestion, Contact]:
    found = session.execute(
        select(MoveSuggestion, Contact)
        .join(Contact, Contact.id == MoveSuggestion.contact_id)
        .where(MoveSuggestion.id == move_id)
    ).first()
    if found is None:
        raise NotFound(
            f"no suggestion {move_id}; list the open ones with `distributor contacts moved`"
        )
    return found[0], found[1]


def _add_colleague(
    session: Session, suggestion: MoveSuggestion, contact: Contact, actor: Actor
) -> Contact:
    """The colleague as a contact (the one with that address, if there is one) on the lists
    the journalist who moved on is subscribed to."""
    colleague = session.scalar(select(Contact).where(Contact.email == suggestion.new_email))
    if colleague is None:
        values = {"email": suggestion.new_email}
        if suggestion.name:
            *first, values["last_name"] = suggestion.name.split()
            if first:
                values["first_name"] = " ".join(first)
        outlet = suggestion.outlet or contact.outlet
        if outlet:
            values["outlet"] = outlet
        colleague = add_contact(session, values, actor)
    lists = session.scalars(
        select(MailingList)
        .join(Subscription, Subscription.list_id == MailingList.id)
        .where(
            Subscription.contact_id == contact.id,
            Subscription.status == SubscriptionStatus.SUBSCRIBED,
            MailingList.archived_at.is_(None),
        )
        .order_by(MailingList.slug)
    )
    reason = f"colleague of {contact.email}, who moved on"
    for mailing_list in lists:
        subscribe_contact(session, colleague, mailing_list, actor, reason=reason)
    return colleague


def _decided(suggestion: MoveSuggestion, actor: Actor) -> None:
    suggestion.decided_at = utcnow()
    suggestion.decided_by = actor.label


def _view(suggestion: MoveSuggestion, email: str) -> MoveView:
    return MoveView(
        id=suggestion.id,
        contact_id=suggestion.contact_id,
        email=email,
        new_email=suggestion.new_email,
        name=suggestion.name,
        outlet=suggestion.outlet,
        evidence=suggestion.evidence,
        state=suggestion.state,
        as_colleague=suggestion.as_colleague,
        colleague_id=suggestion.colleague_id,
        bounce_record_id=suggestion.bounce_record_id,
        created_at=suggestion.created_at,
        decided_at=suggestion.decided_at,
        decided_by=suggestion.decided_by,
    )
