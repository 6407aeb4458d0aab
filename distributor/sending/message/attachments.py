"""A send-out's documents as attachments: asked for per send-out, limited in size, encoded once.

Documents are linked from every email; attaching them is a send-out's choice
(`--attach-documents`, kept in `SendOut.options`), refused when they would make
each message bigger than DISTRIBUTOR_ATTACHMENT_MAX_BYTES. The attachments are
base64-encoded once per send-out; each language's header skeleton then becomes a
multipart/mixed one around its multipart/alternative bodies, so per recipient
nothing about them is done but copying the bytes.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, replace
from typing import Any

from distributor.config import Settings
from distributor.errors import InvalidInput
from distributor.models import MediaFile, MediaKind, Release, SendOut
from distributor.releases import MediaStore, Size
from distributor.sending.message.mime import MessageTemplate

ATTACH_DOCUMENTS = "attach_documents"  # the SendOut.options key


def documents(release: Release) -> list[MediaFile]:
    return [file for file in release.media_files if file.kind is MediaKind.DOCUMENT]


def attachment_options(release: Release, settings: Settings) -> dict[str, Any]:
    """The send-out options that attach `release`'s documents, if they fit the size limit."""
    files = documents(release)
    if not files:
        raise InvalidInput(
            f"--attach-documents: release {release.slug!r} has no documents; list them under "
            "`documents:` in its file, or leave the option out"
        )
    total = sum(file.size for file in files)
    limit = settings.attachment_max_bytes
    if total > limit:
        raise InvalidInput(
            f"--attach-documents: release {release.slug!r}'s documents are {total / 1e6:.1f} MB "
            f"together, over the {limit / 1e6:.1f} MB an email may carry "
            "(DISTRIBUTOR_ATTACHMENT_MAX_BYTES); leave the option out: the email links them"
        )
    return {ATTACH_DOCUMENTS: True}


@dataclass(frozen=True)
class EncodedAttachments:
    """Attachment parts (headers and base64 body), ready to go between any boundaries."""

    parts: tuple[str, ...]

    @classmethod
    def for_sendout(cls, sendout: SendOut, settings: Settings) -> EncodedAttachments | None:
        """The send-out's attachments, or None when it asked for none."""
        if not (sendout.options or {}).get(ATTACH_DOCUMENTS):
            return None
        store = MediaStore.from_settings(settings)
        return cls(
            tuple(
                _part(file, store.path(file.sha256, Size.ORIGINAL).read_bytes())
                for file in documents(sendout.release)
            )
        )

    def wrap(self, template: MessageTemplate) -> MessageTemplate:
        """`template` as multipart/mixed: its alternative bodies first, then the attachments."""
        outer = f"=_{secrets.token_hex(16)}"  # "=_" never occurs in base64 or the bodies' QP
        alternative = f'Content-Type: multipart/alternative; boundary="{template.boundary}"\r\n'
        mixed = f'Content-Type: multipart/mixed; boundary="{outer}"\r\n'
        return replace(
            template,
            head=template.head.replace(alternative, mixed),
            preamble=f"\r\n--{outer}\r\n{alternative}",
            trailer="".join(f"\r\n--{outer}\r\n{part}" for part in self.parts)
            + f"\r\n--{outer}--\r\n",
        )


def _part(file: MediaFile, data: bytes) -> str:
    # Kit names are ASCII letters, digits, dots, dashes and underscores: quoted as they are.
    encoded = base64.encodebytes(data).decode("ascii").replace("\n", "\r\n").removesuffix("\r\n")
    return (
        f'Content-Type: {file.content_type}; name="{file.name}"\r\n'
        f'Content-Disposition: attachment; filename="{file.name}"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n" + encoded
    )
