"""Attribution that cannot be forged: a report acts only on the delivery it proves.

Each test is an attack first: someone who holds one email from the office (and so one
valid VERP token and one Message-ID) writes a report naming other journalists. Only the
verified token's delivery, for its own address, or our Message-ID, for the address it
was sent to, may change anything; every other recipient is kept for review.
"""

from __future__ import annotations

import smtplib
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from distributor.bounces.intake import IngestResult, ingest_message
from distributor.bounces.policy import soft_bounces_since_success
from distributor.bounces.review import NEEDS_REVIEW
from distributor.config import Settings
from distributor.contacts.suppressions import is_suppressed
from distributor.db import make_engine
from distributor.models import (
    BounceRecord,
    BounceReview,
    BounceSource,
    Delivery,
    DeliveryEvent,
    DeliveryState,
    Subscription,
    SubscriptionStatus,
)
from tests.bounces import test_receiver as receiving
from tests.bounces.conftest import BOUNCE_DOMAIN, SECRET, T0, Newsroom, days, dsn, return_path
from tests.bounces.forged import complaint, multi_dsn

ANNA = "anna.berg@tageblatt.example"  # holds one email of ours: the attacker
BEN = "ben.ohler@kurier.example"  # the journalist the attacker wants suppressed


def ingest(session: Session, raw: bytes, settings: Settings, *envelope: str) -> IngestResult:
    return ingest_message(
        session,
        raw,
        source=BounceSource.RECEIVER,
        settings=settings,
        envelope_recipients=envelope,
        now=T0 + days(1),
    )


def untouched(session: Session, delivery: Delivery) -> bool:
    """Nothing a bounce can do happened to `delivery` or its address."""
    session.expire_all()
    events = session.scalars(select(DeliveryEvent).where(DeliveryEvent.delivery_id == delivery.id))
    subscribed = session.scalars(
        select(Subscription.status).where(Subscription.contact_id == delivery.contact_id)
    )
    return (
        not is_suppressed(session, delivery.email)
        and session.get(Delivery, delivery.id).state is DeliveryState.SENT  # type: ignore[union-attr]
        and list(events) == []
        and set(subscribed) == {SubscriptionStatus.SUBSCRIBED}
        and soft_bounces_since_success(session, delivery.email)[2] == 0
    )


def record_of(session: Session, result: IngestResult, email: str) -> BounceRecord:
    (found,) = [
        record
        for record_id in result.record_ids
        if (record := session.get(BounceRecord, record_id)) is not None
        and record.recipient == email
    ]
    return found


