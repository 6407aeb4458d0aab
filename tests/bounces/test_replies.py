"""Replies to the reply address: a reply, an auto-reply and a bounce each land where they belong.

A send-out goes to a capture server with DISTRIBUTOR_REPLY_ADDRESS set; answers
come back over SMTP (smtplib on loopback) to the running receiver, which
forwards journalists' replies through the same capture server as its relay.
"""

from __future__ import annotations

import base64
import json
import smtplib
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from distributor import tokens
from distributor.audit import SYSTEM
from distributor.bounces.authorship import TxtLookup
from distributor.bounces.intake import ingest_batch
from distributor.bounces.receiver import BounceReceiver, accepts_recipient
from distributor.bounces.spool import Spool
from distributor.config import Settings, load_settings
from distributor.contacts.directory import add_contact
from distributor.contacts.lists import create_list
from distributor.contacts.subscriptions import subscribe
from distributor.errors import ConfigError
from distributor.models import (
    BounceClass,
    BounceRecord,
    Delivery,
    DeliveryEvent,
    DeliveryEventKind,
    DeliveryState,
)
from distributor.releases.fileformat import read_release_file
from distributor.releases.store import add_release
from distributor.sending.replies import VERIFIED_HEADER, forward_reply
from tests.bounces import conftest as bounces
from tests.environment import process_env
from tests.sending.conftest import EXAMPLES, run_batches, start_sendout
from tests.servers import free_port
from tests.smtp_server import Captured, CaptureServer, smtp_server

DOMAIN = bounces.BOUNCE_DOMAIN
REPLY_ADDRESS = f"replies@{DOMAIN}"
PRESS_CONTACT = "press@filmfund.example.org"  # the first contact of docs/examples/release-en.md
DEADLINE = 30.0  # bounds a failure only


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def relay() -> Iterator[CaptureServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, relay: CaptureServer) -> Settings:
    return load_settings(
        {
            "DISTRIBUTOR_DATA_DIR": str(tmp_path / "data"),
            "DISTRIBUTOR_SMTP_URL": relay.url(tls="none"),
            "DISTRIBUTOR_SECRET_KEY": bounces.SECRET,
            "DISTRIBUTOR_BOUNCE_DOMAIN": DOMAIN,
            "DISTRIBUTOR_REPLY_ADDRESS": REPLY_ADDRESS,
            "DISTRIBUTOR_FROM": "Film Fund Press <news@filmfund.example.org>",
            "DISTRIBUTOR_BASE_URL": "https://press.filmfund.example.org",
        }
    )


@pytest.fixture
def spool(tmp_path: Path) -> Spool:
    return Spool(tmp_path / "spool")


@pytest.fixture(scope="module")
def news_key() -> rsa.RSAPrivateKey:
    """The key news.example signs its mail with, published as `reply._domainkey.news.example`."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def dkim_key(news_key: rsa.RSAPrivateKey) -> bytes:
    return news_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


@pytest.fixture
def dns(news_key: rsa.RSAPrivateKey) -> TxtLookup:
    """DNS for DKIM keys that knows news.example's and no other."""
    public = news_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    def lookup(name: bytes, timeout: float = 5) -> bytes | None:
        return record if name == b"reply._domainkey.news.example." else None

    return lookup


StartReceiver = Callable[[Settings], BounceReceiver]


@pytest.fixture
def start_receiver(spool: Spool, session: Session, dns: TxtLookup) -> Iterator[StartReceiver]:
    """Start a receiver with `settings` over the test's database (stopped after the test)."""
    started: list[BounceReceiver] = []

    def start(settings: Settings) -> BounceReceiver:
        receiver = BounceReceiver(
            settings,
            spool,
            engine_of(session),
            forward=forward_reply,
            port=free_port(),
            ingest=ingest_batch,
            dns=dns,
        )
        receiver.start()
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()


@pytest.fixture
def receiver(start_receiver: StartReceiver, settings: Settings) -> BounceReceiver:
    return start_receiver(settings)


