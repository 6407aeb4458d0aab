"""Sending a release to list `press` through the real pipeline, and reading the messages it made."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage

from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.config import Settings
from distributor.models import Release
from distributor.models.base import utcnow
from distributor.sending.scheduling.dispatch import start_due
from distributor.sending.scheduling.sendouts import Audience, Schedule, Tracking, create_sendout
from distributor.tasks.sending import batch_sender
from tests.smtp_server import CaptureServer

_HREF = re.compile(r'href="([^"]+)"')


def send(
    session: Session,
    release: Release,
    settings: Settings,
    capture: CaptureServer,
    tracking: Tracking,
) -> dict[str, EmailMessage]:
    """Send the release to list `press` with `tracking`: each message of it by its recipient.

    Tests call it more than once to compare send-outs of one release, so a repeat to the same
    journalists is confirmed."""
    sendout = create_sendout(
        session,
        release,
        Audience(lists=["press"]),
        Schedule(),
        actor=SYSTEM,
        tracking=tracking,
        confirm=True,
    )
    start_due(session, utcnow())
    session.commit()
    sender = batch_sender(settings)
    try:
        sender.run(session.get_bind(), sendout.id, 30.0)  # type: ignore[arg-type]
    finally:
        sender.close()
    found = {}
    for captured in capture.messages:
        message = message_from_bytes(captured.data, policy=policy.default)
        assert isinstance(message, EmailMessage)
        if str(message["Feedback-ID"]).startswith(f"{sendout.id}:"):
            found[captured.recipients[0]] = message
    return found


def body(message: EmailMessage, kind: str) -> str:
    part = message.get_body((kind,))
    assert part is not None
    return str(part.get_content())


def hrefs(message: EmailMessage) -> list[str]:
    return _HREF.findall(body(message, "html"))
