"""Contact field values as they come from files and forms, cleaned into what the database keeps.

One place decides what a valid country, language, time zone or name is, for
imports, the CLI, the admin UI and the API alike. A row is rejected only for
its address; a bad optional field is dropped and reported, so nothing valid is
lost because a neighbouring cell was wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import Any
from zoneinfo import available_timezones

import pycountry

from distributor.addresses import Address, InvalidAddress, parse_address
from distributor.models import LegalBasis

SHORT_TEXT = 200  # names, outlet, role, city
MAX_NOTES = 10_000
MAX_ATTRIBUTE = 2_000
MAX_BEAT = 100
MAX_BEATS = 50

# Names people write that ISO 3166 / 639 spell differently.
_COUNTRY_ALIASES = {
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "america": "US",
    "russia": "RU",
    "россия": "RU",
    "рф": "RU",
    "украина": "UA",
    "беларусь": "BY",
    "казахстан": "KZ",
    "deutschland": "DE",
    "germania": "DE",
    "allemagne": "DE",
    "españa": "ES",
    "italia": "IT",
    "österreich": "AT",
    "schweiz": "CH",
    "suisse": "CH",
    "nederland": "NL",
    "belgique": "BE",
    "polska": "PL",
    "česko": "CZ",
    "czech republic": "CZ",
    "south korea": "KR",
    "korea": "KR",
    "iran": "IR",
    "vietnam": "VN",
    "turkey": "TR",
    "türkiye": "TR",
    "syria": "SY",
    "taiwan": "TW",
    "moldova": "MD",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "laos": "LA",
}
_LANGUAGE_ALIASES = {
    "русский": "ru",
    "english": "en",
    "английский": "en",
    "deutsch": "de",
    "français": "fr",
    "francais": "fr",
    "español": "es",
    "espanol": "es",
    "italiano": "it",
    "português": "pt",
    "українська": "uk",
    "polski": "pl",
    "nederlands": "nl",
    "中文": "zh",
    "chinese": "zh",
}
_LANGUAGE_TAG = re.compile(r"^([a-z]{2,3})(?:[-_]([a-z]{4}))?(?:[-_]([a-z]{2}|\d{3}))?$", re.I)
_PHONE = re.compile(r"^\+?[\d\s().\-/]{3,40}(?:\s*(?:x|ext\.?)\s*\d{1,6})?$", re.I)
_BEAT_SEPARATORS = re.compile(r"[;,|\n]")
# Between the values of one cell: Google's " ::: "; between other addresses also HubSpot's ";",
# a comma or a line break (an address's own cell keeps its commas: "Schmidt, Anna <a@x>").
VALUE_SEPARATOR = re.compile(r"\s*:::\s*")
_ADDRESS_SEPARATORS = re.compile(r"\s*(?::::|[;,\n])\s*")
MAX_ALTERNATES = 10
SALUTATION = "Salutation"  # the attribute an honorific is kept in: it is how to greet, not a job
_PSEUDO_FIELDS = ("email", "name", "alternate_emails", "salutation")  # not cleaned one by one
# Honorifics address books put in a "Title" column; compared without dots, case-folded.
_HONORIFICS = frozenset(
    {
        *("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord"),
        *("lady", "rev", "revd", "fr", "m", "mme", "mlle", "me", "pr", "herr", "frau"),
        *("fräulein", "sr", "sra", "srta", "don", "doña"),
        *("г-н", "г-жа", "господин", "госпожа"),  # noqa: RUF001 (Cyrillic on purpose)
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Problem:
    field: str
    reason: str


class RowRejected(ValueError):
    """The row has no usable address; `problem` says which field and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(f"{problem.field}: {problem.reason}")
        self.problem = problem


@dataclass
class CleanContact:
    address: Address
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def one_line(text: str, limit: int = SHORT_TEXT) -> str:
    """Text for a single-line field: control characters and line breaks become spaces.

    Names end up in mail headers ("To: Anna <…>"): no CR or LF may survive here.
    """
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", text))
    text = " ".join(text.replace("\r", " ").replace("\n", " ").split())
    if len(text) > limit:
        raise ValueError(f"is {len(text):,} characters long; at most {limit:,} are kept")
    return text


