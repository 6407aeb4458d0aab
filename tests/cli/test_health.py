"""`distributor health`: every part checked on its own, a clear verdict, exit 1 on any failure."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.orm import Session

from distributor.config import load_settings
from distributor.db import make_engine
from distributor.models import Release, ReleaseVersion, SendOut, SendOutState
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


def _sendout_in(tmp_path: Path, state: SendOutState) -> int:
    """A send-out in `state`, written straight to the embedded database under tmp_path."""
    settings = load_settings({"DISTRIBUTOR_DATA_DIR": str(tmp_path / "data")})
    engine = make_engine(settings.database)
    with Session(engine) as session:
        release = Release(slug="budget")
        release.versions.append(ReleaseVersion(language="en", title="Budget", body_markdown="."))
        sendout = SendOut(release=release, state=state)
        session.add(sendout)
        session.commit()
        made = sendout.id
    engine.dispose()
    return made


def test_no_worker_is_reported_without_failing_while_nothing_waits(run: Run) -> None:
    run("db", "upgrade")

    checks = _report(run("health", "--json").stdout)["checks"]

    assert isinstance(checks, dict)
    assert checks["workers"] == {
        "ok": True,
        "detail": "none running; send-outs will wait until one starts (`distributor worker`)",
    }


def test_a_sendout_waiting_on_a_worker_fails_health_and_names_the_command(
    run: Run, tmp_path: Path
) -> None:
    run("db", "upgrade")
    waiting = _sendout_in(tmp_path, SendOutState.SENDING)

    result = run("health", "--json")

    assert result.returncode == 1
    checks = _report(result.stdout)["checks"]
    assert isinstance(checks, dict)
    assert checks["workers"] == {
        "ok": False,
        "detail": f"none running, and send-out {waiting} waits on one: start `distributor worker`",
    }
    assert checks["beat"]["ok"] is True


def test_status_of_a_sendout_nobody_sends_says_what_to_start(run: Run, tmp_path: Path) -> None:
    run("db", "upgrade")
    waiting = _sendout_in(tmp_path, SendOutState.SENDING)

    shown = run("sendouts", "status", str(waiting))
    as_json = run("sendouts", "status", str(waiting), "--json")

    assert "warning: no worker is running, so nothing sends it: start `distributor worker`" in (
        " ".join(shown.stdout.split())
    )
    assert json.loads(as_json.stdout)["waiting_on"] == ["worker"]
