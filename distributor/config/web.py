"""The web app: its public URL, the secret that signs links, login and link lifetimes, uploads."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator

from distributor.config.section import DataFolderSettings, Duration
from distributor.errors import ConfigError
from distributor.paths import private_folder

MIN_SECRET_KEY = 32  # characters; the generated key has 64


class WebSettings(DataFolderSettings):
    """What the web app is reached at, what it signs with, and how much it accepts."""

    base_url: str = Field(default="http://localhost:8000", description="Public URL of the web app.")
    secret_key: SecretStr | None = Field(
        default=None, description="Signs links; default: generated once."
    )
    link_max_age: Duration = Field(
        default=365 * 86400.0,
        gt=0,
        description="How long after a delivery was sent its unsubscribe and preferences links work.",
    )
    session_max_age: Duration = Field(
        default=12 * 3600.0,
        gt=0,
        description="How long an admin login lasts before the browser must log in again.",
    )
    admin_two_factor: bool = Field(
        default=False,
        description="Admins must log in in two steps (password, then a code from an "
        "authenticator app); one who has not set it up is sent to do so first.",
    )
    upload_max_bytes: int = Field(
        default=100 * 1024 * 1024,
        ge=1024,
        description="Largest contact file the admin pages accept for an import; bigger ones are refused.",
    )
    media_max_bytes: int = Field(
        default=50 * 1024 * 1024,
        ge=1024,
        description="Largest image or document a release's media kit accepts; bigger ones are refused.",
    )

    @field_validator("secret_key")
    @classmethod
    def _long_secret_key(cls, value: SecretStr | None) -> SecretStr | None:
        """A short key can be guessed offline from any signed link, then used to forge all."""
        if value is not None and len(value.get_secret_value().strip()) < MIN_SECRET_KEY:
            raise ValueError(
                f"must be at least {MIN_SECRET_KEY} characters: make one with "
                '`python3 -c "import secrets; print(secrets.token_urlsafe(32))"`, or leave it '
                "unset to have one generated into the data folder"
            )
        return value

    @field_validator("base_url")
    @classmethod
    def _valid_base_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("expected an http(s) URL such as https://press.example.org")
        return value.rstrip("/")

    def signing_key(self) -> str:
        """The secret for signed links; generated once into the data folder when unset."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        key_file = self.data_dir / "secret.key"
        if not key_file.exists():
            _create_key_file(key_file)
        key = key_file.read_text().strip()
        if not key:
            raise ConfigError(
                f"{key_file} is empty: delete it to have a new key made (links signed with "
                "the old one stop working), or set DISTRIBUTOR_SECRET_KEY"
            )
        return key


def _create_key_file(key_file: Path) -> None:
    """Write a new key whole beside `key_file`, then link it into place: processes starting
    together all read the one that got there first, never a half-written one."""
    private_folder(key_file.parent)
    fd, draft = tempfile.mkstemp(dir=key_file.parent, prefix=".secret.key.")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process made it first
            os.link(draft, key_file)
    finally:
        os.unlink(draft)
