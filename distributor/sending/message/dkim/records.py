"""The DNS TXT records that publish the keys (RFC 6376 section 3.6.1), and whether a record
someone published is the one a key needs."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from distributor.config import Settings
from distributor.sending.message.dkim.configured import configured_keys
from distributor.sending.message.dkim.keys import SigningKey

BLANKS = re.compile(r"\s+")
SPLIT_STRINGS = re.compile(r'"\s*"')  # a zone file's long TXT record: "v=DKIM1; …" "…"


@dataclass(frozen=True)
class DkimRecord:
    """A TXT record to publish: its name and its text."""

    name: str
    value: str


def dkim_records(settings: Settings) -> list[DkimRecord]:
    """The records that publish the configured keys, first selector first."""
    return [DkimRecord(key.record_name, key.key.record) for key in configured_keys(settings)]


def record_problems(key: SigningKey, text: str) -> list[str]:
    """What keeps `text`, a TXT record, from verifying `key`'s signatures; empty when nothing."""
    tags = _tags(text)
    problems = []
    if tags.get("v", "DKIM1") != "DKIM1":
        problems.append(f"its v= is {tags['v']!r}, not DKIM1")
    published_type = tags.get("k", "rsa")  # RFC 6376: k= defaults to rsa
    if published_type != key.key_type:
        problems.append(
            f"it is for a {published_type} key (k={published_type}) but the key file "
            f"holds a {key.key_type} key"
        )
    hashes = tags.get("h")
    if hashes is not None and "sha256" not in hashes.split(":"):
        problems.append(f"it allows only h={hashes}, not sha256")
    if "p" not in tags:
        problems.append("it has no public key (p=)")
    elif not tags["p"]:
        problems.append("its public key is revoked (p= is empty)")
    elif published_type == key.key_type and not _same_public_key(key, tags["p"]):
        problems.append("its public key (p=) is not the key file's")
    return problems


def _tags(text: str) -> dict[str, str]:
    """The record's tags, names in lower case, blanks (and folds) taken out of values."""
    tags = {}
    for item in SPLIT_STRINGS.sub("", text.strip()).strip('"').split(";"):
        name, equals, value = item.partition("=")
        if equals:
            tags[name.strip().lower()] = BLANKS.sub("", value)
    return tags


def _same_public_key(key: SigningKey, published: str) -> bool:
    """Whether p= holds `key`'s public key; RSA's may be published as SubjectPublicKeyInfo or,
    as some tools do, PKCS#1."""
    try:
        der = base64.b64decode(published, validate=True)
    except binascii.Error:
        return False
    if der == key.public:
        return True
    public = key.private.public_key()
    return isinstance(public, rsa.RSAPublicKey) and der == public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.PKCS1
    )
