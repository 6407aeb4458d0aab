"""Reading the audit log: who changed what, newest first, a page at a time, with the names of
what the entries name by id, for a reader who knows a list by its name, not its number."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeGuard

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from distributor.errors import InvalidInput
from distributor.models import AuditEntry, Contact, MailingList, Release, ReleaseVersion, User

MAX_PAGE = 500
# The details that name a thing by its id, and the kind of thing (as entries' `entity_type`).
REFERENCES = MappingProxyType({"list_id": "list", "release": "release", "colleague_id": "contact"})
# What each kind of thing is called by, where the log names one by id.
_NAMES: Mapping[str, tuple[InstrumentedAttribute[int], InstrumentedAttribute[str]]] = {
    "contact": (Contact.id, Contact.email),
    "list": (MailingList.id, MailingList.name),
    "user": (User.id, User.email),
}


@dataclass(frozen=True)
class AuditPage:
    total: int  # entries in all, beyond this page too
    entries: list[AuditEntry]
    # ("list", 3) -> "Film critics": what the entries are about or name by id; none for
    # something deleted since.
    names: Mapping[tuple[str, int], str] = field(default_factory=dict)


def audit_page(session: Session, limit: int = 50, offset: int = 0) -> AuditPage:
    """Entries newest first, `limit` of them from `offset`."""
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInput(f"limit must be 1 to {MAX_PAGE} and offset not negative")
    total = session.scalar(select(func.count(AuditEntry.id))) or 0
    entries = list(
        session.scalars(
            select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
        )
    )
    return AuditPage(total, entries, referenced_names(session, entries))


def referenced_names(session: Session, entries: Iterable[AuditEntry]) -> dict[tuple[str, int], str]:
    """The names of the contacts, lists, releases and users `entries` are about or name in
    their details by id: an address, a list's name, a release's title."""
    wanted: defaultdict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.entity_id and entry.entity_id.isdigit():
            wanted[entry.entity_type].add(int(entry.entity_id))
        for key, kind in REFERENCES.items():
            value = entry.details.get(key)
            if _is_id(value):
                wanted[kind].add(value)
    names: dict[tuple[str, int], str] = {}
    for kind, (number_of, name_of) in _NAMES.items():
        if wanted[kind]:
            found = session.execute(select(number_of, name_of).where(number_of.in_(wanted[kind])))
            names |= {(kind, number): text for number, text in found}
    if wanted["release"]:
        titles = session.execute(
            select(Release.id, ReleaseVersion.title)
            .join(ReleaseVersion, ReleaseVersion.release_id == Release.id)
            .where(
                Release.id.in_(wanted["release"]),
                ReleaseVersion.language == Release.default_language,
            )
        )
        names |= {("release", number): title for number, title in titles}
    return names


def _is_id(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
