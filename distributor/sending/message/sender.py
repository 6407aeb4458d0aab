"""The From of a release's messages: the configured sender, named for the release's organization
when no sender name was set ("National Film Fund Press Office <press@…>")."""

from __future__ import annotations

from email.utils import parseaddr, quote

from distributor.config import DEFAULT_FROM
from distributor.wording import press_office


def release_sender(from_address: str, organization: str | None, language: str) -> str:
    """`from_address` (DISTRIBUTOR_FROM) as a release in `language` by `organization` sends it.

    A name set in DISTRIBUTOR_FROM always wins; the built-in default's "Press Office" and a
    bare address take the organization's press office name, worded in the release's language.
    """
    name, address = parseaddr(from_address)
    if not organization or not organization.strip() or (name and from_address != DEFAULT_FROM):
        return from_address
    return f'"{quote(press_office(organization.strip(), language))}" <{address}>'
