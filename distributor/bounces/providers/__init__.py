"""Provider webhooks: the bounces and complaints SES (through SNS), SendGrid, Postmark and Mailgun report.

Each provider is a module with one class behind `WebhookProvider` (`base`): it
proves its requests its own way (an SNS signature over a certificate from an SNS
host, SendGrid's ECDSA signature, Postmark's basic auth, Mailgun's HMAC) and reads
them into `ProviderEvent`s. A request that does not prove itself changes nothing:
a forged webhook could otherwise suppress anyone, and a provider with no
credentials configured is refused rather than trusted. `WebhookReader` holds the
registry (`PROVIDERS`: adding a provider is a module and a line there; the web app
mounts a webhook for each).
`apply_provider_events` keeps what a verified request reports as bounce records, each
event once (by the provider's id of it, which a retry or a replay repeats), and decides each through `distributor.bounces.judging` (`judge`, then `decide`, the step
every source of bounces ends in before the bounce policy).
"""

from distributor.bounces.providers.base import (
    Fetch,
    MalformedWebhook,
    ProviderEvent,
    WebhookProvider,
    WebhookRefused,
    WebhookUnavailable,
)
from distributor.bounces.providers.mailgun import MailgunProvider
from distributor.bounces.providers.postmark import PostmarkProvider
from distributor.bounces.providers.reader import PROVIDERS, WebhookReader, webhook_providers
from distributor.bounces.providers.recording import apply_provider_events
from distributor.bounces.providers.sendgrid import SendGridProvider
from distributor.bounces.providers.ses import SesProvider, fetch_https

__all__ = [
    "PROVIDERS",
    "Fetch",
    "MailgunProvider",
    "MalformedWebhook",
    "PostmarkProvider",
    "ProviderEvent",
    "SendGridProvider",
    "SesProvider",
    "WebhookProvider",
    "WebhookReader",
    "WebhookRefused",
    "WebhookUnavailable",
    "apply_provider_events",
    "fetch_https",
    "webhook_providers",
]
