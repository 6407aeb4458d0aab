"""`--metrics-port` of the commands whose work runs in several processes: worker and bounce receiver.

Each process writes its samples to files in one folder and the command's main
process serves their sum. prometheus_client reads PROMETHEUS_MULTIPROC_DIR when
it is first imported and when a metric makes a value, so `serve_metrics` sets it
for this process and the ones it starts, and has prometheus_client read it again
in case it was imported already: labelled metrics make their values on first use.
"""

from __future__ import annotations

import os
import shutil

import typer
from sqlalchemy.pool import NullPool

from distributor.config import Settings
from distributor.db import make_engine

METRICS_HOST_OPTION = typer.Option(
    "127.0.0.1", "--metrics-host", help="Address the metrics are served on."
)


def metrics_port_option(default_help: str) -> int | None:
    """A `--metrics-port` option; `default_help` says what applies without it."""
    return typer.Option(  # type: ignore[no-any-return]
        None,
        "--metrics-port",
        min=1,
        max=65535,
        help="Serve Prometheus metrics of all the command's processes on this port, at any "
        f"path. {default_help}",
    )


def serve_metrics(
    settings: Settings, name: str, host: str, port: int, *, queue_depth: bool
) -> None:
    """Serve, from a background thread, what this command's processes count, summed.

    `name` keeps the folders of commands on one machine apart; `queue_depth` adds
    the deliveries still to send, read from the database on each scrape.
    """
    folder = settings.data_dir / "metrics" / f"{name}-{port}"
    shutil.rmtree(folder, ignore_errors=True)  # counts of an earlier run would be added in
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    from prometheus_client import values

    values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]
    from distributor.observability import serve_process_metrics

    # NullPool: a worker's pool processes are forked from this one and must not inherit connections
    engine = make_engine(settings.database, poolclass=NullPool) if queue_depth else None
    try:
        serve_process_metrics(folder, engine, host, port)
    except OSError as exc:  # the port is taken, or the address is not this machine's
        typer.secho(f"error: cannot serve metrics on {host}:{port}: {exc}", fg="red", err=True)
        raise typer.Exit(69) from None
