"""Outgoing mail: the transport, the From and return-path domain, tracking and attachments."""

from __future__ import annotations

from email.utils import parseaddr

from pydantic import Field, field_validator

from distributor.config.section import DataFolderSettings
from distributor.config.urls import TransportTarget, parse_transport_urls

DEFAULT_FROM = "Press Office <press@newsroom.example>"


class OutgoingMailSettings(DataFolderSettings):
    """How each message goes out and what it says it comes from."""

    smtp_url: str = Field(
        default="", description="Outgoing mail; default: .eml files in the data folder."
    )
    from_address: str = Field(default=DEFAULT_FROM, description="The From of every email.")
    bounce_domain: str = Field(
        default="", description="Domain of VERP return paths; default: From's."
    )
    track_clicks: bool = Field(
        default=False,
        description="Whether new send-outs lead links through the web app to count clicks.",
    )
    track_opens: bool = Field(
        default=False,
        description="Whether new send-outs carry an image that counts opens (an unreliable figure).",
    )
    attachment_max_bytes: int = Field(
        default=5 * 1024 * 1024,
        ge=1024,
        description="Most bytes of documents a send-out may attach (--attach-documents) to each email.",
    )

    @field_validator("smtp_url")
    @classmethod
    def _valid_smtp_url(cls, value: str) -> str:
        if value:
            parse_transport_urls(value)
        return value

    @field_validator("from_address")
    @classmethod
    def _valid_from(cls, value: str) -> str:
        if "\r" in value or "\n" in value:
            raise ValueError("must not contain line breaks")
        _, address = parseaddr(value)
        if "@" not in address or address.startswith("@") or address.endswith("@"):
            raise ValueError('expected an address such as "Press Office <press@example.org>"')
        return value

    @field_validator("bounce_domain")
    @classmethod
    def _valid_bounce_domain(cls, value: str) -> str:
        value = value.strip().lower().rstrip(".")
        if value and ("@" in value or "/" in value or " " in value or "." not in value):
            raise ValueError("expected a bare domain such as bounces.example.org")
        return value

    @property
    def transport(self) -> TransportTarget:
        """The first (or only) transport target."""
        return self.transports[0]

    @property
    def transports(self) -> list[TransportTarget]:
        """Every relay in fail-over order, or the one folder that keeps messages."""
        return parse_transport_urls(
            self.smtp_url or f"file://{self.data_dir / 'outbox'}", self.data_dir
        )

    @property
    def envelope_domain(self) -> str:
        return self.bounce_domain or parseaddr(self.from_address)[1].rpartition("@")[2].lower()
