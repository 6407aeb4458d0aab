"""A completed send-out to follow up, for the tests of the admin form and the API."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.config import load_settings
from distributor.contacts.directory import add_contact
from distributor.contacts.lists import create_list
from distributor.contacts.subscriptions import subscribe
from distributor.releases.fileformat import read_release_file
from distributor.releases.store import add_release
from tests.environment import GUARD_OFF
from tests.sending.conftest import EXAMPLES, run_batches, start_sendout
from tests.smtp_server import smtp_server

JOURNALIST = "anna.berg@tageblatt.example"


def completed_sendout(session: Session, data_dir: Path) -> int:
    """The sample release sent through the pipeline to list `follow-desk` (one journalist)."""
    release = add_release(session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    create_list(session, "follow-desk", SYSTEM, name="Follow desk")
    add_contact(session, {"email": JOURNALIST}, SYSTEM)
    subscribe(session, JOURNALIST, "follow-desk", SYSTEM)
    sendout = start_sendout(session, release, "follow-desk")
    with smtp_server() as capture:
        settings = load_settings(
            {
                "DISTRIBUTOR_DATA_DIR": str(data_dir),
                "DISTRIBUTOR_SMTP_URL": capture.url(tls="none"),
                "DISTRIBUTOR_SECRET_KEY": "test-secret-0123456789abcdef0123456789",
                **GUARD_OFF,
            }
        )
        run_batches(session, settings, sendout)
    session.expire_all()
    return sendout.id


def add_russian_version(session: Session) -> None:
    """The sample release's Russian version, making the completed send-out's release bilingual."""
    add_release(session, read_release_file(EXAMPLES / "release-ru.md"), SYSTEM)
    session.flush()