def reply_to(message: Captured) -> str:
    ((_, address),) = getaddresses([str(message.message()["Reply-To"])])
    return address


def deliver(receiver: BounceReceiver, recipient: str, raw: bytes) -> None:
    with smtplib.SMTP(receiver.host, receiver.port, timeout=DEADLINE) as smtp:
        smtp.sendmail("", [recipient], raw)


def signed(raw: bytes, key: bytes, domain: str = "news.example") -> bytes:
    """`raw` with a DKIM signature of `domain` in front, as its mail server would add."""
    headers = [b"from", b"to", b"subject", b"message-id"]
    return dkim.sign(raw, b"reply", domain.encode(), key, include_headers=headers) + raw


def human_reply(author: str, to: str, subject: str = "Re: Film grants 2027") -> bytes:
    """A reply as a journalist writes it (sign it with `signed` to make its sender verified)."""
    return (
        f"From: Reporter Zero <{author}>\r\n"
        f"To: Claire Dubois <{to}>\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@news.example>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        "Could I interview one of the first-time directors next week?\r\n"
    ).encode()


def out_of_office(author: str, to: str) -> bytes:
    return (
        f"From: <{author}>\r\n"
        f"To: {to}\r\n"
        "Subject: Out of office: Film grants 2027\r\n"
        "Auto-Submitted: auto-replied\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@news.example>\r\n"
        "\r\n"
        "I am away until Monday and will read your message then.\r\n"
    ).encode()


def events(engine: Engine, kind: DeliveryEventKind) -> list[DeliveryEvent]:
    with Session(engine) as fresh:
        return list(fresh.scalars(select(DeliveryEvent).where(DeliveryEvent.kind == kind)))


def records(engine: Engine) -> list[BounceRecord]:
    with Session(engine) as fresh:
        return list(fresh.scalars(select(BounceRecord).order_by(BounceRecord.id)))


def forwards(relay: CaptureServer) -> list[EmailMessage]:
    return [m.message() for m in relay.messages if m.recipients == [PRESS_CONTACT]]


def engine_of(session: Session) -> Engine:
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    return engine


def test_reply_to_is_the_reply_address_tagged_with_the_delivery_under_the_contact_name(
    session: Session, settings: Settings, relay: CaptureServer
) -> None:
    (message,) = _send(session, settings, relay, 1)

    header = str(message.message()["Reply-To"])
    delivery = session.scalars(select(Delivery)).one()
    assert header.startswith("Claire Dubois <replies+")
    token = tokens.token_from_address(reply_to(message), "replies")
    assert token is not None
    assert tokens.read_delivery_token(token, bounces.SECRET) == delivery.id
    assert PRESS_CONTACT in message.data.decode("utf-8", "replace")  # still in the body


def test_a_reply_an_auto_reply_and_a_bounce_each_land_where_they_belong(
    session: Session,
    settings: Settings,
    relay: CaptureServer,
    receiver: BounceReceiver,
    dkim_key: bytes,
) -> None:
    replied, away, gone = _send(session, settings, relay, 3)
    engine = engine_of(session)

    answer = signed(human_reply(replied.recipients[0], reply_to(replied)), dkim_key)
    deliver(receiver, reply_to(replied), answer)
    deliver(receiver, reply_to(away), out_of_office(away.recipients[0], reply_to(away)))
    deliver(receiver, reply_to(gone), bounces.dsn(gone.recipients[0], to=reply_to(gone)))

    wait_until(lambda: len(events(engine, DeliveryEventKind.REPLIED)) == 1, "a recorded reply")
    wait_until(lambda: len(records(engine)) == 2, "the auto-reply and the bounce recorded")
    (forward,) = forwards(relay)
    assert str(forward["Subject"]) == "[Reply] Re: Film grants 2027"
    assert str(forward[VERIFIED_HEADER]) == "yes (DKIM signature of news.example)"
    assert str(forward["Reply-To"]) == f"Reporter Zero <{replied.recipients[0]}>"
    assert forward["From"].addresses[0].addr_spec == REPLY_ADDRESS
    attached = next(p for p in forward.iter_attachments())
    assert attached.get_content_type() == "message/rfc822"
    assert "first-time directors" in attached.as_string()
    (event,) = events(engine, DeliveryEventKind.REPLIED)
    assert (event.detail, event.data) == (
        "Re: Film grants 2027",
        {"from": replied.recipients[0], "forwarded": True},
    )
    auto_reply, bounce = records(engine)
    assert (auto_reply.classification, auto_reply.recipient) == (
        BounceClass.AUTO_REPLY,
        away.recipients[0],
    )
    assert (bounce.classification, bounce.recipient) == (BounceClass.HARD, gone.recipients[0])
    with Session(engine) as fresh:
        bounced = fresh.scalars(select(Delivery).where(Delivery.email == gone.recipients[0]))
        assert bounced.one().state is DeliveryState.BOUNCED


