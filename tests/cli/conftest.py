from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """Run `distributor ARGS…` in a real process on embedded defaults under tmp_path."""

    def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("DISTRIBUTOR_")}
        environment["DISTRIBUTOR_DATA_DIR"] = str(tmp_path / "data")
        environment.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "distributor", *args],
            capture_output=True,
            text=True,
            env=environment,
            timeout=120,
            check=False,
        )

    return _run
