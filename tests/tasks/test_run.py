"""`distributor run`: the web app, a worker and beat as children, kept running, stopped together."""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from distributor.config import Settings
from distributor.db import make_engine
from distributor.models import ProcessRole, utcnow
from distributor.observability import ProcessSeen, staffing
from tests.servers import free_port
from tests.tasks.conftest import Service, Start

ROLES = {ProcessRole.WORKER, ProcessRole.BEAT}
TIMEOUT = 60.0


def started(service: Service) -> dict[str, int]:
    """The pid of each child the supervisor says it started, the latest of each name."""
    return {n: int(p) for n, p in re.findall(r"started (\w+) \(pid (\d+)\)", service.output())}


def alive(engine: Engine) -> list[ProcessSeen]:
    with Session(engine) as session:
        seen = staffing(session, utcnow())
    return [p for role in ROLES for p in seen.alive(role)]


def wait_until(what: str, done: Callable[[], bool], service: Service) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not done():
        service.assert_running()
        assert time.monotonic() < deadline, f"not {what} after {TIMEOUT}s:\n{service.output()}"
        time.sleep(0.2)


def answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


@pytest.fixture
def engine(broker_settings: Settings) -> Iterator[Engine]:
    made = make_engine(broker_settings.database)
    yield made
    made.dispose()


@pytest.mark.parametrize("broker_env", ["embedded"], indirect=True)
def test_run_starts_the_web_app_a_worker_and_beat_and_ctrl_c_stops_them_all(
    start: Start, broker_env: dict[str, str], engine: Engine
) -> None:
    port = free_port()
    with start("run", "--port", str(port), "-c", "1", env=broker_env) as run:
        wait_until("serving", lambda: answers(port), run)
        wait_until("beating", lambda: {p.role for p in alive(engine)} == ROLES, run)
        children = started(run)
        assert set(children) == {"web", "worker", "beat"}

        run.process.send_signal(signal.SIGINT)
        assert run.process.wait(timeout=TIMEOUT) == 0

    for pid in children.values():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # reaped by run: gone, not a zombie
    assert alive(engine) == []


@pytest.mark.parametrize("broker_env", ["embedded"], indirect=True)
def test_a_child_that_dies_is_started_again(
    start: Start, broker_env: dict[str, str], engine: Engine
) -> None:
    port = free_port()
    with start("run", "--port", str(port), "-c", "1", env=broker_env) as run:
        wait_until("beating", lambda: {p.role for p in alive(engine)} == ROLES, run)
        killed = started(run)["worker"]

        os.killpg(killed, signal.SIGKILL)

        wait_until("restarted", lambda: started(run)["worker"] != killed, run)
        assert f"worker (pid {killed}) exited with code -9; starting it again in 1 s" in (
            run.output()
        )
        restarted = started(run)["worker"]
        wait_until("beating again", lambda: restarted in {p.pid for p in alive(engine)}, run)
        assert run.stop() == 0
