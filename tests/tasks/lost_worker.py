"""A task whose process dies the first time it runs, as a crashed or OOM-killed worker would."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from distributor.tasks import celery_app

# Give up on a lost process's result after 1 s instead of 10: the test is about
# what happens to the task next, not about how soon the loss is noticed.
celery_app.conf.worker_lost_wait = 1.0


@celery_app.task(name="tests.die_once", ignore_result=False)
def die_once(marker: str) -> str:
    """Kill the running process unless `marker` exists; create it first so the retry survives."""
    path = Path(marker)
    if not path.exists():
        path.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return "survived"
