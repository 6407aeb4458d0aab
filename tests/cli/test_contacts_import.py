"""`distributor contacts import FILE --list SLUG [--dry-run] [--errors OUT.csv] [--json]`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import Engine

from distributor.contacts.synthetic import write_contacts
from distributor.errors import CannotWrite, InvalidInput, NotFound
from tests.cli.conftest import Run, last_json
from tests.contacts.address_books import GOOGLE, MAILCHIMP_UNSUBSCRIBED, write_export


def test_import_in_the_contract_form_reports_json_and_reimport_changes_nothing(
    cli: Run, tmp_path: Path
) -> None:
    written = write_contacts(
        tmp_path / "press.csv", 300, seed=1, encoding="cp1251", dialect="semicolon"
    )
    cli("lists", "create", "press")
    first = last_json(cli("contacts", "import", str(written.path), "--list", "press", "--json"))
    assert (first["encoding"], first["dialect"], first["format"]) == ("cp1251", "semicolon", "csv")
    assert (first["created"], first["subscribed"]) == (written.distinct, written.distinct)
    assert first["invalid"] == len(first["rejected"]) == written.invalid
    again = last_json(cli("contacts", "import", str(written.path), "--list", "press", "--json"))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, written.distinct)


def test_summary_names_the_counts_for_people(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("Email,Name\na@x.org,Anna\nbroken,Ben\n")
    result = cli("contacts", "import", str(path), "--list", "press", "--create-list")
    assert result.returncode == 0, result.stderr
    assert "created" in result.stdout
    assert "broken" in result.stdout


def test_dry_run_writes_nothing(cli: Run, tmp_path: Path) -> None:
    written = write_contacts(tmp_path / "c.csv", 50, seed=2)
    cli("lists", "create", "press")
    dry = last_json(
        cli("contacts", "import", str(written.path), "--list", "press", "--dry-run", "--json")
    )
    assert (dry["dry_run"], dry["created"]) == (True, written.distinct)
    real = last_json(cli("contacts", "import", str(written.path), "--list", "press", "--json"))
    assert real["created"] == written.distinct


def test_errors_file_lists_every_problem_with_formulas_neutralized(
    cli: Run, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_text('Email,Country\n=HYPERLINK("http://x"),FR\na@x.org,Atlantis\n')
    out = tmp_path / "rejected.csv"
    cli("lists", "create", "press")
    result = cli("contacts", "import", str(path), "--list", "press", "--errors", str(out))
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["kind", "line", "column", "reason", "value"]
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [
        ("rejected", "2", "Email"),
        ("warning", "3", "Country"),
    ]
    assert rows[1][4].startswith("'=HYPERLINK")


def test_missing_list_is_one_line_naming_the_command_to_create_it(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("Email\na@x.org\n")
    result = cli("contacts", "import", str(path), "--list", "press")
    assert result.returncode == NotFound.exit_code
    assert "distributor lists create press" in result.stderr
    assert result.stderr.count("\n") == 1


def test_file_without_email_column_suggests_map(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("Addr,Who\na@x.org,Anna\n")
    cli("lists", "create", "press")
    result = cli("contacts", "import", str(path), "--list", "press")
    assert result.returncode == InvalidInput.exit_code
    assert "--map" in result.stderr
    mapped = cli(
        "contacts", "import", str(path), "--list", "press", "--map", "Addr=email", "--json"
    )
    assert last_json(mapped)["created"] == 1


def test_binary_file_is_refused_in_one_line(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    cli("lists", "create", "press")
    result = cli("contacts", "import", str(path), "--list", "press")
    assert result.returncode == InvalidInput.exit_code
    assert "photo.csv is a PNG image" in result.stderr
    assert "Traceback" not in result.stderr


def test_workbook_sheet_is_chosen_by_name(cli: Run, tmp_path: Path) -> None:
    written = write_contacts(tmp_path / "c.xlsx", 20, seed=3, file_format="xlsx")
    cli("lists", "create", "press")
    report = last_json(
        cli(
            "contacts",
            "import",
            str(written.path),
            "--list",
            "press",
            "--sheet",
            "Contacts",
            "--json",
        )
    )
    assert (report["format"], report["sheet"], report["created"]) == (
        "xlsx",
        "Contacts",
        written.distinct,
    )


def test_import_works_on_postgresql(run: Run, postgres_engine: Engine, tmp_path: Path) -> None:
    env = {"DISTRIBUTOR_DATABASE_URL": postgres_engine.url.render_as_string(hide_password=False)}
    assert run("db", "upgrade", env=env).returncode == 0
    written = write_contacts(tmp_path / "c.csv", 200, seed=4, encoding="utf-16", dialect="tab")
    args = ("contacts", "import", str(written.path), "--list", "press", "--create-list", "--json")
    first = last_json(run(*args, env=env))
    assert (first["encoding"], first["created"]) == ("utf-16", written.distinct)
    assert last_json(run(*args, env=env))["unchanged"] == written.distinct


def test_a_google_contacts_export_is_recognised_and_imported_without_map(
    cli: Run, tmp_path: Path
) -> None:
    rows = [{"First Name": "Inès", "E-mail 1 - Value": "ines@lib.example ::: i@lib.example"}]
    path = write_export(tmp_path, "contacts.csv", GOOGLE, rows)
    result = cli("contacts", "import", str(path), "--list", "press", "--create-list")
    assert result.returncode == 0, result.stderr
    assert "Recognised: Google Contacts export" in result.stdout
    shown = last_json(cli("contacts", "show", "ines@lib.example", "--json"))
    assert shown["alternate_emails"] == ["i@lib.example"]


def test_a_mailchimp_unsubscribed_export_says_it_suppressed_and_subscribed_no_one(
    cli: Run, tmp_path: Path
) -> None:
    rows = [{"Email Address": "gone@x.example"}, {"Email Address": "left@x.example"}]
    path = write_export(tmp_path, "members.csv", MAILCHIMP_UNSUBSCRIBED, rows)
    cli("lists", "create", "press")
    result = cli("contacts", "import", str(path), "--list", "press")
    assert result.returncode == 0, result.stderr
    assert "Recognised: Mailchimp unsubscribed export" in result.stdout
    assert "2 added to the suppression list, none subscribed" in result.stdout
    listed = last_json(cli("suppressions", "list", "--json"))
    assert "gone@x.example" in json.dumps(listed)


def test_a_mailchimp_export_without_its_address_column_fails_naming_it(
    cli: Run, tmp_path: Path
) -> None:
    headers = [h for h in MAILCHIMP_UNSUBSCRIBED if h != "Email Address"]
    path = write_export(tmp_path, "members.csv", headers, [{"First Name": "Gone"}])
    cli("lists", "create", "press")
    result = cli("contacts", "import", str(path), "--list", "press")
    assert result.returncode != 0
    assert "without its 'Email Address' column" in result.stderr


def test_errors_file_in_a_missing_folder_is_refused_before_anything_is_imported(
    cli: Run, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_text("Email\na@x.org\nbroken\n")
    cli("lists", "create", "press")
    out = tmp_path / "missing" / "rejected.csv"

    result = cli("contacts", "import", str(path), "--list", "press", "--errors", str(out))

    assert result.returncode == CannotWrite.exit_code
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: --errors {out}: the folder")
    assert last_json(cli("lists", "show", "press", "--json"))["subscribed"] == 0
