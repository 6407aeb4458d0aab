"""`distributor releases preview`: the email a journalist would get, written to a folder."""

from __future__ import annotations

import struct
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from distributor.errors import CannotWrite
from tests.cli.conftest import Run, last_json

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _added(cli: Run) -> int:
    return int(last_json(cli("releases", "add", str(EXAMPLES / "release-en.md"), "--json"))["id"])


def test_preview_writes_html_text_and_a_complete_eml(cli: Run, tmp_path: Path) -> None:
    release_id = _added(cli)
    out = tmp_path / "preview"
    result = last_json(
        cli("releases", "preview", str(release_id), "--out", str(out), "--no-screenshots", "--json")
    )
    assert result["id"] == release_id
    assert sorted(Path(f).name for f in result["files"]) == [
        "release.eml",
        "release.html",
        "release.txt",
    ]
    message = message_from_bytes((out / "release.eml").read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    for header in ("From", "To", "Subject", "Date", "Message-ID"):
        assert message[header], header
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None
    assert html is not None
    assert text.get_content() == (out / "release.txt").read_text(encoding="utf-8")
    assert html.get_content() == (out / "release.html").read_text(encoding="utf-8")
    assert "%%distributor:" not in html.get_content()
    assert "http://localhost:8000/unsubscribe/" in html.get_content()


def test_preview_of_an_unknown_release_is_not_found(cli: Run, tmp_path: Path) -> None:
    result = cli("releases", "preview", "404", "--out", str(tmp_path / "out"))
    assert result.returncode == 66
    assert "no release with id or slug '404'" in result.stderr
    assert not (tmp_path / "out").exists()


def _png_width(path: Path) -> int:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return int(struct.unpack(">I", header[16:20])[0])


@pytest.mark.usefixtures("chromium_executable")
def test_preview_screenshots_at_phone_and_desktop_widths(cli: Run, tmp_path: Path) -> None:
    release_id = _added(cli)
    out = tmp_path / "preview"
    result = cli("releases", "preview", str(release_id), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert _png_width(out / "release-375.png") == 375
    assert _png_width(out / "release-1000.png") == 1000


def test_preview_into_a_path_under_a_file_is_one_line_naming_it(cli: Run, tmp_path: Path) -> None:
    release_id = _added(cli)
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder")
    out = blocker / "preview"

    result = cli("releases", "preview", str(release_id), "--out", str(out), "--no-screenshots")

    assert result.returncode == CannotWrite.exit_code
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: --out {out}: {blocker} is a file, not a folder")