def test_a_reply_waits_in_the_spool_while_the_relay_refuses_and_is_forwarded_after(
    session: Session,
    settings: Settings,
    relay: CaptureServer,
    receiver: BounceReceiver,
    dkim_key: bytes,
) -> None:
    (message,) = _send(session, settings, relay, 1)
    engine = engine_of(session)
    relay.fail_for(3600, phase="MAIL", code=421, text="4.3.2 shutting down")
    tried = relay.connections

    answer = signed(human_reply(message.recipients[0], reply_to(message)), dkim_key)
    deliver(receiver, reply_to(message), answer)

    wait_until(lambda: relay.connections > tried, "an attempt to forward")
    assert len(list(receiver.spool.pending())) == 1
    assert events(engine, DeliveryEventKind.REPLIED) == []
    relay.fail_for(0, phase="MAIL")
    wait_until(lambda: len(forwards(relay)) == 1, "the forward once the relay is back")
    wait_until(lambda: not list(receiver.spool.pending()), "an empty spool")
    assert len(events(engine, DeliveryEventKind.REPLIED)) == 1


def test_a_reply_with_a_forged_token_is_kept_as_evidence_and_not_forwarded(
    session: Session, settings: Settings, relay: CaptureServer, receiver: BounceReceiver
) -> None:
    _send(session, settings, relay, 1)
    forged = tokens.tagged_address(REPLY_ADDRESS, "7-abcdefghij")

    deliver(receiver, forged, human_reply("someone@news.example", forged))

    wait_until(lambda: len(records(engine_of(session))) == 1, "the forgery recorded")
    (record,) = records(engine_of(session))
    assert (record.token_valid, record.decision) == (False, "ignored: token does not verify")
    assert forwards(relay) == []


def test_line_breaks_hidden_in_the_subject_and_name_never_reach_the_forwards_headers(
    session: Session, settings: Settings, relay: CaptureServer, receiver: BounceReceiver
) -> None:
    (message,) = _send(session, settings, relay, 1)
    address = reply_to(message)
    raw = (
        "From: =?utf-8?q?Eve=0D=0ABcc:_victim@example.org?= <eve@news.example>\r\n"
        f"To: {address}\r\n"
        "Subject: =?utf-8?q?Hello=0D=0ABcc:_victim@example.org?=\r\n"
        "\r\n"
        "Hi\r\n"
    ).encode()

    deliver(receiver, address, raw)

    wait_until(lambda: len(forwards(relay)) == 1, "the forward")
    (captured,) = [m for m in relay.messages if m.recipients == [PRESS_CONTACT]]
    head = captured.data.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc:" not in head
    subject = "[Reply, sender unverified] Hello Bcc: victim@example.org"
    assert str(captured.message()["Subject"]) == subject


