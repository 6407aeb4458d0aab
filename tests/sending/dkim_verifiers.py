"""Keys and verifiers for DKIM tests: dkimpy, and OpenDKIM's test mode (an independent C
implementation) when `opendkim` is installed, each reading the keys from a table, not DNS."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from distributor.sending.message.dkim.keys import SigningKey, load_key
from distributor.sending.message.dkim.signature import Signature
from distributor.sending.message.dkim.signer import DkimSigner

DOMAIN = "newsroom.example"
OPENDKIM = shutil.which("opendkim") or (
    "/usr/sbin/opendkim" if Path("/usr/sbin/opendkim").exists() else None
)
needs_opendkim = pytest.mark.skipif(OPENDKIM is None, reason="OpenDKIM is not installed")


@dataclass(frozen=True)
class ThrowawayKey:
    """A throwaway key, its PEM file and the record that publishes it."""

    key: SigningKey
    file: Path
    record: str


def write_key(private: PrivateKeyTypes, file: Path) -> ThrowawayKey:
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    file.write_bytes(pem)
    key = load_key(pem, "test key")
    return ThrowawayKey(key, file, key.record)


def signer(**keys: ThrowawayKey) -> DkimSigner:
    """A signer for DOMAIN with one signature per selector=key."""
    return DkimSigner([Signature(selector, DOMAIN, key.key) for selector, key in keys.items()])


def dns(**records: str) -> Callable[..., bytes | None]:
    """dkimpy's TXT lookup answering for selector=record of DOMAIN."""
    table = {
        f"{selector}._domainkey.{DOMAIN}.".encode(): text for selector, text in records.items()
    }

    def lookup(name: bytes, timeout: int = 5) -> bytes | None:
        found = table.get(name)
        return found.encode() if found is not None else None

    return lookup


def dkimpy_verdicts(message: bytes, **records: str) -> list[bool]:
    """Whether each DKIM-Signature of `message` verifies, first one first, by dkimpy."""
    checker = dkim.DKIM(message)
    count = len(re.findall(rb"(?im)^dkim-signature:", message.split(b"\r\n\r\n")[0]))
    return [_verifies(checker, index, dns(**records)) for index in range(count)]


def _verifies(checker: dkim.DKIM, index: int, lookup: Callable[..., bytes | None]) -> bool:
    try:
        return bool(checker.verify(index, dnsfunc=lookup))
    except dkim.ValidationError:  # a body hash mismatch is raised, not returned
        return False


def opendkim_verdicts(message: bytes, **records: str) -> dict[str, str]:
    """OpenDKIM's dkim= result per selector (s=), read from the Authentication-Results it adds."""
    assert OPENDKIM is not None
    with tempfile.TemporaryDirectory() as folder:
        keys, config, file = (Path(folder) / name for name in ("keys", "opendkim.conf", "m.eml"))
        keys.write_text(
            "".join(
                f"{selector}._domainkey.{DOMAIN} {text}\n" for selector, text in records.items()
            )
        )
        config.write_text(f"TestPublicKeys {keys}\nMode v\nSyslog no\nAlwaysAddARHeader yes\n")
        file.write_bytes(message)
        done = subprocess.run(
            [OPENDKIM, "-x", str(config), "-t", str(file), "-vvv"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    results = re.findall(r"dkim=(\w+)[^;]*?header\.s=([\w-]+)", done.stdout + done.stderr)
    return {selector: result for result, selector in results}


def verified_by_both(message: bytes, records: Mapping[str, str]) -> None:
    """Assert every signature of `message` verifies with dkimpy and, if installed, OpenDKIM."""
    assert all(dkimpy_verdicts(message, **records)), dkimpy_verdicts(message, **records)
    if OPENDKIM is not None:
        assert opendkim_verdicts(message, **records) == dict.fromkeys(records, "pass")
