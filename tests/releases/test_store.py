"""Releases in the database: added from files, found, listed, replaced and deleted, each audited."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM, Actor
from distributor.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from distributor.models import AuditEntry, Release, ReleaseContact, ReleaseVersion, Role, SendOut
from distributor.releases.fileformat import parse_release, read_release_file
from distributor.releases.store import (
    add_release,
    delete_release,
    get_release,
    list_releases,
    release_as_dict,
    slugify,
    update_release_from_file,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _file(title: str = "Budget 2027", extra: str = "", body: str = "Body.") -> str:
    return f"---\ntitle: {title}\n{extra}---\n{body}\n"


def test_added_release_keeps_every_field_of_the_file(session: Session) -> None:
    release_id = add_release(session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM).id
    session.commit()
    session.expunge_all()
    stored = get_release(session, release_id)
    assert stored.slug == "film-grants-2027"
    assert stored.organization == "National Film Fund"
    assert stored.embargo_until == datetime(2027, 2, 3, 8, tzinfo=UTC)
    assert stored.tags == ["grants", "film", "production", "debut directors", "2027"]
    assert [c.name for c in stored.media_contacts] == ["Claire Dubois", "Tomás Herrera"]
    assert [i.credit for i in stored.images][1] == "Photo by Yusuf Ekinci"
    assert len(stored.links) == 3
    version = stored.version()
    assert version.language == "en"
    assert version.location == "Lyon"
    assert version.body_markdown.startswith("The National Film Fund today announced")


def test_russian_release_round_trips_cyrillic(session: Session) -> None:
    document = read_release_file(EXAMPLES / "release-ru.md")
    release_id = add_release(session, document, SYSTEM).id
    session.commit()
    session.expunge_all()
    stored = get_release(session, "film-grants-2027")
    assert stored.id == release_id
    assert stored.version("ru").body_markdown == document.body_markdown
    assert stored.default_language == "ru"


def test_slug_comes_from_the_title_and_is_made_unique(session: Session) -> None:
    first = add_release(session, parse_release(_file("Budget 2027!")), SYSTEM)
    second = add_release(session, parse_release(_file("Budget 2027?")), SYSTEM)
    third = add_release(session, parse_release(_file("Budget — 2027")), SYSTEM)
    assert [first.slug, second.slug, third.slug] == [
        "budget-2027",
        "budget-2027-2",
        "budget-2027-3",
    ]


def test_cyrillic_title_gets_a_transliterated_slug() -> None:
    assert slugify("Фонд кино объявляет гранты") == "fond-kino-obyavlyaet-granty"


def test_explicit_slug_that_is_taken_is_a_conflict(session: Session) -> None:
    add_release(session, parse_release(_file(extra="slug: budget\n")), SYSTEM)
    with pytest.raises(Conflict, match="releases edit budget"):
        add_release(session, parse_release(_file(extra="slug: budget\n")), SYSTEM)


def test_unknown_release_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound, match="releases list"):
        get_release(session, 999)
    with pytest.raises(NotFound):
        get_release(session, "no-such-release")


def test_list_shows_newest_first(session: Session) -> None:
    older = add_release(session, parse_release(_file("Older")), SYSTEM)
    newer = add_release(session, parse_release(_file("Newer")), SYSTEM)
    assert [r.id for r in list_releases(session)][:2] == [newer.id, older.id]


def test_edit_replaces_text_and_lists_from_the_new_file(session: Session) -> None:
    release = add_release(
        session,
        parse_release(_file(extra="contacts:\n  - name: A\n  - name: B\ntags: [x]\n", body="Old.")),
        SYSTEM,
    )
    session.commit()
    release_id = release.id
    update_release_from_file(
        session,
        release.slug,
        parse_release(_file("Budget 2027, revised", "contacts:\n  - name: C\n", body="New.")),
        SYSTEM,
    )
    session.commit()
    session.expunge_all()
    stored = get_release(session, release_id)
    assert stored.version().title == "Budget 2027, revised"
    assert stored.version().body_markdown == "New.\n"
    assert [c.name for c in stored.media_contacts] == ["C"]
    assert stored.tags == []
    assert session.scalars(select(ReleaseContact.name)).all() == ["C"]
    assert len(session.scalars(select(ReleaseVersion)).all()) == 1


def test_edit_with_a_file_in_another_language_is_refused(session: Session) -> None:
    release = add_release(session, parse_release(_file()), SYSTEM)
    with pytest.raises(InvalidInput, match="language"):
        update_release_from_file(
            session, release.id, parse_release(_file(extra="language: ru\n")), SYSTEM
        )


def test_delete_removes_the_release_and_its_parts(session: Session) -> None:
    release = add_release(session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    session.commit()
    deleted = delete_release(session, release.id, SYSTEM)
    session.commit()
    assert deleted.slug == "film-grants-2027"
    assert session.scalars(select(Release)).all() == []
    assert session.scalars(select(ReleaseContact)).all() == []


def test_release_used_by_a_sendout_cannot_be_deleted(session: Session) -> None:
    release = add_release(session, parse_release(_file()), SYSTEM)
    session.add(SendOut(release_id=release.id))
    session.commit()
    with pytest.raises(Conflict, match="send-out"):
        delete_release(session, release.id, SYSTEM)
    assert get_release(session, release.id).id == release.id


def test_add_edit_and_delete_are_audited(session: Session) -> None:
    release = add_release(session, parse_release(_file()), SYSTEM)
    update_release_from_file(session, release.id, parse_release(_file("Renamed")), SYSTEM)
    delete_release(session, release.id, SYSTEM)
    session.commit()
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "release").order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == ["release.create", "release.update", "release.delete"]
    assert {e.entity_id for e in entries} == {str(release.id)}


def test_viewer_cannot_add_a_release(session: Session) -> None:
    viewer = Actor(label="user:9", role=Role.VIEWER)
    with pytest.raises(PermissionDenied):
        add_release(session, parse_release(_file()), viewer)


def test_full_dict_lists_contacts_images_and_links(session: Session) -> None:
    release = add_release(session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    shown = release_as_dict(release, full=True)
    assert shown["id"] == release.id
    assert shown["embargo"] == "2027-02-03T08:00:00+00:00"
    assert len(shown["contacts"]) == 2
    assert shown["images"][0]["alt"].startswith("The seven members")
