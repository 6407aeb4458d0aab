"""Where the files that ship beside the code are (Alembic migrations and e-mail templates),
and how the folders and files distributor writes are made private to its user.

In a source checkout (and an editable install) the shipped files sit at the top of the
repository; a built wheel carries them under `distributor/_data/`.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    bundled = _PACKAGE / "_data" / name
    return bundled if bundled.is_dir() else _PACKAGE.parent / name


MIGRATIONS_DIR = _shipped("migrations")
TEMPLATES_DIR = _shipped("templates")


def private_folder(path: Path) -> Path:
    """`path`, created with any missing parents readable by this user alone (0700): data,
    outbox, spool and media hold contacts, messages and keys. A folder that already exists
    keeps the mode its owner gave it."""
    missing = [folder for folder in (path, *path.parents) if not folder.exists()]
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    for folder in missing:
        with contextlib.suppress(FileNotFoundError):  # another process may tidy up between
            folder.chmod(0o700)  # mkdir's mode is narrowed by the umask, and parents get none
    return path


def create_private_file(path: Path) -> None:
    """Create `path` empty and readable by this user alone (0600), unless it exists."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
