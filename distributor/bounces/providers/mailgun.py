"""Mailgun's failed and complained event webhooks, signed with HMAC under the key the settings
hold; a signature is accepted once, and only while it is fresh."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Self

from pydantic import SecretStr

from distributor.bounces.providers.base import (
    Fetch,
    ProviderEvent,
    WebhookRefused,
    enhanced_code,
    json_object,
    json_text,
    read_json,
)
from distributor.config import Settings
from distributor.models import BounceClass

MAILGUN_MAX_AGE = 300.0  # seconds a Mailgun signature stays acceptable


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
        self.tokens = SeenTokens(MAILGUN_MAX_AGE)

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
        moment = now.timestamp()
        try:
            age = moment - float(timestamp)
        except ValueError:
            raise WebhookRefused("the Mailgun signature's timestamp is not a number") from None
        if abs(age) > MAILGUN_MAX_AGE:
            raise WebhookRefused(
                f"the Mailgun signature is {age:.0f} s old; at most 300 s is accepted"
            )
        if not self.tokens.first_use(token, moment):
            raise WebhookRefused("the Mailgun token was used before: a replayed request")
        event = mailgun_event(json_object(payload.get("event-data"), "event-data"), body)
        return [] if event is None else [event]


class SeenTokens:
    """Tokens used within the last `max_age` seconds, so a request is accepted once (per process)."""

    def __init__(self, max_age: float) -> None:
        self.max_age = max_age
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_use(self, token: str, now: float) -> bool:
        with self._lock:
            self._seen = {t: at for t, at in self._seen.items() if now - at <= self.max_age}
            if token in self._seen:
                return False
            self._seen[token] = now
            return True


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
    )
