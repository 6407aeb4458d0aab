"""The everyday commands start at once: each imports what it uses, never the servers, the
templates or the spreadsheets of the others. What a command imported is read from the process
that ran it, so a new import at the top of a module shows here, whatever the machine's speed."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

from distributor.cli import _COMMANDS, load_command
from tests.cli.conftest import Run, last_json
from tests.environment import process_env

RELEASE = str(Path(__file__).resolve().parents[2] / "docs" / "examples" / "release-en.md")
# What the web app, the worker, rendering, sending, imports and migrations bring in.
HEAVY = (
    "PIL",
    "alembic",
    "babel",
    "celery",
    "cssutils",
    "dkim",
    "fastapi",
    "jinja2",
    "openpyxl",
    "playwright",
    "premailer",
    "redis",
    "uvicorn",
    "vobject",
    "yaml",
)
# What a command that reads nothing from the database has no use for either.
DATABASE = ("distributor.config", "pydantic", "sqlalchemy")

# Runs the command in this process, then names the modules it imported from `watched`.
_PROBE = """
import json, sys
from distributor.cli import main
watched, sys.argv = json.loads(sys.argv[1]), ["distributor", *sys.argv[2:]]
try:
    main()
finally:
    print(json.dumps(sorted(name for name in watched if name in sys.modules)))
"""


def _imported(data: Path, *args: str, watched: tuple[str, ...] = HEAVY) -> list[str]:
    """Which of `watched` the command `distributor ARGS…` imported; it must succeed."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(watched), *args],
        capture_output=True,
        text=True,
        env=process_env(data),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_help_lists_the_commands_without_importing_them_or_the_settings(tmp_path: Path) -> None:
    assert _imported(tmp_path, "--help", watched=HEAVY + DATABASE) == []


def test_version_imports_neither_commands_nor_settings(tmp_path: Path) -> None:
    assert _imported(tmp_path, "--version", watched=HEAVY + DATABASE) == []


def test_listing_lists_imports_no_server_template_or_migration_library(
    cli: Run, tmp_path: Path
) -> None:
    assert cli("lists", "create", "culture-desk").returncode == 0

    assert _imported(tmp_path / "data", "lists", "list") == []


def test_searching_contacts_imports_no_spreadsheet_or_vcard_library(
    cli: Run, tmp_path: Path
) -> None:
    assert cli("contacts", "add", "anna.weber@zeitung.example").returncode == 0

    assert _imported(tmp_path / "data", "contacts", "search", "weber") == []


def test_sendout_status_imports_neither_the_checks_nor_the_pipeline_nor_the_broker(
    cli: Run, tmp_path: Path
) -> None:
    for args in (
        ("releases", "add", RELEASE),
        ("lists", "create", "culture-desk"),
        ("contacts", "add", "anna.weber@zeitung.example", "--list", "culture-desk"),
    ):
        assert cli(*args).returncode == 0
    created = cli(
        "sendouts",
        "create",
        "--release",
        "film-grants-2027",
        "--list",
        "culture-desk",
        "--at",
        "2030-01-07T09:00+01:00",
        "--json",
    )
    sendout_id = str(last_json(created)["id"])

    assert _imported(tmp_path / "data", "sendouts", "status", sendout_id) == []


@pytest.mark.parametrize("name", list(_COMMANDS))
def test_help_summary_is_the_first_paragraph_of_the_commands_own_help(name: str) -> None:
    first = inspect.cleandoc(load_command(name).help or "").split("\n\n")[0]
    assert " ".join(first.split()) == _COMMANDS[name].summary
