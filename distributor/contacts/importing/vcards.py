"""vCard files (.vcf, versions 2.1, 3.0 and 4.0) read as contact rows, card by card.

Address books (Apple Contacts, Android, Outlook, Thunderbird) export vCards. The
file is cut into cards here, line by line, so memory holds one card, never the
file; vobject parses each card (folded lines, quoted-printable and charsets of
2.1 files). A card vobject cannot read is reported on its line and skipped, the
others are kept. Photos, logos, sounds and keys are dropped while cutting: they
are most of a card's size and nothing an import keeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from distributor.contacts.importing.report import Issue

CARD_LINE_LIMIT = 2_000  # lines of one card, photos left out: past this its END:VCARD is missing
_DROPPED = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
_BEGIN, _END = "BEGIN:VCARD", "END:VCARD"
# The columns a card is read into, named as the preview shows them (see presets.VCARD).
HEADERS = [
    "Name",
    "First name",
    "Last name",
    "Salutation",
    "Email",
    "Other emails",
    "Organization",
    "Title",
    "vCard role",
    "Phone",
    "City",
    "Country",
    "Time zone",
    "Notes",
]


def is_vcard(sample: str) -> bool:
    """Whether the text is an address book's vCards (it starts with a card)."""
    return sample.lstrip("\ufeff \t\r\n")[: len(_BEGIN)].upper() == _BEGIN


def read_cards(text: IO[str], line_limit: int) -> Iterator[tuple[int, dict[str, str] | Issue]]:
    """Each card's line and its cells, or the Issue that says why it was skipped."""
    card: list[str] = []
    start = 0
    dropping = False  # inside a dropped property's folded lines
    for number, line in enumerate(iter(lambda: text.readline(line_limit), ""), 1):
        if len(line) == line_limit and not line.endswith(("\n", "\r")):
            while (rest := text.readline(line_limit)) and not rest.endswith(("\n", "\r")):
                pass  # an unfolded photo or worse: its property is not one we keep
            line = " \n" if card else "\n"
        stripped = line.strip()
        if not card:
            if stripped.upper() == _BEGIN:
                card, start, dropping = [line], number, False
            elif stripped:
                reason = "is outside any BEGIN:VCARD … END:VCARD card; it was skipped"
                yield number, Issue(number, "", reason, stripped[:80])
            continue
        if line[:1] in (" ", "\t") or not stripped:
            if not dropping:
                card.append(line)
            continue
        dropping = _property(stripped) in _DROPPED
        if dropping:
            continue
        if stripped.upper() == _BEGIN:  # a new card before this one ended
            yield start, _missing_end(start)
            card, start = [line], number
            continue
        card.append(line)
        if stripped.upper() == _END:
            yield start, _cells(start, "".join(card))
            card = []
        elif len(card) > CARD_LINE_LIMIT:
            yield start, _missing_end(start)
            card = []
    if card:
        yield start, _missing_end(start)


def _property(line: str) -> str:
    """The property's name, without its group: "item1.EMAIL;TYPE=work:…" → "EMAIL"."""
    name = line.split(":", 1)[0].split(";", 1)[0]
    return name.rsplit(".", 1)[-1].upper()


def _missing_end(start: int) -> Issue:
    reason = f"the vCard starting on line {start} has no END:VCARD; it was skipped"
    return Issue(start, "", reason, _BEGIN)


def _cells(start: int, text: str) -> dict[str, str] | Issue:
    import vobject  # type: ignore[import-untyped]  # only vCard files pay for it

    try:
        card = vobject.readOne(text, allowQP=True)
    except Exception as exc:  # vobject raises ParseError, and ValueError or others on odd values
        line = start + int(getattr(exc, "lineNumber", None) or 1) - 1
        reason = (
            f"the vCard starting on line {start} cannot be read ({_plain(exc)}); it was skipped"
        )
        return Issue(line, "", reason, text.splitlines()[line - start][:80])
    cells: dict[str, str] = {}
    name = _first(card, "n")
    if name is not None:
        for header, part in (
            ("First name", "given"),
            ("Last name", "family"),
            ("Salutation", "prefix"),
        ):
            cells[header] = _text(getattr(name.value, part, ""))
    emails = [_text(e.value) for e in _by_preference(card, "email")]
    cells["Email"] = emails[0] if emails else ""
    cells["Other emails"] = "\n".join(emails[1:])
    organization = _first(card, "org")
    if organization is not None:
        value = organization.value
        cells["Organization"] = _text(value[0] if isinstance(value, list) and value else value)
    for header, key in (("Name", "fn"), ("Title", "title"), ("vCard role", "role")):
        found = _first(card, key)
        cells[header] = _text(found.value) if found is not None else ""
    phones = _by_preference(card, "tel")
    cells["Phone"] = _text(phones[0].value).removeprefix("tel:") if phones else ""
    addresses = _by_preference(card, "adr")
    if addresses:
        cells["City"] = _text(getattr(addresses[0].value, "city", ""))
        cells["Country"] = _text(getattr(addresses[0].value, "country", ""))
    zone = _first(card, "tz")
    if zone is not None and "/" in _text(zone.value):  # a name; an offset is no time zone
        cells["Time zone"] = _text(zone.value)
    cells["Notes"] = "\n\n".join(_text(n.value) for n in card.contents.get("note", []))
    return {header: value for header, value in cells.items() if value}


def _first(card: Any, key: str) -> Any:
    found = card.contents.get(key)
    return found[0] if found else None


def _by_preference(card: Any, key: str) -> list[Any]:
    """The card's values of `key`, the preferred first (PREF=1 in 4.0, TYPE=pref in 3.0, PREF in 2.1)."""
    return sorted(card.contents.get(key, []), key=_rank)


def _rank(line: Any) -> int:
    params = {k.upper(): [str(v).lower() for v in values] for k, values in line.params.items()}
    if "PREF" in params:
        return int(params["PREF"][0]) if params["PREF"][0].isdigit() else 1
    if "pref" in params.get("TYPE", []) or "PREF" in (s.upper() for s in line.singletonparams):
        return 1
    return 101  # 4.0's PREF runs 1 to 100; unmarked values come after


def _text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(_text(v) for v in value if v)
    return str(value or "").strip()


def _plain(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
