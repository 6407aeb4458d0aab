"""`serve` runs the app in uvicorn on the host and port it is given, for `distributor web` to call."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.environment import process_env
from tests.servers import free_port, wait_for_port


def test_serve_answers_on_the_given_port(tmp_path: Path) -> None:
    port = free_port()
    code = f"from distributor.web.server import serve; serve('127.0.0.1', {port})"
    process = subprocess.Popen([sys.executable, "-c", code], env=process_env(tmp_path / "data"))
    try:
        wait_for_port(port)
        response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30)
        assert response.json() == {"status": "ok"}
    finally:
        process.terminate()
        process.wait(timeout=30)
