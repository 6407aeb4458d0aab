from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.environment import process_env

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """Run `distributor ARGS…` in a real process on embedded defaults under tmp_path."""

    def _run(
        *args: str, env: dict[str, str] | None = None, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        environment = process_env(tmp_path / "data") | (env or {})
        return subprocess.run(
            [sys.executable, "-m", "distributor", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=environment,
            timeout=120,
            check=False,
        )

    return _run


@pytest.fixture
def cli(run: Run) -> Run:
    """`run` on a database already upgraded to the code's schema."""
    upgraded = run("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    return run


def last_json(result: subprocess.CompletedProcess[str]) -> Any:
    """The JSON object a `--json` command prints as its last line."""
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
