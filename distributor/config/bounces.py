"""Bounces: when they suppress an address, what is kept, and how they come in (SMTP, IMAP)."""

from __future__ import annotations

from pydantic import Field, field_validator

from distributor.config.section import Duration, Section
from distributor.config.urls import MailboxTarget, parse_mailbox_url


class BounceSettings(Section):
    """Soft-bounce suppression, `distributor bounces serve`'s limits and the bounce mailbox."""

    soft_bounce_limit: int = Field(
        default=3, ge=1, description="Soft bounces after which an address is suppressed."
    )
    soft_bounce_days: float = Field(
        default=14.0,
        ge=0,
        allow_inf_nan=False,
        description="Days the soft bounces must spread over, with no success between them.",
    )
    bounce_keep_bytes: int = Field(
        default=262144, ge=0, description="Bytes of each received bounce kept as evidence."
    )
    bounce_max_bytes: int = Field(
        default=50 * 1024 * 1024,
        ge=1024,
        description="Largest message `distributor bounces serve` accepts; bigger ones get 552.",
    )
    bounce_max_connections: int = Field(
        default=100,
        ge=1,
        description="Connections `distributor bounces serve` takes at once; more get 421.",
    )
    bounce_max_connections_per_client: int = Field(
        default=10,
        ge=1,
        description="Connections it takes at once from one client address (an IPv6 /64); "
        "more get 421.",
    )
    bounce_idle_timeout: Duration = Field(
        default=60.0,
        gt=0,
        allow_inf_nan=False,
        description="How long a connection to it may stay silent before it is closed with 421.",
    )
    bounce_command_timeout: Duration = Field(
        default=300.0,
        gt=0,
        allow_inf_nan=False,
        description="How long a client may take over one command, a message's DATA included, "
        "before the connection is closed with 421.",
    )
    bounce_line_max_bytes: int = Field(
        default=64 * 1024,
        ge=1001,
        description="Longest line it takes (RFC 5321 allows 1000 octets; broken MTAs send "
        "longer); a longer one gets 500.",
    )
    bounce_processes: int = Field(
        default=0,
        ge=0,
        le=64,
        description="Processes that take received bounces in; 0: one per core (at most 4) "
        "on PostgreSQL, one on SQLite.",
    )
    bounce_imap_url: str = Field(
        default="",
        description="IMAP folder that bounces are routed to, polled by beat; default: none.",
    )
    bounce_imap_interval: Duration = Field(
        default=60.0, gt=0, description="How often beat polls DISTRIBUTOR_BOUNCE_IMAP_URL."
    )

    @field_validator("bounce_imap_url")
    @classmethod
    def _valid_bounce_imap_url(cls, value: str) -> str:
        if value:
            parse_mailbox_url(value)
        return value

    @property
    def bounce_mailbox(self) -> MailboxTarget | None:
        """DISTRIBUTOR_BOUNCE_IMAP_URL, parsed; None when bounces are not polled from IMAP."""
        return parse_mailbox_url(self.bounce_imap_url) if self.bounce_imap_url else None
