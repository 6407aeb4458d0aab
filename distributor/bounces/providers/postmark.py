"""Postmark's bounce and spam complaint webhooks, proven by the basic auth credentials the
settings hold. Postmark signs no time, so a replay is known only by its event's ID: taken once."""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Self

from pydantic import SecretStr

from distributor.bounces.providers.base import (
    Fetch,
    ProviderEvent,
    WebhookRefused,
    enhanced_code,
    event_id,
    json_object,
    json_text,
    read_json,
)
from distributor.config import Settings
from distributor.models import BounceClass

_POSTMARK_BOUNCES = {
    "HardBounce": BounceClass.HARD,
    "BadEmailAddress": BounceClass.HARD,
    "SoftBounce": BounceClass.SOFT,
    "DnsError": BounceClass.SOFT,
    "Transient": BounceClass.DELAYED,
    "Blocked": BounceClass.BLOCK,
    "DMARCPolicy": BounceClass.BLOCK,
    "SpamNotification": BounceClass.BLOCK,
    "SpamComplaint": BounceClass.COMPLAINT,
    "AutoResponder": BounceClass.AUTO_REPLY,
}


class PostmarkProvider:
    """One Postmark bounce or spam complaint per request; without credentials, refused."""

    name = "postmark"
    summary = "Postmark bounce and spam complaint webhooks"

    @classmethod
    def from_settings(cls, settings: Settings, fetch: Fetch) -> Self:
        return cls(settings.postmark_webhook_auth)

    def __init__(self, credentials: SecretStr | None) -> None:
        self.credentials = credentials  # `user:pass`, as Postmark sends them

    def read(self, body: bytes, headers: Mapping[str, str], now: datetime) -> list[ProviderEvent]:
        if self.credentials is None:
            raise WebhookRefused(
                "Postmark webhooks are refused: set DISTRIBUTOR_POSTMARK_WEBHOOK_AUTH"
            )
        scheme, _, encoded = headers.get("authorization", "").partition(" ")
        try:
            given = base64.b64decode(encoded.strip(), validate=True)
        except binascii.Error:
            given = b""
        expected = self.credentials.get_secret_value().encode()
        if scheme.lower() != "basic" or not hmac.compare_digest(given, expected):
            raise WebhookRefused("the Postmark webhook's basic auth credentials do not match")
        payload = json_object(read_json(body, "the Postmark webhook"), "the Postmark webhook")
        event = postmark_event(payload, body)
        return [] if event is None else [event]


def postmark_event(payload: Mapping[str, Any], raw: bytes) -> ProviderEvent | None:
    """A Postmark bounce or spam complaint, or None for the other record types."""
    record_type = payload.get("RecordType")
    if record_type == "SpamComplaint":
        kind = BounceClass.COMPLAINT
    elif record_type == "Bounce":
        kind = _POSTMARK_BOUNCES.get(str(payload.get("Type")), BounceClass.UNKNOWN)
    else:
        return None
    diagnostic = json_text(payload.get("Details"), "Details") or json_text(
        payload.get("Description"), "Description"
    )
    return ProviderEvent(
        provider=PostmarkProvider.name,
        kind=kind,
        recipient=json_text(payload.get("Email"), "Email"),
        status=enhanced_code(diagnostic),
        diagnostic=diagnostic,
        message_id=json_text(payload.get("MessageID"), "MessageID"),
        raw=raw,
        event_id=event_id(payload.get("ID"), raw),
    )
