"""Provider webhooks: the bounces and complaints SES (through SNS), SendGrid, Postmark and Mailgun report.

Each provider proves its requests its own way (an SNS signature over a certificate
from an SNS host, SendGrid's ECDSA signature, Postmark's basic auth, Mailgun's
HMAC), and a request that does not prove itself changes nothing: a forged webhook
could otherwise suppress anyone. A provider with no credentials configured is
refused rather than trusted. What a verified request reports becomes provider
events, kept as bounce records and judged by the same policy as bounces that come
back by mail.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import threading
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key
from sqlalchemy.orm import Session

from distributor.bounces.classify import ENHANCED_CODE, classify
from distributor.bounces.intake import (
    Sent,
    delivery_by_message_id,
    judge,
    latest_delivery_to,
    normalized_recipient,
)
from distributor.bounces.policy import BouncePolicy
from distributor.config import Settings
from distributor.errors import DistributorError, InvalidInput, PermissionDenied
from distributor.models import BounceClass, BounceRecord, BounceSource
from distributor.models.reasons import Reason

Provider = Literal["ses", "sendgrid", "postmark", "mailgun"]
PROVIDERS: tuple[Provider, ...] = ("ses", "sendgrid", "postmark", "mailgun")
Fetch = Callable[[str], bytes]  # GET an https URL, return its body

MAILGUN_MAX_AGE = 300.0  # seconds a Mailgun signature stays acceptable
_FETCH_TIMEOUT = 10.0
_FETCH_MAX_BYTES = 64 * 1024  # a certificate or a confirmation answer
_CERTIFICATES_KEPT = 32
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


class WebhookRefused(PermissionDenied):
    """The request is not proven to come from the provider: nothing of it is kept."""


class MalformedWebhook(InvalidInput):
    """The body is not what the provider sends; the message names the part at fault."""


class WebhookUnavailable(DistributorError):
    """The request cannot be checked now (a certificate cannot be fetched, a key is unusable)."""

    exit_code = 69


@dataclass(frozen=True)
class ProviderEvent:
    """One recipient's bounce, complaint or delay as a provider reported it."""

    provider: Provider
    kind: BounceClass
    recipient: str | None
    status: str | None  # enhanced status code where the provider gives one
    diagnostic: str | None
    message_id: str | None  # our Message-ID where the provider passes it on, else the provider's
    raw: bytes  # the JSON the provider sent for this event


def fetch_https(url: str) -> bytes:
    """GET an https URL (an SNS certificate or subscription link, checked by the caller)."""
    if urlsplit(url).scheme != "https":
        raise ValueError(f"refusing to fetch {url!r}: not https")
    with urllib.request.urlopen(url, timeout=_FETCH_TIMEOUT) as response:  # noqa: S310 - https only, checked above
        body: bytes = response.read(_FETCH_MAX_BYTES)
        return body


