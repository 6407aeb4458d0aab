from .described import describe_message
from .drainers import default_processes
from .intake import ingest_message
from .mailbox import DEFAULT_LIMIT, MailboxUnavailable, poll_mailbox
from .policy import BouncePolicy, reactivate
from .providers import (
    PROVIDERS,
    Fetch,
    ProviderEvent,
    WebhookReader,
    WebhookUnavailable,
    apply_provider_events,
    fetch_https,
)
from .receiver import BounceReceiver, receiver_limits
from .records import (
    RAW_PREVIEW_LINES,
    BounceFilter,
    bounce_contacts,
    bounce_report,
    count_bounces,
    describe_bounce,
    get_bounce,
    list_bounces,
    reason_named,
    shown_reason,
)
from .rejections import RejectionRecorder
from .replies import pass_on
from .review import apply_reviewed
from .sources import read_messages
from .spool import Spool

__all__ = [
    "DEFAULT_LIMIT",
    "PROVIDERS",
    "RAW_PREVIEW_LINES",
    "BounceFilter",
    "BouncePolicy",
    "BounceReceiver",
    "Fetch",
    "MailboxUnavailable",
    "ProviderEvent",
    "RejectionRecorder",
    "Spool",
    "WebhookReader",
    "WebhookUnavailable",
    "apply_provider_events",
    "apply_reviewed",
    "bounce_contacts",
    "bounce_report",
    "count_bounces",
    "default_processes",
    "describe_bounce",
    "describe_message",
    "fetch_https",
    "get_bounce",
    "ingest_message",
    "list_bounces",
    "pass_on",
    "poll_mailbox",
    "reactivate",
    "read_messages",
    "reason_named",
    "receiver_limits",
    "shown_reason",
]