def test_a_forged_dsn_with_a_valid_token_changes_nothing_for_another_recipient_it_names(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    anna, ben = newsroom.deliver(ANNA), newsroom.deliver(BEN)

    ingest(session, multi_dsn(ANNA, BEN, to=return_path(anna)), bounce_settings)

    assert untouched(session, ben)


def test_the_other_recipient_of_a_forged_dsn_is_kept_for_review_without_a_delivery(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    anna, _ = newsroom.deliver(ANNA), newsroom.deliver(BEN)

    result = ingest(session, multi_dsn(ANNA, BEN, to=return_path(anna)), bounce_settings)

    kept = record_of(session, result, BEN)
    assert (kept.delivery_id, kept.review) == (None, BounceReview.NEEDED)
    assert kept.decision == f"recorded: {NEEDS_REVIEW}"
    assert (result.attributed, result.review) == (1, 1)


def test_a_multi_recipient_dsn_acts_on_the_token_s_delivery_for_its_own_address(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    anna, _ = newsroom.deliver(ANNA), newsroom.deliver(BEN)

    result = ingest(session, multi_dsn(BEN, ANNA, to=return_path(anna)), bounce_settings)

    assert record_of(session, result, ANNA).delivery_id == anna.id
    assert is_suppressed(session, ANNA)


def test_a_forged_soft_bounce_for_another_recipient_is_not_counted(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    anna, ben = newsroom.deliver(ANNA), newsroom.deliver(BEN)

    for _ in range(3):  # each its own report: a resent one would be a replay
        ingest(session, multi_dsn(ANNA, BEN, to=return_path(anna), status="4.2.2"), bounce_settings)

    assert untouched(session, ben)


def test_a_dsn_without_a_token_changes_nothing(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    ben = newsroom.deliver(BEN)

    result = ingest(session, dsn(BEN), bounce_settings)

    assert untouched(session, ben)
    assert (result.attributed, result.review, result.ignored) == (0, 1, NEEDS_REVIEW)


def test_a_dsn_without_a_token_quoting_our_message_id_for_that_address_is_applied(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    ben = newsroom.deliver(BEN)

    result = ingest(session, dsn(BEN, original_message_id=ben.message_id), bounce_settings)

    assert record_of(session, result, BEN).delivery_id == ben.id
    assert is_suppressed(session, BEN)
    session.refresh(ben)
    assert ben.state is DeliveryState.BOUNCED


def test_a_dsn_quoting_the_attacker_s_message_id_changes_nothing_for_the_address_it_names(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    anna, ben = newsroom.deliver(ANNA), newsroom.deliver(BEN)

    ingest(session, dsn(BEN, original_message_id=anna.message_id), bounce_settings)

    assert untouched(session, ben)
    assert untouched(session, anna)


def test_a_complaint_without_a_token_changes_nothing(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    ben = newsroom.deliver(BEN)

    result = ingest(session, complaint(BEN, to=f"abuse@{BOUNCE_DOMAIN}"), bounce_settings)

    assert untouched(session, ben)
    assert record_of(session, result, BEN).review is BounceReview.NEEDED


def test_a_complaint_to_the_attacker_s_token_changes_nothing_for_the_address_it_names(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    anna, ben = newsroom.deliver(ANNA), newsroom.deliver(BEN)

    ingest(session, complaint(BEN, to=return_path(anna)), bounce_settings)

    assert untouched(session, ben)


def test_a_complaint_quoting_our_message_id_for_that_address_stops_all_mail(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    ben = newsroom.deliver(BEN)
    raw = complaint(BEN, to=f"abuse@{BOUNCE_DOMAIN}", original_message_id=ben.message_id)

    ingest(session, raw, bounce_settings)

    assert is_suppressed(session, BEN)
    subscribed = session.scalars(
        select(Subscription.status).where(Subscription.contact_id == ben.contact_id)
    )
    assert SubscriptionStatus.SUBSCRIBED not in set(subscribed)


def test_a_report_about_an_address_never_sent_to_is_not_kept_for_review(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    result = ingest(session, dsn("stranger@nowhere.example"), bounce_settings)

    assert record_of(session, result, "stranger@nowhere.example").review is None
    assert result.review == 0


# Through the real `distributor bounces serve` (the IMAP poller's are in test_mailbox.py).


def _sent_to_anna_and_ben(engine: Engine) -> tuple[Delivery, Delivery]:
    with Session(engine, expire_on_commit=False) as session:
        newsroom = Newsroom(session)
        sent = newsroom.deliver(ANNA), newsroom.deliver(BEN)
        session.commit()
    return sent


def _suppressed(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return {email for email in (ANNA, BEN) if is_suppressed(session, email)}


def test_a_forged_dsn_through_the_receiver_changes_nothing_for_another_recipient(
    tmp_path: Path,
) -> None:
    with receiving.serving(tmp_path, secret_key=SECRET) as (service, port):
        engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'distributor.sqlite3'}")
        anna, _ = _sent_to_anna_and_ben(engine)
        with smtplib.SMTP("127.0.0.1", port, timeout=receiving.DEADLINE) as smtp:
            smtp.sendmail("", [return_path(anna)], multi_dsn(ANNA, BEN, to="postmaster"))
        service.wait_for_output("2 record(s)")
    assert _suppressed(engine) == {ANNA}
    engine.dispose()
