"""`distributor web` runs the app in uvicorn on the host and port it is given."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.environment import process_env
from tests.servers import free_port, wait_for_port


def test_distributor_web_answers_on_the_given_port(tmp_path: Path) -> None:
    env = process_env(tmp_path / "data")
    subprocess.run([sys.executable, "-m", "distributor", "db", "upgrade"], env=env, check=True)
    port = free_port()
    command = [sys.executable, "-m", "distributor", "web", "--port", str(port)]
    process = subprocess.Popen(command, env=env)
    try:
        wait_for_port(port)
        response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30)
        assert response.json() == {"status": "ok"}
    finally:
        process.terminate()
        process.wait(timeout=30)
