"""SendGrid's signed event webhook: arrays of events, each request signed with ECDSA under
the verification key the settings hold; a request is accepted only while its signed
timestamp is fresh, and each event is taken once."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Self

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key
from pydantic import SecretStr

from distributor.bounces.providers.base import (
    Fetch,
    MalformedWebhook,
    ProviderEvent,
    WebhookRefused,
    WebhookUnavailable,
    enhanced_code,
    event_id,
    json_object,
    json_text,
    read_json,
)
from distributor.bounces.providers.freshness import check_fresh
from distributor.config import Settings
from distributor.models import BounceClass

_SENDGRID_EVENTS = {
    "bounce": BounceClass.HARD,
    "blocked": BounceClass.BLOCK,
    "spamreport": BounceClass.COMPLAINT,
    "deferred": BounceClass.DELAYED,
    "dropped": BounceClass.UNKNOWN,  # refined by its reason
}
_SENDGRID_DROPPED = {
    "Bounced Address": BounceClass.HARD,
    "Invalid": BounceClass.HARD,
    "Spam Reporting Address": BounceClass.COMPLAINT,
}


class SendGridProvider:
    """SendGrid's bounces, blocks, spam reports, deferrals and drops; unsigned events are refused."""

    name = "sendgrid"
    summary = "SendGrid's signed event webhook"

    @classmethod
    def from_settings(cls, settings: Settings, fetch: Fetch) -> Self:
        return cls(settings.sendgrid_webhook_key)

    def __init__(self, key: SecretStr | None) -> None:
        self.key = key

    def read(self, body: bytes, headers: Mapping[str, str], now: datetime) -> list[ProviderEvent]:
        if self.key is None:
            raise WebhookRefused(
                "unsigned SendGrid events are refused: set DISTRIBUTOR_SENDGRID_WEBHOOK_KEY"
            )
        signature = headers.get("x-twilio-email-event-webhook-signature")
        timestamp = headers.get("x-twilio-email-event-webhook-timestamp")
        if not signature or not timestamp:
            raise WebhookRefused("the SendGrid signature or timestamp header is missing")
        _verify_ecdsa(self.key.get_secret_value(), signature, timestamp.encode() + body)
        check_fresh("SendGrid", timestamp, now)
        events = read_json(body, "the SendGrid events")
        if not isinstance(events, list):
            raise MalformedWebhook("the SendGrid events: expected a JSON array of events")
        return [
            event
            for number, item in enumerate(events)
            if (event := sendgrid_event(json_object(item, f"event {number}"))) is not None
        ]


def sendgrid_event(event: Mapping[str, Any]) -> ProviderEvent | None:
    """One SendGrid event, or None for deliveries, opens and clicks."""
    kind = _SENDGRID_EVENTS.get(str(event.get("event")))
    if kind is None:
        return None
    reason = json_text(event.get("reason"), "reason")
    if event.get("event") == "bounce" and event.get("type") == "blocked":
        kind = BounceClass.BLOCK
    elif event.get("event") == "dropped":
        kind = _SENDGRID_DROPPED.get(reason or "", BounceClass.UNKNOWN)
    diagnostic = reason or json_text(event.get("response"), "response")
    return ProviderEvent(
        provider=SendGridProvider.name,
        kind=kind,
        recipient=json_text(event.get("email"), "email"),
        status=json_text(event.get("status"), "status") or enhanced_code(diagnostic),
        diagnostic=diagnostic,
        message_id=json_text(event.get("smtp-id"), "smtp-id")
        or json_text(event.get("sg_message_id"), "sg_message_id"),
        raw=(raw := json.dumps(event, ensure_ascii=False).encode()),
        event_id=event_id(event.get("sg_event_id"), raw),
    )


def _verify_ecdsa(key: str, signature: str, signed: bytes) -> None:
    try:
        public_key = load_der_public_key(base64.b64decode(key, validate=True))
    except (binascii.Error, ValueError, UnsupportedAlgorithm):
        raise WebhookUnavailable(
            "DISTRIBUTOR_SENDGRID_WEBHOOK_KEY is not a base64 public key; copy the "
            "verification key from SendGrid's signed event webhook settings"
        ) from None
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        raise WebhookUnavailable("DISTRIBUTOR_SENDGRID_WEBHOOK_KEY is not an ECDSA public key")
    try:
        public_key.verify(
            base64.b64decode(signature, validate=True), signed, ec.ECDSA(hashes.SHA256())
        )
    except (binascii.Error, InvalidSignature):
        raise WebhookRefused("the SendGrid signature does not verify") from None
