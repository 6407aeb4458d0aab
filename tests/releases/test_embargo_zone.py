"""A release keeps the zone its embargo was written in: through the database and back to its file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.releases.fileformat import parse_release, write_release
from distributor.releases.store import add_release, get_release, release_as_dict, release_document


def _file(embargo: str) -> bytes:
    return f"---\ntitle: Grants 2027\nembargo: {embargo}\n---\nBody.\n".encode()


def _stored(session: Session, embargo: str) -> int:
    release_id = add_release(session, parse_release(_file(embargo)), SYSTEM).id
    session.commit()
    session.expunge_all()
    return release_id


def test_a_named_zone_is_stored_beside_the_utc_instant(session: Session) -> None:
    stored = get_release(session, _stored(session, "2027-02-03T09:00:00 Europe/Paris"))

    assert stored.embargo_until == datetime(2027, 2, 3, 8, tzinfo=UTC)
    assert stored.embargo_zone == "Europe/Paris"
    assert release_as_dict(stored)["embargo_zone"] == "Europe/Paris"


def test_a_named_zone_round_trips_through_the_release_file(session: Session) -> None:
    stored = get_release(session, _stored(session, "2027-02-03T09:00:00 Europe/Paris"))

    text = write_release(release_document(stored))

    assert "embargo: 2027-02-03T09:00:00 Europe/Paris\n" in text
    again = parse_release(text.encode())
    assert again.embargo == datetime(2027, 2, 3, 9, tzinfo=ZoneInfo("Europe/Paris"))


def test_an_offset_is_stored_and_written_back_as_the_offset(session: Session) -> None:
    stored = get_release(session, _stored(session, "2027-02-03T09:00:00-05:00"))

    assert stored.embargo_zone == "-05:00"
    document = release_document(stored)
    assert document.embargo == datetime(2027, 2, 3, 9, tzinfo=timezone(timedelta(hours=-5)))
    assert "embargo: 2027-02-03 09:00:00-05:00\n" in write_release(document)


def test_a_release_without_embargo_has_no_zone(session: Session) -> None:
    stored = get_release(
        session,
        add_release(session, parse_release(b"---\ntitle: Now\n---\nBody.\n"), SYSTEM).id,
    )

    assert stored.embargo_until is None
    assert stored.embargo_zone is None
