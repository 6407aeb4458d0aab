"""The embedded broker's folder queue: a message file is only ever seen whole."""

from __future__ import annotations

from pathlib import Path
from queue import Empty

import pytest
from kombu import Connection

from distributor.tasks.app import FOLDER_QUEUE


def _connection(folder: Path) -> Connection:
    options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "control_folder": str(folder / "control"),
    }
    return Connection("filesystem://localhost/", transport=FOLDER_QUEUE, transport_options=options)


def test_a_message_is_put_whole_and_taken_back(tmp_path: Path) -> None:
    with _connection(tmp_path) as connection:
        queue = connection.SimpleQueue("dispatch")
        queue.put({"sendout": 7})

        names = [path.name for path in tmp_path.iterdir() if path.is_file()]
        message = queue.get(timeout=1)

        assert len(names) == 1
        assert names[0].endswith(".dispatch.msg")
        assert message.payload == {"sendout": 7}
        message.ack()
        queue.close()


def test_a_file_still_being_written_is_never_taken(tmp_path: Path) -> None:
    (tmp_path / "1_half.dispatch.msg.part").write_bytes(b'{"bod')
    with _connection(tmp_path) as connection:
        queue = connection.SimpleQueue("dispatch")

        with pytest.raises(Empty):
            queue.get(timeout=0.2)
        queue.close()
