"""A send-out as a press office sees it the week after: ten journalists of three outlets, and
what each of them did with the message.

| journalist | outlet | country | message | then |
| --- | --- | --- | --- | --- |
| anna | Le Monde | FR | delivered | opened, clicked the dossier twice and the photos once |
| ben | Le Monde | FR | delivered | opened |
| chloé | Le Monde | FR | bounced: user unknown | |
| dora | Die Zeit | DE | delivered | clicked the dossier, replied |
| emil | Die Zeit | DE | delivered | unsubscribed |
| fritz | Die Zeit | DE | bounced: mailbox full | |
| gina | The Guardian | GB | delivered | complained |
| hugo | The Guardian | GB | skipped (suppressed) | |
| ivy | The Guardian | GB | failed after retrying | |
| jon | (none) | (none) | waiting | |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
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
    SendOut,
    SendOutState,
)
from distributor.releases import add_release, read_release_file

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
DOSSIER = "https://ministry.example/dossier"
PHOTOS = "https://ministry.example/photos"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # a Friday

OPENED, CLICKED, REPLIED = (
    DeliveryEventKind.OPENED,
    DeliveryEventKind.CLICKED,
    DeliveryEventKind.REPLIED,
)
UNSUBSCRIBED, COMPLAINED = DeliveryEventKind.UNSUBSCRIBED, DeliveryEventKind.COMPLAINED
SENT, BOUNCED, FAILED = DeliveryState.SENT, DeliveryState.BOUNCED, DeliveryState.FAILED
SKIPPED, QUEUED = DeliveryState.SKIPPED, DeliveryState.QUEUED


@dataclass
class Newsdesk:
    """Builds releases, send-outs, journalists, their messages and what became of them."""

    session: Session
    release: Release
    contacts: dict[str, Contact] = field(default_factory=dict)

    @classmethod
    def open(cls, session: Session) -> Newsdesk:
        release = add_release(session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
        session.flush()
        return cls(session, release)

    def sendout(
        self,
        started_at: datetime | None,
        *,
        state: SendOutState | None = None,
        scheduled_at: datetime | None = None,
        track_opens: bool = True,
        track_clicks: bool = True,
        subject: str | None = None,
    ) -> SendOut:
        sendout = SendOut(
            release_id=self.release.id,
            state=state or (SendOutState.COMPLETED if started_at else SendOutState.SCHEDULED),
            scheduled_at=scheduled_at or started_at,
            started_at=started_at,
            track_opens=track_opens,
            track_clicks=track_clicks,
            subject=subject,
        )
        self.session.add(sendout)
        self.session.flush()
        return sendout

    def journalist(
        self, email: str, first: str, last: str, outlet: str | None, country: str | None
    ) -> Contact:
        if email not in self.contacts:
            contact = Contact(
                email=email, first_name=first, last_name=last, outlet=outlet, country=country
            )
            self.session.add(contact)
            self.session.flush()
            self.contacts[email] = contact
        return self.contacts[email]

    def deliver(self, sendout: SendOut, contact: Contact, state: DeliveryState) -> Delivery:
        sent_at = sendout.started_at if state in (SENT, BOUNCED) else None
        delivery = Delivery(
            sendout_id=sendout.id,
            contact_id=contact.id,
            email=contact.email,
            state=state,
            sent_at=sent_at,
        )
        self.session.add(delivery)
        self.session.flush()
        return delivery

    def react(
        self, delivery: Delivery, kind: DeliveryEventKind, at: datetime, url: str | None = None
    ) -> None:
        data = {"url": url} if url else {}
        self.session.add(
            DeliveryEvent(delivery_id=delivery.id, kind=kind, at=at, detail=url, data=data)
        )

    def bounce(self, delivery: Delivery, reason: str, classification: BounceClass) -> None:
        self.session.add(
            BounceRecord(
                source=BounceSource.RECEIVER,
                classification=classification,
                delivery_id=delivery.id,
                recipient=delivery.email,
                reason=reason,
                status_code="5.1.1" if reason == "userunknown" else "4.2.2",
            )
        )


def launch(desk: Newsdesk, started_at: datetime) -> SendOut:
    """The table above, as one send-out started at `started_at`."""
    sendout = desk.sendout(started_at, subject="New research fleet launched")
    later = started_at + timedelta(hours=2)
    rows = [
        ("anna@lemonde.example", "Anna", "Martin", "Le Monde", "FR", SENT),
        ("ben@lemonde.example", "Ben", "Durand", "Le Monde", "FR", SENT),
        ("chloe@lemonde.example", "Chloé", "Petit", "Le Monde", "FR", BOUNCED),
        ("dora@zeit.example", "Dora", "Schulz", "Die Zeit", "DE", SENT),
        ("emil@zeit.example", "Emil", "Wagner", "Die Zeit", "DE", SENT),
        ("fritz@zeit.example", "Fritz", "Becker", "Die Zeit", "DE", BOUNCED),
        ("gina@guardian.example", "Gina", "Hughes", "The Guardian", "GB", SENT),
        ("hugo@guardian.example", "Hugo", "Reid", "The Guardian", "GB", SKIPPED),
        ("ivy@guardian.example", "Ivy", "Clarke", "The Guardian", "GB", FAILED),
        ("jon@freelance.example", "Jon", "Doe", None, None, QUEUED),
    ]
    by_name = {}
    for email, first, last, outlet, country, state in rows:
        contact = desk.journalist(email, first, last, outlet, country)
        by_name[first] = desk.deliver(sendout, contact, state)
    desk.react(by_name["Anna"], OPENED, later)
    desk.react(by_name["Anna"], CLICKED, later, DOSSIER)
    desk.react(by_name["Anna"], CLICKED, later + timedelta(minutes=5), DOSSIER)
    desk.react(by_name["Anna"], CLICKED, later, PHOTOS)
    desk.react(by_name["Ben"], OPENED, later)
    desk.react(by_name["Dora"], CLICKED, later, DOSSIER)
    desk.react(by_name["Dora"], REPLIED, later)
    desk.react(by_name["Emil"], UNSUBSCRIBED, later)
    desk.react(by_name["Gina"], COMPLAINED, later)
    desk.bounce(by_name["Chloé"], "userunknown", BounceClass.HARD)
    desk.bounce(by_name["Fritz"], "mailboxfull", BounceClass.SOFT)
    desk.session.flush()
    return sendout
