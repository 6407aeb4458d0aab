"""Signed media addresses: the email's pictures and documents open before the embargo lifts.

Journalists get an embargoed release by email before anyone may read it on the
web, so the links the email carries are signed: `/media/<slug>/<name>?sig=…`
serves that one file whatever the embargo, while the same address unsigned stays
404 until the newsroom shows the release. The signature covers the release slug
and the file name together, so it opens nothing else; it does not expire, as an
email is read again months later.
"""

from __future__ import annotations

import hashlib

from itsdangerous import Signer

PARAMETER = "sig"  # the query parameter that carries the signature
_SALT = "media"  # keeps these apart from anything else signed with the same secret


def media_signature(secret: str, slug: str, name: str) -> str:
    """The signature that opens `/media/<slug>/<name>`."""
    return _signer(secret).get_signature(_signed(slug, name)).decode("ascii")


def signature_opens(secret: str, slug: str, name: str, signature: str) -> bool:
    """Whether `signature` was made by `media_signature` for this very file."""
    return _signer(secret).verify_signature(
        _signed(slug, name), signature.encode("ascii", "replace")
    )


def _signer(secret: str) -> Signer:
    return Signer(secret, salt=_SALT, digest_method=hashlib.sha256)


def _signed(slug: str, name: str) -> str:
    # Neither a slug nor a kit name holds "/": the pair reads back one way only.
    return f"{slug}/{name}"
