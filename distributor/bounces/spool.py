"""A durable folder of received mail waiting to be processed, so that nothing accepted is lost.

Maildir's recipe: a message is written into `tmp/`, flushed to disk and renamed
into `new/`, so `new/` only ever holds whole messages; the SMTP server answers 250
only after that. Each file starts with one JSON line, the SMTP envelope, followed
by the message exactly as received. A processed message is deleted (its evidence
lives in the database); one that could not be processed moves to `review/`, with
a `.reason` file beside it saying why.
"""

from __future__ import annotations

import json
import os
import time
import uuid
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from distributor.paths import private_folder

REASON_SUFFIX = ".reason"
_MESSAGE_SUFFIX = ".eml"


class UnreadableSpoolFile(ValueError):
    """A file in the spool whose envelope line cannot be read back."""


@dataclass(frozen=True)
class Share:
    """Which of the spool's files one of `count` drainers owns, so drainers never meet on a file."""

    index: int = 0
    count: int = 1

    def __post_init__(self) -> None:
        if not 0 <= self.index < self.count:
            raise ValueError(f"share {self.index} of {self.count} does not exist")

    def owns(self, name: str) -> bool:
        return self.count == 1 or zlib.crc32(name.encode()) % self.count == self.index


WHOLE = Share()


@dataclass(frozen=True)
class SpooledMessage:
    """A message in `new/`: where it is and the SMTP envelope it came with."""

    path: Path
    envelope_from: str
    recipients: tuple[str, ...]
    offset: int  # where the message starts, after the envelope line

    @property
    def name(self) -> str:
        return self.path.name

    def read(self) -> bytes:
        """The message exactly as received."""
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            return handle.read()


class Spool:
    """The spool folder with its `tmp/`, `new/` and `review/` sub-folders, created on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.tmp = folder / "tmp"
        self.new = folder / "new"
        self.review = folder / "review"
        for sub in (self.tmp, self.new, self.review):
            private_folder(sub)

    def put(self, raw: bytes, envelope_from: str, recipients: Sequence[str]) -> Path:
        """Store a message and its envelope; when this returns, the message is on disk in `new/`."""
        name = f"{time.time_ns():020d}.{uuid.uuid4().hex}{_MESSAGE_SUFFIX}"
        envelope = json.dumps({"from": envelope_from, "to": list(recipients)}).encode()
        staged = self.tmp / name
        with os.fdopen(
            os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb"
        ) as handle:
            handle.write(envelope + b"\n")
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        final = self.new / name
        os.replace(staged, final)
        _fsync_folder(self.new)
        return final

    def pending(self, share: Share = WHOLE) -> Iterator[SpooledMessage]:
        """Messages of `share` in `new/`, oldest first; one whose envelope is unreadable goes to review."""
        for path in sorted(self.new.glob(f"*{_MESSAGE_SUFFIX}")):
            if not share.owns(path.name):
                continue
            try:
                yield _open(path)
            except UnreadableSpoolFile as exc:
                self._move_to_review(path, str(exc))
            except FileNotFoundError:  # taken care of meanwhile
                continue

    def done(self, *messages: SpooledMessage) -> None:
        """Forget messages whose processing has been committed: a batch costs one folder sync."""
        for message in messages:
            message.path.unlink(missing_ok=True)
        _fsync_folder(self.new)

    def to_review(self, message: SpooledMessage, reason: str) -> Path:
        """Set a message aside for a person to look at, with the reason it could not be processed."""
        return self._move_to_review(message.path, reason)

    def in_review(self) -> list[Path]:
        """Messages set aside for review, oldest first."""
        return sorted(self.review.glob(f"*{_MESSAGE_SUFFIX}"))

    def clear_unfinished(self) -> int:
        """Delete half-written files left in `tmp/` by a crash: none of them was ever acknowledged.

        Call it only while no message is being received, e.g. before the server starts.
        """
        removed = 0
        for path in self.tmp.iterdir():
            path.unlink(missing_ok=True)
            removed += 1
        return removed

    def _move_to_review(self, path: Path, reason: str) -> Path:
        # The reason is written first: a crash in between leaves the message in new/, not lost.
        target = self.review / path.name
        reason_file = target.with_name(target.name + REASON_SUFFIX)
        reason_file.write_text(reason.rstrip() + "\n", encoding="utf-8")
        os.replace(path, target)
        _fsync_folder(self.review)
        _fsync_folder(self.new)
        return target


def _open(path: Path) -> SpooledMessage:
    with path.open("rb") as handle:
        line = handle.readline()
    try:
        envelope = json.loads(line)
        sender = envelope["from"]
        recipients = tuple(envelope["to"])
    except (ValueError, KeyError, TypeError):
        raise UnreadableSpoolFile(
            f"the first line of {path.name} is not the spool's envelope line: {line[:200]!r}"
        ) from None
    if not isinstance(sender, str) or not all(isinstance(r, str) for r in recipients):
        raise UnreadableSpoolFile(f"the envelope of {path.name} is not text: {line[:200]!r}")
    return SpooledMessage(path, sender, recipients, len(line))


def _fsync_folder(folder: Path) -> None:
    """Make a rename or unlink in `folder` durable (a file's fsync does not cover its name)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
