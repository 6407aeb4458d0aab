"""What the import tests share: the admin who imports, importing into `press`, a contact by address."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.contacts.importing import ImportReport, import_contacts
from distributor.models import Contact, Role

ADMIN = Actor("test:admin", Role.ADMIN)


def import_file(session: Session, path: Path, **options: object) -> ImportReport:
    """Import `path` into `press`, committed."""
    report = import_contacts(session, path, "press", ADMIN, **options)  # type: ignore[arg-type]
    session.commit()
    return report


def contact_of(session: Session, email: str) -> Contact:
    session.expire_all()
    contact = session.scalar(select(Contact).where(Contact.email == email))
    assert contact is not None, f"{email} was not imported"
    return contact
