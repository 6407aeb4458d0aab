"""Signing whole messages: one DKIM-Signature per configured key, in front of the message.

Per message there is one canonicalisation and one body hash, shared by the signatures,
and one private-key operation per signature; everything else was done when the
signer was made.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Sequence

from distributor.config import Settings
from distributor.sending.message.dkim.canonical import (
    MessageFormatError,
    relaxed_body,
    split_message,
    with_crlf,
)
from distributor.sending.message.dkim.configured import configured_keys
from distributor.sending.message.dkim.fields import signed_fields
from distributor.sending.message.dkim.signature import Signature


class DkimSigner:
    """Signs messages with one signature per key: usually one; two beside an Ed25519 key or
    while a key is rotated, so that each verifies with its own selector's record."""

    def __init__(self, signatures: Sequence[Signature]) -> None:
        self.signatures = tuple(signatures)

    @classmethod
    def from_settings(cls, settings: Settings) -> DkimSigner | None:
        """The signer the settings ask for (the From address's domain), or None without a key.

        Raises ConfigError naming the setting when a key cannot sign.
        """
        keys = configured_keys(settings)
        if not keys:
            return None
        return cls([Signature(key.selector, key.domain, key.key) for key in keys])

    def sign(self, message: bytes) -> bytes:
        """`message` with its DKIM-Signature fields in front and CRLF line ends throughout
        (bare CRs and LFs made CRLF, as SMTP sends text, so that every verifier reads what
        was signed); MessageFormatError when it has no From field or a header line that is
        not a field."""
        message = with_crlf(message)
        fields, body = split_message(message)
        names, header_data = signed_fields(fields)
        if "from" not in names.split(":"):
            raise MessageFormatError("the message has no From field, which DKIM must sign")
        body_hash = base64.b64encode(hashlib.sha256(relaxed_body(body)).digest()).decode("ascii")
        timestamp = int(time.time())
        signed = [
            signature.field(names, header_data, body_hash, timestamp)
            for signature in self.signatures
        ]
        return b"".join(signed) + message
