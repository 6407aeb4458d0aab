"""Clicks on tracked links and loads of the open image, recorded as events of their delivery.

Every click is recorded with its URL (the report counts deliveries, and a link's
own figures need each one); an open only the first time, since mail clients and
privacy proxies load the image again whenever they like. Nothing is recorded for
a contact who has objected to tracking since the message went out, or who is gone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor import tokens
from distributor.models import Contact, Delivery, DeliveryEvent, DeliveryEventKind


def record_click(session: Session, token: str, secret: str, now: datetime) -> str | None:
    """The URL a click token leads to, its click recorded; None when the token is not ours."""
    read = tokens.read_click_token(token, secret)
    if read is None:
        return None
    delivery_id, url = read
    if _trackable(session, delivery_id):
        session.add(
            DeliveryEvent(
                delivery_id=delivery_id,
                kind=DeliveryEventKind.CLICKED,
                at=now,
                detail=url,
                data={"url": url},
            )
        )
    return url


def record_open(session: Session, token: str, secret: str, now: datetime) -> bool:
    """Record the first open of the delivery an open token names; False when the token is not ours."""
    delivery_id = tokens.read_open_token(token, secret)
    if delivery_id is None:
        return False
    opened = select(DeliveryEvent.id).where(
        DeliveryEvent.delivery_id == delivery_id, DeliveryEvent.kind == DeliveryEventKind.OPENED
    )
    if _trackable(session, delivery_id) and session.scalar(opened.limit(1)) is None:
        session.add(DeliveryEvent(delivery_id=delivery_id, kind=DeliveryEventKind.OPENED, at=now))
    return True


def _trackable(session: Session, delivery_id: int) -> bool:
    """Whether the delivery still exists and its contact still allows tracking."""
    allowed = session.scalar(
        select(Contact.tracking_allowed)
        .join(Delivery, Delivery.contact_id == Contact.id)
        .where(Delivery.id == delivery_id)
    )
    return bool(allowed)
