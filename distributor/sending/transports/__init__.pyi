from .base import Transport
from .configured import create_transport
from .files import INDEX_NAME
from .outcomes import Outcome, OutcomeKind, Rejection, RejectionRecorder, SendResult

__all__ = [
    "INDEX_NAME",
    "Outcome",
    "OutcomeKind",
    "Rejection",
    "RejectionRecorder",
    "SendResult",
    "Transport",
    "create_transport",
]