def test_a_reply_its_senders_domain_did_not_sign_is_forwarded_marked_unverified(
    session: Session, settings: Settings, relay: CaptureServer, receiver: BounceReceiver
) -> None:
    (message,) = _send(session, settings, relay, 1)
    engine = engine_of(session)

    deliver(receiver, reply_to(message), human_reply(message.recipients[0], reply_to(message)))

    wait_until(lambda: len(forwards(relay)) == 1, "the forward")
    (forward,) = forwards(relay)
    assert str(forward["Subject"]) == "[Reply, sender unverified] Re: Film grants 2027"
    assert str(forward[VERIFIED_HEADER]) == "no (no DKIM signature or SPF pass of news.example)"
    note = next(iter(forward.iter_parts())).get_content()
    assert note.startswith(
        f"Caution: nothing shows that this message comes from {message.recipients[0]}"
    )
    wait_until(lambda: events(engine, DeliveryEventKind.REPLIED_UNVERIFIED), "the reply recorded")
    assert events(engine, DeliveryEventKind.REPLIED) == []


def test_a_reply_signed_by_another_domain_than_its_senders_is_unverified(
    session: Session,
    settings: Settings,
    relay: CaptureServer,
    receiver: BounceReceiver,
    dkim_key: bytes,
) -> None:
    (message,) = _send(session, settings, relay, 1)
    impostor = human_reply("editor@paper.example", reply_to(message))

    deliver(receiver, reply_to(message), signed(impostor, dkim_key))  # news.example's signature

    wait_until(lambda: len(forwards(relay)) == 1, "the forward")
    assert str(forwards(relay)[0][VERIFIED_HEADER]).startswith("no ")
    wait_until(
        lambda: events(engine_of(session), DeliveryEventKind.REPLIED_UNVERIFIED), "the record"
    )


def test_a_flood_of_replies_to_one_delivery_forwards_only_the_hours_limit_and_records_the_rest(
    session: Session,
    settings: Settings,
    relay: CaptureServer,
    start_receiver: StartReceiver,
    dkim_key: bytes,
) -> None:
    (message,) = _send(session, settings, relay, 1)
    engine = engine_of(session)
    receiver = start_receiver(settings.model_copy(update={"reply_forwards_per_delivery": 3}))
    answer = signed(human_reply(message.recipients[0], reply_to(message)), dkim_key)

    with smtplib.SMTP(receiver.host, receiver.port, timeout=DEADLINE) as smtp:
        for _ in range(12):
            smtp.sendmail("", [reply_to(message)], answer)

    wait_until(lambda: len(events(engine, DeliveryEventKind.REPLIED)) == 12, "12 recorded")
    wait_until(lambda: not list(receiver.spool.pending()), "an empty spool")
    assert len(forwards(relay)) == 3
    recorded = events(engine, DeliveryEventKind.REPLIED)
    assert sorted(event.data["forwarded"] for event in recorded) == [False] * 9 + [True] * 3


def test_a_flood_of_replies_from_one_sender_forwards_only_the_hours_limit(
    session: Session,
    settings: Settings,
    relay: CaptureServer,
    start_receiver: StartReceiver,
    dkim_key: bytes,
) -> None:
    sent = _send(session, settings, relay, 5)
    engine = engine_of(session)
    receiver = start_receiver(settings.model_copy(update={"reply_forwards_per_sender": 2}))

    with smtplib.SMTP(receiver.host, receiver.port, timeout=DEADLINE) as smtp:
        for message in sent:  # one reply to each delivery, all from the same person
            answer = signed(human_reply("desk@news.example", reply_to(message)), dkim_key)
            smtp.sendmail("", [reply_to(message)], answer)

    wait_until(lambda: len(events(engine, DeliveryEventKind.REPLIED)) == 5, "5 recorded")
    wait_until(lambda: not list(receiver.spool.pending()), "an empty spool")
    assert len(forwards(relay)) == 2


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"From: \r\nSubject: =?utf-8?b?broken\r\n",
        b"From: <reporter0@news.example>\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
        b"Content-Type: text/plain\r\n\r\ncut off in the mid",
        b"\xff\xfe\x00garbage" * 200,
    ],
    ids=["empty", "broken-headers", "truncated-mime", "binary"],
)
def test_malformed_reply_mail_is_forwarded_and_recorded_without_crashing(
    session: Session, settings: Settings, relay: CaptureServer, receiver: BounceReceiver, raw: bytes
) -> None:
    (message,) = _send(session, settings, relay, 1)

    deliver(receiver, reply_to(message), raw)

    wait_until(lambda: len(forwards(relay)) == 1, "the forward")
    wait_until(lambda: not list(receiver.spool.pending()), "an empty spool")
    assert receiver.spool.in_review() == []
    (event,) = events(engine_of(session), DeliveryEventKind.REPLIED_UNVERIFIED)
    # no usable From: the address we sent to, which nothing verified
    assert event.data == {"from": message.recipients[0], "forwarded": True}


