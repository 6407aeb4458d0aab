"""The folder transports keep each message unchanged and record its envelope."""

from __future__ import annotations

import json
import mailbox
from pathlib import Path

import pytest

from distributor.config import load_settings
from distributor.errors import TransportError
from distributor.sending.transports.configured import create_transport
from distributor.sending.transports.files import INDEX_NAME, FileTransport, MaildirTransport
from distributor.sending.transports.outcomes import OutcomeKind

MESSAGE = b"From: press@news.example\r\nSubject: Launch\r\n\r\nHello.\r\n"


def index_of(folder: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (folder / INDEX_NAME).read_text().splitlines()]


def test_file_transport_writes_one_unchanged_eml_per_send(tmp_path: Path) -> None:
    with FileTransport(tmp_path / "outbox") as transport:
        result = transport.send("bounces+1@news.example", ["a@x.example", "b@x.example"], MESSAGE)
        transport.send("bounces+2@news.example", ["c@x.example"], MESSAGE)

    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 2
    assert all(path.read_bytes() == MESSAGE for path in files)
    assert {o.kind for o in result.outcomes.values()} == {OutcomeKind.SENT}
    assert list((tmp_path / "outbox").glob(".*")) == []  # no temporary file left behind


def test_file_transport_records_the_envelope_in_the_index(tmp_path: Path) -> None:
    with FileTransport(tmp_path) as transport:
        transport.send("bounces+1@news.example", ["a@x.example", "b@x.example"], MESSAGE)

    [entry] = index_of(tmp_path)
    assert entry["envelope_from"] == "bounces+1@news.example"
    assert entry["recipients"] == ["a@x.example", "b@x.example"]
    assert (tmp_path / str(entry["file"])).read_bytes() == MESSAGE


def test_maildir_transport_delivers_into_new_and_records_the_envelope(tmp_path: Path) -> None:
    with MaildirTransport(tmp_path / "Maildir") as transport:
        transport.send("bounces+1@news.example", ["a@x.example"], MESSAGE)
        transport.send("bounces+2@news.example", ["b@x.example"], MESSAGE)

    box = mailbox.Maildir(tmp_path / "Maildir", create=False)
    assert len(box) == 2
    entries = index_of(tmp_path / "Maildir")
    assert [e["recipients"] for e in entries] == [["a@x.example"], ["b@x.example"]]
    assert all((tmp_path / "Maildir" / str(e["file"])).read_bytes() == MESSAGE for e in entries)


def test_an_unwritable_folder_raises_a_transport_error_naming_it(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")

    with pytest.raises(TransportError, match="not-a-folder"):
        FileTransport(blocker / "outbox").send("s@x.example", ["a@x.example"], MESSAGE)


def test_the_embedded_default_is_a_file_transport_in_the_data_folder(tmp_path: Path) -> None:
    settings = load_settings({"DISTRIBUTOR_DATA_DIR": str(tmp_path)})

    with create_transport(settings) as transport:
        assert transport.check() == f"file folder {tmp_path / 'outbox'}"


def test_a_maildir_url_creates_a_maildir_transport(tmp_path: Path) -> None:
    settings = load_settings({"DISTRIBUTOR_SMTP_URL": f"maildir://{tmp_path / 'mail'}"})

    assert isinstance(create_transport(settings), MaildirTransport)
