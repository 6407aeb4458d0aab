"""Media kit files the composer stored before their release could be saved.

Adding a picture to a release still missing its title must lose neither the picture nor
what was typed: the file is checked and kept in the media store at once, and the form
carries it as a signed token (its name, size, hash and words) until the release is saved,
when it joins the media kit. A token that is forged, altered or another user's is ignored,
so the form can only bring back files this user uploaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from distributor import tokens
from distributor.models import MediaKind
from distributor.releases import KitWords, StoredUpload
from distributor.web.sessions import SignedIn


@dataclass(frozen=True)
class HeldUpload:
    """A stored upload with the words given for it, and the token the form carries it as."""

    upload: StoredUpload
    words: KitWords
    token: str


def hold(upload: StoredUpload, words: KitWords, who: SignedIn, secret: str) -> HeldUpload:
    """`upload` as the form carries it for `who` until the release is saved."""
    payload = {
        "user": who.principal.user_id,
        "upload": asdict(upload) | {"kind": upload.kind.value},
        "words": asdict(words),
    }
    return HeldUpload(upload, words, tokens.held_upload_token(payload, secret))


def held(posted: Iterable[str], who: SignedIn, secret: str) -> list[HeldUpload]:
    """The uploads the form's tokens carry for `who`, each once; others are left out."""
    found = []
    for token in dict.fromkeys(posted):
        payload = tokens.read_held_upload_token(token, secret)
        upload = _read(payload, who)
        if upload is not None:
            found.append(HeldUpload(upload[0], upload[1], token))
    return found


def _read(payload: Any, who: SignedIn) -> tuple[StoredUpload, KitWords] | None:
    if not isinstance(payload, dict) or payload.get("user") != who.principal.user_id:
        return None
    try:
        upload = dict(payload["upload"])
        return (
            StoredUpload(**(upload | {"kind": MediaKind(upload["kind"])})),
            KitWords(**payload["words"]),
        )
    except (KeyError, TypeError, ValueError):
        return None
