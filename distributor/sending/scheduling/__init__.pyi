from .checks.findings import CheckResult, ChecksFailed, Level
from .checks.run import recheck_sendout
from .deliveries import (
    ClaimedDelivery,
    RetryPolicy,
    Settled,
    audience_condition,
    claim_batch,
    record_outcomes,
)
from .dispatch import finish_done, finish_if_done, needing_workers, start_due
from .follow_ups import create_follow_up
from .progress import (
    CAVEATS,
    LiveCounts,
    SendOutReport,
    SendOutStatus,
    live_counts,
    sendout_status,
)
from .sendouts import (
    Audience,
    Schedule,
    Tracking,
    cancel_sendout,
    count_sendouts,
    create_sendout,
    get_sendout,
    is_due,
    list_sendouts,
    pause_sendout,
    resume_sendout,
    sendout_as_dict,
    sendouts_per_release,
)
from .states import ALLOWED, last_move
from .tracking import record_click, record_open
from .zones import ZoneShare, audience_zones

__all__ = [
    "ALLOWED",
    "CAVEATS",
    "Audience",
    "CheckResult",
    "ChecksFailed",
    "ClaimedDelivery",
    "Level",
    "LiveCounts",
    "RetryPolicy",
    "Schedule",
    "SendOutReport",
    "SendOutStatus",
    "Settled",
    "Tracking",
    "ZoneShare",
    "audience_condition",
    "audience_zones",
    "cancel_sendout",
    "claim_batch",
    "count_sendouts",
    "create_follow_up",
    "create_sendout",
    "finish_done",
    "finish_if_done",
    "get_sendout",
    "is_due",
    "last_move",
    "list_sendouts",
    "live_counts",
    "needing_workers",
    "pause_sendout",
    "recheck_sendout",
    "record_click",
    "record_open",
    "record_outcomes",
    "resume_sendout",
    "sendout_as_dict",
    "sendout_status",
    "sendouts_per_release",
    "start_due",
]
