"""Where the files that ship beside the code are: Alembic migrations and e-mail templates.

In a source checkout (and an editable install) they sit at the top of the
repository; a built wheel carries them under `distributor/_data/`.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    bundled = _PACKAGE / "_data" / name
    return bundled if bundled.is_dir() else _PACKAGE.parent / name


MIGRATIONS_DIR = _shipped("migrations")
TEMPLATES_DIR = _shipped("templates")
