"""Settings with the checks before sending switched on, and releases that fail one of them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.config import Settings, load_settings
from distributor.models import Release
from distributor.releases.fileformat import parse_release
from distributor.releases.store import add_release
from tests.sending.conftest import EXAMPLES

BASE_URL = "https://newsroom.example.org"
CheckedSettings = Callable[..., Settings]
ReleaseWith = Callable[..., Release]


@pytest.fixture
def checked_settings(tmp_path: Path, key_pair: tuple[Path, str]) -> CheckedSettings:
    """Settings with the guard at its defaults, relaying over SMTP with a DKIM key; `overrides`
    by field name (an empty value leaves the setting out)."""

    def make(**overrides: str) -> Settings:
        values = {
            "DISTRIBUTOR_DATA_DIR": str(tmp_path / "data"),
            "DISTRIBUTOR_SECRET_KEY": "test-secret-0123456789abcdef0123456789",
            "DISTRIBUTOR_BASE_URL": BASE_URL,
            "DISTRIBUTOR_FROM": "Press Office <press@ministry.example>",
            "DISTRIBUTOR_SMTP_URL": "smtp://127.0.0.1:2525",
            "DISTRIBUTOR_DKIM_SELECTOR": "press",
            "DISTRIBUTOR_DKIM_KEY_FILE": str(key_pair[0]),
        }
        values |= {f"DISTRIBUTOR_{name.upper()}": value for name, value in overrides.items()}
        return load_settings({name: value for name, value in values.items() if value})

    return make


@pytest.fixture
def release_with(session: Session) -> ReleaseWith:
    """The example release, with `slug` and with each (old, new) text of `changes` replaced."""

    def make(slug: str, *changes: tuple[str, str], append: str = "") -> Release:
        text = (EXAMPLES / "release-en.md").read_text()
        text = text.replace("slug: film-grants-2027", f"slug: {slug}")
        for old, new in changes:
            assert old in text, old
            text = text.replace(old, new)
        release = add_release(session, parse_release(text + append), SYSTEM)
        session.flush()
        return release

    return make