def test_without_a_reply_address_the_receiver_refuses_tagged_reply_mail() -> None:
    token = tokens.delivery_token(7, bounces.SECRET)
    address = tokens.tagged_address(REPLY_ADDRESS, token)

    assert not accepts_recipient(address, DOMAIN)
    assert accepts_recipient(address, DOMAIN, REPLY_ADDRESS)
    assert not accepts_recipient(
        address.replace(DOMAIN, "elsewhere.example"), DOMAIN, REPLY_ADDRESS
    )


@pytest.mark.parametrize(
    "value", ["replies", "replies+x@bounces.example.org", "bounces@bounces.example.org"]
)
def test_a_reply_address_that_cannot_carry_a_token_is_refused_naming_the_variable(
    value: str,
) -> None:
    with pytest.raises(ConfigError, match=r"^DISTRIBUTOR_REPLY_ADDRESS="):
        load_settings({"DISTRIBUTOR_REPLY_ADDRESS": value})


def _send(session: Session, settings: Settings, relay: CaptureServer, count: int) -> list[Captured]:
    """Send the example release to `count` journalists; their messages, in address order."""
    release = add_release(session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    create_list(session, "press", SYSTEM, name="Press desk")
    for number in range(count):
        email = f"reporter{number}@news.example"
        add_contact(session, {"email": email, "first_name": f"Reporter {number}"}, SYSTEM)
        subscribe(session, email, "press", SYSTEM)
    session.flush()
    sendout = start_sendout(session, release, "press")
    run_batches(session, settings, sendout)
    return sorted(relay.messages, key=lambda m: m.recipients[0])


def test_a_reply_read_from_a_file_is_forwarded_and_recorded_like_one_received(
    session: Session, settings: Settings, relay: CaptureServer, tmp_path: Path
) -> None:
    (message,) = _send(session, settings, relay, 1)
    session.commit()
    reply = tmp_path / "reply.eml"
    reply.write_bytes(human_reply(message.recipients[0], reply_to(message)))
    env = process_env(
        tmp_path / "data",
        database_url=engine_of(session).url.render_as_string(hide_password=False),
        smtp_url=relay.url(tls="none"),
        secret_key=bounces.SECRET,
        bounce_domain=DOMAIN,
        reply_address=REPLY_ADDRESS,
        from_address="Film Fund Press <news@filmfund.example.org>",
    )

    ingested = subprocess.run(
        [sys.executable, "-m", "distributor", "bounces", "ingest", str(reply), "--json"],
        env=env,
        capture_output=True,
        text=True,
    )

    assert ingested.returncode == 0, ingested.stderr
    summary = json.loads(ingested.stdout.splitlines()[-1])
    assert (summary["replies_forwarded"], summary["replies_not_forwarded"]) == (1, [])
    assert summary["replies_over_limit"] == 0
    assert len(forwards(relay)) == 1
    assert len(events(engine_of(session), DeliveryEventKind.REPLIED_UNVERIFIED)) == 1
