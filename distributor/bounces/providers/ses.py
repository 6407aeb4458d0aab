"""Amazon SES through SNS: notifications signed over a certificate from an SNS host, for the
topics the settings accept; a subscription is confirmed by visiting its SNS link."""

from __future__ import annotations

import base64
import binascii
import re
import urllib.request
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import Any, Self
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from distributor.bounces.providers.base import (
    Fetch,
    MalformedWebhook,
    ProviderEvent,
    WebhookRefused,
    WebhookUnavailable,
    event_id,
    json_object,
    json_text,
    read_json,
)
from distributor.bounces.providers.freshness import check_fresh
from distributor.config import Settings
from distributor.models import BounceClass

_FETCH_TIMEOUT = 10.0
_FETCH_MAX_BYTES = 64 * 1024  # a certificate or a confirmation answer
_CERTIFICATES_KEPT = 32
# SNS retries a notification for at most an hour after publishing it (the longest delivery
# policy it allows): an older one, signed however well, is a replay.
SNS_MAX_AGE = 3600.0 + 300.0
_SNS_HOST = re.compile(r"sns\.[a-z0-9-]+\.amazonaws\.com")
# The fields SNS signs, in the order it signs them, per message type (Subject only when present).
_SNS_SUBSCRIPTION = (
    "Message",
    "MessageId",
    "SubscribeURL",
    "Timestamp",
    "Token",
    "TopicArn",
    "Type",
)
_SNS_SIGNED = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": _SNS_SUBSCRIPTION,
    "UnsubscribeConfirmation": _SNS_SUBSCRIPTION,
}
_SNS_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "1": hashes.SHA1,
    "2": hashes.SHA256,
}
_SES_BOUNCES: dict[tuple[object, object], BounceClass] = {
    ("Permanent", None): BounceClass.HARD,
    ("Transient", None): BounceClass.SOFT,
    ("Transient", "ContentRejected"): BounceClass.BLOCK,
    ("Transient", "AttachmentRejected"): BounceClass.BLOCK,
}


def fetch_https(url: str) -> bytes:
    """GET an https URL (an SNS certificate or subscription link, checked by the caller)."""
    if urlsplit(url).scheme != "https":
        raise ValueError(f"refusing to fetch {url!r}: not https")
    with urllib.request.urlopen(url, timeout=_FETCH_TIMEOUT) as response:  # noqa: S310 - https only, checked above
        body: bytes = response.read(_FETCH_MAX_BYTES)
        return body


class SesProvider:
    """SES bounces, complaints and delivery delays, as SNS notifications of accepted topics."""

    name = "ses"
    summary = "Amazon SES bounces and complaints, through an SNS subscription"

    @classmethod
    def from_settings(cls, settings: Settings, fetch: Fetch) -> Self:
        return cls(settings.ses_topics, fetch)

    def __init__(self, topics: Collection[str], fetch: Fetch) -> None:
        self.topics = topics
        self.sns = SnsVerifier(fetch)

    def read(self, body: bytes, headers: Mapping[str, str], now: datetime) -> list[ProviderEvent]:
        envelope = json_object(read_json(body, "the SNS message"), "the SNS message")
        if not self.topics:
            raise WebhookRefused("no SNS topic is accepted: set DISTRIBUTOR_SES_TOPIC_ARNS")
        topic = json_text(envelope.get("TopicArn"), "TopicArn")
        if topic not in self.topics:
            raise WebhookRefused(f"SNS topic {topic!r} is not in DISTRIBUTOR_SES_TOPIC_ARNS")
        self.sns.verify(envelope)
        if envelope["Type"] == "SubscriptionConfirmation":
            self.sns.confirm(envelope)
            return []
        if envelope["Type"] != "Notification":
            return []
        check_fresh("SNS", _published(envelope), now, max_age=SNS_MAX_AGE)
        message = json_text(envelope.get("Message"), "Message") or ""
        return ses_events(message, event_id(envelope.get("MessageId"), message.encode()))


def _published(envelope: Mapping[str, Any]) -> float:
    """The signed Timestamp of an SNS message, in Unix seconds."""
    stamp = json_text(envelope.get("Timestamp"), "Timestamp")
    try:
        published = datetime.fromisoformat(stamp or "")
    except ValueError:
        raise WebhookRefused(f"the SNS Timestamp {stamp!r} is not an ISO 8601 time") from None
    if published.tzinfo is None:
        raise WebhookRefused(f"the SNS Timestamp {stamp!r} has no time zone")
    return published.timestamp()


