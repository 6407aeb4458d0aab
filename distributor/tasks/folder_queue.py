"""The embedded broker: kombu's folder queue, with every message file appearing whole.

kombu's filesystem transport creates a message's file, then writes it. A worker that
lists the folder in between takes the empty file, cannot parse it and stops with
"Unrecoverable error: JSONDecodeError". Here a message is written under a name that
consumers skip and renamed into place, which is atomic within one file system.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.json import dumps

# Consumers take only files named "….<queue>.msg".
_PARTIAL = ".part"


class Channel(filesystem.Channel):
    # The signature of kombu's filesystem Channel, which its stubs mark as overriding too.
    def _put(self, queue: str, payload: dict[str, Any], **kwargs: Any) -> None:  # type: ignore[override]
        """Put `payload` onto `queue`: written aside, then renamed into the queue's folder."""
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        path = os.path.join(self.data_folder_out, name)
        try:
            with open(path + _PARTIAL, "wb") as partial:
                partial.write(dumps(payload).encode())
            os.replace(path + _PARTIAL, path)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {path!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
