"""A worker whose Celery shutdown never returns, as one now and then does after its last task."""

from __future__ import annotations

import threading
from typing import Any

from celery.signals import worker_shutdown


@worker_shutdown.connect
def _hang(**_: Any) -> None:
    threading.Event().wait()
