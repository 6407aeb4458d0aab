from .heartbeats import (
    ALIVE_WITHIN,
    HEARTBEAT_SECONDS,
    HeartbeatWriter,
    ProcessSeen,
    Staffing,
    Waiting,
    staffing,
    waiting_on,
)
from .logs import configure_logging
from .metrics import (
    SEND_SECONDS,
    QueueDepth,
    count_bounces,
    count_outcome,
    observe_request,
    serve_process_metrics,
)

__all__ = [
    "ALIVE_WITHIN",
    "HEARTBEAT_SECONDS",
    "SEND_SECONDS",
    "HeartbeatWriter",
    "ProcessSeen",
    "QueueDepth",
    "Staffing",
    "Waiting",
    "configure_logging",
    "count_bounces",
    "count_outcome",
    "observe_request",
    "serve_process_metrics",
    "staffing",
    "waiting_on",
]
