"""DKIM signing per message: our signer (OpenSSL through `cryptography`) against dkimpy.

Both sign the same built release message (34 KB of HTML and its text part, every
header a send-out writes) with the same RSA-2048 key, relaxed/relaxed rsa-sha256
and the same signed headers, in the same run, measured in CPU time. Also shown: Ed25519, RSA and Ed25519
together (two signatures), and the floor: one RSA-2048 private-key operation alone.

    .venv/bin/python bench/dkim_signing.py --signatures 2000
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import dkim
import typer
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from rich.console import Console
from rich.table import Table

from bench.message_build import ASCII_HTML, RECIPIENT, TEXT, _template
from bench.summary import SUMMARY_OPTION, write_summary
from distributor.sending.message.dkim.fields import SIGNED_HEADERS
from distributor.sending.message.dkim.keys import SigningKey
from distributor.sending.message.dkim.signature import Signature
from distributor.sending.message.dkim.signer import DkimSigner
from distributor.sending.message.mime import build_message

DOMAIN = "newsroom.example"
ROUNDS = 5


def _best_seconds_each(signers: dict[str, tuple[Callable[[], object], int]]) -> dict[str, float]:
    """CPU seconds per call of each signer: the best of ROUNDS rounds of its count of calls,
    the signers taking turns, so that a busy neighbour weighs on all of them alike."""
    best = dict.fromkeys(signers, float("inf"))
    for _ in range(ROUNDS):
        for name, (sign, count) in signers.items():
            started = time.process_time()
            for _ in range(count):
                sign()
            best[name] = min(best[name], (time.process_time() - started) / count)
    return best


def main(
    signatures: int = typer.Option(1_000, help="Signatures per round with our signer."),
    summary: Path | None = SUMMARY_OPTION,
) -> None:
    console = Console()
    message = build_message(_template(), ASCII_HTML, TEXT, RECIPIENT).data
    private = rsa.generate_private_key(65537, 2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    rsa_key, ed_key = SigningKey(private), SigningKey(ed25519.Ed25519PrivateKey.generate())
    ours = DkimSigner([Signature("mail", DOMAIN, rsa_key)])
    headers = [name.encode("ascii") for name in SIGNED_HEADERS]

    def with_dkimpy() -> bytes:
        signed: bytes = dkim.sign(
            message,
            b"mail",
            DOMAIN.encode(),
            pem,
            canonicalize=(b"relaxed", b"relaxed"),
            include_headers=headers,
        )
        return signed

    digest = b"\0" * 32
    rows = _best_seconds_each(
        {
            "dkimpy, rsa-sha256 (baseline)": (with_dkimpy, max(signatures // 20, 5)),
            "ours, rsa-sha256": (lambda: ours.sign(message), signatures),
            "ours, ed25519-sha256": (
                lambda: DkimSigner([Signature("ed", DOMAIN, ed_key)]).sign(message),
                signatures,
            ),
            "ours, rsa-sha256 + ed25519-sha256": (
                lambda: DkimSigner(
                    [Signature("mail", DOMAIN, rsa_key), Signature("ed", DOMAIN, ed_key)]
                ).sign(message),
                signatures,
            ),
            "floor: one RSA-2048 signature alone": (
                lambda: private.sign(digest, padding.PKCS1v15(), hashes.SHA256()),
                signatures,
            ),
        }
    )
    baseline = rows["dkimpy, rsa-sha256 (baseline)"]
    table = Table("signer", "CPU ms a message", "messages/s a core", "vs dkimpy")
    for name, seconds in rows.items():
        table.add_row(
            name, f"{seconds * 1e3:,.3f}", f"{1 / seconds:,.0f}", f"{baseline / seconds:,.1f}x"
        )
    console.print(f"message: {len(message):,} bytes; RSA key: 2048 bits")
    console.print(table)
    write_summary(
        summary,
        {
            "message_bytes": len(message),
            "dkimpy_seconds": baseline,
            "ours_seconds": rows["ours, rsa-sha256"],
            "ed25519_seconds": rows["ours, ed25519-sha256"],
            "both_seconds": rows["ours, rsa-sha256 + ed25519-sha256"],
            "rsa_floor_seconds": rows["floor: one RSA-2048 signature alone"],
        },
    )


if __name__ == "__main__":
    typer.run(main)
