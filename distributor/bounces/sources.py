"""Where received bounces are read from for `distributor bounces ingest`: .eml files, Maildirs, mboxes.

Messages are yielded one at a time, so an mbox of any size is read message by
message. A file that cannot be read is yielded as a problem naming its path;
the others are still read.
"""

from __future__ import annotations

import mailbox
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

_MBOX_START = b"From "


@dataclass(frozen=True)
class ReceivedMessage:
    """One message as found: `name` says where (a file, or an mbox and the message's number)."""

    name: str
    raw: bytes | None  # None when it could not be read
    problem: str | None = None


def read_messages(paths: Iterable[Path]) -> Iterator[ReceivedMessage]:
    """Every message under `paths`: a file (.eml or mbox), a Maildir, or a folder of .eml files."""
    for path in paths:
        if path.is_dir():
            yield from _folder(path)
        elif path.is_file():
            yield from _file(path)
        else:
            yield ReceivedMessage(str(path), None, "no such file or folder")


def _folder(path: Path) -> Iterator[ReceivedMessage]:
    if (path / "cur").is_dir() or (path / "new").is_dir():  # a Maildir: tmp/ is still being written
        files = [
            f for sub in ("new", "cur") if (path / sub).is_dir() for f in (path / sub).iterdir()
        ]
    else:
        files = list(path.glob("*.eml"))
    for file in sorted(files):
        if file.is_file():
            yield _whole(file)


def _file(path: Path) -> Iterator[ReceivedMessage]:
    try:
        with path.open("rb") as handle:
            start = handle.read(len(_MBOX_START))
    except OSError as error:
        yield ReceivedMessage(str(path), None, _reason(error))
        return
    if start == _MBOX_START:
        yield from _mbox(path)
    else:
        yield _whole(path)


def _whole(path: Path) -> ReceivedMessage:
    try:
        return ReceivedMessage(str(path), path.read_bytes())
    except OSError as error:
        return ReceivedMessage(str(path), None, _reason(error))


def _mbox(path: Path) -> Iterator[ReceivedMessage]:
    """The messages of an mbox; its table of contents holds offsets only, not the messages."""
    box = mailbox.mbox(path, create=False)
    try:
        for number, key in enumerate(box.iterkeys(), start=1):
            yield ReceivedMessage(f"{path}#{number}", box.get_bytes(key))
    except (OSError, mailbox.Error) as error:
        yield ReceivedMessage(str(path), None, _reason(error))
    finally:
        box.close()


def _reason(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error) or type(error).__name__
