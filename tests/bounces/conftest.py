"""A newsroom that has sent releases: contacts on two lists, send-outs and their sent deliveries."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor import tokens
from distributor.config import Settings, load_settings
from distributor.models import (
    Channel,
    Contact,
    Delivery,
    DeliveryState,
    MailingList,
    Release,
    SendOut,
    Subscription,
    SubscriptionStatus,
)

SECRET = "test-secret-0123456789abcdef0123456789"
BOUNCE_DOMAIN = "bounces.newsroom.example"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def days(count: float) -> timedelta:
    return timedelta(days=count)


@pytest.fixture
def bounce_settings(tmp_path: Path) -> Settings:
    return load_settings(
        {
            "DISTRIBUTOR_DATA_DIR": str(tmp_path / "data"),
            "DISTRIBUTOR_SECRET_KEY": SECRET,
            "DISTRIBUTOR_BOUNCE_DOMAIN": BOUNCE_DOMAIN,
        }
    )


class Newsroom:
    """Sends (in the database's eyes) one send-out per `deliver` call to a contact on two lists."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.release = Release(slug="research-centre")
        self.lists = [
            MailingList(slug="science", name="Science"),
            MailingList(slug="press", name="Press"),
        ]
        session.add_all([self.release, *self.lists])
        session.flush()

    def contact(self, email: str) -> Contact:
        contact = self.session.scalar(select(Contact).where(Contact.email == email))
        if contact is None:
            contact = Contact(email=email)
            self.session.add(contact)
            for mailing_list in self.lists:
                self.session.add(
                    Subscription(
                        mailing_list=mailing_list,
                        contact=contact,
                        status=SubscriptionStatus.SUBSCRIBED,
                        channel=Channel.IMPORT,
                    )
                )
            self.session.flush()
        return contact

    def deliver(self, email: str, sent_at: datetime = T0) -> Delivery:
        """A delivery the relay accepted at `sent_at`, with its Message-ID and VERP token."""
        contact = self.contact(email)
        sendout = SendOut(release=self.release)
        self.session.add(sendout)
        self.session.flush()
        delivery = Delivery(
            sendout_id=sendout.id,
            contact_id=contact.id,
            email=email,
            state=DeliveryState.SENT,
            sent_at=sent_at,
        )
        self.session.add(delivery)
        self.session.flush()
        delivery.message_id = f"<m{delivery.id}.{sendout.id}@newsroom.example>"
        delivery.verp_token = tokens.delivery_token(delivery.id, SECRET)
        self.session.flush()
        return delivery


@pytest.fixture
def newsroom(session: Session) -> Newsroom:
    return Newsroom(session)


def return_path(delivery: Delivery) -> str:
    assert delivery.verp_token is not None
    return tokens.return_path(delivery.verp_token, BOUNCE_DOMAIN)


def dsn(
    recipient: str,
    *,
    to: str = f"bounces@{BOUNCE_DOMAIN}",
    status: str = "5.1.1",
    diagnostic: str = "550 5.1.1 <{recipient}>: Recipient address rejected: User unknown",
    action: str = "failed",
    original_message_id: str | None = None,
) -> bytes:
    """A delivery status notification in Postfix's shape, returned to `to`."""
    returned = f"Message-ID: {original_message_id}\n" if original_message_id else ""
    return f"""\
From: MAILER-DAEMON@mx.tageblatt.example (Mail Delivery System)
To: {to}
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn.{uuid.uuid4().hex}@mx.tageblatt.example>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

Your message could not be delivered to {recipient}.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.tageblatt.example

Final-Recipient: rfc822; {recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; {diagnostic.format(recipient=recipient)}

--b1
Content-Type: text/rfc822-headers

From: Press Office <press@newsroom.example>
To: {recipient}
Subject: New research centre opens
{returned}
--b1--
""".replace("\n", "\r\n").encode()
