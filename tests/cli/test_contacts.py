"""`distributor contacts`: add, edit, show, search, subscribe, export through a real process."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import Engine

from distributor.errors import CannotWrite, Conflict, InvalidInput, NotFound
from tests.cli.conftest import Run, last_json


@pytest.fixture
def film(cli: Run) -> Run:
    """The list `film` with Иван (subscribed) and a contact on no list."""
    assert cli("lists", "create", "film").returncode == 0
    added = cli(
        "contacts", "add", '"Иван Иванов" <Ivanov@Gazeta.example>',
        "--outlet", "Газета", "--country", "Russia", "--beats", "кино; film",
        "--field", "attributes.Telegram=@ivan", "--list", "film",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    cli("contacts", "add", "loner@x.example", "--first-name", "=HYPERLINK(1)")
    return cli


def test_add_prints_the_id_and_the_normalized_address(cli: Run) -> None:
    added = last_json(cli("contacts", "add", "Anna@Zeitung.example", "--json"))
    assert added == {"id": 1, "email": "anna@zeitung.example", "lists": []}


def test_add_with_an_unknown_field_is_one_line_naming_the_fields(cli: Run) -> None:
    result = cli("contacts", "add", "a@x.example", "--field", "coutry=FR")
    assert result.returncode == InvalidInput.exit_code
    assert result.stderr.count("\n") == 1
    assert "unknown contact field 'coutry'" in result.stderr


def test_add_twice_is_a_conflict(cli: Run) -> None:
    cli("contacts", "add", "a@x.example")
    result = cli("contacts", "add", "A@X.example")
    assert result.returncode == Conflict.exit_code


def test_show_has_fields_beats_attributes_and_subscriptions(film: Run) -> None:
    shown = last_json(film("contacts", "show", "IVANOV@gazeta.example", "--json"))
    assert (shown["name"], shown["outlet"], shown["country"]) == ("Иван Иванов", "Газета", "RU")
    assert sorted(shown["beats"]) == ["film", "кино"]
    assert shown["attributes"] == {"Telegram": "@ivan"}
    assert [(s["list_slug"], s["status"]) for s in shown["subscriptions"]] == [
        ("film", "subscribed")
    ]
    assert shown["suppressed"] is False


def test_show_prints_markup_in_names_as_text(cli: Run) -> None:
    cli("contacts", "add", "a@x.example", "--first-name", "[bold]Anna[/bold] <b>")
    assert "[bold]Anna[/bold] <b>" in cli("contacts", "show", "a@x.example").stdout


def test_edit_sets_and_clears_fields(film: Run) -> None:
    edited = last_json(
        film(
            "contacts",
            "edit",
            "ivanov@gazeta.example",
            "--set",
            "outlet=",
            "--set",
            "Language=English",
            "--json",
        )
    )
    assert edited["changed"] == {
        "outlet": {"from": "Газета", "to": None},
        "language": {"from": None, "to": "en"},
    }


def test_search_finds_cyrillic_in_any_case(film: Run) -> None:
    found = last_json(film("contacts", "search", "ГАЗЕТ", "--json"))
    assert [c["email"] for c in found["contacts"]] == ["ivanov@gazeta.example"]
    assert found["total"] == 1
    assert last_json(film("contacts", "search", "--list", "film", "--json"))["total"] == 1
    assert last_json(film("contacts", "search", "--country", "FR", "--json"))["total"] == 0


def test_unsubscribe_then_resubscribe_needs_a_reason(film: Run) -> None:
    left = last_json(
        film(
            "contacts",
            "unsubscribe",
            "ivanov@gazeta.example",
            "--all",
            "--reason",
            "asked",
            "--json",
        )
    )
    assert left["unsubscribed"] == ["film"]
    refused = film("contacts", "subscribe", "ivanov@gazeta.example", "--list", "film")
    assert refused.returncode == InvalidInput.exit_code
    assert "needs a reason" in refused.stderr
    back = last_json(
        film(
            "contacts",
            "subscribe",
            "ivanov@gazeta.example",
            "--list",
            "film",
            "--reason",
            "phoned",
            "--json",
        )
    )
    assert (back["outcome"], back["status"]) == ("resubscribed", "subscribed")
    assert isinstance(back["id"], int)


def test_unsubscribe_needs_exactly_one_of_list_and_all(film: Run) -> None:
    result = film("contacts", "unsubscribe", "ivanov@gazeta.example")
    assert result.returncode == InvalidInput.exit_code
    assert "--list SLUG and --all" in result.stderr


def test_delete_removes_the_contact(film: Run) -> None:
    deleted = last_json(film("contacts", "delete", "loner@x.example", "--yes", "--json"))
    assert deleted["email"] == "loner@x.example"
    missing = film("contacts", "show", "loner@x.example")
    assert missing.returncode == NotFound.exit_code


def test_export_of_a_list_in_the_contract_form_writes_csv_to_stdout(film: Run) -> None:
    result = film("contacts", "export", "--list", "film", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["Email"], r["Outlet"], r["Telegram"]) for r in rows] == [
        ("ivanov@gazeta.example", "Газета", "'@ivan")
    ]
    assert "Exported 1 contact(s)" in result.stderr


def test_export_of_everything_to_an_xlsx_file_reads_back(film: Run, tmp_path: Path) -> None:
    out = tmp_path / "press.xlsx"
    summary = last_json(film("contacts", "export", "--out", str(out), "--json"))
    assert (summary["format"], summary["rows"], summary["file"]) == ("xlsx", 2, str(out))
    header, *rows = load_workbook(out).active.iter_rows(values_only=True)
    by_email = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_email["loner@x.example"]["First name"] == "'=HYPERLINK(1)"
    assert by_email["ivanov@gazeta.example"]["Last name"] == "Иванов"
    assert not list(tmp_path.glob(".*partial"))


def test_export_as_json_lines_keeps_values_exact(film: Run, tmp_path: Path) -> None:
    out = tmp_path / "press.jsonl"
    film("contacts", "export", "--format", "jsonl", "--out", str(out))
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {line["email"]: line["first_name"] for line in lines}[
        "loner@x.example"
    ] == "=HYPERLINK(1)"


def test_export_of_xlsx_without_a_file_is_refused(film: Run) -> None:
    result = film("contacts", "export", "--format", "xlsx")
    assert result.returncode == InvalidInput.exit_code
    assert "--out" in result.stderr


def test_a_failed_export_leaves_no_file(film: Run, tmp_path: Path) -> None:
    out = tmp_path / "missing.csv"
    result = film("contacts", "export", "--list", "nope", "--out", str(out))
    assert result.returncode == NotFound.exit_code
    assert list(tmp_path.glob("*missing*")) == []


def test_contacts_work_on_postgresql(run: Run, postgres_engine: Engine) -> None:
    env = {"DISTRIBUTOR_DATABASE_URL": postgres_engine.url.render_as_string(hide_password=False)}
    assert run("db", "upgrade", env=env).returncode == 0
    run("lists", "create", "film", env=env)
    added = last_json(
        run(
            "contacts",
            "add",
            "Иван@gazeta.example",
            "--outlet",
            "Газета",
            "--list",
            "film",
            "--json",
            env=env,
        )
    )
    found = last_json(run("contacts", "search", "газета", "--json", env=env))
    assert [c["id"] for c in found["contacts"]] == [added["id"]]
    exported = run("contacts", "export", "--list", "film", env=env)
    assert "Газета" in exported.stdout


def test_edit_records_an_objection_to_tracking(film: Run) -> None:
    edited = last_json(film("contacts", "edit", "ivanov@gazeta.example", "--no-tracking", "--json"))

    assert edited["changed"] == {"tracking_allowed": {"from": True, "to": False}}


def test_export_into_a_missing_folder_is_one_line_naming_the_path_and_the_fix(
    film: Run, tmp_path: Path
) -> None:
    out = tmp_path / "missing" / "press.csv"
    result = film("contacts", "export", "--out", str(out))
    assert result.returncode == CannotWrite.exit_code
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: --out {out}: the folder {out.parent} does not exist")
    assert "mkdir -p" in result.stderr
