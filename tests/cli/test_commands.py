"""The command line: help everywhere, scriptable JSON, and one-line errors instead of tracebacks."""

from __future__ import annotations

import json

import pytest

from distributor import __version__
from tests.cli.conftest import Run
from tests.servers import free_port

CONTRACT_GROUPS = ["db", "lists", "contacts", "suppressions", "releases", "sendouts", "bounces"]
CONTRACT_COMMANDS = ["demo", "worker", "beat", "web", "health"]


def test_help_lists_every_command_of_the_contract(run: Run) -> None:
    result = run("--help")
    assert result.returncode == 0
    for name in CONTRACT_GROUPS + CONTRACT_COMMANDS:
        assert name in result.stdout


@pytest.mark.parametrize("name", CONTRACT_GROUPS + CONTRACT_COMMANDS)
def test_every_command_explains_itself(run: Run, name: str) -> None:
    result = run(name, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout


def test_version_is_printed(run: Run) -> None:
    result = run("--version")
    assert result.stdout.strip() == f"distributor {__version__}"


def test_db_upgrade_creates_the_schema_then_reports_it_current(run: Run) -> None:
    first = run("db", "upgrade", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout.strip().splitlines()[-1])
    assert report["from"] is None
    assert report["to"]

    status = run("db", "status", "--json")
    assert json.loads(status.stdout.strip().splitlines()[-1])["up_to_date"] is True

    again = run("db", "upgrade")
    assert "already at revision" in again.stdout


def test_status_of_an_empty_database_asks_for_upgrade(run: Run) -> None:
    result = run("db", "status")
    assert result.returncode == 1
    assert "distributor db upgrade" in " ".join(result.stdout.split())  # however it wraps


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DISTRIBUTOR_DATABASE_URL": "mysql://x@y/z"}, "DISTRIBUTOR_DATABASE_URL"),
        ({"DISTRIBUTOR_BROKER_URL": "amqp://x"}, "DISTRIBUTOR_BROKER_URL"),
    ],
)
def test_bad_setting_is_one_line_with_config_exit_code(
    run: Run, env: dict[str, str], expected: str
) -> None:
    result = run("db", "upgrade", env=env)
    assert result.returncode == 78
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: {expected}")


def test_unreachable_database_is_one_line(run: Run) -> None:
    url = f"postgresql://press:s3cret@127.0.0.1:{free_port()}/press"
    result = run("db", "upgrade", env={"DISTRIBUTOR_DATABASE_URL": url})
    assert result.returncode == 69
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert "s3cret" not in result.stderr
