"""A batch while its worker lives and when it dies: outcomes written a few messages at a time,
leases renewed under a slow message, so only a dead worker's batch is taken over."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from distributor.config import Settings
from distributor.models import Release
from distributor.models.base import utcnow
from distributor.sending.pipeline import OUTCOME_GROUP, BatchSender
from distributor.sending.scheduling.deliveries import claim_batch
from distributor.sending.transports.configured import create_transport
from distributor.sending.transports.outcomes import SendResult
from distributor.tasks.sending import batch_sender
from tests.sending.conftest import BUDGET, AddJournalists, delivery_states, start_sendout
from tests.smtp_server import CaptureServer

BATCH = 2 * OUTCOME_GROUP + 10
DIES_AT = 2 * OUTCOME_GROUP + 5  # the message in whose sending the worker dies


class DyingTransport:
    """Hands messages to the real relay, then dies in the middle of message `dies_at`."""

    def __init__(self, settings: Settings, dies_at: int) -> None:
        self.relay = create_transport(settings)
        self.dies_at = dies_at
        self.sent = 0

    def send(self, envelope_from: str, recipients: list[str], message: bytes) -> SendResult:
        if self.sent + 1 == self.dies_at:
            raise SystemExit("killed")
        self.sent += 1
        return self.relay.send(envelope_from, recipients, message)

    def check(self) -> str:
        return self.relay.check()

    def close(self) -> None:
        self.relay.close()


def test_a_worker_dying_mid_batch_has_recorded_all_but_its_last_few_messages(
    session: Session,
    release: Release,
    journalists: AddJournalists,
    send_settings: Settings,
    capture: CaptureServer,
) -> None:
    journalists(BATCH)
    sendout = start_sendout(session, release, "press")
    settings = send_settings.model_copy(update={"batch_size": BATCH})
    sender = BatchSender(
        settings,
        record_rejections=lambda session, rejections, now: None,
        transport=DyingTransport(settings, DIES_AT),  # type: ignore[arg-type]
    )

    with pytest.raises(SystemExit):
        sender.run(session.get_bind(), sendout.id, BUDGET)  # type: ignore[arg-type]

    sent_unrecorded = DIES_AT - 1 - 2 * OUTCOME_GROUP
    assert len(capture.messages) == DIES_AT - 1
    assert delivery_states(session, sendout.id) == {
        "sent": 2 * OUTCOME_GROUP,
        "sending": BATCH - 2 * OUTCOME_GROUP,
    }
    assert sent_unrecorded < OUTCOME_GROUP


def test_a_live_workers_lease_does_not_run_out_under_a_slow_message(
    session: Session,
    release: Release,
    journalists: AddJournalists,
    send_settings: Settings,
    capture: CaptureServer,
) -> None:
    journalists(1)
    sendout = start_sendout(session, release, "press")
    lease = timedelta(seconds=send_settings.lease_seconds)
    capture.stall(2 * lease.total_seconds())
    sender = batch_sender(send_settings)
    worker = threading.Thread(
        target=sender.run,
        args=(session.get_bind(), sendout.id, BUDGET),
    )
    worker.start()
    try:
        time.sleep(1.5 * lease.total_seconds())  # past the lease as first taken

        taken_over = claim_batch(session, sendout.id, "other-worker", 10, lease, utcnow())
        session.commit()
    finally:
        worker.join()
        sender.close()

    assert taken_over == []
    assert len(capture.messages) == 1
    assert delivery_states(session, sendout.id) == {"sent": 1}
