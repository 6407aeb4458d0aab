"""Fault tests: a send-out by real processes while a relay, a worker, the broker or the database fails."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy import Engine

from distributor.db import make_engine
from tests.conftest import DUPLICATES, RECOVERY, REQUIRE_SERVERS
from tests.press_office import (  # noqa: F401
    PressOffice,
    office_fixture,
    own_redis_database,
    press_office,
    start,
)
from tests.servers import PostgresCluster, ServerMissing, free_port, postgres_cluster, wait_for_port
from tests.tasks.conftest import Start


@pytest.fixture(autouse=True)
def report_duplicates(request: pytest.FixtureRequest) -> Iterator[None]:
    """Leave the duplicates each fault caused, and how long a killed worker's deliveries
    waited for another, for the summary at the end of the run
    (`pytest_terminal_summary` in tests/conftest.py), which the README's table quotes."""
    yield
    for value in request.node.funcargs.values():
        if isinstance(value, PressOffice):
            request.node.user_properties.append((DUPLICATES, value.duplicates()))
            request.node.user_properties.append((RECOVERY, value.recovery_seconds))


def _missing(message: str) -> NoReturn:
    """Skip a test whose server is not installed, or fail it when CI requires servers."""
    if REQUIRE_SERVERS:
        pytest.fail(f"{message}; DISTRIBUTOR_TEST_REQUIRE_SERVERS=1 forbids skipping")
    pytest.skip(message)


class RestartableRedis:
    """A redis-server of one test on a fixed port, stopped and started again by the test.

    The session's Redis is shared by other tests; this one may go down. Nothing is
    saved to disk, so a restart loses every queued message, as a crash would.
    """

    def __init__(self, binary: str, folder: Path) -> None:
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        """SIGTERM: Redis closes every connection and exits without saving."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def fault_seed() -> int:
    """The seed of a test's random faults; DISTRIBUTOR_TEST_FAULT_SEED=SEED replays a failure."""
    chosen = os.environ.get("DISTRIBUTOR_TEST_FAULT_SEED")
    seed = int(chosen) if chosen else random.SystemRandom().randrange(2**32)
    print(f"fault seed {seed}: replay with DISTRIBUTOR_TEST_FAULT_SEED={seed}")
    return seed


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RestartableRedis]:
    binary = shutil.which("redis-server")
    if binary is None:
        _missing("redis-server not on PATH (apt-get install redis-server)")
    folder = tmp_path / "redis"
    folder.mkdir()
    redis = RestartableRedis(binary, folder)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture
def office_on_own_redis(
    own_redis: RestartableRedis,
    postgres_engine: Engine,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> Iterator[PressOffice]:
    """A press office on PostgreSQL whose broker is `own_redis`."""
    processes: Start = request.getfixturevalue("start")
    with press_office(postgres_engine, own_redis.url, tmp_path / "data", processes) as office:
        yield office


@pytest.fixture
def own_postgres() -> Iterator[PostgresCluster]:
    """A PostgreSQL of one test, which it may stop and start: never the session's shared one."""
    try:
        with postgres_cluster() as cluster:
            yield cluster
    except ServerMissing as exc:
        _missing(str(exc))


@pytest.fixture
def office_on_own_postgres(
    own_postgres: PostgresCluster,
    redis_url: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> Iterator[PressOffice]:
    """A press office on the session's Redis whose database is `own_postgres`."""
    processes: Start = request.getfixturevalue("start")
    engine = make_engine(own_postgres.url)
    try:
        with press_office(
            engine, own_redis_database(redis_url), tmp_path / "data", processes
        ) as office:
            yield office
    finally:
        engine.dispose()
