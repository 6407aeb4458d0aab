"""`Settings`: every section of the settings in one model, as the rest of the code reads them."""

from __future__ import annotations

from distributor.config.bounces import BounceSettings
from distributor.config.branding import BrandingSettings
from distributor.config.monitoring import MonitoringSettings
from distributor.config.outgoing import OutgoingMailSettings
from distributor.config.pacing import PacingSettings
from distributor.config.replies import ReplySettings
from distributor.config.scheduling import SchedulingSettings
from distributor.config.signing import SigningSettings
from distributor.config.signups import SignupSettings
from distributor.config.storage import StorageSettings
from distributor.config.web import WebSettings
from distributor.config.webhooks import WebhookSettings


# pydantic orders the fields from the last base to the first: storage first, sign-up last.
class Settings(
    SignupSettings,
    WebhookSettings,
    BounceSettings,
    SchedulingSettings,
    MonitoringSettings,
    PacingSettings,
    SigningSettings,
    ReplySettings,
    WebSettings,
    BrandingSettings,
    OutgoingMailSettings,
    StorageSettings,
):
    """Every setting distributor has, with its embedded default.

    Each field `name` is read from `DISTRIBUTOR_<NAME>` (`from_address` from DISTRIBUTOR_FROM).
    """
