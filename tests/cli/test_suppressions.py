"""`distributor suppressions`: add, list, remove, import through a real process."""

from __future__ import annotations

from pathlib import Path

from distributor.errors import InvalidInput, NotFound
from tests.cli.conftest import Run, last_json


def test_add_maps_free_text_to_a_manual_entry_with_a_note(cli: Run) -> None:
    added = last_json(cli("suppressions", "add", "Anna@Paper.example", "--reason", "asked by phone", "--json"))  # fmt: skip
    assert (added["email"], added["reason"], added["note"], added["new"]) == (
        "anna@paper.example",
        "manual",
        "asked by phone",
        True,
    )
    assert added["id"] == 1


def test_list_shows_reasons_and_sources(cli: Run) -> None:
    cli("suppressions", "add", "anna@paper.example", "--reason", "hard_bounce")
    listed = last_json(cli("suppressions", "list", "--json"))
    assert listed["total"] == 1
    [entry] = listed["suppressions"]
    assert (entry["reason"], entry["channel"], entry["source"]) == (
        "hard_bounce",
        "admin",
        entry["source"],
    )
    table = cli("suppressions", "list", "--reason", "hard_bounce")
    assert "anna@paper.example" in table.stdout
    assert "hard_bounce" in table.stdout


def test_remove_needs_a_reason_and_then_lets_mail_through(cli: Run) -> None:
    cli("suppressions", "add", "anna@paper.example", "--reason", "complaint")
    blank = cli("suppressions", "remove", "anna@paper.example", "--reason", " ")
    assert blank.returncode == InvalidInput.exit_code
    removed = last_json(cli("suppressions", "remove", "anna@paper.example", "--reason", "she asked", "--json"))  # fmt: skip
    assert removed["removed"] is True
    again = cli("suppressions", "remove", "anna@paper.example", "--reason", "she asked")
    assert again.returncode == NotFound.exit_code
    assert last_json(cli("suppressions", "list", "--json"))["total"] == 0


def test_import_of_a_provider_export_reports_counts_and_bad_lines(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "mailchimp.csv"
    path.write_text('"Email Address","First Name"\nanna@paper.example,Anna\nnot-an-address,X\nanna@paper.example,Anna\n')  # fmt: skip
    outcome = last_json(cli("suppressions", "import", str(path), "--reason", "unsubscribed", "--json"))  # fmt: skip
    assert (outcome["added"], outcome["already"], outcome["invalid"]) == (1, 1, 1)
    assert outcome["rejected"][0]["line"] == 3
    [entry] = last_json(cli("suppressions", "list", "--json"))["suppressions"]
    assert (entry["reason"], entry["channel"]) == ("unsubscribed", "import")
