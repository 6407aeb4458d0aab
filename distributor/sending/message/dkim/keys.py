"""The private keys DKIM signs with: RSA (rsa-sha256, at least 1024 bits) or Ed25519
(ed25519-sha256, RFC 8463), read from a PEM file (PKCS#1 or PKCS#8, no password).

A key that cannot sign is a setting error, named at start: never a message sent
unsigned because its key turned out bad.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa

from distributor.errors import ConfigError

MIN_RSA_BITS = 1024  # RFC 8301: verifiers must not accept shorter keys

PrivateKey = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey


@dataclass(frozen=True)
class SigningKey:
    """A loaded private key and what its DNS record publishes."""

    private: PrivateKey

    @property
    def key_type(self) -> str:
        """The record's k=: "rsa" or "ed25519"."""
        return "rsa" if isinstance(self.private, rsa.RSAPrivateKey) else "ed25519"

    @property
    def algorithm(self) -> str:
        """The signature's a=."""
        return f"{self.key_type}-sha256"

    @property
    def public(self) -> bytes:
        """The record's p= before base64: an RSA key's SubjectPublicKeyInfo (DER), an Ed25519
        key's 32 raw bytes (RFC 8463 section 4.2)."""
        public = self.private.public_key()
        if isinstance(public, rsa.RSAPublicKey):
            return public.public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def record(self) -> str:
        """The DNS TXT record that publishes this key."""
        return f"v=DKIM1; k={self.key_type}; p={base64.b64encode(self.public).decode('ascii')}"

    def sign(self, header_data: bytes) -> bytes:
        """The signature of the hashed header data: one private-key operation."""
        if isinstance(self.private, rsa.RSAPrivateKey):
            return self.private.sign(header_data, padding.PKCS1v15(), hashes.SHA256())
        # RFC 8463 section 3: Ed25519 signs the SHA-256 digest, not the data itself.
        return self.private.sign(hashlib.sha256(header_data).digest())


def load_key(pem: bytes, setting: str) -> SigningKey:
    """The key in `pem`; a ConfigError naming `setting` when it cannot sign DKIM."""
    if b"PUBLIC KEY-----" in pem and b"PRIVATE KEY-----" not in pem:
        raise ConfigError(
            f"{setting}: the file holds a public key; DKIM signs with the private key"
        )
    try:
        private = serialization.load_pem_private_key(pem, password=None)
    except TypeError:
        raise ConfigError(
            f"{setting}: the private key is protected by a password; "
            "store it without one (openssl pkey -in key.pem -out plain.pem)"
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise ConfigError(
            f"{setting}: not a PEM private key (expected -----BEGIN PRIVATE KEY----- "
            "or -----BEGIN RSA PRIVATE KEY-----)"
        ) from None
    if isinstance(private, rsa.RSAPrivateKey):
        if private.key_size < MIN_RSA_BITS:
            raise ConfigError(
                f"{setting}: the RSA key has {private.key_size} bits; receivers ignore "
                f"signatures with fewer than {MIN_RSA_BITS} (2048 is usual)"
            )
        return SigningKey(private)
    if isinstance(private, ed25519.Ed25519PrivateKey):
        return SigningKey(private)
    raise ConfigError(f"{setting}: {_kind(private)}; DKIM signs with an RSA or an Ed25519 key")


def _kind(private: object) -> str:
    kinds = {
        ec.EllipticCurvePrivateKey: "an elliptic-curve (ECDSA) key",
        ed448.Ed448PrivateKey: "an Ed448 key",
    }
    return next(
        (kind for cls, kind in kinds.items() if isinstance(private, cls)), "a key of another kind"
    )


def load_key_file(path: Path, setting: str) -> SigningKey:
    """The key in the file `setting` names; a ConfigError naming it when unreadable or bad."""
    try:
        pem = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{setting}: cannot read {path} ({exc.strerror})") from None
    return load_key(pem, setting)
