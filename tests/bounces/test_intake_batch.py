"""Bounce intake of a batch: the same records and decisions as taking the messages in one by one."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from distributor import tokens
from distributor.bounces.intake import (
    REPLAYED,
    Incoming,
    IngestResult,
    ingest_batch,
    ingest_message,
)
from distributor.config import Settings
from distributor.db import make_engine
from distributor.models import (
    AuditEntry,
    BounceRecord,
    BounceSource,
    Delivery,
    DeliveryEvent,
    Subscription,
    Suppression,
)
from distributor.schema import upgrade
from tests.bounces.conftest import BOUNCE_DOMAIN, T0, Newsroom, days, dsn, return_path

CORPUS = Path(__file__).parent / "corpus"
ANNA = "anna.berg@tageblatt.example"
BEN = "ben.kraus@tageblatt.example"
NOW = T0 + days(1)
MAILBOX_FULL = {"status": "4.2.2", "diagnostic": "452 4.2.2 Mailbox full"}


def _batch(session: Session, settings: Settings, *messages: Incoming) -> list[IngestResult]:
    return ingest_batch(session, messages, source=BounceSource.RECEIVER, settings=settings, now=NOW)


def test_a_soft_bounce_earlier_in_the_batch_counts_towards_the_next(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    first = newsroom.deliver(ANNA, sent_at=T0 - days(1))
    second = newsroom.deliver(ANNA, sent_at=T0)

    results = _batch(
        session,
        bounce_settings,
        Incoming(dsn(ANNA, **MAILBOX_FULL), [return_path(first)]),
        Incoming(dsn(ANNA, **MAILBOX_FULL), [return_path(second)]),
    )

    assert [r.decisions for r in results] == [
        (f"counted: soft bounce 1 of 3 since {NOW:%Y-%m-%d}",),
        (f"counted: soft bounce 2 of 3 since {NOW:%Y-%m-%d}",),
    ]


def test_a_second_hard_bounce_in_the_batch_finds_the_address_already_suppressed(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    first = newsroom.deliver(ANNA)
    second = newsroom.deliver(ANNA)

    results = _batch(
        session,
        bounce_settings,
        Incoming(dsn(ANNA), [return_path(first)]),
        Incoming(dsn(ANNA), [return_path(second)]),
    )

    assert [r.decisions for r in results] == [
        ("suppressed: hard bounce (5.1.1)",),
        ("already suppressed (hard_bounce); hard bounce",),
    ]
    assert len(session.scalars(select(Suppression)).all()) == 1


def test_a_second_report_with_the_same_message_id_in_the_batch_is_a_replay(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    delivery = newsroom.deliver(ANNA)
    raw = dsn(ANNA, **MAILBOX_FULL)

    first, second = _batch(
        session,
        bounce_settings,
        Incoming(raw, [return_path(delivery)]),
        Incoming(raw, [return_path(delivery)]),
    )

    assert (first.ignored, first.decisions) == (
        None,
        (f"counted: soft bounce 1 of 3 since {NOW:%Y-%m-%d}",),
    )
    assert (second.ignored, second.decisions) == (REPLAYED, (f"ignored: {REPLAYED}",))


@pytest.fixture
def twin_engine(engine: Engine, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A second empty database of the same kind as `engine`."""
    if engine.dialect.name == "sqlite":
        twin = make_engine(f"sqlite:///{tmp_path / 'twin.sqlite3'}")
        yield twin
        twin.dispose()
        return
    admin = make_engine(request.getfixturevalue("postgres_url"), isolation_level="AUTOCOMMIT")
    name = f"test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    twin = make_engine(admin.url.set(database=name))
    yield twin
    twin.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def _sent(session: Session) -> list[Delivery]:
    """The same deliveries, with the same ids, in each database."""
    newsroom = Newsroom(session)
    deliveries = [
        newsroom.deliver(email, sent_at=T0 - days(count))
        for count, email in enumerate(
            [
                ANNA,
                ANNA,
                BEN,
                BEN,
                "carla.weiss@tageblatt.example",
                "nina.hoff@langsam.example",
                "leo.fischer@strenger-filter.example",
                "tom.ruhl@stadtanzeiger.example",
                "redaktion@verlagshaus.example",
                "politik@verlagshaus.example",
            ]
        )
    ]
    session.commit()
    return deliveries


