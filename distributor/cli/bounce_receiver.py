"""`distributor bounces serve`: run the SMTP server of the bounce domain until stopped."""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import replace
from pathlib import Path
from types import FrameType

import typer

from distributor.bounces import BounceReceiver, Spool, default_processes, receiver_limits
from distributor.cli.heartbeat import heartbeat
from distributor.cli.metrics_port import METRICS_HOST_OPTION, metrics_port_option, serve_metrics
from distributor.config import get_settings
from distributor.db import engine_from_settings
from distributor.models import ProcessRole
from distributor.observability import configure_logging
from distributor.schema import require_current
from distributor.sending import forward_reply

log = logging.getLogger(__name__)

SPOOL_OPTION = typer.Option(
    None,
    "--spool",
    file_okay=False,
    help="Folder that keeps received mail until it is processed. Default: DATA_DIR/bounce-spool.",
)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(2525, "--port", min=1, max=65535, help="Port to listen on."),
    spool: Path | None = SPOOL_OPTION,
    processes: int | None = typer.Option(
        None,
        "--processes",
        min=1,
        max=64,
        help="Processes that take received mail in, each on its own share of the spool. "
        "Default: DISTRIBUTOR_BOUNCE_PROCESSES, or one per core (at most 4) on PostgreSQL "
        "and one on SQLite.",
    ),
    max_connections: int | None = typer.Option(
        None,
        "--max-connections",
        min=1,
        help="Connections taken at once; more get 421. Default: DISTRIBUTOR_BOUNCE_MAX_CONNECTIONS "
        "or 100.",
    ),
    max_per_client: int | None = typer.Option(
        None,
        "--max-connections-per-client",
        min=1,
        help="Connections taken at once from one client address (an IPv6 /64); more get 421. "
        "Default: DISTRIBUTOR_BOUNCE_MAX_CONNECTIONS_PER_CLIENT or 10.",
    ),
    metrics_port: int | None = metrics_port_option("Default: none."),
    metrics_host: str = METRICS_HOST_OPTION,
) -> None:
    """Receive bounces, complaints and unsubscribe mail for the bounce domain over SMTP.

    Accepts mail to bounces+TOKEN@ and unsubscribe+TOKEN@ the bounce domain
    (DISTRIBUTOR_BOUNCE_DOMAIN), and with DISTRIBUTOR_REPLY_ADDRESS set, replies to
    that address tagged with a token, which are forwarded to the release's press
    contact through DISTRIBUTOR_SMTP_URL; it refuses everything else. Each message is on
    disk before it is acknowledged and is processed in the background; messages
    that cannot be processed wait in the spool's review/ folder. Point the MX (or
    your MTA's transport map) for the bounce domain here. Stop with Ctrl-C or SIGTERM.
    """
    settings = get_settings()
    configure_logging(settings)
    if metrics_port:
        serve_metrics(settings, "bounce-receiver", metrics_host, metrics_port, queue_depth=False)
    if settings.log_level != "DEBUG":  # aiosmtpd logs every connection's every step at INFO
        logging.getLogger("mail.log").setLevel(logging.WARNING)
    engine = engine_from_settings(settings)
    try:
        require_current(engine)
        folder = spool or settings.data_dir / "bounce-spool"
        limits = replace(
            receiver_limits(settings),
            max_connections=max_connections or settings.bounce_max_connections,
            max_per_client=max_per_client or settings.bounce_max_connections_per_client,
        )
        receiver = BounceReceiver(
            settings,
            Spool(folder),
            engine,
            forward=forward_reply,
            host=host,
            port=port,
            processes=processes or default_processes(settings),
            limits=limits,
        )
        stopping = threading.Event()

        def stop(signum: int, _frame: FrameType | None) -> None:
            log.info("%s received, stopping", signal.Signals(signum).name)
            stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            receiver.start()
        except OSError as exc:  # the port is taken, or the address is not this machine's
            typer.secho(f"error: cannot listen on {host}:{port}: {exc}", fg="red", err=True)
            raise typer.Exit(69) from None
        try:
            log.info(
                "listening on %s:%d for mail to bounces+…@%s and unsubscribe+…@%s; "
                "spool %s, %d intake process(es), at most %d connections (%d per client)",
                host,
                port,
                settings.envelope_domain,
                settings.envelope_domain,
                folder,
                receiver.drainers.processes,
                limits.max_connections,
                limits.max_per_client,
            )
            with heartbeat(settings, ProcessRole.BOUNCE_RECEIVER) as writer:
                writer.start()
                while not stopping.wait(1.0):
                    pass
        finally:
            receiver.stop()
    finally:
        engine.dispose()
