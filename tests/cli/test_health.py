"""`distributor health`: every part checked on its own, a clear verdict, exit 1 on any failure."""

from __future__ import annotations

import json

from tests.cli.conftest import Run
from tests.servers import free_port


def _report(output: str) -> dict[str, object]:
    report: dict[str, object] = json.loads(output.strip().splitlines()[-1])
    return report


def test_migrated_embedded_system_is_healthy_and_empty(run: Run) -> None:
    run("db", "upgrade")

    result = run("health", "--json")

    assert result.returncode == 0, result.stdout
    report = _report(result.stdout)
    assert report["ok"] is True
    assert report["counts"] == {"contacts": 0, "lists": 0, "releases": 0, "send-outs": 0}


def test_unmigrated_database_fails_and_says_what_to_do(run: Run) -> None:
    result = run("health")
    assert result.returncode == 1
    assert "distributor db upgrade" in " ".join(result.stdout.split())


def test_each_unreachable_server_is_reported_separately(run: Run) -> None:
    run("db", "upgrade")
    env = {
        "DISTRIBUTOR_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0",
        "DISTRIBUTOR_SMTP_URL": f"smtp://127.0.0.1:{free_port()}",
    }

    result = run("health", "--json", env=env)

    assert result.returncode == 1
    checks = _report(result.stdout)["checks"]
    assert isinstance(checks, dict)
    assert checks["database"]["ok"] is True
    assert checks["broker"]["ok"] is False
    assert "DISTRIBUTOR_BROKER_URL" in checks["broker"]["detail"]
    assert checks["transport"]["ok"] is False
    assert "DISTRIBUTOR_SMTP_URL" in checks["transport"]["detail"]
