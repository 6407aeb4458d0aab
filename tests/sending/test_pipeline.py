"""The send pipeline against a real SMTP server: each journalist gets one message, outcomes are kept."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import dkim
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from distributor import tokens
from distributor.audit import SYSTEM
from distributor.config import Settings
from distributor.contacts.subscriptions import subscribe
from distributor.contacts.suppressions import suppress
from distributor.models import (
    BounceClass,
    BounceRecord,
    Delivery,
    DeliveryState,
    Release,
    SendOutState,
    Suppression,
    SuppressionReason,
)
from distributor.models.base import utcnow
from distributor.sending.message.dkim.canonical import MessageFormatError
from distributor.sending.message.dkim.signer import DkimSigner
from distributor.sending.pipeline import send_test
from distributor.sending.scheduling.deliveries import claim_batch
from distributor.sending.scheduling.sendouts import pause_sendout
from tests.sending.conftest import AddJournalists, delivery_states, run_batches, start_sendout
from tests.sending.test_dkim import dns_for
from tests.smtp_server import CaptureServer


def test_every_journalist_gets_one_message_and_the_sendout_completes(
    session: Session,
    release: Release,
    journalists: AddJournalists,
    send_settings: Settings,
    capture: CaptureServer,
) -> None:
    emails = journalists(25)
    sendout = start_sendout(session, release, "press")

    report = run_batches(session, send_settings, sendout)

    assert sorted(r for m in capture.messages for r in m.recipients) == sorted(emails)
    assert report.counts["sent"] == 25
    session.refresh(sendout)
    assert sendout.state is SendOutState.COMPLETED


def test_a_contact_on_two_lists_gets_one_message(
    session: Session,
    release: Release,
    journalists: AddJournalists,
    send_settings: Settings,
    capture: CaptureServer,
) -> None:
    journalists(3, "culture")
    journalists(2, "film")
    subscribe(session, "culture0@news.example", "film", SYSTEM)
    sendout = start_sendout(session, release, "culture", "film")

    run_batches(session, send_settings, sendout)

    recipients = [r for m in capture.messages for r in m.recipients]
    assert recipients.count("culture0@news.example") == 1
    assert len(recipients) == 5


def test_sent_delivery_keeps_the_message_id_and_the_verp_token_that_names_it(
    session: Session,
    release: Release,
    journalists: AddJournalists,
    send_settings: Settings,
    capture: CaptureServer,
) -> None:
    journalists(1)
    sendout = start_sendout(session, release, "press")

    run_batches(session, send_settings, sendout)

    delivery = session.scalars(select(Delivery).where(Delivery.sendout_id == sendout.id)).one()
    session.refresh(delivery)
    message = message_from_bytes(capture.messages[0].data, policy=policy.default)
    assert delivery.state is DeliveryState.SENT
    assert delivery.message_id == message["Message-ID"]
    token = tokens.token_from_address(capture.messages[0].envelope_from)
    assert token == delivery.verp_token
    assert (
        tokens.read_delivery_token(token, "test-secret-0123456789abcdef0123456789") == delivery.id
    )


def test_address_suppressed_after_dispatch_is_skipped_right_before_sending(
    session: Session,
    release: Release,
    journalists: AddJournalists,
    send_settings: Settings,
    capture: CaptureServer,
) -> None:
    emails = journalists(3)
    sendout = start_sendout(session, release, "press")
    suppress(session, emails[1], SuppressionReason.UNSUBSCRIBED, actor=SYSTEM)
    session.commit()

    run_batches(session, send_settings, sendout)

    recipients = [r for m in capture.messages for r in m.recipients]
    assert emails[1] not in recipients
    assert delivery_states(session, sendout.id) == {"sent": 2, "skipped": 1}


def test_recipient_refused_with_550_fails_and_is_suppressed_as_a_hard_bounce(
    session: Session,
    release: Release,
    journalists: AddJournalists,
    send_settings: Settings,
    capture: CaptureServer,
) -> None:
    emails = journalists(2)
    capture.script({emails[0]: (550, "5.1.1 <press0@news.example>: user unknown")})
    sendout = start_sendout(session, release, "press")

    run_batches(session, send_settings, sendout)

    assert delivery_states(session, sendout.id) == {"failed": 1, "sent": 1}
    bounce = session.scalars(select(BounceRecord)).one()
    assert bounce.classification is BounceClass.HARD
    assert bounce.recipient == emails[0]
    reason = session.scalar(select(Suppression.reason).where(Suppression.email == emails[0]))
    assert reason is SuppressionReason.HARD_BOUNCE


def test_temporary_failures_are_deferred_then_sent_on_retry(
    session: Session,
    release: Release,
    journalists: AddJournalists,
    send_settings: Settings,
    capture: CaptureServer,
) -> None:
    journalists(4)
    capture.fail_next(2, code=451, text="4.7.1 greylisted, try again later")
    sendout = start_sendout(session, release, "press")

    run_batches(session, send_settings, sendout)
    assert delivery_states(session, sendout.id) == {"deferred": 2, "sent": 2}
    session.execute(update(Delivery).values(next_attempt_at=utcnow()))
    session.commit()
    run_batches(session, send_settings, sendout)

    assert delivery_states(session, sendout.id) == {"sent": 4}
    session.refresh(sendout)
    assert sendout.state is SendOutState.COMPLETED


def test_paused_sendout_sends_nothing(
    session: Session,
    release: Release,
    journalists: AddJournalists,
    send_settings: Settings,
    capture: CaptureServer,
) -> None:
    journalists(3)
    sendout = start_sendout(session, release, "press")
    pause_sendout(session, sendout, actor=SYSTEM)
    session.commit()

    report = run_batches(session, send_settings, sendout)

    assert report.stopped == "paused"
    assert capture.messages == []
    assert delivery_states(session, sendout.id) == {"queued": 3}


def test_batch_of_a_worker_that_died_is_sent_once_after_its_lease(
    session: Session,
    release: Release,
    journalists: AddJournalists,
    send_settings: Settings,
    capture: CaptureServer,
) -> None:
    journalists(3)
    sendout = start_sendout(session, release, "press")
    claim_batch(session, sendout.id, "dead-worker", 10, timedelta(seconds=-1), utcnow())
    session.commit()

    run_batches(session, send_settings, sendout)

    assert sorted(r for m in capture.messages for r in m.recipients) == [
        "press0@news.example",
        "press1@news.example",
        "press2@news.example",
    ]
    assert delivery_states(session, sendout.id) == {"sent": 3}


def test_test_send_is_marked_and_leaves_no_delivery(
    session: Session, release: Release, send_settings: Settings, capture: CaptureServer
) -> None:
    outcomes = send_test(release, ["editor@desk.example"], send_settings)

    assert outcomes["editor@desk.example"].kind.value == "sent"
    message = message_from_bytes(capture.messages[0].data, policy=policy.default)
    assert message["Subject"].startswith("[TEST] ")
    assert session.scalar(select(func.count()).select_from(Delivery)) == 0


def test_a_421_slows_that_destination_down_as_a_whole(
    session: Session,
    release: Release,
    journalists: AddJournalists,
    send_settings: Settings,
    capture: CaptureServer,
) -> None:
    journalists(3)
    capture.fail_next(1, code=421, text="4.7.0 too many messages, slow down", phase="MAIL")
    sendout = start_sendout(session, release, "press")

    run_batches(session, send_settings, sendout)

    assert capture.messages == []
    rows = session.execute(
        select(Delivery.last_smtp_code, Delivery.last_error)
        .where(Delivery.sendout_id == sendout.id)
        .order_by(Delivery.id)
    ).all()
    assert rows[0].last_smtp_code == 421
    assert all(row.last_error.startswith("held back by the send-rate limits") for row in rows[1:])
    assert delivery_states(session, sendout.id) == {"deferred": 3}


@pytest.fixture
def signing_settings(send_settings: Settings, key_pair: tuple[Path, str]) -> Settings:
    """The send settings, signing for newsroom.example with the test key as selector `mail`."""
    return send_settings.model_copy(
        update={
            "from_address": "Press Office <press@newsroom.example>",
            "dkim_selector": "mail",
            "dkim_key_file": key_pair[0],
        }
    )


def test_sent_message_is_dkim_signed_over_its_unsubscribe_headers_when_a_key_is_set(
    session: Session,
    release: Release,
    journalists: AddJournalists,
    signing_settings: Settings,
    capture: CaptureServer,
    key_pair: tuple[Path, str],
) -> None:
    journalists(1)
    sendout = start_sendout(session, release, "press")

    run_batches(session, signing_settings, sendout)

    data = capture.messages[0].data
    assert dkim.verify(data, dnsfunc=dns_for(key_pair[1]))
    signature = message_from_bytes(data, policy=policy.default)["DKIM-Signature"]
    signed_headers = signature.split("h=")[1].split(";")[0].replace(" ", "").lower().split(":")
    assert {"list-unsubscribe", "list-unsubscribe-post"} <= set(signed_headers)


def test_message_that_cannot_be_signed_fails_and_is_never_sent_unsigned(
    session: Session,
    release: Release,
    journalists: AddJournalists,
    signing_settings: Settings,
    capture: CaptureServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(self: DkimSigner, message: bytes) -> bytes:
        raise MessageFormatError("a header line is not a field")

    monkeypatch.setattr(DkimSigner, "sign", broken)
    journalists(2)
    sendout = start_sendout(session, release, "press")

    run_batches(session, signing_settings, sendout)

    assert capture.messages == []
    assert delivery_states(session, sendout.id) == {"failed": 2}
    errors = session.scalars(select(Delivery.last_error).where(Delivery.sendout_id == sendout.id))
    assert all("DKIM signature could not be made" in (error or "") for error in errors)
