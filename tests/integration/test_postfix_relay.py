"""Messages go out through a real Postfix as they left the sender, and bounces come back as DSNs."""

from __future__ import annotations

import email
import email.policy
import re
import time
from email.message import EmailMessage, Message
from pathlib import Path

import dkim
import pytest

from distributor.config import parse_transport_url
from distributor.sending.message.dkim.keys import load_key
from distributor.sending.message.dkim.signature import Signature
from distributor.sending.message.dkim.signer import DkimSigner
from distributor.sending.message.mime import BuiltMessage, MessageTemplate, Recipient, build_message
from distributor.sending.transports.outcomes import OutcomeKind
from distributor.sending.transports.smtp import SMTPTransport
from tests.integration import BOUNCE_DOMAIN, LOCAL_DOMAIN
from tests.sending.test_dkim import dns_for
from tests.servers import PostfixInstance
from tests.smtp_server import Captured, CaptureServer

pytestmark = pytest.mark.postfix

ARRIVAL_TIMEOUT = 15.0  # Postfix hands mail on within milliseconds; this only bounds a failure
# A line starting with a dot is escaped on each SMTP hop and must come back unchanged.
TEXT = "Hello,\n.a line starting with a dot\nand Unicode: Привет\n."


def outgoing(key: Path, to: str) -> tuple[BuiltMessage, bytes]:
    """A release message to `to` with its VERP return path at BOUNCE_DOMAIN, DKIM-signed."""
    template = MessageTemplate.create(
        from_address=f"Press Office <press@{LOCAL_DOMAIN}>",
        subject="Новый пресс-релиз",
        sendout_id=1,
        list_slug="national-press",
        bounce_domain=BOUNCE_DOMAIN,
        secret="s",
    )
    recipient = Recipient(5, to, "https://press.example/u/x", "Иван Петров")
    message = build_message(template, "<p>Привет</p>", TEXT, recipient)
    signer = DkimSigner([Signature("mail", LOCAL_DOMAIN, load_key(key.read_bytes(), "key"))])
    return message, signer.sign(message.data)


def hand_to(postfix: PostfixInstance, message: BuiltMessage, data: bytes) -> None:
    target = parse_transport_url(f"smtp://127.0.0.1:{postfix.port}?tls=none")
    with SMTPTransport([target]) as transport:
        outcome = transport.send(message.envelope_from, [message.recipient], data).outcomes[
            message.recipient
        ]
    assert outcome.kind is OutcomeKind.SENT, f"{outcome.reply}\n{postfix.log()}"


def arrival(server: CaptureServer, message: BuiltMessage, postfix: PostfixInstance) -> Captured:
    """The mail at `server` that is, or returns, `message` (found by its Message-ID)."""
    deadline = time.monotonic() + ARRIVAL_TIMEOUT
    while time.monotonic() < deadline:
        for captured in list(server.messages):
            if message.message_id.encode() in captured.data:
                return captured
        time.sleep(0.02)
    pytest.fail(f"{message.message_id} did not arrive; the Postfix log:\n{postfix.log()}")


def body(data: bytes) -> bytes:
    return data.split(b"\r\n\r\n", 1)[1]


def test_relayed_message_keeps_its_verp_envelope_sender(
    postfix: PostfixInstance, relayed: CaptureServer, key_pair: tuple[Path, str]
) -> None:
    message, data = outgoing(key_pair[0], "ivan@example.org")
    hand_to(postfix, message, data)
    received = arrival(relayed, message, postfix)
    assert (received.envelope_from, received.recipients) == (
        message.envelope_from,
        ["ivan@example.org"],
    )


def test_relayed_message_body_arrives_unchanged(
    postfix: PostfixInstance, relayed: CaptureServer, key_pair: tuple[Path, str]
) -> None:
    message, data = outgoing(key_pair[0], "ivan@example.org")
    hand_to(postfix, message, data)
    assert body(arrival(relayed, message, postfix).data) == body(data)


def test_dkim_signature_verifies_after_postfix_added_its_received_header(
    postfix: PostfixInstance, relayed: CaptureServer, key_pair: tuple[Path, str]
) -> None:
    key, record = key_pair
    message, data = outgoing(key, "ivan@example.org")
    hand_to(postfix, message, data)
    received = arrival(relayed, message, postfix)
    assert received.data.startswith(b"Received: ")
    assert dkim.verify(received.data, dnsfunc=dns_for(record))


def test_unknown_local_user_is_bounced_to_the_verp_return_path(
    postfix: PostfixInstance, bounced: CaptureServer, key_pair: tuple[Path, str]
) -> None:
    message, data = outgoing(key_pair[0], f"nobody-here@{LOCAL_DOMAIN}")
    hand_to(postfix, message, data)
    dsn = arrival(bounced, message, postfix)
    # A DSN has the null sender, so that nothing ever bounces a bounce.
    assert (dsn.envelope_from, dsn.recipients) == ("<>", [message.envelope_from])


def test_bounce_is_a_delivery_status_report_with_a_permanent_status(
    postfix: PostfixInstance, bounced: CaptureServer, key_pair: tuple[Path, str]
) -> None:
    message, data = outgoing(key_pair[0], f"nobody-here@{LOCAL_DOMAIN}")
    hand_to(postfix, message, data)
    report = email.message_from_bytes(
        arrival(bounced, message, postfix).data, policy=email.policy.default
    )
    assert isinstance(report, EmailMessage)
    assert report.get_content_type() == "multipart/report"
    assert report.get_param("report-type") == "delivery-status"
    (status_part,) = (p for p in report.walk() if p.get_content_type() == "message/delivery-status")
    # The per-message block, then one block per recipient.
    _, *recipients = (b for b in status_part.get_payload() if isinstance(b, Message))
    assert [(r["Final-Recipient"], r["Action"]) for r in recipients] == [
        (f"rfc822; nobody-here@{LOCAL_DOMAIN}", "failed")
    ]
    assert re.fullmatch(r"5\.\d{1,3}\.\d{1,3}", recipients[0]["Status"])
