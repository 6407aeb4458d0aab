"""A send-out through a real MTA: journalists get the release, a dead address bounces to its VERP path."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor import tokens
from distributor.audit import SYSTEM
from distributor.config import Settings, load_settings
from distributor.models import Delivery, DeliveryState, Release
from distributor.models.base import utcnow
from distributor.sending.scheduling.dispatch import start_due
from distributor.sending.scheduling.sendouts import Audience, Schedule, create_sendout
from distributor.tasks.sending import batch_sender
from tests.integration import BOUNCE_DOMAIN, LOCAL_DOMAIN
from tests.sending.conftest import AddJournalists
from tests.servers import PostfixInstance
from tests.smtp_server import CaptureServer

pytestmark = pytest.mark.postfix

SECRET = "postfix-test-secret-0123456789abcdef0123456789"
ARRIVAL_TIMEOUT = 15.0  # bounds a failure only; Postfix hands mail on within milliseconds


@pytest.fixture
def through_postfix(tmp_path: Path, postfix: PostfixInstance) -> Settings:
    return load_settings(
        {
            "DISTRIBUTOR_DATA_DIR": str(tmp_path / "data"),
            "DISTRIBUTOR_SMTP_URL": f"smtp://127.0.0.1:{postfix.port}?tls=none",
            "DISTRIBUTOR_FROM": f"Press Office <press@{LOCAL_DOMAIN}>",
            "DISTRIBUTOR_BOUNCE_DOMAIN": BOUNCE_DOMAIN,
            "DISTRIBUTOR_SECRET_KEY": SECRET,
        }
    )


def _wait_for(server: CaptureServer, count: int, postfix: PostfixInstance) -> None:
    deadline = time.monotonic() + ARRIVAL_TIMEOUT
    while len(server.messages) < count:
        assert time.monotonic() < deadline, f"{len(server.messages)} of {count}:\n{postfix.log()}"
        time.sleep(0.05)


def test_sendout_reaches_journalists_through_postfix_and_a_dead_address_bounces_to_its_delivery(
    session: Session,
    release: Release,
    journalists: AddJournalists,
    through_postfix: Settings,
    postfix: PostfixInstance,
    relayed: CaptureServer,
    bounced: CaptureServer,
) -> None:
    emails = journalists(3)
    (gone,) = journalists(1, "gone", domain=LOCAL_DOMAIN)
    sendout = create_sendout(
        session, release, Audience(lists=["press", "gone"]), Schedule(), actor=SYSTEM
    )
    start_due(session, utcnow())
    session.commit()

    sender = batch_sender(through_postfix)
    try:
        sender.run(session.get_bind(), sendout.id, 30.0)  # type: ignore[arg-type]
    finally:
        sender.close()

    states = session.scalars(select(Delivery.state).where(Delivery.sendout_id == sendout.id))
    assert set(states) == {DeliveryState.SENT}  # Postfix took all four
    _wait_for(relayed, 3, postfix)
    _wait_for(bounced, 1, postfix)
    assert sorted(r for m in relayed.messages for r in m.recipients) == sorted(emails)
    dsn = bounced.messages[0]
    token = tokens.token_from_address(dsn.recipients[0])
    assert token is not None
    gone_delivery = session.scalars(select(Delivery).where(Delivery.email == gone)).one()
    assert tokens.read_delivery_token(token, SECRET) == gone_delivery.id