def _multiline(text: str, limit: int = MAX_NOTES) -> str:
    text = unicodedata.normalize("NFC", _CONTROL.sub("", text)).replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise ValueError(f"is {len(text):,} characters long; at most {limit:,} are kept")
    return text


@lru_cache(maxsize=1024)  # a file names a few dozen countries over many rows
def _country(text: str) -> str:
    key = text.strip().casefold()
    if key in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[key]
    try:
        return str(pycountry.countries.lookup(text.strip()).alpha_2)
    except LookupError:
        raise ValueError(
            f"{text!r} is not a country; use an ISO 3166 code such as FR or DE"
        ) from None


@lru_cache(maxsize=1024)
def _language(text: str) -> str:
    """A BCP 47 tag (`en`, `pt-BR`, `sr-Latn`), from a tag or a language's name."""
    raw = text.strip()
    if raw.casefold() in _LANGUAGE_ALIASES:
        return _LANGUAGE_ALIASES[raw.casefold()]
    match = _LANGUAGE_TAG.match(raw)
    if match:
        primary, script, region = match.groups()
        language = (
            pycountry.languages.get(alpha_2=primary.lower())
            if len(primary) == 2
            else pycountry.languages.get(alpha_3=primary.lower())
        )
        if language is not None:
            code = getattr(language, "alpha_2", None) or language.alpha_3
            parts = [code, script.title() if script else None, region.upper() if region else None]
            return "-".join(p for p in parts if p)
    try:
        language = pycountry.languages.lookup(raw)
    except LookupError:
        raise ValueError(f"{raw!r} is not a language; use a code such as en, ru or pt-BR") from None
    return str(getattr(language, "alpha_2", None) or language.alpha_3)


@cache
def _time_zones() -> dict[str, str]:
    return {zone.casefold(): zone for zone in available_timezones()}


def _time_zone(text: str) -> str:
    zone = _time_zones().get(text.strip().casefold())
    if zone is None:
        raise ValueError(f"{text.strip()!r} is not an IANA time zone such as Europe/Paris")
    return zone


def _phone(text: str) -> str:
    phone = one_line(text, 64)
    if not _PHONE.match(phone):
        raise ValueError(f"{phone!r} does not look like a phone number")
    return phone


def _beats(text: str) -> list[str]:
    beats: dict[str, str] = {}
    for part in _BEAT_SEPARATORS.split(text):
        beat = one_line(part, MAX_BEAT).lower()
        if beat:
            beats.setdefault(beat.casefold(), beat)
    if len(beats) > MAX_BEATS:
        raise ValueError(f"lists {len(beats)} beats; at most {MAX_BEATS} are kept")
    return list(beats.values())


def _legal_basis(text: str) -> LegalBasis:
    key = re.sub(r"[\s\-]+", "_", text.strip().lower()).removesuffix("s")
    for basis in LegalBasis:
        if basis.value.removesuffix("s") == key:
            return basis
    choices = ", ".join(b.value for b in LegalBasis)
    raise ValueError(f"{text.strip()!r} is not a legal basis; use one of {choices}")


