"""The web app served by a real uvicorn on loopback, over each test's own database.

uvicorn starts once per module; each test mounts a fresh app built by `create_app`
with settings pointing at that test's database (SQLite or PostgreSQL).
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from distributor.config import Settings, load_settings
from distributor.web.app import create_app
from tests.bounces.conftest import SECRET, Newsroom
from tests.environment import GUARD_OFF
from tests.servers import free_port

PAYLOADS = Path(__file__).parent / "payloads"
TOPIC = "arn:aws:sns:eu-west-1:123456789012:distributor-bounces"
CERT_URL = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem"
SUBSCRIBE_URL = (
    "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription"
    f"&TopicArn={TOPIC}&Token=2336412f37fb687f5d51e6e2425"
)
POSTMARK_AUTH = "postmark:correct-horse-battery"
MAILGUN_KEY = "key-mailgun-signing-0123456789"
ANNA = "anna.berg@tageblatt.example"
BEN = "ben.okafor@kurier.example"
CLARA = "clara.ruiz@diario.example"
DEV = "dev.patel@wochenblatt.example"
# The Message-IDs the sample payloads carry, as our send pipeline wrote them.
MESSAGE_IDS = {
    ANNA: "<release-7.anna@newsroom.example>",
    BEN: "<release-7.ben@newsroom.example>",
    CLARA: "<release-7.clara@newsroom.example>",
    DEV: "<release-7.dev@newsroom.example>",
}


class Mount:
    """An ASGI app that hands each request to the app the current test mounted."""

    app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.app is not None, "no app mounted"
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class Served:
    mount: Mount
    url: str


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    mount = Mount()
    port = free_port()
    config = uvicorn.Config(mount, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    yield Served(mount, f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(timeout=30)


@dataclass(frozen=True)
class SnsSigner:
    """A key and self-signed certificate standing in for SNS's, and messages signed with them."""

    key: rsa.RSAPrivateKey
    certificate_pem: bytes

    def envelope(
        self,
        kind: str,
        message: str,
        *,
        version: str = "2",
        cert_url: str = CERT_URL,
        topic: str = TOPIC,
        subject: str | None = None,
        message_id: str | None = None,
        published: datetime | None = None,
    ) -> dict[str, Any]:
        """An SNS HTTP(S) message of `kind`, signed over the fields SNS documents for it;
        published now, with an id of its own, unless told otherwise."""
        published = published or datetime.now(UTC)
        envelope: dict[str, Any] = {
            "Type": kind,
            "MessageId": message_id or str(uuid.uuid4()),
            "TopicArn": topic,
            "Message": message,
            "Timestamp": published.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "SignatureVersion": version,
            "SigningCertURL": cert_url,
        }
        if kind == "Notification":
            if subject is not None:
                envelope["Subject"] = subject
            signed = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
        else:
            envelope["Token"] = "2336412f37fb687f5d51e6e2425"
            envelope["SubscribeURL"] = SUBSCRIBE_URL
            signed = [
                "Message",
                "MessageId",
                "SubscribeURL",
                "Timestamp",
                "Token",
                "TopicArn",
                "Type",
            ]
        canonical = "".join(f"{name}\n{envelope[name]}\n" for name in signed if name in envelope)
        algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()  # noqa: S303 - SNS v1 is SHA1
        signature = self.key.sign(canonical.encode(), padding.PKCS1v15(), algorithm)
        envelope["Signature"] = base64.b64encode(signature).decode()
        return envelope


@pytest.fixture(scope="session")
def sns_signer() -> SnsSigner:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.example")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return SnsSigner(key, certificate.public_bytes(serialization.Encoding.PEM))


@dataclass
class Fetcher:
    """The app's HTTP GET: a certificate for any .pem, an acknowledgement for anything else."""

    certificate_pem: bytes
    fetched: list[str] = field(default_factory=list)

    def __call__(self, url: str) -> bytes:
        self.fetched.append(url)
        if url.endswith(".pem"):
            return self.certificate_pem
        return b"<ConfirmSubscriptionResponse/>"


@dataclass(frozen=True)
class SendGridSigner:
    key: ec.EllipticCurvePrivateKey

    @property
    def public_key(self) -> str:
        der = self.key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return base64.b64encode(der).decode()

    def headers(self, body: bytes, timestamp: str | None = None) -> dict[str, str]:
        """SendGrid's headers for `body`, signed now unless `timestamp` says when."""
        timestamp = timestamp or str(int(time.time()))
        signature = self.key.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
        return {
            "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
            "X-Twilio-Email-Event-Webhook-Timestamp": timestamp,
            "Content-Type": "application/json",
        }


@pytest.fixture(scope="session")
def sendgrid_signer() -> SendGridSigner:
    return SendGridSigner(ec.generate_private_key(ec.SECP256R1()))


def web_settings(engine: Engine, data_dir: Path, **overrides: str) -> Settings:
    values = {
        "DISTRIBUTOR_DATA_DIR": str(data_dir),
        "DISTRIBUTOR_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "DISTRIBUTOR_SECRET_KEY": SECRET,
        "DISTRIBUTOR_SES_TOPIC_ARNS": TOPIC,
        "DISTRIBUTOR_POSTMARK_WEBHOOK_AUTH": POSTMARK_AUTH,
        "DISTRIBUTOR_MAILGUN_WEBHOOK_KEY": MAILGUN_KEY,
        **GUARD_OFF,
    }
    values.update({f"DISTRIBUTOR_{name.upper()}": value for name, value in overrides.items()})
    return load_settings({name: value for name, value in values.items() if value})


class Web:
    """The served app over the test's database, with the newsroom that sent the release."""

    def __init__(self, served: Served, session: Session, fetcher: Fetcher) -> None:
        self.served = served
        self.session = session
        self.fetcher = fetcher
        self.newsroom = Newsroom(session)
        self.client = httpx.Client(base_url=served.url, timeout=30)

    def configure(self, settings: Settings) -> None:
        app = create_app(settings, fetch=self.fetcher)
        self.served.mount.app = app
        self.engine = app.state.distributor.engine

    def sent(self, *emails: str) -> None:
        """Deliveries of one release to each address, with the Message-IDs the payloads name."""
        for email in emails:
            self.newsroom.deliver(email).message_id = MESSAGE_IDS[email]
        self.session.commit()

    def post(self, path: str, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
        self.session.commit()  # the app sees what the test wrote
        response = self.client.post(path, content=body, headers=headers or {})
        self.session.expire_all()
        return response

    def close(self) -> None:
        self.client.close()
        self.served.mount.app = None
        self.engine.dispose()


@pytest.fixture
def web(
    served: Served,
    session: Session,
    engine: Engine,
    tmp_path: Path,
    sns_signer: SnsSigner,
    sendgrid_signer: SendGridSigner,
) -> Iterator[Web]:
    web = Web(served, session, Fetcher(sns_signer.certificate_pem))
    web.configure(
        web_settings(engine, tmp_path / "web", sendgrid_webhook_key=sendgrid_signer.public_key)
    )
    yield web
    web.close()


def payload(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def as_json(value: Any) -> bytes:
    return json.dumps(value).encode()
