"""The database itself holds the invariants in DESIGN.md, whatever code writes to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from distributor.models import (
    Channel,
    Contact,
    ContactBeat,
    Delivery,
    DeliveryState,
    MailingList,
    Release,
    ReleaseVersion,
    SendOut,
    SendOutAudience,
    Subscription,
    Suppression,
    SuppressionReason,
    email_hash,
)


def _release(session: Session) -> Release:
    release = Release(slug="budget-2027", default_language="en")
    release.versions.append(ReleaseVersion(language="en", title="Budget 2027", body_markdown="…"))
    session.add(release)
    session.flush()
    return release


def _sendout(session: Session) -> SendOut:
    sendout = SendOut(release=_release(session))
    session.add(sendout)
    session.flush()
    return sendout


def test_contact_email_is_unique(session: Session) -> None:
    session.add_all([Contact(email="anna@paper.example"), Contact(email="anna@paper.example")])
    with pytest.raises(IntegrityError):
        session.flush()


def test_one_delivery_per_sendout_and_contact(session: Session) -> None:
    sendout = _sendout(session)
    contact = Contact(email="anna@paper.example")
    session.add(contact)
    session.flush()
    session.add_all(
        [
            Delivery(sendout_id=sendout.id, contact_id=contact.id, email=contact.email),
            Delivery(sendout_id=sendout.id, contact_id=contact.id, email=contact.email),
        ]
    )
    with pytest.raises(IntegrityError):
        session.flush()


def test_suppression_is_unique_by_address_hash(session: Session) -> None:
    digest = email_hash("Anna@Paper.example")
    session.add_all(
        [
            Suppression(email_hash=digest, reason=SuppressionReason.HARD_BOUNCE),
            Suppression(email_hash=digest, reason=SuppressionReason.COMPLAINT),
        ]
    )
    with pytest.raises(IntegrityError):
        session.flush()


def test_email_hash_ignores_case_and_spaces() -> None:
    assert email_hash(" Anna@Paper.EXAMPLE ") == email_hash("anna@paper.example")


def test_state_outside_the_enum_is_refused_by_the_database(session: Session) -> None:
    sendout = _sendout(session)
    session.commit()
    with pytest.raises(IntegrityError):
        session.execute(
            text(
                "INSERT INTO deliveries (sendout_id, email, state, attempts, next_attempt_at, "
                "created_at, updated_at) VALUES (:s, 'x@y.example', 'lost', 0, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"s": sendout.id},
        )


def test_audience_names_a_list_or_a_segment_not_both_nor_neither(session: Session) -> None:
    sendout = _sendout(session)
    session.add(SendOutAudience(sendout_id=sendout.id))
    with pytest.raises(IntegrityError):
        session.flush()


def test_timestamps_come_back_aware_in_utc(session: Session) -> None:
    moscow = timezone(timedelta(hours=3))
    release = _release(session)
    release.embargo_until = datetime(2027, 1, 15, 9, 0, tzinfo=moscow)
    session.commit()
    session.expire_all()

    stored = session.get(Release, release.id)
    assert stored is not None
    assert stored.embargo_until == datetime(2027, 1, 15, 6, 0, tzinfo=UTC)
    assert stored.embargo_until.tzinfo is not None
    assert stored.created_at.tzinfo is not None


def test_naive_timestamps_are_refused(session: Session) -> None:
    release = _release(session)
    release.embargo_until = datetime(2027, 1, 15, 9, 0)
    with pytest.raises(StatementError, match="naive datetime"):
        session.flush()


def test_deleting_a_list_keeps_its_contacts(session: Session) -> None:
    press = MailingList(slug="national-press", name="National press")
    contact = Contact(email="anna@paper.example")
    session.add_all([press, contact])
    session.flush()
    session.add(Subscription(list_id=press.id, contact_id=contact.id, channel=Channel.IMPORT))
    session.commit()

    session.delete(press)
    session.commit()

    assert session.scalars(select(Subscription)).all() == []
    assert session.scalars(select(Contact.email)).all() == ["anna@paper.example"]


def test_erasing_a_contact_keeps_the_sendout_statistics(session: Session) -> None:
    sendout = _sendout(session)
    contact = Contact(email="anna@paper.example")
    session.add(contact)
    session.flush()
    session.add(
        Delivery(
            sendout_id=sendout.id,
            contact_id=contact.id,
            email=contact.email,
            state=DeliveryState.SENT,
        )
    )
    session.commit()

    session.delete(contact)
    session.commit()
    session.expire_all()

    delivery = session.scalars(select(Delivery)).one()
    assert delivery.contact_id is None
    assert delivery.state is DeliveryState.SENT


def test_beats_are_rows_usable_in_queries(session: Session) -> None:
    contact = Contact(email="anna@paper.example")
    contact.beats.extend(["economy", "energy"])
    session.add(contact)
    session.commit()
    session.expire_all()

    found = session.scalars(
        select(Contact).join(ContactBeat).where(ContactBeat.beat == "energy")
    ).one()
    assert list(found.beats) == ["economy", "energy"]


def test_release_version_falls_back_to_the_default_language(session: Session) -> None:
    release = _release(session)
    assert release.version("ru").language == "en"
    assert release.version("en").title == "Budget 2027"
