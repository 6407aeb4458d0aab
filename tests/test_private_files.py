"""What distributor writes (the database, the key, the outbox, the bounce spool, media) is
readable by its own user alone, whatever the umask: folders it creates 0700, files 0600."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from distributor.bounces.spool import Spool
from distributor.config import load_settings
from distributor.db import make_engine
from distributor.releases import MediaStore, Size
from distributor.sending.transports.files import FileTransport, MaildirTransport


@pytest.fixture(autouse=True)
def shared_umask() -> Iterator[None]:
    """The umask most systems start processes with: files 0644, folders 0755."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_sqlite_database_its_journal_and_its_new_folders_are_private(tmp_path: Path) -> None:
    database = tmp_path / "var" / "data" / "distributor.sqlite3"
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(text("PRAGMA journal_mode=WAL"))
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
        wal = database.with_name(database.name + "-wal")
        assert _mode(wal) == 0o600
    engine.dispose()
    assert _mode(database) == 0o600
    assert _mode(database.parent) == 0o700
    assert _mode(database.parent.parent) == 0o700


def test_a_folder_that_already_exists_keeps_its_owners_mode(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)

    make_engine(f"sqlite:///{shared / 'distributor.sqlite3'}").dispose()

    assert _mode(shared) == 0o755
    assert _mode(shared / "distributor.sqlite3") == 0o600


def test_the_secret_key_and_its_folder_are_private(tmp_path: Path) -> None:
    settings = load_settings({"DISTRIBUTOR_DATA_DIR": str(tmp_path / "data")})

    settings.signing_key()

    assert _mode(tmp_path / "data") == 0o700
    assert _mode(tmp_path / "data" / "secret.key") == 0o600


@pytest.mark.parametrize("transport", [FileTransport, MaildirTransport])
def test_the_outbox_folders_are_private(
    tmp_path: Path, transport: type[FileTransport | MaildirTransport]
) -> None:
    outbox = tmp_path / "outbox"

    transport(outbox).send("press@office.example", ["anna@paper.example"], b"Subject: x\r\n\r\nx")

    assert all(_mode(folder) == 0o700 for folder in [outbox, *outbox.rglob("*")] if folder.is_dir())


def test_spooled_bounces_and_their_folders_are_private(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")

    stored = spool.put(b"Subject: bounce\r\n\r\nx", "", ["bounces@office.example"])

    assert _mode(stored) == 0o600
    assert {_mode(folder) for folder in (spool.folder, spool.tmp, spool.new, spool.review)} == {
        0o700
    }


def test_media_folders_are_private(tmp_path: Path) -> None:
    store = MediaStore(tmp_path / "media")

    store.put("ab" * 32, Size.ORIGINAL, b"picture")

    stored = store.path("ab" * 32, Size.ORIGINAL)
    assert _mode(stored) == 0o600
    assert {_mode(folder) for folder in stored.parents if tmp_path in folder.parents} == {0o700}
