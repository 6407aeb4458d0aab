"""`distributor worker` and `distributor beat`: the processes that run tasks and start them on time."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import typer
from celery.signals import setup_logging, worker_ready, worker_shutting_down

from distributor.cli.heartbeat import heartbeat
from distributor.cli.metrics_port import METRICS_HOST_OPTION, metrics_port_option, serve_metrics
from distributor.config import get_settings
from distributor.models import ProcessRole
from distributor.observability import configure_logging
from distributor.sending import DkimSigner
from distributor.tasks import celery_app, check_broker, watch_stop


class LogLevel(StrEnum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


CONCURRENCY_OPTION = typer.Option(
    None,
    "--concurrency",
    "-c",
    min=1,
    help="Tasks the worker runs at once (batches it sends), one process each. "
    "Default: one per CPU.",
)
LOGLEVEL_OPTION = typer.Option(
    None, "--loglevel", "-l", case_sensitive=False, help="Default: DISTRIBUTOR_LOG_LEVEL (INFO)."
)


@setup_logging.connect
def _configure_logging(loglevel: str | int | None = None, **_: Any) -> None:
    """Celery asks here, in the main process and in each pool process, instead of adding its own handler."""
    configure_logging(get_settings(), loglevel)


def _bound_the_stop(exitcode: int | None = None, **_: Any) -> None:
    """Celery's shutdown can hang after the last task; the worker leaves anyway, soon after."""
    watch_stop(exitcode or 0)


def worker(
    concurrency: int | None = CONCURRENCY_OPTION,
    queues: str | None = typer.Option(
        None,
        "--queues",
        "-Q",
        help="Comma-separated queues to take tasks from. Default: all of distributor's.",
    ),
    loglevel: LogLevel | None = LOGLEVEL_OPTION,
    metrics_port: int | None = metrics_port_option("Default: DISTRIBUTOR_METRICS_PORT, or none."),
    metrics_host: str = METRICS_HOST_OPTION,
) -> None:
    """Run tasks: send batches, process bounces. Stop with Ctrl-C or SIGTERM; running tasks finish first.

    Checks the broker and the DKIM keys first and exits with one line if one does not work.
    Run several workers (on several machines) on a Redis broker to send faster;
    the embedded folder queue is for one worker on one machine.
    """
    settings = get_settings()
    check_broker(settings)
    DkimSigner.from_settings(settings)  # a key that cannot sign stops here, its setting named
    if port := metrics_port or settings.metrics_port:
        serve_metrics(settings, "worker", metrics_host, port, queue_depth=True)
    embedded = settings.broker_is_embedded
    worker_shutting_down.connect(_bound_the_stop)
    process = celery_app.Worker(
        concurrency=concurrency,
        queues=queues,
        loglevel=(loglevel.value if loglevel else settings.log_level),
        quiet=settings.log_format == "json",  # no banner among the JSON lines
        # Worker-to-worker messages need broadcast, which the folder queue lacks.
        without_gossip=embedded,
        without_mingle=embedded,
        without_heartbeat=embedded,
    )
    with heartbeat(settings, ProcessRole.WORKER) as writer:

        def ready(**_: Any) -> None:  # once its pool runs and it takes tasks
            writer.start()

        worker_ready.connect(ready, weak=False)
        process.start()
    raise typer.Exit(process.exitcode or 0)


def beat(loglevel: LogLevel | None = LOGLEVEL_OPTION) -> None:
    """Start scheduled tasks on time, such as send-outs that fall due. Run exactly one.

    Keeps its schedule state in the data folder. Stop with Ctrl-C or SIGTERM.
    """
    settings = get_settings()
    check_broker(settings)
    with heartbeat(settings, ProcessRole.BEAT) as writer:
        writer.start()
        celery_app.Beat(
            loglevel=(loglevel.value if loglevel else settings.log_level),
            quiet=settings.log_format == "json",  # no banner among the JSON lines
        ).run()
