"""A press office at work, end to end: a send-out to N journalists, sent by real processes.

`distributor worker` and `distributor beat` run as separate processes on the embedded
broker (with SQLite) or on Redis (with PostgreSQL, a fresh database per test) and send
to an aiosmtpd capture server. Tests poll the database in fresh sessions until the
send-out completes and never assert how long it took. Import the `office` and `start`
fixtures into a conftest or test module to use them.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.contacts.directory import add_contact
from distributor.contacts.lists import create_list
from distributor.contacts.subscriptions import subscribe
from distributor.models import Delivery, DeliveryState, SendOut, SendOutState, utcnow
from distributor.releases.fileformat import read_release_file
from distributor.releases.store import add_release
from distributor.schema import upgrade
from distributor.sending.scheduling.sendouts import Audience, Schedule, create_sendout
from tests.environment import process_env
from tests.smtp_server import CaptureServer, smtp_server
from tests.tasks.conftest import Service, Start, start

__all__ = [
    "IN_FLIGHT",
    "PressOffice",
    "SendOutRun",
    "office_fixture",
    "own_redis_database",
    "press_office",
    "start",
]

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
# Small batches keep the bound on duplicates after a crash tight: a worker process has at
# most one batch handed over but not yet recorded.
BATCH_SIZE = 10
CONCURRENCY = 2
IN_FLIGHT = BATCH_SIZE * CONCURRENCY
DEADLINE = 120.0
POLL = 0.2


@dataclass(frozen=True)
class SendOutRun:
    """A send-out made by `PressOffice.send_out`, with the addresses it goes to."""

    id: int
    emails: list[str]


@dataclass(frozen=True)
class Kill:
    """A worker killed at `at`, while the deliveries `held` were being sent."""

    at: datetime
    held: list[int]


@dataclass
class PressOffice:
    """One test's database, capture server, data folder and the processes started on them."""

    engine: Engine
    broker_url: str  # "" for the embedded folder queue
    capture: CaptureServer
    data_dir: Path
    start: Start
    services: list[tuple[str, Service]] = field(default_factory=list)
    killed: list[Service] = field(default_factory=list)
    kills: list[Kill] = field(default_factory=list)
    # The longest a killed worker's deliveries waited for another; measured at completion.
    recovery_seconds: float | None = None

    def send_out(self, count: int) -> SendOutRun:
        """Store the example release and `count` journalists; create a send-out for now."""
        with Session(self.engine) as session, session.begin():
            release = add_release(session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
            create_list(session, "press", SYSTEM, name="Press desk")
            emails = [f"reporter{number}@news.example" for number in range(count)]
            for number, email in enumerate(emails):
                add_contact(session, {"email": email, "first_name": f"Reporter {number}"}, SYSTEM)
                subscribe(session, email, "press", SYSTEM)
            sendout = create_sendout(
                session, release, Audience(lists=["press"]), Schedule(), actor=SYSTEM
            )
            session.flush()
            return SendOutRun(sendout.id, emails)

    def env(self) -> dict[str, str]:
        """The environment of every process: quick dispatch, short leases, retries and pauses."""
        return process_env(
            self.data_dir,
            database_url=self.engine.url.render_as_string(hide_password=False),
            broker_url=self.broker_url,
            smtp_url=self.capture.url(tls="none"),
            secret_key="test-secret-0123456789abcdef0123456789",
            base_url="https://press.example.org",
            from_address="Ministry Press Office <press@ministry.example>",
            batch_size=str(BATCH_SIZE),
            dispatch_interval="1",
            lease_seconds="5",
            slow_down="5",
            retry_base="1",
        )

    def worker(self) -> AbstractContextManager[Service]:
        return self._started("worker", "--concurrency", str(CONCURRENCY))

    def beat(self) -> AbstractContextManager[Service]:
        return self._started("beat")

    @contextmanager
    def _started(self, *args: str) -> Iterator[Service]:
        with self.start(*args, env=self.env()) as service:
            self.services.append((" ".join(args), service))
            yield service

    def received(self) -> Counter[str]:
        """How many messages each recipient got."""
        return Counter(r for message in self.capture.messages for r in message.recipients)

    def duplicates(self) -> int:
        return sum(count - 1 for count in self.received().values())

    def captured_message_ids(self) -> dict[str, set[str]]:
        """Recipient -> the Message-IDs of the messages the server took for them."""
        parser = BytesHeaderParser(policy=policy.default)
        found: dict[str, set[str]] = {}
        for message in self.capture.messages:
            message_id = str(parser.parsebytes(message.data)["Message-ID"])
            for recipient in message.recipients:
                found.setdefault(recipient, set()).add(message_id)
        return found

    def deliveries(self, sendout: SendOutRun) -> dict[str, Delivery]:
        with Session(self.engine) as session:
            rows = session.scalars(select(Delivery).where(Delivery.sendout_id == sendout.id))
            return {delivery.email: delivery for delivery in rows}

    def states(self, sendout: SendOutRun) -> dict[str, int]:
        """Deliveries per state, read afresh."""
        with Session(self.engine) as session:
            rows = session.execute(
                select(Delivery.state, func.count())
                .where(Delivery.sendout_id == sendout.id)
                .group_by(Delivery.state)
            )
            return {state.value: count for state, count in rows}

    def never_received(self, sendout: SendOutRun) -> list[str]:
        """The journalists the relay never took a message for, each with what their delivery
        says (state, attempts, last error, events): where a lost message went."""
        missing = set(sendout.emails) - set(self.received())
        with Session(self.engine) as session:
            rows = session.scalars(
                select(Delivery).where(
                    Delivery.sendout_id == sendout.id, Delivery.email.in_(missing)
                )
            )
            return [
                f"{d.email}: {d.state.value}, {d.attempts} attempt(s), last error "
                f"{d.last_error!r}, events {[(e.kind.value, e.detail) for e in d.events]}"
                for d in rows
            ]

    def state(self, sendout: SendOutRun) -> SendOutState:
        with Session(self.engine) as session:
            found = session.get(SendOut, sendout.id)
            assert found is not None
            return found.state

    def wait_for(self, what: str, condition: Callable[[], bool], sendout: SendOutRun) -> None:
        """Poll until `condition` holds; fail with the processes' logs and the deliveries."""
        deadline = time.monotonic() + DEADLINE
        while not condition():
            assert time.monotonic() < deadline, self.report(
                f"not {what} after {DEADLINE}s", sendout
            )
            exited = [
                name
                for name, s in self.services
                if s.process.poll() is not None and s not in self.killed
            ]
            assert not exited, self.report(f"not {what}: a process exited", sendout)
            time.sleep(POLL)

    def wait_for_messages(self, count: int, sendout: SendOutRun) -> None:
        """Poll until the relay has taken `count` messages in all."""
        self.wait_for(
            f"{count} messages sent", lambda: len(self.capture.messages) >= count, sendout
        )

    def kill(self, service: Service) -> None:
        """SIGKILL the process and its pool processes, as a machine losing power would."""
        self.killed.append(service)
        os.killpg(service.process.pid, signal.SIGKILL)
        service.process.wait()
        with Session(self.engine) as session:
            held = session.scalars(
                select(Delivery.id).where(Delivery.state == DeliveryState.SENDING)
            ).all()
        self.kills.append(Kill(utcnow(), list(held)))

    def _recovery_seconds(self) -> float | None:
        """The longest time from a kill until another worker had sent what the killed one
        held; None without a kill that held any."""
        waits = []
        with Session(self.engine) as session:
            for kill in self.kills:
                last = session.scalar(
                    select(func.max(Delivery.sent_at)).where(Delivery.id.in_(kill.held))
                )
                if last is not None:
                    waits.append((last - kill.at).total_seconds())
        return max(waits, default=None)

    def wait_until_completed(self, sendout: SendOutRun) -> None:
        self.wait_for("completed", lambda: self.state(sendout) is SendOutState.COMPLETED, sendout)
        self.recovery_seconds = self._recovery_seconds()

    def report(self, headline: str, sendout: SendOutRun) -> str:
        logs = "\n".join(
            f"--- {name} (exit {s.process.poll()}):\n{s.output()}" for name, s in self.services
        )
        return (
            f"send-out {sendout.id} {headline}: {self.state(sendout).value}, "
            f"deliveries {self.states(sendout)}, {len(self.capture.messages)} messages "
            f"captured\n{logs}"
        )


@contextmanager
def press_office(
    engine: Engine, broker_url: str, data_dir: Path, start: Start
) -> Iterator[PressOffice]:
    """A migrated database and a capture server that outlives every process of the test."""
    upgrade(engine)
    with smtp_server() as capture:
        yield PressOffice(engine, broker_url, capture, data_dir, start)


def own_redis_database(redis_url: str) -> str:
    """The database after `redis_url`'s: queues of other tests' workers stay apart."""
    parts = urlsplit(redis_url)
    return parts._replace(path=f"/{int(parts.path.lstrip('/') or 0) + 1}").geturl()


@pytest.fixture(
    name="office",
    params=["embedded", pytest.param("redis", marks=[pytest.mark.redis, pytest.mark.postgres])],
)
def office_fixture(
    request: pytest.FixtureRequest, tmp_path: Path, start: Start
) -> Iterator[PressOffice]:
    """The embedded broker on SQLite, or the session's Redis on a fresh PostgreSQL database."""
    if request.param == "redis":
        engine = request.getfixturevalue("postgres_engine")
        broker_url = own_redis_database(request.getfixturevalue("redis_url"))
    else:
        engine, broker_url = request.getfixturevalue("sqlite_engine"), ""
    with press_office(engine, broker_url, tmp_path / "data", start) as office:
        yield office
