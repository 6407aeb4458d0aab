"""The Celery app, configured from settings so that a worker that dies loses no task.

A task's message is acknowledged only after the task finished, and put back when
the process running it dies; each worker process holds one message at a time, so
a crash strands no others. Messages are JSON, and tasks record their outcomes
in the database, so results are kept only for the health ping.
"""

from __future__ import annotations

from typing import Any

from celery import Celery

from distributor.config import Settings, get_settings
from distributor.paths import private_folder

#: Modules whose tasks the worker registers at start.
TASK_MODULES = (
    "distributor.tasks.health",
    "distributor.tasks.sending",
    "distributor.tasks.bounces",
)

# Tasks are short batch sends. At the soft limit a task gets SoftTimeLimitExceeded
# and can record where it stopped; at the hard limit its process is killed.
TASK_SOFT_TIME_LIMIT = 240
TASK_TIME_LIMIT = 300

# Redis hands an unacknowledged message to another worker after this many seconds,
# so it must outlast any running task, or the task would run twice. It also caps a
# task's countdown or ETA on Redis: longer waits belong in the database.
VISIBILITY_TIMEOUT = 12 * TASK_TIME_LIMIT

FOLDER_QUEUE = "distributor.tasks.folder_queue:Transport"

# Health-ping results are read within seconds; keep them an hour, not Celery's day.
RESULT_EXPIRES = 3600


def broker_transport_options(settings: Settings) -> dict[str, Any]:
    """Transport options for the broker; for the embedded one, its folders, created here."""
    options: dict[str, Any] = {"visibility_timeout": VISIBILITY_TIMEOUT}
    if settings.broker_is_embedded:
        queue = settings.broker_folder / "queue"
        control = settings.broker_folder / "control"
        for folder in (queue, control):
            private_folder(folder)
        # Producers write into the folder consumers read from: one queue, not a pipe
        # between two folders. Taken messages are deleted, not archived.
        options |= {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "control_folder": str(control),
            "store_processed": False,
        }
    return options


def celery_configuration(settings: Settings) -> dict[str, Any]:
    """Every Celery setting distributor uses, derived from `settings`."""
    private_folder(settings.data_dir)  # for SQLite results and the beat schedule
    return {
        # kombu warns on every connection to a URL without a host; the folder queue ignores it.
        "broker_url": "filesystem://localhost/" if settings.broker_is_embedded else settings.broker,
        # The folder queue is kombu's, but writes each message whole (see folder_queue).
        "broker_transport": FOLDER_QUEUE if settings.broker_is_embedded else None,
        "broker_transport_options": broker_transport_options(settings),
        "broker_connection_retry_on_startup": True,
        "result_backend": settings.results,
        "result_expires": RESULT_EXPIRES,
        "task_ignore_result": True,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "result_accept_content": ["json"],
        "timezone": "UTC",
        "enable_utc": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_soft_time_limit": TASK_SOFT_TIME_LIMIT,
        "task_time_limit": TASK_TIME_LIMIT,
        "worker_prefetch_multiplier": 1,
        # When the broker connection drops, unacknowledged messages go back to the
        # queue; stopping the tasks that hold them keeps them from running twice.
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        # Remote control needs broadcast, which the folder queue emulates with a queue
        # per worker: one that died stays bound, and each broadcast leaves a file in it.
        "worker_enable_remote_control": not settings.broker_is_embedded,
        "beat_schedule_filename": str(settings.data_dir / "celerybeat-schedule"),
        "beat_schedule": beat_schedule(settings),
    }


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """What beat runs: the dispatcher always, the bounce-mailbox poll when a mailbox is set."""
    schedule: dict[str, dict[str, Any]] = {
        "dispatch": {"task": "distributor.dispatch", "schedule": settings.dispatch_interval}
    }
    if settings.bounce_imap_url:
        interval = settings.bounce_imap_interval
        schedule["poll-bounce-mailbox"] = {
            "task": "distributor.poll_bounce_mailbox",
            "schedule": interval,
            # a tick no worker took in time is dropped: polls never pile up behind each other
            "options": {"expires": interval},
        }
    return schedule


def create_celery_app(settings: Settings | None = None) -> Celery:
    """A Celery app for `settings`, or, when None, for `get_settings()` read at first use.

    The configuration is loaded lazily, so importing a tasks module neither reads
    the environment nor creates folders.
    """
    app = Celery("distributor", include=TASK_MODULES)
    app.add_defaults(
        lambda: celery_configuration(settings if settings is not None else get_settings())
    )
    return app


celery_app = create_celery_app()
