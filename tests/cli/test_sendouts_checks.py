"""`distributor sendouts create --confirm` and `sendouts preflight`, in a real process."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from sqlalchemy.orm import Session

from distributor.db import make_engine
from distributor.models import SendOut
from tests.cli.conftest import Run, last_json
from tests.sending.dkim_verifiers import write_key

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "release-en.md"
MONDAY_MORNING = "2030-01-07T09:00+01:00"
RELAY = {"DISTRIBUTOR_SMTP_URL": "smtp://127.0.0.1:2525"}  # and no DKIM key: a warning


@pytest.fixture
def office(cli: Run, tmp_path: Path) -> Run:
    """`cli` with the sample release, one whose link leads nowhere, and a list `press`."""
    broken = tmp_path / "broken.md"
    text = EXAMPLE.read_text().replace("slug: film-grants-2027", "slug: broken-link")
    broken.write_text(text + "\nSee [last year](http://localhost:8000/releases/no-such-one).\n")
    for args in (
        ("releases", "add", str(EXAMPLE)),
        ("releases", "add", str(broken)),
        ("lists", "create", "press"),
        ("contacts", "add", "anna@paper.example", "--list", "press"),
    ):
        result = cli(*args)
        assert result.returncode == 0, result.stderr
    return cli


def _create(
    run: Run, release: str, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run(
        "sendouts",
        "create",
        "--release",
        release,
        "--list",
        "press",
        "--at",
        MONDAY_MORNING,
        *extra,
        "--json",
        env=env,
    )


def _stored(tmp_path: Path, sendout_id: int) -> dict[str, Any]:
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'distributor.sqlite3'}")
    try:
        with Session(engine) as session:
            sendout = session.get(SendOut, sendout_id)
            assert sendout is not None
            assert sendout.preflight is not None
            return sendout.preflight
    finally:
        engine.dispose()


def test_create_with_warnings_is_refused_without_confirm(office: Run) -> None:
    refused = _create(office, "film-grants-2027", env=RELAY)
    assert refused.returncode == 65
    assert "dkim.missing" in refused.stderr
    assert "--confirm" in refused.stderr


def test_create_with_confirm_schedules_it_and_stores_the_warnings(
    office: Run, tmp_path: Path
) -> None:
    created = last_json(_create(office, "film-grants-2027", "--confirm", env=RELAY))
    assert created["state"] == "scheduled"
    assert created["preflight"]["confirmed"] is True
    stored = _stored(tmp_path, created["id"])
    assert [finding["code"] for finding in stored["findings"]] == ["dkim.missing"]


def test_create_with_errors_is_refused_even_when_confirmed(office: Run) -> None:
    refused = _create(office, "broken-link", "--confirm")
    assert refused.returncode == 65
    assert "link.broken" in refused.stderr
    assert "cannot go" in refused.stderr


def test_preflight_runs_the_checks_again_and_stores_them(office: Run, tmp_path: Path) -> None:
    created = last_json(_create(office, "film-grants-2027"))
    assert created["preflight"]["findings"] == []
    rerun = office("sendouts", "preflight", str(created["id"]), "--json", env=RELAY)
    result = last_json(rerun)
    assert [f["code"] for f in result["preflight"]["findings"]] == ["dkim.missing"]
    assert _stored(tmp_path, created["id"]) == result["preflight"]


def test_preflight_exits_with_1_when_it_finds_errors(office: Run, tmp_path: Path) -> None:
    created = last_json(_create(office, "film-grants-2027"))
    bad_key = tmp_path / "bad-key.pem"
    bad_key.write_text("not a key\n")
    env = RELAY | {"DISTRIBUTOR_DKIM_SELECTOR": "press", "DISTRIBUTOR_DKIM_KEY_FILE": str(bad_key)}
    rerun = office("sendouts", "preflight", str(created["id"]), env=env)
    assert rerun.returncode == 1, rerun.stderr
    assert "dkim.key" in rerun.stdout


def test_dkim_records_prints_the_record_of_each_selector(run: Run, tmp_path: Path) -> None:
    first = write_key(rsa.generate_private_key(65537, 2048), tmp_path / "rsa.pem")
    second = write_key(ed25519.Ed25519PrivateKey.generate(), tmp_path / "ed25519.pem")
    env = {
        "DISTRIBUTOR_FROM": "Press Office <press@ministry.example>",
        "DISTRIBUTOR_DKIM_SELECTOR": "s2026",
        "DISTRIBUTOR_DKIM_KEY_FILE": str(first.file),
        "DISTRIBUTOR_DKIM_SECOND_SELECTOR": "ed2026",
        "DISTRIBUTOR_DKIM_SECOND_KEY_FILE": str(second.file),
    }
    printed = run("sendouts", "dkim-records", env=env)
    assert printed.stdout.splitlines() == [
        f's2026._domainkey.ministry.example TXT "{first.record}"',
        f'ed2026._domainkey.ministry.example TXT "{second.record}"',
    ]
    records = last_json(run("sendouts", "dkim-records", "--json", env=env))["records"]
    assert records[1] == {
        "name": "ed2026._domainkey.ministry.example",
        "type": "TXT",
        "value": second.record,
    }


def test_dkim_records_without_a_key_says_which_settings_to_set(run: Run) -> None:
    refused = run("sendouts", "dkim-records")
    assert refused.returncode == 78
    assert "set DISTRIBUTOR_DKIM_SELECTOR and DISTRIBUTOR_DKIM_KEY_FILE" in refused.stderr


def test_worker_with_a_key_that_cannot_sign_stops_at_start_naming_the_setting(
    run: Run, tmp_path: Path
) -> None:
    public = tmp_path / "public.pem"
    public.write_text("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n")
    env = {"DISTRIBUTOR_DKIM_SELECTOR": "s1", "DISTRIBUTOR_DKIM_KEY_FILE": str(public)}
    refused = run("worker", env=env)
    assert refused.returncode == 78
    assert "DISTRIBUTOR_DKIM_KEY_FILE: the file holds a public key" in refused.stderr