def _every_shape(deliveries: list[Delivery]) -> list[Incoming]:
    """Messages of every kind intake tells apart, some of them about the same address."""
    anna, anna_again, ben, ben_again, carla, nina, leo, tom, redaktion, _ = deliveries

    def corpus(name: str) -> bytes:
        return (CORPUS / f"{name}.eml").read_bytes()

    replayed = dsn(BEN, **MAILBOX_FULL)
    assert tom.verp_token is not None
    forged = tokens.return_path(tokens.delivery_token(carla.id, "not-our-secret"), BOUNCE_DOMAIN)
    mailto = tokens.unsubscribe_address(tom.verp_token, BOUNCE_DOMAIN)
    return [
        Incoming(dsn(ANNA), [return_path(anna)]),
        Incoming(replayed, [return_path(ben)]),
        Incoming(replayed, [return_path(ben)]),
        Incoming(dsn(BEN, **MAILBOX_FULL), [return_path(ben_again)]),
        Incoming(corpus("arf_abuse_complaint"), [return_path(anna_again)]),
        Incoming(dsn(ANNA), [return_path(anna_again)]),
        Incoming(corpus("delayed_dsn"), [return_path(nina)]),
        Incoming(corpus("spam_block_571"), [return_path(leo)]),
        Incoming(corpus("out_of_office"), [return_path(tom)]),
        Incoming(f"From: {tom.email}\r\nTo: {mailto}\r\n\r\nstop".encode(), [mailto]),
        Incoming(dsn("carla.weiss@tageblatt.example"), [forged]),
        Incoming(dsn("stranger@nowhere.example"), []),
        Incoming(corpus("several_recipients_failed_and_delayed"), [return_path(redaktion)]),
        Incoming(dsn(BEN, original_message_id=ben.message_id), []),
        Incoming(corpus("empty"), []),
    ]


def _state(session: Session) -> dict[str, list[Any]]:
    """Everything intake writes, in a form two databases can be compared by."""

    def rows(*columns: Any) -> list[Any]:
        return [tuple(row) for row in session.execute(select(*columns).order_by(*columns))]

    return {
        "records": rows(
            BounceRecord.id,
            BounceRecord.delivery_id,
            BounceRecord.recipient,
            BounceRecord.classification,
            BounceRecord.token_valid,
            BounceRecord.message_id,
            BounceRecord.decision,
        ),
        "deliveries": rows(Delivery.id, Delivery.state, Delivery.last_error),
        "events": rows(DeliveryEvent.delivery_id, DeliveryEvent.kind, DeliveryEvent.detail),
        "suppressions": rows(Suppression.email, Suppression.reason, Suppression.source),
        "subscriptions": rows(Subscription.contact_id, Subscription.status),
        # by what they say: a batch may number its new suppressions in another order
        "audit": sorted(
            json.dumps([action, details], sort_keys=True)
            for action, details in session.execute(select(AuditEntry.action, AuditEntry.details))
        ),
    }


def test_a_batch_of_every_shape_keeps_what_ingesting_them_one_by_one_keeps(
    session: Session, twin_engine: Engine, bounce_settings: Settings
) -> None:
    upgrade(twin_engine)
    with Session(twin_engine) as one_by_one:
        sent = _sent(one_by_one)
        messages = _every_shape(sent)
        ids = [delivery.id for delivery in sent]
        expected = [
            ingest_message(
                one_by_one,
                message.raw,
                source=BounceSource.RECEIVER,
                settings=bounce_settings,
                envelope_recipients=message.envelope_recipients,
                now=NOW,
            )
            for message in messages
        ]
        one_by_one.commit()
        expected_state = _state(one_by_one)
    assert [d.id for d in _sent(session)] == ids  # the same in both

    results = _batch(session, bounce_settings, *messages)
    session.commit()

    assert results == expected
    assert _state(session) == expected_state
