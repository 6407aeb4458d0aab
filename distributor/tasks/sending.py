"""The send-out tasks: beat's dispatcher and the short batch tasks it starts.

Both only call `distributor.sending`, whose pipeline they hand inbound mail's
rejection recorder. Each worker process keeps one engine and one `BatchSender`
(and so one SMTP connection) for all the tasks it runs.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import cache
from typing import Any

from celery.signals import worker_process_shutdown
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from distributor.bounces import BouncePolicy, RejectionRecorder
from distributor.config import Settings, get_settings
from distributor.db import engine_from_settings
from distributor.models import utcnow
from distributor.sending import BatchSender, finish_done, needing_workers, start_due
from distributor.tasks.app import celery_app

log = logging.getLogger(__name__)

# Beat dispatches every few seconds anyway: a quicker start is not worth a slow answer.
DISPATCH_CONNECT_SECONDS = 2.0

# A batch task sends for this long, then hands over to a fresh task: tasks stay short,
# so a worker that stops or a send-out that is paused is noticed within seconds.
TASK_BUDGET = 20.0
# Longest the dispatcher waits for a silent send-out's batch tasks before starting new ones.
STALE_AFTER = 60.0


@cache
def _engine() -> Engine:
    return engine_from_settings(get_settings())


def batch_sender(settings: Settings) -> BatchSender:
    """A sender whose rejections at SMTP time become bounces under the settings' policy."""
    return BatchSender(
        settings, record_rejections=RejectionRecorder(BouncePolicy.from_settings(settings))
    )


@cache
def _sender() -> BatchSender:
    return batch_sender(get_settings())


@worker_process_shutdown.connect
def _close(**_: Any) -> None:
    if _sender.cache_info().currsize:
        _sender().close()
    if _engine.cache_info().currsize:
        _engine().dispose()


@celery_app.task(name="distributor.dispatch")
def dispatch() -> dict[str, list[int]]:
    """Start due send-outs, complete finished ones, and start batch tasks where none work."""
    settings = get_settings()
    now = utcnow()
    # A working batch task claims a batch at least once per lease, so a heartbeat older
    # than the lease (or a minute) means no task works on the send-out: its deferred
    # retries and a lost worker's batches need new tasks.
    quiet = min(STALE_AFTER, settings.lease_seconds)
    stale = timedelta(seconds=max(quiet, 3 * settings.dispatch_interval))
    with Session(_engine()) as session, session.begin():
        started = start_due(session, now)
        finished = finish_done(session)
        wanted = needing_workers(session, now, stale)
    for sendout_id in wanted:
        for _ in range(settings.send_parallelism):
            send_batches.delay(sendout_id)
    if started or finished or wanted:
        log.info(
            "dispatch: started %s, completed %s, batch tasks for %s", started, finished, wanted
        )
    return {"started": started, "completed": finished, "working": wanted}


@celery_app.task(name="distributor.send_batches")
def send_batches(sendout_id: int) -> dict[str, int]:
    """Send batches of one send-out for a while; hand over to a new task if more are due."""
    report = _sender().run(_engine(), sendout_id, TASK_BUDGET)
    if report.more:
        send_batches.delay(sendout_id)
    if report.stopped:
        log.info("send-out %s is %s: no batch sent", sendout_id, report.stopped)
    return dict(report.counts)


def request_dispatch() -> bool:
    """Ask for a dispatch now instead of at beat's next tick; False if the broker is down.

    One try, on a connection of its own: the web request or command that asks waits
    at most a connect timeout, where kombu's default would retry for seconds.
    """
    try:
        with celery_app.connection_for_write(
            connect_timeout=DISPATCH_CONNECT_SECONDS, transport_options={"max_retries": 0}
        ) as connection:
            dispatch.apply_async(retry=False, producer=connection.Producer())
    except Exception as exc:
        log.warning("could not reach the broker to dispatch now (%s); beat will", exc)
        return False
    return True
