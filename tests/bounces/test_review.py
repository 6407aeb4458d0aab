"""A bounce kept for review, applied by hand: it acts as an attributed one would, audited, once."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.bounces.intake import ingest_message
from distributor.bounces.review import APPLIED, apply_reviewed
from distributor.config import Settings
from distributor.contacts.suppressions import is_suppressed
from distributor.errors import Conflict, InvalidInput, PermissionDenied
from distributor.models import (
    AuditEntry,
    BounceRecord,
    BounceReview,
    BounceSource,
    DeliveryEvent,
    DeliveryState,
    Role,
)
from tests.bounces.conftest import T0, Newsroom, days, dsn

BEN = "ben.ohler@kurier.example"
ADMIN = Actor("cli:alice", Role.ADMIN)
MAILBOX_FULL = {"status": "4.2.2", "diagnostic": "452 4.2.2 <{recipient}>: mailbox full"}


def kept_for_review(session: Session, settings: Settings, raw: bytes, at: float = 1) -> int:
    """The id of the record a token-less report about BEN leaves waiting for review."""
    result = ingest_message(
        session, raw, source=BounceSource.FILE, settings=settings, now=T0 + days(at)
    )
    (record_id,) = result.record_ids
    assert session.get(BounceRecord, record_id).review is BounceReview.NEEDED  # type: ignore[union-attr]
    return record_id


def test_applying_a_reviewed_hard_bounce_suppresses_the_address_and_bounces_its_delivery(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    ben = newsroom.deliver(BEN)
    record_id = kept_for_review(session, bounce_settings, dsn(BEN))

    applied = apply_reviewed(session, record_id, ADMIN, "the editor confirmed by phone")

    assert (applied.email, applied.delivery_id) == (BEN, ben.id)
    assert is_suppressed(session, BEN)
    session.refresh(ben)
    assert ben.state is DeliveryState.BOUNCED


def test_applying_a_reviewed_record_is_audited_with_who_and_why(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    newsroom.deliver(BEN)
    record_id = kept_for_review(session, bounce_settings, dsn(BEN))

    apply_reviewed(session, record_id, ADMIN, "the editor confirmed by phone")

    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == APPLIED)).one()
    assert (entry.actor, entry.entity_id) == ("cli:alice", str(record_id))
    assert entry.details["reason"] == "the editor confirmed by phone"
    record = session.get(BounceRecord, record_id)
    assert record is not None
    assert record.review is BounceReview.APPLIED
    assert record.decision is not None
    assert record.decision.startswith("applied by cli:alice: suppressed: hard bounce")


def test_applying_a_reviewed_record_twice_applies_it_once(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    ben = newsroom.deliver(BEN)
    record_id = kept_for_review(session, bounce_settings, dsn(BEN))
    apply_reviewed(session, record_id, ADMIN, "confirmed")

    with pytest.raises(Conflict, match="applied already"):
        apply_reviewed(session, record_id, ADMIN, "confirmed again")

    audited = select(func.count()).where(AuditEntry.action == APPLIED)
    events = select(func.count()).where(DeliveryEvent.delivery_id == ben.id)
    assert (session.scalar(audited), session.scalar(events)) == (1, 1)


def test_an_applied_soft_bounce_counts_once_towards_the_soft_limit(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    newsroom.deliver(BEN)
    record_id = kept_for_review(session, bounce_settings, dsn(BEN, **MAILBOX_FULL))

    applied = apply_reviewed(session, record_id, ADMIN, "confirmed")

    assert applied.decision.startswith("counted: soft bounce 1 of 3")


def test_applying_needs_a_reason(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    newsroom.deliver(BEN)
    record_id = kept_for_review(session, bounce_settings, dsn(BEN))

    with pytest.raises(InvalidInput, match="audit log"):
        apply_reviewed(session, record_id, ADMIN, "  ")

    assert not is_suppressed(session, BEN)


def test_applying_needs_the_admin_role(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    newsroom.deliver(BEN)
    record_id = kept_for_review(session, bounce_settings, dsn(BEN))

    with pytest.raises(PermissionDenied):
        apply_reviewed(session, record_id, Actor("cli:bob", Role.PRESS_OFFICER), "sure")


def test_a_record_that_needed_no_review_cannot_be_applied(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    result = ingest_message(
        session, dsn("stranger@nowhere.example"), source=BounceSource.FILE, settings=bounce_settings
    )

    with pytest.raises(Conflict, match="not waiting for review"):
        apply_reviewed(session, result.record_ids[0], ADMIN, "sure")


def test_two_admins_applying_the_same_bounce_at_once_apply_it_once(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    newsroom.deliver(BEN)
    record_id = kept_for_review(session, bounce_settings, dsn(BEN))
    session.commit()
    engine = session.get_bind()
    refused: list[Exception] = []

    def second_admin() -> None:
        with Session(engine) as other:
            try:
                apply_reviewed(other, record_id, ADMIN, "me too")
                other.commit()
            except (Conflict, OperationalError) as error:  # SQLite: its one writer is busy
                refused.append(error)

    with Session(engine) as first:
        apply_reviewed(first, record_id, ADMIN, "confirmed")
        racing = threading.Thread(target=second_admin)
        racing.start()
        time.sleep(0.5)  # the second is waiting on the first's lock, or about to
        first.commit()
    racing.join(30)

    assert len(refused) == 1
    audited = select(func.count()).where(AuditEntry.action == APPLIED)
    assert session.scalar(audited) == 1
