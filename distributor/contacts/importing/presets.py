"""The exports people really bring, recognised by their header row, each with its columns' fields.

An address book's columns are not the generic headers `fields` knows: Outlook's
"Title" is "Dr.", not a job; Google numbers its addresses ("E-mail 2 - Value");
a Mailchimp *unsubscribed* export lists people who must never be mailed. A
preset says which field each such column is (by a pattern over the header's
key), and what importing the file means; columns it does not name are matched
by their header as in any file. `--map` still overrides a preset's choice.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property

from distributor.contacts.fields import header_key
from distributor.models import SuppressionReason

ALTERNATES = "alternate_emails"  # the contact's other addresses
SALUTATION = "salutation"  # an honorific ("Dr.", "Mme"): how to greet, never the role
ATTRIBUTE = "attribute"  # keep as a custom attribute
IGNORE = "ignore"  # drop the column

# Outlook's and Google's columns that read as a field's header but are something else.
_ADDRESS_BOOK = (
    (r"(name )?prefix|title", SALUTATION),
    (r"middle name|additional name|(name )?suffix|(office )?location", ATTRIBUTE),
)


@dataclass(frozen=True)
class Preset:
    """One kind of export: how to tell it, which field each of its columns is, what it means."""

    name: str  # as a person says it: "Google Contacts export"
    signs: tuple[frozenset[str], ...]  # header keys: a file with all of one set is this export
    columns: tuple[tuple[str, str], ...]  # (pattern over a header key, target); first match wins
    address_column: str  # the header its addresses are under, for the error when it is missing
    suppress: SuppressionReason | None = None  # a list of people not to mail: suppress them all
    file_names: tuple[str, ...] = ()  # how the vendor names such a file, when its columns don't say

    @cached_property
    def compiled(self) -> list[tuple[re.Pattern[str], str]]:
        return [(re.compile(pattern), target) for pattern, target in self.columns]

    def target(self, header: str) -> str | None:
        """The field (or ATTRIBUTE, IGNORE) the column `header` holds; None if the preset doesn't say."""
        key = header_key(header)
        return next((t for p, t in self.compiled if p.fullmatch(key)), None)

    def fits(self, keys: Collection[str]) -> bool:
        return any(sign <= set(keys) for sign in self.signs)


def _signs(*sets: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(s.split(",")) for s in sets)


OUTLOOK = Preset(
    "Outlook export",
    _signs("e mail address,e mail 2 address", "e mail address,e mail display name"),
    (
        *_ADDRESS_BOOK,
        (r"company", "outlet"),
        (r"job title", "role"),
        (r"e mail address", "email"),
        (r"e mail \d address", ALTERNATES),
        (r"e mail (\d )?(display name|type)", IGNORE),
        (r"(business|home|other) city", "city"),
        (r"(business|home|other) country region", "country"),
        (r"(business|mobile|primary|company main|home|other) phone", "phone"),
    ),
    "E-mail Address",
)
GOOGLE = Preset(
    "Google Contacts export",
    _signs(
        "e mail 1 value,e mail 1 label", "e mail 1 value,e mail 1 type", "given name,family name"
    ),
    (
        *_ADDRESS_BOOK,
        (r"organization (1 )?name", "outlet"),
        (r"organization (1 )?title", "role"),
        (r"e mail 1 value", "email"),
        (r"e mail \d+ value", ALTERNATES),
        (r"(e mail|phone|address|website|organization) \d+ (label|type)", IGNORE),
        (r"phone \d+ value", "phone"),
        (r"address \d+ city", "city"),
        (r"address \d+ country", "country"),
    ),
    "E-mail 1 - Value",
)
_MAILCHIMP_COLUMNS = (
    (r"cc", "country"),
    (r"tags", ATTRIBUTE),  # quoted, comma-separated: not beats as they are
)
_MAILCHIMP_SIGNS = _signs("member rating", "optin time", "leid,euid", "confirm time,last changed")
MAILCHIMP_UNSUBSCRIBED = Preset(
    "Mailchimp unsubscribed export",
    _signs("unsub time", "unsub campaign title"),
    _MAILCHIMP_COLUMNS,
    "Email Address",
    SuppressionReason.UNSUBSCRIBED,
    ("unsubscribed_members_export",),
)
MAILCHIMP_CLEANED = Preset(
    "Mailchimp cleaned export",
    _signs("clean time", "clean campaign title"),
    _MAILCHIMP_COLUMNS,
    "Email Address",
    SuppressionReason.HARD_BOUNCE,
    ("cleaned_members_export",),
)
MAILCHIMP = Preset("Mailchimp export", _MAILCHIMP_SIGNS, _MAILCHIMP_COLUMNS, "Email Address")
HUBSPOT = Preset(
    "HubSpot export",
    _signs("record id,email", "record id,first name", "record id,company name"),
    (
        (r"company name", "outlet"),
        (r"country region", "country"),
        (r"additional email addresses", ALTERNATES),
        (r"(mobile )?phone number", "phone"),
    ),
    "Email",
)
# What the vCard reader names its columns; the names people read in the preview.
VCARD = Preset(
    "vCard file",
    (),
    (
        (r"other emails", ALTERNATES),
        (r"organization", "outlet"),
        (r"title", "role"),
        (r"salutation", SALUTATION),
        (r"vcard role", ATTRIBUTE),
    ),
    "Email",
)
PRESETS = (OUTLOOK, GOOGLE, MAILCHIMP_UNSUBSCRIBED, MAILCHIMP_CLEANED, MAILCHIMP, HUBSPOT)


def recognise(headers: Collection[str], file_name: str, format: str) -> Preset | None:
    """The export the file is, by its columns (a vCard by its format); None for any other file.

    A Mailchimp export whose columns don't tell which audience it holds is told by its file
    name (`unsubscribed_members_export_….csv`), as Mailchimp names them.
    """
    if format == "vcard":
        return VCARD
    keys = {header_key(header) for header in headers}
    found = next((preset for preset in PRESETS if preset.fits(keys)), None)
    if found is MAILCHIMP:
        lowered = file_name.lower()
        for preset in (MAILCHIMP_UNSUBSCRIBED, MAILCHIMP_CLEANED):
            if lowered.startswith(preset.file_names):
                return preset
    return found
