"""Journalists' replies: the Reply-To address, where replies are forwarded and how many."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from distributor.config.section import Section

# DISTRIBUTOR_REPLY_ADDRESS: a bare address whose local part can take a "+token".
_REPLY_ADDRESS = re.compile(
    r"[a-z0-9!#$%&'*/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*/=?^_`{|}~-]+)*@[a-z0-9-]+(?:\.[a-z0-9-]+)+"
)
_REPLY_LOCAL_MAX = 39  # with "+" and a token of up to 24 characters: within 64
_BARE_ADDRESS = re.compile(r"[^\s@<>\"(),;:]+@[^\s@<>\"(),;:]+\.[^\s@<>\"(),;:]+")


class ReplySettings(Section):
    """Where replies go, whom `distributor bounces serve` forwards them to, and its limits."""

    reply_address: str = Field(
        default="",
        description="Where journalists' replies go, e.g. replies@bounces.example.org: each "
        "message's Reply-To is this address with the delivery's token, and `distributor bounces "
        "serve` forwards the replies to the press contact; empty: Reply-To is the press contact.",
    )
    reply_forward_to: str = Field(
        default="",
        description="Where replies are forwarded when the release names no press contact with "
        "an email; default: the From address.",
    )
    reply_forwards_per_delivery: int = Field(
        default=5,
        ge=1,
        description="Replies to one delivery forwarded in an hour; the rest are recorded only.",
    )
    reply_forwards_per_sender: int = Field(
        default=20,
        ge=1,
        description="Replies from one sender forwarded in an hour; the rest are recorded only.",
    )
    reply_authserv_id: str = Field(
        default="",
        description="The authserv-id of the MTA in front of `bounces serve` whose "
        "Authentication-Results SPF verdict on replies is believed; empty: none is.",
    )

    @field_validator("reply_address")
    @classmethod
    def _valid_reply_address(cls, value: str) -> str:
        value = value.strip().lower()
        local = value.partition("@")[0]
        if local in ("bounces", "unsubscribe"):
            raise ValueError(f"{local}@ is the address of {local}; use another, e.g. replies@")
        if value and (_REPLY_ADDRESS.fullmatch(value) is None or len(local) > _REPLY_LOCAL_MAX):
            raise ValueError(
                "expected a bare address without a + such as replies@bounces.example.org, at "
                f"most {_REPLY_LOCAL_MAX} characters before the @ (each message adds +token)"
            )
        return value

    @field_validator("reply_forward_to")
    @classmethod
    def _valid_reply_forward_to(cls, value: str) -> str:
        value = value.strip()
        if value and _BARE_ADDRESS.fullmatch(value) is None:
            raise ValueError("expected a bare address such as press@example.org")
        return value
