"""Delivery rows as sets: the audience queued once, batches leased, outcomes settled."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from distributor.models import (
    Channel,
    Contact,
    Delivery,
    DeliveryEvent,
    DeliveryState,
    MailingList,
    Release,
    Segment,
    SendOut,
    SendOutAudience,
    Subscription,
    SubscriptionStatus,
    Suppression,
    SuppressionReason,
)
from distributor.models.base import utcnow
from distributor.schema import upgrade
from distributor.sending.scheduling.deliveries import (
    ClaimedDelivery,
    DeliveryCounts,
    RetryPolicy,
    Settled,
    claim_batch,
    create_deliveries,
    record_outcomes,
    renew_leases,
)
from distributor.sending.transports.outcomes import Outcome, OutcomeKind

LEASE = timedelta(minutes=5)
SOON = timedelta(seconds=1)
SENT = Outcome(OutcomeKind.SENT, 250, "2.0.0", "250 2.0.0 queued as 42")
LATER = Outcome(OutcomeKind.DEFERRED, 451, "4.7.1", "451 4.7.1 try again later")
REFUSED = Outcome(OutcomeKind.FAILED, 550, "5.1.1", "550 5.1.1 no such user")


def _contact(session: Session, email: str, *lists: MailingList, country: str = "FR") -> Contact:
    contact = Contact(email=email, country=country)
    session.add(contact)
    for mailing_list in lists:
        session.add(
            Subscription(
                mailing_list=mailing_list,
                contact=contact,
                status=SubscriptionStatus.SUBSCRIBED,
                channel=Channel.IMPORT,
            )
        )
    return contact


def _list(session: Session, slug: str) -> MailingList:
    mailing_list = MailingList(slug=slug, name=slug)
    session.add(mailing_list)
    return mailing_list


def _sendout(session: Session, *audience: SendOutAudience) -> SendOut:
    sendout = SendOut(release=Release(slug="budget"), audience=list(audience))
    session.add(sendout)
    session.flush()
    return sendout


def _include(mailing_list: MailingList, *, exclude: bool = False) -> SendOutAudience:
    return SendOutAudience(list_id=mailing_list.id, exclude=exclude)


def _emails(session: Session, sendout: SendOut, state: DeliveryState) -> list[str]:
    query = select(Delivery.email).where(Delivery.sendout_id == sendout.id, Delivery.state == state)
    return sorted(session.scalars(query))


def _queued(session: Session, count: int) -> tuple[SendOut, list[int]]:
    """A send-out with `count` queued deliveries; returns it and their ids, in order."""
    press = _list(session, "press")
    for number in range(count):
        _contact(session, f"j{number}@outlet.example", press)
    session.flush()
    sendout = _sendout(session, _include(press))
    create_deliveries(session, sendout)
    ids = session.scalars(select(Delivery.id).order_by(Delivery.id)).all()
    return sendout, list(ids)


def test_a_contact_on_two_lists_gets_one_delivery(session: Session) -> None:
    press, film = _list(session, "press"), _list(session, "film")
    _contact(session, "both@outlet.example", press, film)
    _contact(session, "film@outlet.example", film)
    session.flush()
    sendout = _sendout(session, _include(press), _include(film))

    assert create_deliveries(session, sendout) == DeliveryCounts(queued=2, skipped=0)
    assert _emails(session, sendout, DeliveryState.QUEUED) == [
        "both@outlet.example",
        "film@outlet.example",
    ]


def test_a_suppressed_contact_is_skipped(session: Session) -> None:
    press = _list(session, "press")
    _contact(session, "ok@outlet.example", press)
    _contact(session, "gone@outlet.example", press)
    digest = hashlib.sha256(b"gone@outlet.example").hexdigest()
    session.add(
        Suppression(
            email="gone@outlet.example", email_hash=digest, reason=SuppressionReason.HARD_BOUNCE
        )
    )
    session.flush()
    sendout = _sendout(session, _include(press))

    assert create_deliveries(session, sendout) == DeliveryCounts(queued=1, skipped=1)
    skipped = session.scalars(select(Delivery).where(Delivery.state == DeliveryState.SKIPPED))
    assert [(d.email, d.last_error) for d in skipped] == [("gone@outlet.example", "suppressed")]


def test_an_excluded_list_removes_its_members(session: Session) -> None:
    press, embargo_breakers = _list(session, "press"), _list(session, "breakers")
    _contact(session, "ok@outlet.example", press)
    _contact(session, "leaky@outlet.example", press, embargo_breakers)
    session.flush()
    sendout = _sendout(session, _include(press), _include(embargo_breakers, exclude=True))

    create_deliveries(session, sendout)

    assert _emails(session, sendout, DeliveryState.QUEUED) == ["ok@outlet.example"]


def test_a_segment_audience_selects_matching_contacts(session: Session) -> None:
    _contact(session, "paris@outlet.example", country="FR")
    _contact(session, "berlin@outlet.example", country="DE")
    segment = Segment(name="france", rules={"field": "country", "op": "eq", "value": "FR"})
    session.add(segment)
    session.flush()
    sendout = _sendout(session, SendOutAudience(segment_id=segment.id))

    create_deliveries(session, sendout)

    assert _emails(session, sendout, DeliveryState.QUEUED) == ["paris@outlet.example"]


def test_creating_twice_adds_nothing(session: Session) -> None:
    sendout, ids = _queued(session, 3)

    assert create_deliveries(session, sendout) == DeliveryCounts(queued=0, skipped=0)
    assert session.scalars(select(Delivery.id).order_by(Delivery.id)).all() == ids


def test_a_claim_respects_size_and_order(session: Session) -> None:
    sendout, ids = _queued(session, 5)
    now = utcnow() + SOON

    first = claim_batch(session, sendout.id, "w1", 2, LEASE, now)
    second = claim_batch(session, sendout.id, "w2", 2, LEASE, now)

    assert [c.id for c in first] == ids[:2]
    assert [c.id for c in second] == ids[2:4]
    assert first[0] == ClaimedDelivery(ids[0], "j0@outlet.example", first[0].contact_id, 1)
    leased = session.get(Delivery, ids[0], populate_existing=True)
    assert leased is not None
    assert (leased.state, leased.leased_by, leased.lease_expires_at) == (
        DeliveryState.SENDING,
        "w1",
        now + LEASE,
    )


def test_renewing_extends_only_the_workers_own_leases_and_marks_the_sendout_worked_on(
    session: Session,
) -> None:
    sendout, ids = _queued(session, 3)
    now = utcnow() + SOON
    claim_batch(session, sendout.id, "w1", 2, LEASE, now)
    claim_batch(session, sendout.id, "w2", 1, LEASE, now)
    later = now + 5 * LEASE

    renewed = renew_leases(session.connection(), sendout.id, "w1", later)

    leases = dict(
        session.execute(
            select(Delivery.leased_by, Delivery.lease_expires_at).where(Delivery.id.in_(ids))
        ).all()
    )
    assert renewed == 2
    assert leases == {"w1": later, "w2": now + LEASE}
    session.refresh(sendout)
    assert sendout.heartbeat_at is not None


def test_a_deferred_delivery_not_yet_due_is_not_claimed(session: Session) -> None:
    sendout, ids = _queued(session, 2)
    now = utcnow() + SOON
    session.execute(
        update(Delivery)
        .where(Delivery.id == ids[0])
        .values(state=DeliveryState.DEFERRED, next_attempt_at=now + timedelta(minutes=1))
    )

    assert [c.id for c in claim_batch(session, sendout.id, "w", 10, LEASE, now)] == ids[1:]


def test_an_expired_lease_is_reclaimed_and_a_live_one_is_not(session: Session) -> None:
    sendout, ids = _queued(session, 1)
    now = utcnow() + SOON
    claim_batch(session, sendout.id, "crashed", 10, LEASE, now)

    assert claim_batch(session, sendout.id, "w", 10, LEASE, now + LEASE) == []
    reclaimed = claim_batch(session, sendout.id, "w", 10, LEASE, now + LEASE + SOON)
    assert [(c.id, c.attempts) for c in reclaimed] == [(ids[0], 2)]


@pytest.mark.postgres
def test_concurrent_claims_get_disjoint_deliveries(postgres_engine: Engine) -> None:
    upgrade(postgres_engine)
    with Session(postgres_engine) as setup:
        sendout, ids = _queued(setup, 6)
        sendout_id = sendout.id
        setup.commit()
    now = utcnow() + SOON
    with Session(postgres_engine) as one, Session(postgres_engine) as two:
        first = claim_batch(one, sendout_id, "w1", 4, LEASE, now)
        second = claim_batch(two, sendout_id, "w2", 4, LEASE, now)  # `one` still holds its locks

        assert [c.id for c in first] == ids[:4]
        assert [c.id for c in second] == ids[4:]


def test_outcomes_are_recorded_with_events(session: Session) -> None:
    sendout, ids = _queued(session, 3)
    now = utcnow() + SOON
    claim_batch(session, sendout.id, "w", 3, LEASE, now)

    results = [
        Settled(ids[0], SENT, "<a@press.example>"),
        Settled(ids[1], LATER, None),
        Settled(ids[2], REFUSED, None),
    ]
    record_outcomes(session, results, now, RetryPolicy(jitter=0))

    sent, later, refused = (session.get(Delivery, i, populate_existing=True) for i in ids)
    assert sent is not None
    assert later is not None
    assert refused is not None
    assert (sent.state, sent.message_id, sent.sent_at, sent.last_smtp_code) == (
        DeliveryState.SENT,
        "<a@press.example>",
        now,
        250,
    )
    assert (later.state, later.next_attempt_at, later.last_error) == (
        DeliveryState.DEFERRED,
        now + timedelta(seconds=60),
        LATER.reply,
    )
    assert refused.state is DeliveryState.FAILED
    assert all(d.lease_expires_at is None and d.leased_by is None for d in (sent, later, refused))
    events = session.scalars(select(DeliveryEvent).order_by(DeliveryEvent.delivery_id)).all()
    assert [(e.delivery_id, e.kind.value, e.detail, e.data) for e in events] == [
        (ids[0], "sent", SENT.reply, {"code": 250, "enhanced": "2.0.0"}),
        (ids[1], "deferred", LATER.reply, {"code": 451, "enhanced": "4.7.1"}),
        (ids[2], "failed", REFUSED.reply, {"code": 550, "enhanced": "5.1.1"}),
    ]


def test_an_outcome_for_a_delivery_no_longer_sending_is_ignored(session: Session) -> None:
    _, ids = _queued(session, 1)

    record_outcomes(
        session, [Settled(ids[0], SENT, "<late@press.example>")], utcnow(), RetryPolicy()
    )

    delivery = session.get(Delivery, ids[0], populate_existing=True)
    assert delivery is not None
    assert delivery.state is DeliveryState.QUEUED
    assert session.scalars(select(DeliveryEvent)).all() == []


def test_a_deferral_past_the_maximum_age_fails(session: Session) -> None:
    sendout, ids = _queued(session, 1)
    now = utcnow() + timedelta(days=3, seconds=1)
    claim_batch(session, sendout.id, "w", 1, LEASE, now)

    record_outcomes(session, [Settled(ids[0], LATER, None)], now, RetryPolicy())

    delivery = session.get(Delivery, ids[0], populate_existing=True)
    assert delivery is not None
    assert (delivery.state, delivery.last_error) == (DeliveryState.FAILED, LATER.reply)
    assert [e.kind.value for e in delivery.events] == ["failed"]


def test_the_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy()
    exact = RetryPolicy(jitter=0)

    assert [exact.backoff(n).total_seconds() for n in (1, 2, 3, 7, 100)] == [
        60,
        120,
        240,
        3600,
        3600,
    ]
    waits = [policy.backoff(1).total_seconds() for _ in range(200)]
    assert 48 <= min(waits) < max(waits) <= 72
    assert all(policy.backoff(50) <= timedelta(hours=1) for _ in range(50))
