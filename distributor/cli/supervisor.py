"""A small supervisor: `distributor` commands as child processes, restarted when they die.

Each child runs in its own session, so a Ctrl-C in the terminal reaches the supervisor
alone, which then stops the children in order: the ones that take work first, the
worker last, so that its running batches finish. Each line a child writes is passed on
with its name in front, as Procfile runners do.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import IO

SUPERVISOR = "run"  # the name its own lines carry
# A child that dies is started again after a pause that doubles each time, up to the cap,
# and starts over at the first pause once the child has run for a while.
FIRST_PAUSE = 1.0
LONGEST_PAUSE = 30.0
STEADY_AFTER = 60.0
# How long a child may take to stop after SIGTERM before its process group is killed:
# a worker finishes its running batches first.
STOP_TIMEOUT = 60.0
POLL_SECONDS = 0.2


@dataclass(frozen=True)
class ChildSpec:
    """A child: its name, and the `distributor` arguments that start it."""

    name: str
    args: tuple[str, ...]


@dataclass
class Child:
    """A child's running process, and when it may be started again after it died."""

    spec: ChildSpec
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    pause: float = FIRST_PAUSE
    restart_at: float | None = None
    readers: list[threading.Thread] = field(default_factory=list)


class Supervisor:
    """Starts `specs` in order, restarts one that exits, and stops them all on `stop`."""

    def __init__(
        self,
        specs: Sequence[ChildSpec],
        env: dict[str, str] | None = None,
        stop_timeout: float = STOP_TIMEOUT,
    ) -> None:
        self.children = [Child(spec) for spec in specs]
        self.env = env if env is not None else os.environ.copy()
        self.stop_timeout = stop_timeout
        self._stopping = threading.Event()
        self._hurry = threading.Event()
        self._output_lock = threading.Lock()
        self._width = max(len(name) for name in [SUPERVISOR, *(spec.name for spec in specs)])

    def run(self) -> None:
        """Start every child, keep them running until `stop` is called, then stop them."""
        try:
            for child in self.children:
                self._start(child)
            while not self._stopping.wait(POLL_SECONDS):
                for child in self.children:
                    self._tend(child)
        finally:
            self._stop_all()

    def stop(self, why: str = "asked to stop") -> None:
        """Ask `run` to stop the children and return (safe from a signal handler); asked
        again while they stop, stop waiting for them and kill them."""
        if self._stopping.is_set():
            self.say(f"{why} again: stopping everything at once")
            self._hurry.set()
        else:
            self.say(f"{why}: stopping everything (once more to stop at once)")
        self._stopping.set()

    def _start(self, child: Child) -> None:
        child.process = subprocess.Popen(
            [sys.executable, "-m", "distributor", *child.spec.args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        child.started_at = time.monotonic()
        child.restart_at = None
        reader = threading.Thread(
            target=self._pass_on, args=(child.spec.name, child.process.stdout), daemon=True
        )
        reader.start()
        child.readers = [reader]
        self.say(f"started {child.spec.name} (pid {child.process.pid})")

    def _tend(self, child: Child) -> None:
        """Start a child again once its pause after dying is over."""
        assert child.process is not None
        code = child.process.poll()
        if code is None:
            return
        now = time.monotonic()
        if child.restart_at is None:
            if now - child.started_at >= STEADY_AFTER:
                child.pause = FIRST_PAUSE
            child.restart_at = now + child.pause
            self.say(
                f"{child.spec.name} (pid {child.process.pid}) exited with code {code}; "
                f"starting it again in {child.pause:.0f} s"
            )
            child.pause = min(child.pause * 2, LONGEST_PAUSE)
        elif now >= child.restart_at:
            self._start(child)

    def _stop_all(self) -> None:
        """SIGTERM the children, the worker last; kill a group that does not stop in time."""
        for child in sorted(self.children, key=lambda c: c.spec.name == "worker"):
            process = child.process
            if process is None:
                continue
            if process.poll() is None:
                self.say(f"stopping {child.spec.name} (pid {process.pid})")
                process.send_signal(signal.SIGTERM)
                deadline = time.monotonic() + self.stop_timeout
                while process.poll() is None and not self._hurry.is_set():
                    if time.monotonic() > deadline:
                        self.say(f"{child.spec.name} did not stop in {self.stop_timeout:.0f} s")
                        break
                    time.sleep(POLL_SECONDS)
                if process.poll() is None:
                    self.say(f"killing {child.spec.name} (pid {process.pid})")
            with suppress(ProcessLookupError):  # its pool processes, if it left any
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            for reader in child.readers:
                reader.join(timeout=5)

    def say(self, text: str) -> None:
        """A line of the supervisor's own."""
        self._write(SUPERVISOR, text)

    def _pass_on(self, name: str, stream: IO[bytes] | None) -> None:
        if stream is None:
            return
        with stream:
            for raw in stream:
                self._write(name, raw.decode(errors="replace").rstrip("\n"))

    def _write(self, name: str, line: str) -> None:
        with self._output_lock:
            sys.stdout.write(f"{name:<{self._width}} | {line}\n")
            sys.stdout.flush()
