"""Prometheus metrics: what the send pipeline, bounce intake and web app count, and the queue.

Every name starts with `distributor_`, and every label has a bounded set of values:
recipient domains are cut to their registered domain, and past the first
`MAX_DOMAINS` a process has seen, counted as "other". A worker's pool processes
write their samples to files in PROMETHEUS_MULTIPROC_DIR, which `--metrics-port`
of `distributor worker` and `distributor bounces serve` sets before this module is
first imported (see cli/metrics_port.py), and its main process serves their sum.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from distributor.models import BounceClass, Delivery, DeliveryState, SendOut, SendOutState

log = logging.getLogger(__name__)

MAX_DOMAINS = 50
OTHER = "other"
# Second-level labels under which country domains register names (example.co.uk).
_SECOND_LEVELS = frozenset({"ac", "co", "com", "edu", "gov", "net", "org", "ne", "or", "go"})

MESSAGES = {
    kind: Counter(
        f"distributor_messages_{kind}_total",
        f"Messages {kind} when handed to the relay, by recipient domain.",
        ["domain"],
    )
    for kind in ("sent", "deferred", "failed")  # the relay's answers; skipped never reach it
}
SEND_SECONDS = Histogram(
    "distributor_send_seconds",
    "Time the relay took to take one message.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
BOUNCES = Counter(
    "distributor_bounces_total",
    "Bounces, complaints and auto-replies taken in (forged and replayed ones aside), by class.",
    ["bounce_class"],
)
HTTP_REQUESTS = Counter(
    "distributor_http_requests_total",
    "Web requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
HTTP_SECONDS = Histogram(
    "distributor_http_request_duration_seconds",
    "Time to answer a web request, by method and route template.",
    ["method", "route"],
)

_domains: set[str] = set()


def domain_label(address_or_domain: str) -> str:
    """The registered domain of an address (example.co.uk for a@mail.news.example.co.uk),
    or "other" once this process has counted `MAX_DOMAINS` others."""
    labels = address_or_domain.rpartition("@")[2].lower().rstrip(".").split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVELS else 2
    domain = ".".join(labels[-keep:])
    if domain not in _domains:
        if len(_domains) >= MAX_DOMAINS:
            return OTHER
        _domains.add(domain)
    return domain


def count_outcome(domain: str, kind: str) -> None:
    """Count one message's outcome at the relay: sent, deferred or failed."""
    if kind in MESSAGES:
        MESSAGES[kind].labels(domain=domain_label(domain)).inc()


def count_bounces(classes: Iterable[BounceClass]) -> None:
    for bounce_class in classes:
        BOUNCES.labels(bounce_class=bounce_class.value).inc()


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    HTTP_SECONDS.labels(method=method, route=route).observe(seconds)


class QueueDepth(Collector):
    """Deliveries still to be sent (queued or deferred) per send-out that is sending, read on scrape."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def collect(self) -> Iterator[Metric]:
        gauge = GaugeMetricFamily(
            "distributor_queue_depth",
            "Deliveries still to be sent (queued or deferred), by send-out that is sending.",
            labels=["sendout"],
        )
        query = (
            select(Delivery.sendout_id, func.count())
            .join(SendOut, SendOut.id == Delivery.sendout_id)
            .where(
                SendOut.state == SendOutState.SENDING,
                Delivery.state.in_((DeliveryState.QUEUED, DeliveryState.DEFERRED)),
            )
            .group_by(Delivery.sendout_id)
        )
        try:
            with Session(self._engine) as session:
                for sendout_id, count in session.execute(query):
                    gauge.add_metric([str(sendout_id)], count)
        except SQLAlchemyError as exc:  # a scrape must answer even while the database is away
            log.warning("queue depth not read: %s", exc.__class__.__name__)
            return
        yield gauge


def serve_process_metrics(folder: Path, engine: Engine | None, host: str, port: int) -> None:
    """Serve, from a background thread, the sum of what every process writing to `folder`
    counted, and with an `engine` the queue depth read through it."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry, str(folder))  # type: ignore[no-untyped-call]
    if engine is not None:
        registry.register(QueueDepth(engine))
    start_http_server(port, addr=host, registry=registry)
