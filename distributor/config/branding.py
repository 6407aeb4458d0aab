"""Whose pages the journalists see: the office's name and logo on the newsroom, the unsubscribe
and preferences pages, the web versions and the error pages."""

from __future__ import annotations

from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator

from distributor.config.outgoing import OutgoingMailSettings

LOGO_TYPES = {
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
}
DEFAULT_ORGANIZATION = "Press Office"


class BrandingSettings(OutgoingMailSettings):
    """The office's name and logo as the journalist-facing pages show them."""

    organization: str = Field(
        default="",
        description="The office's name on the journalists' pages, the emails' and web "
        "versions' 'Sent by' and the sign-up confirmation's subject; default: the name in "
        "the From.",
    )
    logo: Path | None = Field(
        default=None,
        description="An image file (PNG, SVG, JPEG, WebP or GIF) the web app serves as the "
        "office's logo on the journalists' pages; unset: no logo.",
    )

    @field_validator("organization")
    @classmethod
    def _one_line_organization(cls, value: str) -> str:
        if "\r" in value or "\n" in value:
            raise ValueError("must be one line")
        return value.strip()

    @field_validator("logo")
    @classmethod
    def _readable_logo(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        value = value.expanduser()
        if value.suffix.lower() not in LOGO_TYPES:
            raise ValueError(f"expected an image file ending in {', '.join(sorted(LOGO_TYPES))}")
        if not value.is_file():
            raise ValueError("no such file")
        return value.resolve()

    @property
    def organization_name(self) -> str:
        """DISTRIBUTOR_ORGANIZATION, or else the name DISTRIBUTOR_FROM gives, or "Press Office"."""
        return self.organization or _display_name(self.from_address) or DEFAULT_ORGANIZATION

    def sender_name(self, organization: str | None = None) -> str:
        """Who a journalist reads a release came from: DISTRIBUTOR_ORGANIZATION, else the
        release's own `organization`, else `organization_name`; never an email address."""
        return self.organization or organization or self.organization_name

    @property
    def logo_type(self) -> str | None:
        """The logo's media type, or None without a logo."""
        return LOGO_TYPES[self.logo.suffix.lower()] if self.logo is not None else None


@lru_cache(maxsize=8)
def _display_name(address: str) -> str:
    """The name part of an address, parsed once: every journalist's page shows it."""
    return parseaddr(address)[0]
