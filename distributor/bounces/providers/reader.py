"""The registry of providers: one line per provider module. The web app mounts a webhook for
each, and each is built from the settings."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from distributor.bounces.providers.base import Fetch, ProviderEvent, ProviderKind, WebhookProvider
from distributor.bounces.providers.mailgun import MailgunProvider
from distributor.bounces.providers.postmark import PostmarkProvider
from distributor.bounces.providers.sendgrid import SendGridProvider
from distributor.bounces.providers.ses import SesProvider, fetch_https
from distributor.config import Settings

PROVIDERS: tuple[ProviderKind, ...] = (
    SesProvider,
    SendGridProvider,
    PostmarkProvider,
    MailgunProvider,
)


def webhook_providers(
    settings: Settings, fetch: Fetch = fetch_https
) -> tuple[WebhookProvider, ...]:
    """Every provider whose webhooks are received, with the credentials the settings hold."""
    return tuple(kind.from_settings(settings, fetch) for kind in PROVIDERS)


class WebhookReader:
    """Verifies each provider's requests and reads their events, through the provider named.

    One per process: its providers cache SNS certificates and remember the Mailgun
    tokens already used, so that a captured request cannot be played again.
    """

    def __init__(self, settings: Settings, fetch: Fetch = fetch_https) -> None:
        self.providers = {
            provider.name: provider for provider in webhook_providers(settings, fetch)
        }

    def read(
        self, provider: str, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> list[ProviderEvent]:
        """The events of one request; raises WebhookRefused or MalformedWebhook."""
        lowered = {name.lower(): value for name, value in headers.items()}
        return self.providers[provider].read(body, lowered, now)