def _timestamp(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{text.strip()!r} is not a date and time such as 2026-03-01T09:00+01:00"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


_CLEANERS: dict[str, Any] = {
    "first_name": one_line,
    "last_name": one_line,
    "outlet": one_line,
    "role": one_line,
    "city": one_line,
    "source": lambda text: one_line(text, 255),
    "country": _country,
    "language": _language,
    "time_zone": _time_zone,
    "phone": _phone,
    "notes": _multiline,
    "consent_record": _multiline,
    "beats": _beats,
    "legal_basis": _legal_basis,
    "consent_at": _timestamp,
}
EDITABLE_FIELDS = frozenset(_CLEANERS) | {"email"}


def clean_value(name: str, text: str) -> Any:
    """One field's cleaned value; ValueError with the reason when it cannot be used."""
    if name == "email":
        try:
            return parse_address(text)
        except InvalidAddress as exc:
            raise ValueError(str(exc)) from None
    cleaner = _CLEANERS.get(name)
    if cleaner is None:
        raise ValueError(f"unknown field {name!r}; fields are {', '.join(sorted(EDITABLE_FIELDS))}")
    return cleaner(text)


def is_honorific(text: str) -> bool:
    """Whether `text` is a form of address ("Dr.", "Prof. Dr.", "Mme"), not a job title."""
    words = text.replace(".", " ").casefold().split()
    return bool(words) and all(word in _HONORIFICS for word in words)


def split_name(full: str) -> tuple[str, str]:
    """("Anna Maria", "Schmidt") from "Anna Maria Schmidt"; ("Anna", "Schmidt") from "Schmidt, Anna"."""
    if "," in full:
        last, _, first = full.partition(",")
        return first.strip(), last.strip()
    first, _, last = full.rpartition(" ")
    return (first, last) if first else (last, "")


def clean_contact(
    raw: Mapping[str, str | None],
    attributes: Mapping[str, str] | None = None,
    *,
    check_deliverability: bool = False,
) -> CleanContact:
    """Clean one record of field name → text; raises RowRejected when the address is unusable.

    `email` may list several addresses (Google's "a@x ::: b@y"): the first is the
    contact's, the others join `alternate_emails`; a row with alternates only takes
    the first of them as its address. A `role` that is an honorific ("Dr.") is kept
    as the Salutation attribute instead.
    """
    emails = [e for e in VALUE_SEPARATOR.split((raw.get("email") or "").strip()) if e]
    alternates = [e for e in _ADDRESS_SEPARATORS.split(raw.get("alternate_emails") or "") if e]
    if not emails and not alternates:
        raise RowRejected(Problem("email", "no address"))
    email, *others = emails or alternates[:1]
    try:
        address = parse_address(email, check_deliverability=check_deliverability)
    except InvalidAddress as exc:
        raise RowRejected(Problem("email", str(exc))) from None
    contact = CleanContact(address=address)
    if address.original != address.email:
        contact.values["original_email"] = address.original
    extra = others + (alternates if emails else alternates[1:])
    if extra:
        _fill_alternates(contact, extra)
    attributes = dict(attributes or {})
    salutation = (raw.get("salutation") or "").strip()
    role = (raw.get("role") or "").strip()
    if role and is_honorific(role):
        salutation = salutation or role
        raw = {name: text for name, text in raw.items() if name != "role"}
    if salutation:
        attributes.setdefault(SALUTATION, salutation)
    for name, text in raw.items():
        if name in _PSEUDO_FIELDS or text is None or not text.strip():
            continue
        try:
            value = clean_value(name, text)
        except ValueError as exc:
            contact.problems.append(Problem(name, str(exc)))
            continue
        if value or value == 0:
            contact.values[name] = value
    _fill_names(contact, raw.get("name") or address.display_name)
    if attributes:
        contact.values["attributes"] = _attributes(attributes, contact.problems)
    return contact


def _fill_alternates(contact: CleanContact, texts: list[str]) -> None:
    """The other addresses, normalized, each once, never the contact's own; bad ones reported."""
    kept: list[str] = []
    for text in texts:
        try:
            email = parse_address(text).email
        except InvalidAddress as exc:
            contact.problems.append(Problem("alternate_emails", f"{text!r}: {exc}"))
            continue
        if email != contact.address.email and email not in kept:
            kept.append(email)
    if len(kept) > MAX_ALTERNATES:
        reason = f"lists {len(kept)} other addresses; the first {MAX_ALTERNATES} are kept"
        contact.problems.append(Problem("alternate_emails", reason))
    if kept:
        contact.values["alternate_emails"] = kept[:MAX_ALTERNATES]


def _fill_names(contact: CleanContact, full_name: str) -> None:
    """A full name (or the address's display name) fills first/last when the source had none."""
    if not full_name.strip() or ("first_name" in contact.values or "last_name" in contact.values):
        return
    try:
        first, last = split_name(one_line(full_name))
    except ValueError as exc:
        contact.problems.append(Problem("name", str(exc)))
        return
    contact.values.update({k: v for k, v in (("first_name", first), ("last_name", last)) if v})


def _attributes(attributes: Mapping[str, str], problems: list[Problem]) -> dict[str, str]:
    kept: dict[str, str] = {}
    for name, text in attributes.items():
        if text is None or not str(text).strip():
            continue
        try:
            kept[one_line(name, 100)] = _multiline(str(text), MAX_ATTRIBUTE)
        except ValueError as exc:
            problems.append(Problem(name, str(exc)))
    return kept
