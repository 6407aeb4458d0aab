"""Health checks of the moving parts, for `distributor health`, compose and operators."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select

from distributor.config import Settings
from distributor.db import describe, engine_from_settings
from distributor.errors import DistributorError
from distributor.models import Contact, MailingList, Release, SendOut
from distributor.schema import require_current
from distributor.sending import create_transport
from distributor.tasks import check_broker


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class HealthReport:
    checks: list[Check] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in self.checks},
            "counts": self.counts,
        }


def run_checks(settings: Settings) -> HealthReport:
    """Check each part independently, so one failure does not hide another."""
    report = HealthReport()
    engine = engine_from_settings(settings)
    try:
        report.checks.append(_check("database", lambda: _database(engine)))
        if report.ok:
            report.counts = _counts(engine)
    finally:
        engine.dispose()
    report.checks.append(_check("broker", lambda: check_broker(settings)))
    report.checks.append(_check("transport", lambda: _transport(settings)))
    return report


def _check(name: str, probe: Callable[[], str]) -> Check:
    try:
        return Check(name, True, probe())
    except DistributorError as exc:
        return Check(name, False, str(exc))


def _database(engine: Engine) -> str:
    require_current(engine)
    return f"{describe(engine.url)} (schema current)"


def _counts(engine: Engine) -> dict[str, int]:
    tables = {"contacts": Contact, "lists": MailingList, "releases": Release, "send-outs": SendOut}
    with engine.connect() as connection:
        return {
            name: connection.scalar(select(func.count()).select_from(model)) or 0
            for name, model in tables.items()
        }


def _transport(settings: Settings) -> str:
    """Connect the way sending does (fail-over, TLS, AUTH), or check the folder is writable."""
    with create_transport(settings) as transport:
        return transport.check()
