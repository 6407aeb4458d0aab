"""`distributor releases preview`: the email a journalist would get, written to a folder."""

from __future__ import annotations

import struct
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


@pytest.fixture
def loopback_server() -> Iterator[tuple[str, list[str]]]:
    """A web server on loopback, as a service on the previewing machine would be: its address
    and the paths asked of it."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"secret")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.usefixtures("chromium_executable")
def test_preview_screenshots_ask_nothing_of_loopback_addresses_a_release_names(
    cli: Run, tmp_path: Path, loopback_server: tuple[str, list[str]]
) -> None:
    address, asked = loopback_server
    release = tmp_path / "release.md"
    release.write_text(
        "---\ntitle: Grants\n"
        f"images:\n  - url: {address}/metrics.png\n    alt: A chart\n---\n"
        f"Body ![Chart]({address}/admin.png) and ![Other](http://localhost:{address.rsplit(':', 1)[1]}/x.png)\n",
        encoding="utf-8",
    )
    release_id = last_json(cli("releases", "add", str(release), "--json"))["id"]

    result = cli("releases", "preview", str(release_id), "--out", str(tmp_path / "out"))

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "release-375.png").is_file()
    assert asked == []


@pytest.mark.usefixtures("chromium_executable")
def test_preview_screenshots_show_the_media_kit_from_disk_without_asking_the_web_app(
    cli: Run, tmp_path: Path, loopback_server: tuple[str, list[str]]
) -> None:
    from PIL import Image

    address, asked = loopback_server
    Image.new("RGB", (800, 400), (230, 20, 20)).save(tmp_path / "red.png")
    release = tmp_path / "release.md"
    release.write_text(
        "---\ntitle: Grants\nimages:\n  - file: red.png\n    alt: A red square\n---\nBody\n",
        encoding="utf-8",
    )
    release_id = last_json(cli("releases", "add", str(release), "--json"))["id"]

    result = cli(
        "releases",
        "preview",
        str(release_id),
        "--out",
        str(tmp_path / "out"),
        env={"DISTRIBUTOR_BASE_URL": address},
    )

    assert result.returncode == 0, result.stderr
    assert asked == []
    with Image.open(tmp_path / "out" / "release-1000.png") as shot:
        pixels = shot.convert("RGB").getdata()
        red = sum(1 for r, g, b in pixels if r > 200 and g < 60 and b < 60)
    assert red > 10_000


def test_preview_into_a_path_under_a_file_is_one_line_naming_it(cli: Run, tmp_path: Path) -> None:
    release_id = _added(cli)
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder")
    out = blocker / "preview"

    result = cli("releases", "preview", str(release_id), "--out", str(out), "--no-screenshots")

    assert result.returncode == CannotWrite.exit_code
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: --out {out}: {blocker} is a file, not a folder")
