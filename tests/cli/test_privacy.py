"""`distributor contacts consent | export-data | erase` through a real process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from distributor.errors import CannotWrite, InvalidInput
from distributor.models import email_hash
from tests.cli.conftest import Run, last_json

ANNA = "anna@paper.example"


@pytest.fixture
def anna(cli: Run) -> Run:
    cli("lists", "create", "film")
    added = cli("contacts", "add", ANNA, "--beats", "film", "--list", "film")
    assert added.returncode == 0, added.stderr
    return cli


def test_consent_is_recorded_with_record_and_time(anna: Run) -> None:
    recorded = last_json(anna("contacts", "consent", ANNA, "--basis", "consent", "--record", "signed up at the fair", "--at", "2026-03-01T09:00+01:00", "--json"))  # fmt: skip
    assert (recorded["legal_basis"], recorded["consent_at"]) == (
        "consent",
        "2026-03-01T08:00:00+00:00",
    )


def test_consent_with_a_bad_time_is_one_line(anna: Run) -> None:
    result = anna(
        "contacts", "consent", ANNA, "--basis", "consent", "--record", "x", "--at", "yesterday"
    )
    assert result.returncode == InvalidInput.exit_code
    assert result.stderr.startswith("error: --at: 'yesterday' is not a date")


def test_export_data_writes_everything_to_a_file(anna: Run, tmp_path: Path) -> None:
    out = tmp_path / "anna.json"
    assert anna("contacts", "export-data", ANNA, "--out", str(out)).returncode == 0
    document = json.loads(out.read_text())
    assert document["contact"]["beats"] == ["film"]
    assert [s["list"] for s in document["subscriptions"]] == ["film"]


def test_erase_without_yes_asks_and_keeps_the_contact_when_refused(anna: Run) -> None:
    assert anna("contacts", "erase", ANNA, "--reason", "asked").returncode == 1
    assert last_json(anna("contacts", "export-data", ANNA))["contact"] is not None


def test_erased_address_is_suppressed_and_never_added_again(anna: Run) -> None:
    erased = last_json(anna("contacts", "erase", ANNA, "--reason", "asked by email", "--yes", "--json"))  # fmt: skip
    assert (erased["email_hash"], erased["suppression"]) == (email_hash(ANNA), "added")
    listed = last_json(anna("suppressions", "list", "--search", ANNA, "--json"))
    assert [(e["email"], e["reason"]) for e in listed["suppressions"]] == [(None, "erased")]
    readded = anna("contacts", "add", ANNA, "--list", "film")
    assert "suppress" in (readded.stdout + readded.stderr).lower()


def test_privacy_works_on_postgresql(run: Run, postgres_engine: Engine) -> None:
    env = {"DISTRIBUTOR_DATABASE_URL": postgres_engine.url.render_as_string(hide_password=False)}
    assert run("db", "upgrade", env=env).returncode == 0
    run("contacts", "add", ANNA, env=env)
    assert last_json(run("contacts", "export-data", ANNA, env=env))["email"] == ANNA
    assert last_json(run("contacts", "erase", ANNA, "--reason", "asked", "--yes", "--json", env=env))["id"] == 1  # fmt: skip


def test_export_data_into_a_missing_folder_is_refused_before_it_is_audited(
    anna: Run, tmp_path: Path
) -> None:
    out = tmp_path / "missing" / "anna.json"
    result = anna("contacts", "export-data", ANNA, "--out", str(out))
    assert result.returncode == CannotWrite.exit_code
    assert result.stderr.startswith(f"error: --out {out}: the folder")
