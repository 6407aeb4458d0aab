"""`distributor run`: the whole system on one machine, as child processes kept running."""

from __future__ import annotations

import signal
from types import FrameType

import typer

from distributor.cli.supervisor import ChildSpec, Supervisor
from distributor.cli.workers import CONCURRENCY_OPTION
from distributor.config import Settings, get_settings
from distributor.db import engine_from_settings
from distributor.schema import upgrade
from distributor.tasks import check_broker


def run(
    host: str = typer.Option("127.0.0.1", "--host", help="Address the web app listens on."),
    port: int = typer.Option(8000, "--port", help="Port the web app listens on."),
    concurrency: int | None = CONCURRENCY_OPTION,
    bounces: bool | None = typer.Option(
        None,
        "--bounces/--no-bounces",
        help="Also receive bounces over SMTP. Default: when DISTRIBUTOR_BOUNCE_DOMAIN is set.",
    ),
    bounce_host: str = typer.Option(
        "127.0.0.1", "--bounce-host", help="Address the bounce receiver listens on."
    ),
    bounce_port: int = typer.Option(2525, "--bounce-port", help="Port of the bounce receiver."),
) -> None:
    """Run the whole system on this machine: the web app, a worker, beat and the bounce receiver.

    Upgrades the database schema first. Each part runs as a child process,
    its lines shown with its name in front; one that dies is started again
    (after 1 s, then longer while it keeps dying). Ctrl-C or SIGTERM stops
    them all, the worker last, once its running batches are sent; a second
    Ctrl-C stops them at once. The bounce receiver runs when
    DISTRIBUTOR_BOUNCE_DOMAIN is set (or with --bounces). On several
    machines, run the parts on their own instead (`distributor web`,
    `worker`, `beat`, `bounces serve`).

    Examples:

      distributor run

      distributor run --host 0.0.0.0 --port 8000 --concurrency 4
    """
    settings = get_settings()
    engine = engine_from_settings(settings)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    check_broker(settings)
    with_bounces = bool(settings.bounce_domain) if bounces is None else bounces
    supervisor = Supervisor(
        children(settings, host, port, concurrency, with_bounces, bounce_host, bounce_port)
    )

    def stop(signum: int, _frame: FrameType | None) -> None:
        supervisor.stop(f"{signal.Signals(signum).name} received")

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    supervisor.say(f"the admin is at http://{host}:{port}/admin; Ctrl-C stops everything")
    supervisor.run()


def children(
    settings: Settings,
    host: str,
    port: int,
    concurrency: int | None,
    bounces: bool,
    bounce_host: str,
    bounce_port: int,
) -> list[ChildSpec]:
    """What `run` starts, in the order it starts them."""
    worker = ("worker", *(("--concurrency", str(concurrency)) if concurrency else ()))
    specs = [
        ChildSpec("web", ("web", "--host", host, "--port", str(port))),
        ChildSpec("worker", worker),
        ChildSpec("beat", ("beat",)),
    ]
    if bounces:
        specs.append(
            ChildSpec(
                "bounces", ("bounces", "serve", "--host", bounce_host, "--port", str(bounce_port))
            )
        )
    return specs
