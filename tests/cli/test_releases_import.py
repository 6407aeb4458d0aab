"""`distributor releases import`: a document turned into a release file to review, no database."""

# ruff: noqa: RUF001 - a dateline as releases write it

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from distributor.cli import app
from distributor.errors import CannotWrite, InvalidInput
from distributor.releases import read_release_file
from tests.cli.conftest import Run
from tests.releases.importing_documents import LIBRARIES_TEXT, word_release


def _import(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["releases", "import", *args])
    return result.exit_code, result.stdout, result.stderr


def test_import_writes_the_release_file_and_its_pictures_beside_it(tmp_path: Path) -> None:
    document = word_release(tmp_path)
    out = tmp_path / "review" / "ferries.md"

    code, output, _ = _import(str(document), "--out", str(out))

    assert code == 0
    assert "Title: Harbour ferry line 7 goes electric" in output
    assert "2 quotes attributed to Lena Vogt, Jonas Berg" in output
    assert "Contact block found: Mira Sommer" in output
    release = read_release_file(out)
    assert release.images[0].file == "ferries-image-1.png"
    assert (out.parent / "ferries-image-1.png").is_file()


def test_import_without_out_prints_the_release_and_reports_on_stderr(tmp_path: Path) -> None:
    pasted = tmp_path / "pasted.txt"
    pasted.write_text(LIBRARIES_TEXT, encoding="utf-8")

    code, output, report = _import(str(pasted))

    assert code == 0
    assert output.startswith("---\ntitle: City of Berlin opens 40 new public libraries by 2028\n")
    assert "3 quotes attributed to Anna Schmidt, Pierre Martin, Olga Ivanova" in report


def test_import_json_lists_what_was_recognised_and_what_to_check(tmp_path: Path) -> None:
    pasted = tmp_path / "pasted.txt"
    pasted.write_text(LIBRARIES_TEXT, encoding="utf-8")
    out = tmp_path / "berlin.md"

    code, output, _ = _import(str(pasted), "--out", str(out), "--json")

    summary = json.loads(output.strip().splitlines()[-1])
    assert code == 0
    assert summary["out"] == str(out)
    assert summary["title"] == "City of Berlin opens 40 new public libraries by 2028"
    assert (
        "Dateline: Berlin, 2027-02-03 (from “BERLIN, 3 February 2027 –”)" in summary["recognised"]
    )
    assert summary["checks"] == []
    assert "text" not in summary


def test_import_of_a_bad_document_writes_nothing(tmp_path: Path) -> None:
    document = tmp_path / "ferries.docx"
    document.write_bytes(b"PK\x03\x04 not really a zip")
    out = tmp_path / "ferries.md"

    result = CliRunner().invoke(app, ["releases", "import", str(document), "--out", str(out)])

    assert isinstance(result.exception, InvalidInput)
    assert str(result.exception).startswith(f"{document} is not a Word document")
    assert not out.exists()


def test_a_bad_document_is_one_line_without_a_traceback(run: Run, tmp_path: Path) -> None:
    document = tmp_path / "ferries.docx"
    document.write_bytes(b"")

    result = run("releases", "import", str(document))

    assert result.returncode == 65
    assert result.stderr == f"error: {document} is empty; choose the file that holds the release\n"


def test_out_under_a_file_is_one_line_naming_it(run: Run, tmp_path: Path) -> None:
    document = word_release(tmp_path)
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder")
    out = blocker / "ferries.md"

    result = run("releases", "import", str(document), "--out", str(out))

    assert result.returncode == CannotWrite.exit_code
    assert result.stderr.startswith(f"error: --out {out}: {blocker} is a file, not a folder")
    assert result.stderr.count("\n") == 1
