"""Journalists who got an email: its signed link, and what their subscriptions look like after."""

from __future__ import annotations

from datetime import datetime

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.models import (
    Contact,
    Delivery,
    DeliveryEvent,
    DeliveryEventKind,
    MailingList,
    SendOutAudience,
    Subscription,
    Suppression,
)
from distributor.models.base import utcnow
from tests.web.conftest import Web

XSS = "<script>alert(1)</script>"
ESCAPED_XSS = "&lt;script&gt;alert(1)&lt;/script&gt;"


def emailed(
    web: Web, email: str, lists: tuple[str, ...] = ("science",), sent_at: datetime | None = None
) -> Delivery:
    """A delivery to `email` (on the lists science and press) of a send-out to `lists`."""
    delivery = web.newsroom.deliver(email, sent_at or utcnow())
    for slug in lists:
        mailing_list = web.session.scalars(
            select(MailingList).where(MailingList.slug == slug)
        ).one()
        web.session.add(SendOutAudience(sendout_id=delivery.sendout_id, list_id=mailing_list.id))
    web.session.commit()
    return delivery


def link(delivery: Delivery, kind: str = "u") -> str:
    assert delivery.verp_token is not None
    return f"/{kind}/{delivery.verp_token}"


def get(web: Web, path: str) -> httpx.Response:
    web.session.commit()
    response = web.client.get(path)
    web.session.expire_all()
    return response


def post_form(web: Web, path: str, form: dict[str, str | list[str]]) -> httpx.Response:
    """A form POST as a mail provider or a browser sends it: no cookie, no CSRF token."""
    web.session.commit()
    web.client.cookies.clear()
    response = web.client.post(path, data=form)
    web.session.expire_all()
    return response


def statuses(session: Session, email: str) -> dict[str, str]:
    """Each list's slug and the contact's status on it."""
    rows = session.execute(
        select(MailingList.slug, Subscription.status)
        .join(Subscription, Subscription.list_id == MailingList.id)
        .join(Contact, Contact.id == Subscription.contact_id)
        .where(Contact.email == email)
    )
    return {slug: status.value for slug, status in rows}


def suppression(session: Session, email: str) -> Suppression | None:
    return session.scalar(select(Suppression).where(Suppression.email == email))


def unsubscribe_events(session: Session, delivery: Delivery) -> list[DeliveryEvent]:
    return list(
        session.scalars(
            select(DeliveryEvent).where(
                DeliveryEvent.delivery_id == delivery.id,
                DeliveryEvent.kind == DeliveryEventKind.UNSUBSCRIBED,
            )
        )
    )
