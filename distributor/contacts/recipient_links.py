"""The signed links in each email (unsubscribe, preferences): which delivery, and whose, a token names.

Both pages start here, so a forged, altered or expired link is refused the same way
on each: a token whose signature does not match names nothing, and a link stops
working `DISTRIBUTOR_LINK_MAX_AGE` after its message was sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from distributor import tokens
from distributor.audit import Actor
from distributor.errors import DistributorError, NotFound
from distributor.models import Contact, Delivery, Role


class UnknownLink(NotFound):
    """The token is malformed, its signature is wrong, or its delivery or contact is gone."""


class LinkExpired(DistributorError):
    """The link is older than DISTRIBUTOR_LINK_MAX_AGE."""


@dataclass(frozen=True)
class RecipientLink:
    """A valid link: the delivery it came with, and the contact it speaks for."""

    delivery_id: int
    sendout_id: int
    contact_id: int
    email: str  # the contact's address now, which future send-outs use

    @property
    def actor(self) -> Actor:
        return link_actor(self.delivery_id)


def link_actor(delivery_id: int) -> Actor:
    """The journalist acting through their own link, the one of delivery `delivery_id`.

    The signed link is the authority; the role only lets the contact services act
    for this one contact on their own record and lists, which is all its callers do
    (changing a contact or a subscription needs the admin role from anyone else).
    """
    return Actor(label=f"recipient:delivery {delivery_id}", role=Role.ADMIN)


# Built once: every click on a link in an email runs it, and building a statement costs
# more than the database takes to answer it. The one-click unsubscribe on PostgreSQL
# runs it as the first part of its single statement (recipient_choices).
LINK = (
    select(
        Delivery.id,
        Delivery.sendout_id,
        Delivery.contact_id,
        Contact.email,
        Delivery.sent_at,
        Delivery.created_at,
    )
    .join(Contact, Contact.id == Delivery.contact_id)
    .where(Delivery.id == bindparam("delivery_id"))
)


def open_link(
    session: Session, token: str, secret: str, max_age: timedelta, now: datetime
) -> RecipientLink:
    """The link `token` names; UnknownLink or LinkExpired when it may not be used."""
    delivery_id = tokens.read_delivery_token(token, secret)
    row = None
    if delivery_id is not None:
        row = session.connection().execute(LINK, {"delivery_id": delivery_id}).first()
    return checked_link(token, row, max_age, now)


def checked_link(
    token: str, row: Row[*tuple[Any, ...]] | None, max_age: timedelta, now: datetime
) -> RecipientLink:
    """The link a row of `LINK` describes (None: no such delivery), if it may still be used."""
    # An erased contact's deliveries keep no contact: there is nobody left to act for.
    if row is None:
        raise UnknownLink(f"no delivery for the link token {token[:40]!r}")
    # A message the relay took just before its worker died has no sent_at yet.
    sent_at = row.sent_at or row.created_at
    if now - sent_at > max_age:
        raise LinkExpired(
            f"the link of delivery {row.id} expired on {(sent_at + max_age):%Y-%m-%d}"
        )
    return RecipientLink(row.id, row.sendout_id, row.contact_id, row.email)
