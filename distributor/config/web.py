"""The web app: its public URL, the secret that signs links, login and link lifetimes, uploads."""

from __future__ import annotations

import os
import secrets
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator

from distributor.config.section import DataFolderSettings, Duration


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
            key_file.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return key_file.read_text().strip()
