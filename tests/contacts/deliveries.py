"""Send-outs, deliveries, events and bounce records as the sending and bounce parts write them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from distributor.models import (
    BounceClass,
    BounceRecord,
    BounceSource,
    Contact,
    Delivery,
    DeliveryEvent,
    DeliveryEventKind,
    DeliveryState,
    Release,
    ReleaseVersion,
    SendOut,
)
from distributor.models.base import utcnow


def sendout(session: Session, title: str = "Budget") -> SendOut:
    release = Release(slug=f"release-{uuid.uuid4().hex[:8]}", default_language="en")
    release.versions.append(ReleaseVersion(language="en", title=title, body_markdown="…"))
    sent = SendOut(release=release)
    session.add(sent)
    session.flush()
    return sent


def delivery(
    session: Session,
    contact: Contact,
    state: DeliveryState = DeliveryState.SENT,
    *,
    events: tuple[DeliveryEventKind, ...] = (),
    at: datetime | None = None,
    title: str = "Budget",
) -> Delivery:
    """A delivery to `contact` in `state`, sent at `at` (now), with reaction events at that time."""
    at = at or utcnow()
    row = Delivery(
        sendout_id=sendout(session, title).id,
        contact_id=contact.id,
        email=contact.email,
        state=state,
        sent_at=at if state in (DeliveryState.SENT, DeliveryState.BOUNCED) else None,
        updated_at=at,
    )
    row.events = [DeliveryEvent(kind=kind, at=at) for kind in events]
    session.add(row)
    session.flush()
    return row


def bounce(
    session: Session,
    recipient: str | None,
    classification: BounceClass = BounceClass.HARD,
    *,
    delivery_id: int | None = None,
) -> BounceRecord:
    record = BounceRecord(
        source=BounceSource.FILE,
        classification=classification,
        recipient=recipient,
        delivery_id=delivery_id,
        status_code="5.1.1",
        diagnostic=f"550 5.1.1 <{recipient}>: user unknown",
        raw_message=f"To: {recipient}\r\n\r\nbounce".encode(),
        raw_size=100,
    )
    session.add(record)
    session.flush()
    return record
