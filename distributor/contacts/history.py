"""A contact's mail history: what was sent to them and what bounced, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from distributor.models import BounceRecord, Contact, Delivery, Release, SendOut

HISTORY_LIMIT = 100


@dataclass(frozen=True)
class DeliveryLine:
    id: int
    sendout_id: int
    release_slug: str
    email: str  # the address it went to, which may be an earlier one of the contact's
    state: str
    attempts: int
    sent_at: datetime | None
    created_at: datetime
    last_error: str | None


@dataclass(frozen=True)
class BounceLine:
    received_at: datetime
    source: str
    classification: str
    status_code: str | None
    diagnostic: str | None
    decision: str | None


@dataclass(frozen=True)
class ContactHistory:
    deliveries: list[DeliveryLine]
    bounces: list[BounceLine]


def contact_history(
    session: Session, contact: Contact, limit: int = HISTORY_LIMIT
) -> ContactHistory:
    """The `limit` latest deliveries to `contact` and bounces that name them (by delivery or address)."""
    deliveries = session.execute(
        select(Delivery, Release.slug)
        .join(SendOut, SendOut.id == Delivery.sendout_id)
        .join(Release, Release.id == SendOut.release_id)
        .where(Delivery.contact_id == contact.id)
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
        .limit(limit)
    )
    theirs = select(Delivery.id).where(Delivery.contact_id == contact.id)
    bounces = session.scalars(
        select(BounceRecord)
        .where(or_(BounceRecord.delivery_id.in_(theirs), BounceRecord.recipient == contact.email))
        .order_by(BounceRecord.received_at.desc(), BounceRecord.id.desc())
        .limit(limit)
    )
    return ContactHistory(
        deliveries=[
            DeliveryLine(
                d.id,
                d.sendout_id,
                slug,
                d.email,
                d.state.value,
                d.attempts,
                d.sent_at,
                d.created_at,
                d.last_error,
            )
            for d, slug in deliveries
        ],
        bounces=[
            BounceLine(
                b.received_at,
                b.source.value,
                b.classification.value,
                b.status_code,
                b.diagnostic,
                b.decision,
            )
            for b in bounces
        ],
    )
