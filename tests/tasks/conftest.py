"""Real worker and beat processes, on the embedded broker and on Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path

import pytest

from distributor.config import Settings, load_settings
from distributor.db import make_engine
from tests.conftest import MigratedTemplates
from tests.environment import process_env

REPOSITORY = Path(__file__).resolve().parents[2]
STOP_TIMEOUT = 30.0


class Service:
    """A `distributor` process started in its own session, with its output in a log file."""

    def __init__(self, process: subprocess.Popen[bytes], log: Path) -> None:
        self.process = process
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def assert_running(self) -> None:
        assert self.process.poll() is None, (
            f"exited with {self.process.returncode}:\n{self.output()}"
        )

    def wait_for_output(self, text: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output():
            self.assert_running()
            assert time.monotonic() < deadline, f"no {text!r} after {timeout}s:\n{self.output()}"
            time.sleep(0.1)

    def stop(self) -> int:
        """SIGTERM the main process, as a supervisor would; kill the whole group if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"did not stop within {STOP_TIMEOUT}s:\n{self.output()}") from None
        finally:
            # neither a hung process nor pool processes orphaned by a crash outlive the test
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


Start = Callable[..., AbstractContextManager[Service]]


@pytest.fixture
def start(tmp_path: Path) -> Start:
    """Start `distributor ARGS…` with an explicit env, after importing `preload` if given."""

    @contextmanager
    def _start(*args: str, env: dict[str, str], preload: str | None = None) -> Iterator[Service]:
        command = ["-m", "distributor"]
        if preload:
            command = ["-c", f"import {preload}; from distributor.cli import main; main()"]
        log = tmp_path / f"{args[0]}-{time.monotonic_ns()}.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [sys.executable, *command, *args],
                cwd=REPOSITORY,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        service = Service(process, log)
        try:
            yield service
        finally:
            service.stop()

    return _start


@pytest.fixture(params=["embedded", pytest.param("redis", marks=pytest.mark.redis)])
def broker_env(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_templates: MigratedTemplates
) -> dict[str, str]:
    """Environment for a process on the embedded folder queue, or on the session's Redis,
    over a migrated embedded database (where processes write their heartbeats)."""
    if request.param == "redis":
        env = process_env(tmp_path / "data", broker_url=request.getfixturevalue("redis_url"))
    else:
        env = process_env(tmp_path / "data")
    return migrated(env, migrated_templates)


def migrated(env: dict[str, str], templates: MigratedTemplates) -> dict[str, str]:
    """`env`, once the database it names has the code's schema."""
    engine = make_engine(load_settings(env).database)
    templates.copy_into(engine)
    engine.dispose()
    return env


@pytest.fixture
def broker_settings(broker_env: dict[str, str]) -> Settings:
    """The settings a process started with `broker_env` reads."""
    return load_settings(broker_env)
