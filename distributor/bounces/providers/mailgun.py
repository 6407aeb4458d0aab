"""Mailgun's failed and complained event webhooks, signed with HMAC under the key the settings
hold; a signature is accepted only while it is fresh, and each event is taken once."""

from __future__ import annotations

import hashlib
import hmac
import json
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
from distributor.bounces.providers.freshness import check_fresh
from distributor.config import Settings
from distributor.models import BounceClass


class MailgunProvider:
    """One Mailgun failure or complaint per request; it remembers the tokens already used,
    so that a captured request cannot be played again (one per process)."""

    name = "mailgun"
    summary = "Mailgun's failed and complained event webhooks"

    @classmethod
    def from_settings(cls, settings: Settings, fetch: Fetch) -> Self:
        return cls(settings.mailgun_webhook_key)

    def __init__(self, key: SecretStr | None) -> None:
        self.key = key

    def read(self, body: bytes, headers: Mapping[str, str], now: datetime) -> list[ProviderEvent]:
        if self.key is None:
            raise WebhookRefused(
                "Mailgun webhooks are refused: set DISTRIBUTOR_MAILGUN_WEBHOOK_KEY"
            )
        payload = json_object(read_json(body, "the Mailgun webhook"), "the Mailgun webhook")
        signed = payload.get("signature")
        signed = signed if isinstance(signed, dict) else {}
        timestamp, token, signature = (
            str(signed.get(name, "")) for name in ("timestamp", "token", "signature")
        )
        digest = hmac.new(
            self.key.get_secret_value().encode(), (timestamp + token).encode(), hashlib.sha256
        ).hexdigest()
        if not token or not hmac.compare_digest(digest, signature):
            raise WebhookRefused("the Mailgun signature does not verify")
        check_fresh("Mailgun", timestamp, now)
        event = mailgun_event(json_object(payload.get("event-data"), "event-data"), body)
        return [] if event is None else [event]


def mailgun_event(event: Mapping[str, Any], raw: bytes) -> ProviderEvent | None:
    """A Mailgun failure or complaint, or None for the other events."""
    name, severity = event.get("event"), event.get("severity")
    if name == "complained":
        kind = BounceClass.COMPLAINT
    elif name == "failed" and severity in ("permanent", "temporary"):
        kind = BounceClass.HARD if severity == "permanent" else BounceClass.SOFT
    else:
        return None
    status = json_object(event.get("delivery-status", {}), "delivery-status")
    message = json_object(event.get("message", {}), "message")
    headers = json_object(message.get("headers", {}), "message.headers")
    diagnostic = json_text(status.get("message"), "delivery-status.message") or json_text(
        status.get("description"), "delivery-status.description"
    )
    message_id = json_text(headers.get("message-id"), "message.headers.message-id")
    return ProviderEvent(
        provider=MailgunProvider.name,
        kind=kind,
        recipient=json_text(event.get("recipient"), "recipient"),
        status=json_text(status.get("enhanced-code"), "delivery-status.enhanced-code")
        or enhanced_code(diagnostic),
        diagnostic=diagnostic,
        message_id=f"<{message_id.strip('<>')}>" if message_id else None,
        raw=raw,
        # a retry is signed anew: without an id, what identifies it is the event alone
        event_id=event_id(event.get("id"), json.dumps(event, sort_keys=True).encode()),
    )