class SnsVerifier:
    """Checks SNS signatures against certificates from SNS's own hosts, cached by URL."""

    def __init__(self, fetch: Fetch) -> None:
        self.fetch = fetch
        self._certificates: dict[str, x509.Certificate] = {}

    def verify(self, message: Mapping[str, Any]) -> None:
        fields = _SNS_SIGNED.get(str(message.get("Type")))
        if fields is None:
            raise MalformedWebhook(f"Type: {message.get('Type')!r} is not an SNS message type")
        algorithm = _SNS_HASHES.get(str(message.get("SignatureVersion")))
        if algorithm is None:
            raise WebhookRefused(
                f"SignatureVersion {message.get('SignatureVersion')!r} is not 1 or 2"
            )
        try:
            signature = base64.b64decode(str(message.get("Signature", "")), validate=True)
        except binascii.Error:
            raise WebhookRefused("the SNS Signature is not base64") from None
        canonical = "".join(
            f"{name}\n{message[name]}\n" for name in fields if message.get(name) is not None
        )
        public_key = self._certificate(message.get("SigningCertURL")).public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise WebhookRefused("the SNS signing certificate does not hold an RSA key")
        try:
            public_key.verify(signature, canonical.encode(), padding.PKCS1v15(), algorithm())
        except InvalidSignature:
            raise WebhookRefused("the SNS signature does not verify") from None

    def confirm(self, message: Mapping[str, Any]) -> None:
        """Confirm a subscription by visiting its SubscribeURL, on an SNS host only."""
        url = message.get("SubscribeURL")
        if not isinstance(url, str) or not sns_url(url):
            raise WebhookRefused(
                f"SubscribeURL {url!r} is not https on an sns.<region>.amazonaws.com host"
            )
        try:
            self.fetch(url)
        except OSError as exc:
            raise WebhookUnavailable(
                f"cannot confirm the SNS subscription at {url}: {exc}"
            ) from None

    def _certificate(self, url: object) -> x509.Certificate:
        if not isinstance(url, str) or not sns_url(url, suffix=".pem"):
            raise WebhookRefused(
                f"SigningCertURL {url!r} is not an https .pem on an sns.<region>.amazonaws.com host"
            )
        certificate = self._certificates.get(url)
        if certificate is None:
            try:
                certificate = x509.load_pem_x509_certificate(self.fetch(url))
            except OSError as exc:
                raise WebhookUnavailable(f"cannot fetch the SNS certificate {url}: {exc}") from None
            except ValueError:
                raise WebhookRefused(f"{url} is not a PEM certificate") from None
            if len(self._certificates) >= _CERTIFICATES_KEPT:
                self._certificates.clear()
            self._certificates[url] = certificate
        return certificate


def sns_url(url: str, suffix: str = "") -> bool:
    """Is this https on an `sns.<region>.amazonaws.com` host (with a path ending in `suffix`)?"""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return False
    return (
        parts.scheme == "https"
        and port in (None, 443)
        and parts.username is None
        and _SNS_HOST.fullmatch(parts.hostname or "") is not None
        and parts.path.endswith(suffix)
    )


def ses_events(message: str, notification_id: str) -> list[ProviderEvent]:
    """The recipients an SES bounce, complaint or delivery-delay notification names; each
    event's id is the notification's, then the recipient's place in it."""
    raw = message.encode()
    notification = json_object(read_json(raw, "the SNS Message"), "the SNS Message")
    kind_name = notification.get("notificationType") or notification.get("eventType")
    mail = json_object(notification.get("mail", {}), "mail")
    headers = json_object(mail.get("commonHeaders", {}), "mail.commonHeaders")
    message_id = json_text(headers.get("messageId"), "mail.commonHeaders.messageId") or json_text(
        mail.get("messageId"), "mail.messageId"
    )
    if kind_name == "Bounce":
        bounce = json_object(notification.get("bounce"), "bounce")
        kind = _SES_BOUNCES.get(
            (bounce.get("bounceType"), bounce.get("bounceSubType")),
            _SES_BOUNCES.get((bounce.get("bounceType"), None), BounceClass.UNKNOWN),
        )
        recipients, feedback = bounce.get("bouncedRecipients"), None
    elif kind_name == "Complaint":
        complaint = json_object(notification.get("complaint"), "complaint")
        kind, recipients = BounceClass.COMPLAINT, complaint.get("complainedRecipients")
        feedback = json_text(complaint.get("complaintFeedbackType"), "complaintFeedbackType")
    elif kind_name == "DeliveryDelay":
        delay = json_object(notification.get("deliveryDelay"), "deliveryDelay")
        kind, recipients = BounceClass.DELAYED, delay.get("delayedRecipients")
        feedback = json_text(delay.get("delayType"), "delayType")
    else:  # deliveries, sends, opens: nothing went wrong
        return []
    if not isinstance(recipients, list):
        raise MalformedWebhook(f"{kind_name}: expected a list of recipients")
    events = []
    for number, item in enumerate(recipients):
        recipient = json_object(item, f"recipient {number}")
        events.append(
            ProviderEvent(
                provider=SesProvider.name,
                kind=kind,
                recipient=json_text(recipient.get("emailAddress"), "emailAddress"),
                status=json_text(recipient.get("status"), "status"),
                diagnostic=json_text(recipient.get("diagnosticCode"), "diagnosticCode") or feedback,
                message_id=message_id,
                raw=raw,
                event_id=f"{notification_id[:290]}/{number}",
            )
        )
    return events
