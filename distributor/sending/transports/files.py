"""Transports that keep every message in a folder: for local use, the demo and tests.

Messages are written unchanged; the envelope (sender and recipients), which a file
cannot carry without altering the message, goes to `index.jsonl` beside them.
"""

from __future__ import annotations

import json
import mailbox
import os
import uuid
from abc import ABC, abstractmethod
from datetime import UTC, datetime
from pathlib import Path

from distributor.errors import TransportError
from distributor.paths import private_folder
from distributor.sending.transports.closing import ClosesOnExit
from distributor.sending.transports.outcomes import Outcome, OutcomeKind, SendResult

INDEX_NAME = "index.jsonl"


class _FolderTransport(ClosesOnExit, ABC):
    """What both folder transports share: the folder, the envelope index, the checks."""

    kind = "folder"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _prepare(self) -> None:
        """Create the folder (and its structure) if it is missing."""
        private_folder(self.folder)

    @abstractmethod
    def _store(self, message: bytes) -> str:
        """Store the message; return its name inside the folder."""

    def send(self, envelope_from: str, recipients: list[str], message: bytes) -> SendResult:
        try:
            self._prepare()
            name = self._store(message)
            self._record(name, envelope_from, recipients)
        except OSError as exc:
            raise self._unusable(exc) from None
        kept = Outcome(OutcomeKind.SENT, None, None, f"kept as {name}")
        return SendResult.uniform(recipients, kept, throttle=False)

    def _record(self, name: str, envelope_from: str, recipients: list[str]) -> None:
        # One short line per write with O_APPEND: concurrent workers' lines do not interleave.
        line = json.dumps(
            {
                "file": name,
                "envelope_from": envelope_from,
                "recipients": recipients,
                "at": datetime.now(UTC).isoformat(),
            }
        )
        with (self.folder / INDEX_NAME).open("a", encoding="utf-8") as index:
            index.write(line + "\n")

    def check(self) -> str:
        try:
            self._prepare()
            probe = self.folder / f".write-check-{uuid.uuid4().hex}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise self._unusable(exc) from None
        return f"{self.kind} folder {self.folder}"

    def _unusable(self, exc: OSError) -> TransportError:
        return TransportError(
            f"cannot write outgoing mail to {self.folder}: {exc.strerror}; "
            "fix DISTRIBUTOR_SMTP_URL or the folder's permissions"
        )

    def close(self) -> None:
        """Nothing stays open between sends."""


class FileTransport(_FolderTransport):
    """One `<UTC time>-<unique id>.eml` file per message, written atomically."""

    kind = "file"

    def _store(self, message: bytes) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        name = f"{stamp}-{uuid.uuid4().hex}.eml"
        temporary = self.folder / f".{name}.tmp"
        with temporary.open("wb") as handle:
            handle.write(message)
        # Readers (a watcher, the demo) never see a half-written message.
        os.replace(temporary, self.folder / name)
        return name


class MaildirTransport(_FolderTransport):
    """A Maildir any mail client can open; the stdlib delivers into new/ atomically."""

    kind = "maildir"

    def _prepare(self) -> None:
        # mailbox.Maildir(create=True) skips cur/new/tmp when the folder already exists.
        for part in ("tmp", "new", "cur"):
            private_folder(self.folder / part)

    def _store(self, message: bytes) -> str:
        key = mailbox.Maildir(self.folder, create=False).add(message)
        return f"new/{key}"
