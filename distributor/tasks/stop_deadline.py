"""A worker asked to stop exits soon after its last task, even when Celery's shutdown hangs.

Celery's warm shutdown now and then never returns once the pool has finished its tasks
(a pool process or the broker connection that does not close). A supervisor would then
wait out its own kill timeout, and a restart would wait with it. Each message is
acknowledged only after its task and each delivery is leased, so leaving without the
rest of the shutdown loses nothing.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from billiard.process import active_children
from celery.worker import state

from distributor.tasks.app import TASK_TIME_LIMIT

log = logging.getLogger(__name__)

#: Seconds a stopping worker may take after its last task finished.
STOP_GRACE = 10.0
# A task running longer than its hard limit is killed by the pool: past that, nothing is left to wait for.
STOP_LIMIT = TASK_TIME_LIMIT + STOP_GRACE
POLL_SECONDS = 0.5

_watchers: list[threading.Thread] = []


def watch_stop(exitcode: int, grace: float = STOP_GRACE, limit: float = STOP_LIMIT) -> None:
    """From now on, exit with `exitcode` once no task ran for `grace` s, or after `limit` s.

    Called again (a second Ctrl-C), it keeps the first deadline.
    """
    if _watchers:
        return
    watcher = threading.Thread(
        target=_exit_when_stuck, args=(exitcode, grace, limit), name="stop-deadline", daemon=True
    )
    _watchers.append(watcher)
    watcher.start()


def _exit_when_stuck(exitcode: int, grace: float, limit: float) -> None:
    started = idle_since = time.monotonic()
    while True:
        time.sleep(POLL_SECONDS)
        now = time.monotonic()
        if state.active_requests:
            idle_since = now
        if now - idle_since >= grace or now - started >= limit:
            break
    log.warning(
        "worker still stopping %.0f s after it was asked to; exiting without waiting further",
        now - started,
    )
    for child in active_children():
        child.terminate()
    logging.shutdown()
    os._exit(exitcode)
