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
    "SEND_SECONDS",
    "QueueDepth",
    "configure_logging",
    "count_bounces",
    "count_outcome",
    "observe_request",
    "serve_process_metrics",
]
