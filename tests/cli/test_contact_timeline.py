"""`distributor contacts show` with the contact's timeline, and `contacts note`, in real processes."""

from __future__ import annotations

import pytest

from distributor.errors import InvalidInput, NotFound
from tests.cli.conftest import Run, last_json

ANNA = "anna@tageblatt.example"


@pytest.fixture
def anna(cli: Run) -> Run:
    """Anna, on the list `film` and then off it again."""
    assert cli("lists", "create", "film").returncode == 0
    assert cli("contacts", "add", ANNA, "--list", "film").returncode == 0
    left = cli("contacts", "unsubscribe", ANNA, "--list", "film", "--reason", "asked by phone")
    assert left.returncode == 0, left.stderr
    return cli


def test_note_prints_its_id_and_shows_first_in_the_timeline(anna: Run) -> None:
    noted = last_json(anna("contacts", "note", ANNA, "Prefers calls before 10:00", "--json"))
    shown = last_json(anna("contacts", "show", ANNA, "--json"))

    assert noted == {"id": 1, "contact_id": 1, "email": ANNA}
    newest = shown["timeline"][0]
    assert (newest["kind"], newest["detail"]) == ("note", "Prefers calls before 10:00")
    assert newest["actor"].startswith("cli:")


def test_show_json_lists_the_list_changes_newest_first(anna: Run) -> None:
    shown = last_json(anna("contacts", "show", ANNA, "--json"))

    assert [(e["kind"], e["summary"]) for e in shown["timeline"]] == [
        ("list", "Unsubscribed from film"),
        ("list", "Subscribed to film"),
        ("change", "Added as a contact"),
    ]


def test_show_prints_the_timeline_with_notes_as_text(anna: Run) -> None:
    anna("contacts", "note", ANNA, "[bold]call[/bold] her")

    shown = anna("contacts", "show", ANNA, env={"COLUMNS": "200"})  # each row on one line

    assert shown.returncode == 0, shown.stderr
    assert "Timeline" in shown.stdout
    assert "[bold]call[/bold] her" in shown.stdout
    assert "Unsubscribed from film" in shown.stdout


def test_show_limit_cuts_the_timeline(anna: Run) -> None:
    shown = last_json(anna("contacts", "show", ANNA, "--limit", "1", "--json"))
    assert len(shown["timeline"]) == 1


def test_an_empty_note_is_one_line_saying_why(anna: Run) -> None:
    result = anna("contacts", "note", ANNA, "  ")

    assert result.returncode == InvalidInput.exit_code
    assert result.stderr.count("\n") == 1
    assert "needs some text" in result.stderr


def test_a_note_on_an_unknown_contact_is_not_found(anna: Run) -> None:
    result = anna("contacts", "note", "nobody@nowhere.example", "Hello")
    assert result.returncode == NotFound.exit_code
