"""`distributor releases`: add, list, show, edit and delete releases from files, in a real process."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Run, last_json

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
ENGLISH = str(EXAMPLES / "release-en.md")


def test_add_prints_the_new_release_id_as_json(cli: Run) -> None:
    added = last_json(cli("releases", "add", ENGLISH, "--json"))
    assert isinstance(added["id"], int)
    assert added["slug"] == "film-grants-2027"
    assert added["title"].startswith("National Film Fund announces")


def test_add_without_json_names_the_release(cli: Run) -> None:
    result = cli("releases", "add", ENGLISH)
    assert result.returncode == 0, result.stderr
    assert "Added release 1 (film-grants-2027)" in result.stdout


def test_invalid_file_is_one_line_naming_file_line_and_field(cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: T\nembargo: 2027-01-05 10:00:00\n---\nBody\n", encoding="utf-8")
    result = cli("releases", "add", str(bad))
    assert result.returncode == 65
    assert result.stderr.strip() == (
        f"error: {bad}:3: embargo: 2027-01-05T10:00:00 has no time zone (naive); write it with "
        "an offset or zone, e.g. 2026-12-01T09:00:00+01:00 or 2026-12-01 09:00 Europe/Paris"
    )
    assert "Traceback" not in result.stderr
    assert last_json(cli("releases", "list", "--json")) == {"releases": []}


def test_missing_file_is_not_found(cli: Run, tmp_path: Path) -> None:
    result = cli("releases", "add", str(tmp_path / "missing.md"))
    assert result.returncode == 66
    assert "does not exist" in result.stderr


def test_list_and_show_report_the_added_releases(cli: Run, tmp_path: Path) -> None:
    english = last_json(cli("releases", "add", ENGLISH, "--json"))
    unslugged = tmp_path / "release-ru.md"
    source = (EXAMPLES / "release-ru.md").read_text(encoding="utf-8")
    unslugged.write_text(source.replace("slug: film-grants-2027\n", ""), encoding="utf-8")
    russian = last_json(cli("releases", "add", str(unslugged), "--json"))
    assert (
        russian["slug"]
        == "natsionalnyy-fond-kino-obyavlyaet-granty-na-proizvodstvo-filmov-2027-goda"
    )
    listed = last_json(cli("releases", "list", "--json"))["releases"]
    assert [r["id"] for r in listed] == [russian["id"], english["id"]]
    shown = last_json(cli("releases", "show", str(russian["id"]), "--json"))
    assert shown["title"].startswith("Национальный фонд кино")
    assert [c["name"] for c in shown["contacts"]] == ["Ольга Смирнова", "Артём Ёлкин"]
    text = cli("releases", "show", english["slug"])
    assert "Claire Dubois" in text.stdout
    assert "The National Film Fund today announced" in text.stdout


def test_edit_replaces_the_release_from_a_new_file(cli: Run, tmp_path: Path) -> None:
    added = last_json(cli("releases", "add", ENGLISH, "--json"))
    revised = tmp_path / "revised.md"
    revised.write_text(
        (EXAMPLES / "release-en.md")
        .read_text(encoding="utf-8")
        .replace("announces €48 million", "announces €50 million"),
        encoding="utf-8",
    )
    edited = last_json(cli("releases", "edit", str(added["id"]), str(revised), "--json"))
    assert edited["id"] == added["id"]
    shown = last_json(cli("releases", "show", str(added["id"]), "--json"))
    assert "€50 million" in shown["title"]


def test_delete_with_yes_removes_the_release(cli: Run) -> None:
    added = last_json(cli("releases", "add", ENGLISH, "--json"))
    deleted = last_json(cli("releases", "delete", str(added["id"]), "--yes", "--json"))
    assert deleted["id"] == added["id"]
    missing = cli("releases", "show", str(added["id"]))
    assert missing.returncode == 66
    assert "releases list" in missing.stderr


def test_delete_without_yes_asks_and_keeps_on_no(cli: Run) -> None:
    added = last_json(cli("releases", "add", ENGLISH, "--json"))
    result = cli("releases", "delete", str(added["id"]))  # stdin is empty: the answer is no
    assert result.returncode != 0
    assert last_json(cli("releases", "show", str(added["id"]), "--json"))["id"] == added["id"]


def test_preview_is_a_releases_command(cli: Run) -> None:
    result = cli("releases", "preview", "--help")
    assert result.returncode == 0, result.stderr
    assert "--out" in result.stdout
