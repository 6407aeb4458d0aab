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
from .progress import CAVEATS, SendOutReport, SendOutStatus, sendout_status
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
from .states import ALLOWED
from .tracking import record_click, record_open

__all__ = [
    "ALLOWED",
    "CAVEATS",
    "Audience",
    "CheckResult",
    "ChecksFailed",
    "ClaimedDelivery",
    "Level",
    "RetryPolicy",
    "Schedule",
    "SendOutReport",
    "SendOutStatus",
    "Settled",
    "Tracking",
    "audience_condition",
    "cancel_sendout",
    "claim_batch",
    "count_sendouts",
    "create_follow_up",
    "create_sendout",
    "finish_done",
    "finish_if_done",
    "get_sendout",
    "is_due",
    "list_sendouts",
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
