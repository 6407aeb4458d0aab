"""Real `distributor worker` and `distributor beat` processes, on the embedded broker and on Redis."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from celery.result import AsyncResult
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from distributor.config import Settings
from distributor.db import make_engine
from distributor.models import ProcessRole, utcnow
from distributor.observability import ProcessSeen, staffing
from distributor.tasks.app import create_celery_app
from tests.conftest import MigratedTemplates
from tests.environment import process_env
from tests.tasks.conftest import Service, Start, migrated

RESULT_TIMEOUT = 60.0
# Celery's log records look like "[2026-01-01 12:00:00,000: ERROR/MainProcess] …"
PROBLEM_RECORD = re.compile(r"^\[[^\]]*: (WARNING|ERROR|CRITICAL)/", re.MULTILINE)


@pytest.fixture
def client(broker_settings: Settings) -> Iterator[Celery]:
    """The app a web request or CLI command would send tasks with."""
    app = create_celery_app(broker_settings)
    yield app
    app.close()


def wait_for_result(result: AsyncResult[Any], worker: Service) -> object:
    """The task's result, failing early with the worker's output if the worker died."""
    deadline = time.monotonic() + RESULT_TIMEOUT
    while not result.ready():
        worker.assert_running()
        assert time.monotonic() < deadline, f"no result after {RESULT_TIMEOUT}s:\n{worker.output()}"
        time.sleep(0.1)
    return result.get(timeout=1)


def assert_quiet(output: str) -> None:
    assert "Traceback" not in output, output
    assert not PROBLEM_RECORD.search(output), output


def test_worker_answers_ping_and_stops_cleanly(
    start: Start, broker_env: dict[str, str], client: Celery
) -> None:
    with start("worker", "--concurrency", "1", env=broker_env) as worker:
        result = client.send_task("distributor.ping")
        assert wait_for_result(result, worker) == "pong"
        assert worker.stop() == 0
    assert_quiet(worker.output())


def test_task_of_a_killed_worker_process_runs_again(
    start: Start, broker_env: dict[str, str], client: Celery, tmp_path: Path
) -> None:
    marker = tmp_path / "died-once"
    with start("worker", "-c", "1", env=broker_env, preload="tests.tasks.lost_worker") as worker:
        result = client.send_task("tests.die_once", args=[str(marker)])
        assert wait_for_result(result, worker) == "survived"
        assert marker.exists()
        assert worker.stop() == 0


def test_worker_whose_shutdown_hangs_exits_soon_after_its_last_task(
    start: Start, broker_env: dict[str, str], client: Celery
) -> None:
    with start("worker", "-c", "1", env=broker_env, preload="tests.tasks.hung_shutdown") as worker:
        result = client.send_task("distributor.ping")
        assert wait_for_result(result, worker) == "pong"
        assert worker.stop() == 0
    assert "exiting without waiting further" in worker.output()


def test_worker_and_beat_are_seen_alive_while_they_run_and_gone_once_stopped(
    start: Start, broker_env: dict[str, str], broker_settings: Settings
) -> None:
    engine = make_engine(broker_settings.database)
    with (
        start("worker", "-c", "1", env=broker_env) as worker,
        start("beat", env=broker_env) as beat,
    ):
        alive = wait_for_alive(engine, {ProcessRole.WORKER, ProcessRole.BEAT}, worker, beat)
        assert {p.pid for p in alive} == {worker.process.pid, beat.process.pid}
        assert worker.stop() == 0
        assert beat.stop() == 0
    with Session(engine) as session:
        assert staffing(session, utcnow()).processes == []
    engine.dispose()


def wait_for_alive(
    engine: Engine, roles: set[ProcessRole], *services: Service
) -> list[ProcessSeen]:
    """The live processes once one of each of `roles` has written its heartbeat."""
    deadline = time.monotonic() + RESULT_TIMEOUT
    while True:
        with Session(engine) as session:
            seen = staffing(session, utcnow())
        alive = [p for role in roles for p in seen.alive(role)]
        if {p.role for p in alive} == roles:
            return alive
        for service in services:
            service.assert_running()
        assert time.monotonic() < deadline, f"no heartbeat of each of {roles}"
        time.sleep(0.2)


def test_beat_runs_on_embedded_defaults(
    start: Start, tmp_path: Path, migrated_templates: MigratedTemplates
) -> None:
    env = migrated(process_env(tmp_path / "data"), migrated_templates)
    with start("beat", env=env) as beat:
        beat.wait_for_output("beat: Starting...")
        time.sleep(3)
        beat.assert_running()
        assert beat.stop() == 0
    assert_quiet(beat.output())
    assert list((tmp_path / "data").glob("celerybeat-schedule*"))
