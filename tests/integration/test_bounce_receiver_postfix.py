"""A real DSN from Postfix, received by `bounces serve`'s receiver, suppresses the dead address."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.bounces.receiver import BounceReceiver
from distributor.bounces.spool import Spool
from distributor.config import load_settings
from distributor.contacts.directory import suppression_of
from distributor.models import BounceRecord, Release, SuppressionReason
from distributor.models.base import utcnow
from distributor.models.bounces import BounceClass, BounceSource
from distributor.sending.replies import forward_reply
from distributor.sending.scheduling.dispatch import start_due
from distributor.sending.scheduling.sendouts import Audience, Schedule, create_sendout
from distributor.tasks.sending import batch_sender
from tests.conftest import _serve
from tests.integration import BOUNCE_DOMAIN, LOCAL_DOMAIN
from tests.sending.conftest import AddJournalists
from tests.servers import PostfixInstance, free_port, postfix_server
from tests.smtp_server import CaptureServer

pytestmark = pytest.mark.postfix

SECRET = "postfix-receiver-test-secret-0123456789abcdef0123456789"
DEADLINE = 30.0  # bounds a failure only; Postfix bounces within a second or two


@pytest.fixture
def receiver(tmp_path: Path, session: Session) -> Iterator[BounceReceiver]:
    settings = load_settings(
        {
            "DISTRIBUTOR_DATA_DIR": str(tmp_path / "data"),
            "DISTRIBUTOR_BOUNCE_DOMAIN": BOUNCE_DOMAIN,
            "DISTRIBUTOR_SECRET_KEY": SECRET,
        }
    )
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    receiver = BounceReceiver(
        settings, Spool(tmp_path / "spool"), engine, forward=forward_reply, port=free_port()
    )
    with receiver:
        yield receiver


@pytest.fixture
def postfix_to_receiver(
    receiver: BounceReceiver, relay_target: CaptureServer
) -> Iterator[PostfixInstance]:
    """A Postfix of its own whose DSNs for BOUNCE_DOMAIN go to the receiver."""
    yield from _serve(
        lambda: postfix_server(
            relay_target.port,
            bounce_routes={BOUNCE_DOMAIN: receiver.port},
            local_domain=LOCAL_DOMAIN,
            local_mailboxes=["editor"],
        )
    )


def test_a_real_dsn_from_postfix_reaches_the_receiver_and_suppresses_the_dead_address(
    tmp_path: Path,
    session: Session,
    release: Release,
    journalists: AddJournalists,
    receiver: BounceReceiver,
    postfix_to_receiver: PostfixInstance,
) -> None:
    (gone,) = journalists(1, "gone", domain=LOCAL_DOMAIN)
    sendout = create_sendout(session, release, Audience(lists=["gone"]), Schedule(), actor=SYSTEM)
    start_due(session, utcnow())
    session.commit()
    sending = load_settings(
        {
            "DISTRIBUTOR_DATA_DIR": str(tmp_path / "sender"),
            "DISTRIBUTOR_SMTP_URL": f"smtp://127.0.0.1:{postfix_to_receiver.port}?tls=none",
            "DISTRIBUTOR_FROM": f"Press Office <press@{LOCAL_DOMAIN}>",
            "DISTRIBUTOR_BOUNCE_DOMAIN": BOUNCE_DOMAIN,
            "DISTRIBUTOR_SECRET_KEY": SECRET,
        }
    )
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    sender = batch_sender(sending)
    try:
        sender.run(engine, sendout.id, 30.0)
    finally:
        sender.close()

    deadline = time.monotonic() + DEADLINE
    while (suppression := _suppression(engine, gone)) is None:
        assert time.monotonic() < deadline, (
            f"{gone} is not suppressed; spool review: {receiver.spool.in_review()}\n"
            f"{postfix_to_receiver.log()}"
        )
        time.sleep(0.1)
    assert suppression == SuppressionReason.HARD_BOUNCE
    with Session(engine) as fresh:
        record = fresh.scalars(select(BounceRecord)).one()
        assert (record.source, record.classification) == (BounceSource.RECEIVER, BounceClass.HARD)
        assert record.token_valid is True
        assert record.status_code == "5.1.1"
    assert list(receiver.spool.pending()) == []
    assert receiver.spool.in_review() == []


def _suppression(engine: Engine, email: str) -> SuppressionReason | None:
    with Session(engine) as fresh:
        found = suppression_of(fresh, email)
        return found.reason if found is not None else None
