"""A small press office for send-out tests: a release, a list of journalists, a capture server."""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.config import Settings, load_settings
from distributor.contacts.directory import add_contact
from distributor.contacts.lists import create_list
from distributor.contacts.subscriptions import subscribe
from distributor.models import Delivery, MailingList, Release, SendOut
from distributor.models.base import utcnow
from distributor.releases.fileformat import read_release_file
from distributor.releases.store import add_release
from distributor.sending.pipeline import BatchReport
from distributor.sending.scheduling.dispatch import start_due
from distributor.sending.scheduling.sendouts import Audience, Schedule, create_sendout
from distributor.tasks.sending import batch_sender
from tests.sending.dkim_verifiers import ThrowawayKey, write_key
from tests.smtp_server import CaptureServer, smtp_server

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
BUDGET = 30.0  # seconds a test's BatchSender may send for

AddJournalists = Callable[..., list[str]]


@pytest.fixture
def capture() -> Iterator[CaptureServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def release(session: Session) -> Release:
    release = add_release(session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    session.flush()
    return release


@pytest.fixture
def journalists(session: Session) -> AddJournalists:
    """Add `count` journalists to list `slug` (created if new); returns their addresses."""

    def add(
        count: int, slug: str = "press", domain: str = "news.example", **fields: str
    ) -> list[str]:
        if session.scalar(select(MailingList).where(MailingList.slug == slug)) is None:
            create_list(session, slug, SYSTEM, name=f"{slug.title()} desk")
        emails = []
        for number in range(count):
            email = f"{slug}{number}@{domain}"
            add_contact(
                session, {"email": email, "first_name": f"Reporter {number}", **fields}, SYSTEM
            )
            subscribe(session, email, slug, SYSTEM)
            emails.append(email)
        session.flush()
        return emails

    return add


@pytest.fixture
def send_settings(tmp_path: Path, capture: CaptureServer) -> Settings:
    """Settings that send to the capture server, retry after a second and lease for two."""
    return load_settings(
        {
            "DISTRIBUTOR_DATA_DIR": str(tmp_path / "data"),
            "DISTRIBUTOR_SMTP_URL": capture.url(tls="none"),
            "DISTRIBUTOR_SECRET_KEY": "test-secret-0123456789abcdef0123456789",
            "DISTRIBUTOR_BASE_URL": "https://press.example.org",
            "DISTRIBUTOR_FROM": "Ministry Press Office <press@ministry.example>",
            "DISTRIBUTOR_RETRY_BASE": "1",
            "DISTRIBUTOR_LEASE_SECONDS": "2",
            "DISTRIBUTOR_BATCH_SIZE": "10",
        }
    )


@pytest.fixture(scope="session")
def key_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A throwaway 2048-bit key and the DNS TXT record that publishes it."""
    folder = tmp_path_factory.mktemp("dkim")
    key = folder / "private.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    public_der = subprocess.run(
        ["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    return key, f"v=DKIM1; k=rsa; p={base64.b64encode(public_der).decode()}"


def start_sendout(session: Session, release: Release, *lists: str) -> SendOut:
    """A send-out of `release` to `lists`, due now and started: its deliveries are queued."""
    sendout = create_sendout(session, release, Audience(lists=lists), Schedule(), actor=SYSTEM)
    start_due(session, utcnow())
    session.commit()
    return sendout


def delivery_states(session: Session, sendout_id: int) -> dict[str, int]:
    """The send-out's deliveries per state, read afresh."""
    session.expire_all()
    rows = session.execute(
        select(Delivery.state, func.count())
        .where(Delivery.sendout_id == sendout_id)
        .group_by(Delivery.state)
    )
    return {state.value: count for state, count in rows}


def run_batches(session: Session, settings: Settings, sendout: SendOut) -> BatchReport:
    """Send `sendout`'s batches in this process, as a worker's task does, until none is due."""
    session.commit()
    sender = batch_sender(settings)
    try:
        return sender.run(session.get_bind(), sendout.id, BUDGET)  # type: ignore[arg-type]
    finally:
        sender.close()


@pytest.fixture(scope="session")
def dkim_keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ThrowawayKey]:
    """Throwaway keys, made once: RSA 2048 and 1024 bits (the next key of a rotation), Ed25519."""
    folder = tmp_path_factory.mktemp("dkim-keys")
    return {
        "rsa": write_key(rsa.generate_private_key(65537, 2048), folder / "rsa.pem"),
        "next": write_key(rsa.generate_private_key(65537, 1024), folder / "next.pem"),  # noqa: S505 - the least accepted
        "ed25519": write_key(ed25519.Ed25519PrivateKey.generate(), folder / "ed25519.pem"),
    }
