"""DKIM signing of built messages with dkimpy: rsa-sha256, relaxed/relaxed.

The signed headers include List-Unsubscribe and List-Unsubscribe-Post, as Gmail
and Yahoo require for one-click unsubscribe: a relay cannot swap the link
without breaking the signature.
"""

from __future__ import annotations

from email.utils import parseaddr

import dkim

from distributor.config import Settings
from distributor.errors import ConfigError

SIGNED_HEADERS = (
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Feedback-ID",
    "MIME-Version",
    "Content-Type",
    "Reply-To",
)


class DkimSigner:
    """Signs messages for one domain with one selector's private key (PEM, PKCS#1 or PKCS#8)."""

    def __init__(self, selector: str, domain: str, private_key_pem: bytes) -> None:
        self.selector = selector.encode("ascii")
        self.domain = domain.encode("ascii")
        self.private_key = private_key_pem
        # Fail at start, not on the first message: a key dkimpy cannot read is a setting error.
        try:
            self.sign(b"From: check@" + self.domain + b"\r\n\r\n")
        except dkim.DKIMException as exc:
            raise ConfigError(
                f"DISTRIBUTOR_DKIM_KEY_FILE: cannot sign with this key ({exc})"
            ) from None

    @classmethod
    def from_settings(cls, settings: Settings) -> DkimSigner | None:
        """The signer the settings ask for (the From address's domain), or None without a key."""
        if settings.dkim_selector is None or settings.dkim_key_file is None:
            return None
        domain = parseaddr(settings.from_address)[1].rpartition("@")[2].lower()
        return cls(settings.dkim_selector, domain, settings.dkim_key_file.read_bytes())

    def sign(self, message: bytes) -> bytes:
        """`message` with a DKIM-Signature header in front."""
        signature: bytes = dkim.sign(
            message,
            self.selector,
            self.domain,
            self.private_key,
            canonicalize=(b"relaxed", b"relaxed"),
            signature_algorithm=b"rsa-sha256",
            include_headers=[name.encode("ascii") for name in SIGNED_HEADERS],
        )
        return signature + message
