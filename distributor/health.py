"""Health checks of the moving parts, for `distributor health`, compose and operators."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from distributor.config import Settings
from distributor.db import describe, engine_from_settings
from distributor.errors import DistributorError
from distributor.models import Contact, MailingList, ProcessRole, Release, SendOut, utcnow
from distributor.observability import Staffing, staffing
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
    """Check each part independently, so one failure does not hide another; with the
    database, which processes are alive and whether a send-out waits on one that is not."""
    report = HealthReport()
    engine = engine_from_settings(settings)
    try:
        report.checks.append(_check("database", lambda: _database(engine)))
        if report.ok:
            report.counts = _counts(engine)
            with Session(engine) as session:
                seen = staffing(session, utcnow())
            report.checks.extend(_processes(seen, now=utcnow()))
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


# What each role is called in a check, and the command that starts it.
_ROLES = {
    ProcessRole.WORKER: ("workers", "distributor worker"),
    ProcessRole.BEAT: ("beat", "distributor beat"),  # exactly one: it is the clock
}


def _processes(seen: Staffing, now: datetime) -> list[Check]:
    """Workers and beat by their heartbeats: failed where a send-out waits on one."""
    checks = []
    for role, (name, command) in _ROLES.items():
        alive, lost = seen.alive(role), seen.lost(role)
        waiting = next((w.sendout_ids for w in seen.waiting if w.role is role), [])
        if alive:
            detail = f"{len(alive)} running: " + ", ".join(
                f"{p.name} (seen {_ago(p.seen_at, now)})" for p in alive
            )
        elif waiting:
            detail = f"none running, and {_named(waiting)} waits on one: start `{command}`"
        else:
            detail = f"none running; send-outs will wait until one starts (`{command}`)"
        if lost:
            detail += "; lost: " + ", ".join(
                f"{p.name} (last seen {_ago(p.seen_at, now)})" for p in lost
            )
        checks.append(Check(name, bool(alive) or not waiting, detail))
    return checks


def _named(sendout_ids: list[int]) -> str:
    if len(sendout_ids) == 1:
        return f"send-out {sendout_ids[0]}"
    return "send-outs " + ", ".join(str(i) for i in sendout_ids)


def _ago(moment: datetime, now: datetime) -> str:
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago"
