"""The media contacts block at the end of a release, read into contacts.

It starts at a heading such as "Press contact" or "Contact presse" and runs to the next
heading or the end; each contact is a name, then its role or organisation, phone and email,
on lines of their own or on one line separated by commas, bars or dots.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from distributor.addresses import InvalidAddress, parse_address
from distributor.releases.importing.people import looks_like_name

_HEADINGS = re.compile(
    r"^(?:(?:press|media|news|for press|for media)\s+(?:contacts?|enquiries|inquiries|relations)"
    r"|contacts?|contacts? (?:for|for the) (?:press|media)|media enquiries|press enquiries"
    r"|additional info(?:rmation)?|for (?:more|further) information|more information"
    r"|pressekontakt|pressekontakte|kontakt|medienkontakt|contacts? presse"
    r"|contacts? médias?|contact pour la presse|contacto(?: de prensa)?|contatti stampa"
    r"|контакты(?: для (?:прессы|сми))?|контакт для сми|пресс-служба)"
    # "For more information, please contact:", "Media enquiries, contact:"
    r"(?:,?\s+(?:please\s+)?(?:contact|call|email|write to)(?:\s+us)?)?"
    r"\s*(?::\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_LABEL = (
    r"(?:tel|tél|phone|telephone|téléphone|telefon|mobile|mob|cell|fax|тел|моб)\.?\s*:?\s*"
)
_PHONE = re.compile(rf"^(?:{_PHONE_LABEL})?(?P<number>\+?\(?\d[\d ()./-]{{5,}}\d)$", re.IGNORECASE)
_EMAIL_LABEL = re.compile(r"^(?:e-?mail|courriel|почта)\s*:?\s*", re.IGNORECASE)
_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*[|·•;\t]\s*|\n")


def contact_heading(text: str) -> tuple[bool, str]:
    """Whether `text` opens the contacts block, and what follows it on the same line."""
    found = _HEADINGS.match(text.strip())
    return (found is not None, (found.group("rest") or "").strip() if found else "")


@dataclass
class FoundContact:
    name: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass
class ContactBlock:
    contacts: list[FoundContact] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)  # an email or phone no name goes with
    other: list[str] = field(default_factory=list)  # text that is no contact, kept in the body


def read_contacts(texts: list[str]) -> ContactBlock:
    """The contacts in the block's paragraphs (plain text, one or more lines each)."""
    block = ContactBlock()
    current: FoundContact | None = None
    for paragraph in texts:
        for piece in _pieces(paragraph):
            email = _email(piece)
            phone = _PHONE.match(piece)
            if email or phone:
                if current is None:
                    block.unplaced.append(piece)
                elif email:
                    current.email = current.email or email
                else:
                    current.phone = current.phone or (phone.group("number") if phone else None)
            elif _URL.match(piece):
                url = piece if piece.lower().startswith("http") else f"https://{piece}"
                block.links.append(url)
            elif current is None or current.email or current.phone:
                name, _, role = piece.partition(",")
                if looks_like_name(name):
                    current = FoundContact(name.strip(), role.strip() or None)
                    block.contacts.append(current)
                else:
                    current = None
                    block.other.append(piece)
            else:
                current.role = f"{current.role}, {piece}" if current.role else piece
    return block


def _pieces(paragraph: str) -> list[str]:
    """A line's parts: "Jane Doe, Press officer | +33 1 23 45 67 | jane@x.org" is three."""
    pieces: list[str] = []
    for part in _SEPARATORS.split(paragraph):
        part = part.strip().rstrip(",").strip()
        if not part:
            continue
        # "Jane Doe, Press officer, +33 …, jane@x.org": phone and email split off the commas.
        words = [w.strip() for w in part.split(",")]
        tail = [w for w in words if _email(w) or _PHONE.match(w) or _URL.match(w)]
        if tail and len(words) > 1:
            rest = ", ".join(w for w in words if w not in tail)
            pieces.extend([rest] if rest else [])
            pieces.extend(tail)
        else:
            pieces.append(part)
    return pieces


def _email(piece: str) -> str | None:
    piece = _EMAIL_LABEL.sub("", piece)
    found = _EMAIL.fullmatch(piece.strip().removeprefix("mailto:"))
    if found is None:
        return None
    try:
        return parse_address(found.group(0)).original
    except InvalidAddress:
        return None
