"""The transport the settings name: SMTP relays, or a folder of messages for local use."""

from __future__ import annotations

from distributor.config import Settings
from distributor.sending.transports.base import Transport
from distributor.sending.transports.files import FileTransport, MaildirTransport
from distributor.sending.transports.smtp import SMTPTransport


def create_transport(settings: Settings) -> Transport:
    """The transport DISTRIBUTOR_SMTP_URL names (a folder of .eml files when unset)."""
    targets = settings.transports
    first = targets[0]
    if first.scheme == "file":
        assert first.path is not None
        return FileTransport(first.path)
    if first.scheme == "maildir":
        assert first.path is not None
        return MaildirTransport(first.path)
    return SMTPTransport(targets, local_hostname=settings.envelope_domain or None)
