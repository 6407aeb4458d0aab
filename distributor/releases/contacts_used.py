"""The media contacts earlier releases named: the press office's own people, offered again.

There is no separate address book of press officers; the releases are it. A contact
is the same person when every detail is the same, and the newest release's wording wins.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.models import Release, ReleaseContact
from distributor.releases.fileformat import ReleaseContactEntry

# Enough rows to find the office's few dozen people without reading every release ever sent.
_ROWS = 1000


def earlier_contacts(session: Session, limit: int = 50) -> list[ReleaseContactEntry]:
    """The distinct media contacts of the newest releases, newest first, at most `limit`."""
    rows = session.execute(
        select(ReleaseContact.name, ReleaseContact.role, ReleaseContact.email, ReleaseContact.phone)
        .join(Release, Release.id == ReleaseContact.release_id)
        .order_by(Release.created_at.desc(), Release.id.desc(), ReleaseContact.position)
        .limit(_ROWS)
    )
    found: list[ReleaseContactEntry] = []
    for name, role, email, phone in rows:
        entry = ReleaseContactEntry(name, role, email, phone)
        if entry not in found:
            found.append(entry)
            if len(found) == limit:
                break
    return found