class WebhookReader:
    """Verifies each provider's requests and reads their events.

    One per process: it caches SNS certificates and remembers the Mailgun tokens
    already used, so that a captured request cannot be played again.
    """

    def __init__(self, settings: Settings, fetch: Fetch = fetch_https) -> None:
        self.settings = settings
        self.sns = SnsVerifier(fetch)
        self.mailgun_tokens = SeenTokens(MAILGUN_MAX_AGE)

    def read(
        self, provider: Provider, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> list[ProviderEvent]:
        """The events of one request; raises WebhookRefused or MalformedWebhook."""
        lowered = {name.lower(): value for name, value in headers.items()}
        if provider == "ses":
            return self._ses(body)
        if provider == "sendgrid":
            return self._sendgrid(body, lowered)
        if provider == "postmark":
            return self._postmark(body, lowered)
        return self._mailgun(body, now.timestamp())

    def _ses(self, body: bytes) -> list[ProviderEvent]:
        envelope = _object(_json(body, "the SNS message"), "the SNS message")
        topics = self.settings.ses_topics
        if not topics:
            raise WebhookRefused("no SNS topic is accepted: set DISTRIBUTOR_SES_TOPIC_ARNS")
        if envelope.get("TopicArn") not in topics:
            raise WebhookRefused(
                f"SNS topic {envelope.get('TopicArn')!r} is not in DISTRIBUTOR_SES_TOPIC_ARNS"
            )
        self.sns.verify(envelope)
        if envelope["Type"] == "SubscriptionConfirmation":
            self.sns.confirm(envelope)
            return []
        if envelope["Type"] != "Notification":
            return []
        return ses_events(_text(envelope.get("Message"), "Message") or "")

    def _sendgrid(self, body: bytes, headers: Mapping[str, str]) -> list[ProviderEvent]:
        key = self.settings.sendgrid_webhook_key
        if key is None:
            raise WebhookRefused(
                "unsigned SendGrid events are refused: set DISTRIBUTOR_SENDGRID_WEBHOOK_KEY"
            )
        signature = headers.get("x-twilio-email-event-webhook-signature")
        timestamp = headers.get("x-twilio-email-event-webhook-timestamp")
        if not signature or not timestamp:
            raise WebhookRefused("the SendGrid signature or timestamp header is missing")
        _verify_ecdsa(key.get_secret_value(), signature, timestamp.encode() + body)
        events = _json(body, "the SendGrid events")
        if not isinstance(events, list):
            raise MalformedWebhook("the SendGrid events: expected a JSON array of events")
        return [
            event
            for number, item in enumerate(events)
            if (event := sendgrid_event(_object(item, f"event {number}"))) is not None
        ]

    def _postmark(self, body: bytes, headers: Mapping[str, str]) -> list[ProviderEvent]:
        credentials = self.settings.postmark_webhook_auth
        if credentials is None:
            raise WebhookRefused(
                "Postmark webhooks are refused: set DISTRIBUTOR_POSTMARK_WEBHOOK_AUTH"
            )
        scheme, _, encoded = headers.get("authorization", "").partition(" ")
        try:
            given = base64.b64decode(encoded.strip(), validate=True)
        except binascii.Error:
            given = b""
        expected = credentials.get_secret_value().encode()
        if scheme.lower() != "basic" or not hmac.compare_digest(given, expected):
            raise WebhookRefused("the Postmark webhook's basic auth credentials do not match")
        payload = _object(_json(body, "the Postmark webhook"), "the Postmark webhook")
        event = postmark_event(payload, body)
        return [] if event is None else [event]

    def _mailgun(self, body: bytes, now: float) -> list[ProviderEvent]:
        key = self.settings.mailgun_webhook_key
        if key is None:
            raise WebhookRefused(
                "Mailgun webhooks are refused: set DISTRIBUTOR_MAILGUN_WEBHOOK_KEY"
            )
        payload = _object(_json(body, "the Mailgun webhook"), "the Mailgun webhook")
        signed = payload.get("signature")
        signed = signed if isinstance(signed, dict) else {}
        timestamp, token, signature = (
            str(signed.get(name, "")) for name in ("timestamp", "token", "signature")
        )
        digest = hmac.new(
            key.get_secret_value().encode(), (timestamp + token).encode(), hashlib.sha256
        ).hexdigest()
        if not token or not hmac.compare_digest(digest, signature):
            raise WebhookRefused("the Mailgun signature does not verify")
        try:
            age = now - float(timestamp)
        except ValueError:
            raise WebhookRefused("the Mailgun signature's timestamp is not a number") from None
        if abs(age) > MAILGUN_MAX_AGE:
            raise WebhookRefused(
                f"the Mailgun signature is {age:.0f} s old; at most 300 s is accepted"
            )
        if not self.mailgun_tokens.first_use(token, now):
            raise WebhookRefused("the Mailgun token was used before: a replayed request")
        event = mailgun_event(_object(payload.get("event-data"), "event-data"), body)
        return [] if event is None else [event]


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


def ses_events(message: str) -> list[ProviderEvent]:
    """The recipients an SES bounce, complaint or delivery-delay notification names."""
    raw = message.encode()
    notification = _object(_json(raw, "the SNS Message"), "the SNS Message")
    kind_name = notification.get("notificationType") or notification.get("eventType")
    mail = _object(notification.get("mail", {}), "mail")
    headers = _object(mail.get("commonHeaders", {}), "mail.commonHeaders")
    message_id = _text(headers.get("messageId"), "mail.commonHeaders.messageId") or _text(
        mail.get("messageId"), "mail.messageId"
    )
    if kind_name == "Bounce":
        bounce = _object(notification.get("bounce"), "bounce")
        kind = _SES_BOUNCES.get(
            (bounce.get("bounceType"), bounce.get("bounceSubType")),
            _SES_BOUNCES.get((bounce.get("bounceType"), None), BounceClass.UNKNOWN),
        )
        recipients, feedback = bounce.get("bouncedRecipients"), None
    elif kind_name == "Complaint":
        complaint = _object(notification.get("complaint"), "complaint")
        kind, recipients = BounceClass.COMPLAINT, complaint.get("complainedRecipients")
        feedback = _text(complaint.get("complaintFeedbackType"), "complaintFeedbackType")
    elif kind_name == "DeliveryDelay":
        delay = _object(notification.get("deliveryDelay"), "deliveryDelay")
        kind, recipients = BounceClass.DELAYED, delay.get("delayedRecipients")
        feedback = _text(delay.get("delayType"), "delayType")
    else:  # deliveries, sends, opens: nothing went wrong
        return []
    if not isinstance(recipients, list):
        raise MalformedWebhook(f"{kind_name}: expected a list of recipients")
    events = []
    for number, item in enumerate(recipients):
        recipient = _object(item, f"recipient {number}")
        events.append(
            ProviderEvent(
                provider="ses",
                kind=kind,
                recipient=_text(recipient.get("emailAddress"), "emailAddress"),
                status=_text(recipient.get("status"), "status"),
                diagnostic=_text(recipient.get("diagnosticCode"), "diagnosticCode") or feedback,
                message_id=message_id,
                raw=raw,
            )
        )
    return events


def sendgrid_event(event: Mapping[str, Any]) -> ProviderEvent | None:
    """One SendGrid event, or None for deliveries, opens and clicks."""
    kind = _SENDGRID_EVENTS.get(str(event.get("event")))
    if kind is None:
        return None
    reason = _text(event.get("reason"), "reason")
    if event.get("event") == "bounce" and event.get("type") == "blocked":
        kind = BounceClass.BLOCK
    elif event.get("event") == "dropped":
        kind = _SENDGRID_DROPPED.get(reason or "", BounceClass.UNKNOWN)
    diagnostic = reason or _text(event.get("response"), "response")
    return ProviderEvent(
        provider="sendgrid",
        kind=kind,
        recipient=_text(event.get("email"), "email"),
        status=_text(event.get("status"), "status") or _enhanced_code(diagnostic),
        diagnostic=diagnostic,
        message_id=_text(event.get("smtp-id"), "smtp-id")
        or _text(event.get("sg_message_id"), "sg_message_id"),
        raw=json.dumps(event, ensure_ascii=False).encode(),
    )


def postmark_event(payload: Mapping[str, Any], raw: bytes) -> ProviderEvent | None:
    """A Postmark bounce or spam complaint, or None for the other record types."""
    record_type = payload.get("RecordType")
    if record_type == "SpamComplaint":
        kind = BounceClass.COMPLAINT
    elif record_type == "Bounce":
        kind = _POSTMARK_BOUNCES.get(str(payload.get("Type")), BounceClass.UNKNOWN)
    else:
        return None
    diagnostic = _text(payload.get("Details"), "Details") or _text(
        payload.get("Description"), "Description"
    )
    return ProviderEvent(
        provider="postmark",
        kind=kind,
        recipient=_text(payload.get("Email"), "Email"),
        status=_enhanced_code(diagnostic),
        diagnostic=diagnostic,
        message_id=_text(payload.get("MessageID"), "MessageID"),
        raw=raw,
    )


def mailgun_event(event: Mapping[str, Any], raw: bytes) -> ProviderEvent | None:
    """A Mailgun failure or complaint, or None for the other events."""
    name, severity = event.get("event"), event.get("severity")
    if name == "complained":
        kind = BounceClass.COMPLAINT
    elif name == "failed" and severity in ("permanent", "temporary"):
        kind = BounceClass.HARD if severity == "permanent" else BounceClass.SOFT
    else:
        return None
    status = _object(event.get("delivery-status", {}), "delivery-status")
    message = _object(event.get("message", {}), "message")
    headers = _object(message.get("headers", {}), "message.headers")
    diagnostic = _text(status.get("message"), "delivery-status.message") or _text(
        status.get("description"), "delivery-status.description"
    )
    message_id = _text(headers.get("message-id"), "message.headers.message-id")
    return ProviderEvent(
        provider="mailgun",
        kind=kind,
        recipient=_text(event.get("recipient"), "recipient"),
        status=_text(status.get("enhanced-code"), "delivery-status.enhanced-code")
        or _enhanced_code(diagnostic),
        diagnostic=diagnostic,
        message_id=f"<{message_id.strip('<>')}>" if message_id else None,
        raw=raw,
    )


def apply_provider_events(
    session: Session, events: Sequence[ProviderEvent], settings: Settings, now: datetime
) -> list[BounceRecord]:
    """Keep each event as a bounce record tied to its delivery, and apply the bounce policy.

    The delivery is the one that carried the event's Message-ID to its recipient, or
    else the one most recently sent to the recipient.
    """
    targets = [(event, _delivery(session, event)) for event in events]
    policy = BouncePolicy.from_settings(settings)
    records = []
    for event, delivery in targets:
        record = _record(event, delivery, settings.bounce_keep_bytes, now)
        record.decision = judge(
            session,
            delivery,
            event.kind,
            policy,
            now,
            status=event.status,
            diagnostic=event.diagnostic,
        )
        session.add(record)  # the next event's soft count includes it
        records.append(record)
    session.flush()
    return records


def _delivery(session: Session, event: ProviderEvent) -> Sent | None:
    recipient = normalized_recipient(event.recipient)
    known = delivery_by_message_id(session, event.message_id)
    if known is not None and recipient in (None, known.email):
        return known
    return latest_delivery_to(session, recipient)


def _record(
    event: ProviderEvent, delivery: Sent | None, keep_bytes: int, now: datetime
) -> BounceRecord:
    return BounceRecord(
        received_at=now,
        processed_at=now,
        source=BounceSource.WEBHOOK,
        provider=event.provider,
        classification=event.kind,
        reason=_reason(event).value,
        delivery_id=delivery.id if delivery is not None else None,
        recipient=delivery.email if delivery is not None else normalized_recipient(event.recipient),
        status_code=(event.status or "")[:16] or None,
        diagnostic=event.diagnostic,
        original_message_id=(event.message_id or "")[:998] or None,
        raw_message=event.raw[:keep_bytes],
        raw_size=len(event.raw),
    )


def _reason(event: ProviderEvent) -> Reason:
    """Why, in the table's names: the provider's own class, explained by its diagnostic."""
    if event.kind is BounceClass.COMPLAINT:
        return Reason.FEEDBACK
    if event.kind is BounceClass.AUTO_REPLY:
        return Reason.VACATION
    action = "delayed" if event.kind is BounceClass.DELAYED else None
    return classify(event.status, event.diagnostic, action).reason


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


def _json(body: bytes, what: str) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedWebhook(f"{what} is not JSON: {exc}") from None


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MalformedWebhook(f"{where}: expected a JSON object, got {type(value).__name__}")
    return value


def _text(value: Any, where: str) -> str | None:
    """A string field (numbers taken as their text); None when absent or empty."""
    if value is None or isinstance(value, str):
        return value or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise MalformedWebhook(f"{where}: expected a string, got {type(value).__name__}")


def _enhanced_code(text: str | None) -> str | None:
    found = ENHANCED_CODE.search(text or "")
    return found.group(1) if found else None
