"""Real PostgreSQL and Redis servers for the test session, started from binaries on PATH.

Like pytest-postgresql and pytest-redis: each server starts once per session on
a free loopback port in a temporary folder and is stopped afterwards. When
DISTRIBUTOR_TEST_POSTGRES_URL or DISTRIBUTOR_TEST_REDIS_URL names a running
server (as .ci/run does), that one is used instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class ServerMissing(RuntimeError):
    """The binaries for a server are not on this machine."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def _as_postgres_user() -> list[str]:
    """PostgreSQL refuses to run as root: run its binaries as `postgres` then."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yield the URL of a throw-away PostgreSQL server."""
    if url := os.environ.get("DISTRIBUTOR_TEST_POSTGRES_URL"):
        yield url
        return
    missing = [b for b in ("initdb", "pg_ctl") if shutil.which(b) is None]
    if missing:
        raise ServerMissing(f"PostgreSQL binaries not on PATH: {', '.join(missing)}")
    folder = Path(tempfile.mkdtemp(prefix="distributor-pg-"))
    data = folder / "data"
    data.mkdir()
    sudo = _as_postgres_user()
    if sudo:
        shutil.chown(folder, "postgres")
        shutil.chown(data, "postgres")
    port = free_port()
    subprocess.run(
        [*sudo, "initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*sudo, "pg_ctl", "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*sudo, "pg_ctl", "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def redis_server() -> Iterator[str]:
    """Yield the URL of a throw-away Redis server."""
    if url := os.environ.get("DISTRIBUTOR_TEST_REDIS_URL"):
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        raise ServerMissing("redis-server not on PATH (apt-get install redis-server)")
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="distributor-redis-"))
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
