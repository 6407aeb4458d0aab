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

from distributor.config import Settings
from distributor.tasks.app import create_celery_app
from tests.environment import process_env
from tests.tasks.conftest import Service, Start

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


def test_beat_runs_on_embedded_defaults(start: Start, tmp_path: Path) -> None:
    with start("beat", env=process_env(tmp_path / "data")) as beat:
        beat.wait_for_output("beat: Starting...")
        time.sleep(3)
        beat.assert_running()
        assert beat.stop() == 0
    assert_quiet(beat.output())
    assert list((tmp_path / "data").glob("celerybeat-schedule*"))
