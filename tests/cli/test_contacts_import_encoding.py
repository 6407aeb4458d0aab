"""`distributor contacts import FILE --list SLUG --encoding NAME`, and what the report says
about the encoding and the header row."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from distributor.cli import app
from distributor.config import get_settings
from distributor.db import engine_from_settings
from distributor.errors import InvalidInput
from distributor.models import Contact
from tests.contacts.test_import_encodings import OUTLOOK_ROWS, outlook_export


@pytest.fixture(autouse=True)
def press() -> None:
    """The embedded database with a list `press`."""
    for args in (["db", "upgrade"], ["lists", "create", "press"]):
        assert CliRunner().invoke(app, args).exit_code == 0


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, ["contacts", "import", *args, "--list", "press"])


def reported(*args: str) -> Any:
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output.splitlines()[-1])


def stored_names() -> list[str]:
    engine = engine_from_settings(get_settings())
    try:
        with Session(engine) as session:
            query = select(Contact.first_name, Contact.last_name).order_by(Contact.id)
            return [f"{first} {last}" for first, last in session.execute(query)]
    finally:
        engine.dispose()


def test_an_outlook_export_in_windows_1252_is_stored_with_its_names_intact(
    tmp_path: Path,
) -> None:
    report = reported(str(outlook_export(tmp_path / "outlook.csv")))

    assert (report["encoding"], report["encoding_doubt"], report["created"]) == ("cp1252", None, 5)
    assert stored_names()[:2] == ["Hélène Giraud", "Søren Ærø"]


def test_the_encoding_option_reads_the_file_as_named(tmp_path: Path) -> None:
    report = reported(str(outlook_export(tmp_path / "outlook.csv")), "--encoding", "cp1250")

    assert report["encoding"] == "cp1250"
    assert stored_names()[0] == "Hélčne Giraud"


def test_an_unknown_encoding_is_refused_naming_it_and_nothing_is_imported(
    tmp_path: Path,
) -> None:
    result = invoke(str(outlook_export(tmp_path / "outlook.csv")), "--encoding", "western")

    assert isinstance(result.exception, InvalidInput)
    assert "unknown text encoding 'western'" in str(result.exception)
    assert stored_names() == []


def test_an_uncertain_encoding_is_said_with_both_renderings_and_the_option(
    tmp_path: Path,
) -> None:
    path = outlook_export(tmp_path / "outlook.csv", OUTLOOK_ROWS[:1])

    result = invoke(str(path))

    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "The text encoding is uncertain: read as cp1252 ('Hélène')" in text
    assert "cp1250 reads the file as well ('Hélčne')" in text
    assert "--encoding cp1250" in text
    doubt = reported(str(path), "--dry-run")["encoding_doubt"]
    assert doubt == {
        "chosen": "cp1252",
        "other": "cp1250",
        "sample": "Hélène",
        "other_sample": "Hélčne",
    }


def test_a_file_no_encoding_reads_is_refused_whole_suggesting_the_option(tmp_path: Path) -> None:
    path = tmp_path / "greek.csv"
    text = "Email,Name\nanna@x.example,Anna\nb@x.example,Γιάννης Παπαδόπουλος Κωνσταντίνου\n"
    path.write_bytes(text.encode("cp1253"))

    result = invoke(str(path))

    assert isinstance(result.exception, InvalidInput)
    assert "greek.csv" in str(result.exception)
    assert "--encoding" in str(result.exception)
    assert stored_names() == []


def test_the_report_names_the_header_line_below_title_rows(tmp_path: Path) -> None:
    path = tmp_path / "press.csv"
    path.write_text(
        "Press contacts 2026\n\nE-mail;Full name;Publication\n"
        "anna.schmidt@zeitung.example;Anna Schmidt;Die Zeitung\n"
    )

    result = invoke(str(path))
    report = reported(str(path), "--dry-run")

    assert result.exit_code == 0, result.output
    assert "(csv, utf-8, semicolon, header on line 3)" in " ".join(result.output.split())
    assert (report["header_line"], report["unchanged"]) == (3, 1)
    assert "line 3 was taken as the header row" in report["warnings"][0]["reason"]
    assert stored_names() == ["Anna Schmidt"]
