"""Settings, read once from `DISTRIBUTOR_*` environment variables and validated at start.

Nothing else in the code reads the environment. With nothing set, distributor runs
on embedded defaults under a data folder: an SQLite database, a file-based Celery
broker, and a file transport that keeps every outgoing message as an .eml file.

`Settings` is made of sections, one module each; the grammars its values follow (URLs,
times, throttle limits, list slugs) have modules of their own and import nothing above them.
"""

from distributor.config.bounces import BounceSettings
from distributor.config.branding import BrandingSettings
from distributor.config.loading import ENV_PREFIX, get_settings, load_settings
from distributor.config.monitoring import MonitoringSettings
from distributor.config.outgoing import DEFAULT_FROM, OutgoingMailSettings
from distributor.config.pacing import PacingSettings
from distributor.config.replies import ReplySettings
from distributor.config.scheduling import SchedulingSettings
from distributor.config.section import DataFolderSettings
from distributor.config.settings import Settings
from distributor.config.signing import SigningSettings
from distributor.config.signups import DEFAULT_SIGNUP_CONSENT, SignupSettings
from distributor.config.slugs import MAX_SLUG, SLUG_PATTERN, validate_slug
from distributor.config.storage import StorageSettings
from distributor.config.throttle_limits import (
    GLOBAL,
    DomainLimit,
    ThrottleLimits,
    normalize_domain,
)
from distributor.config.times import parse_duration, parse_quiet_hours
from distributor.config.urls import (
    DEFAULT_SMTP_TIMEOUT,
    MailboxTarget,
    TransportTarget,
    normalize_database_url,
    parse_mailbox_url,
    parse_transport_url,
    parse_transport_urls,
)
from distributor.config.web import WebSettings
from distributor.config.webhooks import WebhookSettings

__all__ = [
    "DEFAULT_FROM",
    "DEFAULT_SIGNUP_CONSENT",
    "DEFAULT_SMTP_TIMEOUT",
    "ENV_PREFIX",
    "GLOBAL",
    "MAX_SLUG",
    "SLUG_PATTERN",
    "BounceSettings",
    "BrandingSettings",
    "DataFolderSettings",
    "DomainLimit",
    "MailboxTarget",
    "MonitoringSettings",
    "OutgoingMailSettings",
    "PacingSettings",
    "ReplySettings",
    "SchedulingSettings",
    "Settings",
    "SigningSettings",
    "SignupSettings",
    "StorageSettings",
    "ThrottleLimits",
    "TransportTarget",
    "WebSettings",
    "WebhookSettings",
    "get_settings",
    "load_settings",
    "normalize_database_url",
    "normalize_domain",
    "parse_duration",
    "parse_mailbox_url",
    "parse_quiet_hours",
    "parse_transport_url",
    "parse_transport_urls",
    "validate_slug",
]
