"""Subject lines by language: each journalist of a bilingual release gets the subject in the
language of the version they read, through the real pipeline to a capture server."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.config import Settings
from distributor.errors import HeaderInjection, InvalidInput
from distributor.models import Release, SendOut
from distributor.sending.message.subjects import checked_subjects, parse_subjects, with_subjects
from distributor.sending.scheduling.follow_ups import create_follow_up
from distributor.sending.scheduling.sendouts import Audience, Schedule, create_sendout
from tests.sending.conftest import AddJournalists
from tests.sending.test_follow_ups import Office
from tests.sending.test_multilingual import bilingual  # noqa: F401 - the fixture
from tests.smtp_server import CaptureServer

SUBJECT = "Reminder: film grants"
RUSSIAN = "Напоминание: гранты"
# Who is on the list, with the language their contact record gives (None: not given).
LANGUAGES = ("ru", "en", "de", None)


@pytest.fixture
def office(
    session: Session,
    bilingual: Release,  # noqa: F811 - the fixture
    send_settings: Settings,
    capture: CaptureServer,
) -> Office:
    return Office(session, bilingual, send_settings, capture)


@pytest.fixture
def readers(journalists: AddJournalists) -> dict[str | None, str]:
    """One journalist on list `press` per language in LANGUAGES: their address by language."""
    addresses = {}
    for number, language in enumerate(LANGUAGES):
        fields = {"language": language} if language else {}
        [addresses[language]] = journalists(1, "press", f"desk{number}.example", **fields)
    return addresses


def _subjects(
    office: Office, sendout: SendOut, readers: dict[str | None, str]
) -> dict[str | None, str]:
    """The Subject each reader got from `sendout`, by their language."""
    received = office.received(sendout)
    return {language: str(received[address]["Subject"]) for language, address in readers.items()}


def _send(office: Office, subjects: dict[str, str]) -> SendOut:
    sendout = create_sendout(
        office.session,
        office.release,
        Audience(lists=["press"]),
        Schedule(),
        actor=SYSTEM,
        subject=SUBJECT,
        options=with_subjects({}, checked_subjects(office.release, subjects)),
    )
    return office.dispatch_and_send(sendout)


def test_each_reader_gets_the_subject_of_their_language_else_the_sendouts(
    office: Office, readers: dict[str | None, str]
) -> None:
    sendout = _send(office, {"ru": RUSSIAN})

    assert _subjects(office, sendout, readers) == {
        "ru": RUSSIAN,
        "en": SUBJECT,
        "de": SUBJECT,
        None: SUBJECT,
    }


def test_a_subject_typed_for_a_language_is_printed_the_way_that_language_prints_it(
    office: Office, readers: dict[str | None, str]
) -> None:
    sendout = _send(office, {"ru": 'Итоги конкурса "Фонда кино" -- 48 млн евро'})

    assert _subjects(office, sendout, readers)["ru"] == (
        "Итоги конкурса «Фонда кино»\u00a0— 48\u00a0млн евро"
    )


def test_a_follow_up_gets_its_own_subjects_by_language(
    office: Office, readers: dict[str | None, str]
) -> None:
    original = _send(office, {"ru": "Гранты на кино 2027"})

    follow_up = create_follow_up(
        office.session, original, "Last call", Schedule(), actor=SYSTEM, subjects={"ru": RUSSIAN}
    )
    office.dispatch_and_send(follow_up)

    assert _subjects(office, follow_up, readers) == {
        "ru": RUSSIAN,
        "en": "Last call",
        "de": "Last call",
        None: "Last call",
    }


def test_a_follow_up_does_not_inherit_the_originals_subjects(
    office: Office, readers: dict[str | None, str]
) -> None:
    original = _send(office, {"ru": "Гранты на кино 2027"})

    follow_up = create_follow_up(office.session, original, "Last call", Schedule(), actor=SYSTEM)
    office.dispatch_and_send(follow_up)

    assert set(_subjects(office, follow_up, readers).values()) == {"Last call"}
    assert "subjects" not in follow_up.options


def test_a_regional_tag_names_the_version_of_its_base_language(
    bilingual: Release,  # noqa: F811 - the fixture
) -> None:
    assert checked_subjects(bilingual, {"RU_ru": f" {RUSSIAN} "}) == {"ru": RUSSIAN}


def test_a_subject_in_a_language_the_release_lacks_is_refused_naming_its_languages(
    bilingual: Release,  # noqa: F811 - the fixture
) -> None:
    with pytest.raises(
        InvalidInput,
        match=r"^--subject-in: release 'film-grants-2027' has no version in 'de'; "
        r"it is written in en, ru$",
    ):
        checked_subjects(bilingual, {"de": "Erinnerung"})


def test_a_line_break_in_a_subject_is_refused_naming_its_language(
    bilingual: Release,  # noqa: F811 - the fixture
) -> None:
    with pytest.raises(HeaderInjection, match=r"^--subject-in ru: .* holds a line break"):
        checked_subjects(bilingual, {"ru": "Напоминание\r\nBcc: everyone@example.org"})


def test_an_empty_subject_is_refused(bilingual: Release) -> None:  # noqa: F811 - the fixture
    with pytest.raises(InvalidInput, match=r"^--subject-in: the subject in 'ru' is empty"):
        checked_subjects(bilingual, {"ru": "  "})


def test_a_follow_up_refuses_a_subject_in_a_language_the_release_lacks(
    office: Office, readers: dict[str | None, str]
) -> None:
    original = _send(office, {})

    with pytest.raises(InvalidInput, match="has no version in 'de'"):
        create_follow_up(
            office.session, original, "Last call", Schedule(), actor=SYSTEM, subjects={"de": "X"}
        )


def test_command_line_pairs_are_read_by_language() -> None:
    assert parse_subjects(["ru=Напоминание: 3=3", "pt-BR=Lembrete"]) == {
        "ru": "Напоминание: 3=3",
        "pt-BR": "Lembrete",
    }


@pytest.mark.parametrize("pair", ["ru Напоминание", "=Напоминание"])
def test_a_pair_without_a_language_is_refused_naming_the_option(pair: str) -> None:
    with pytest.raises(InvalidInput, match=f"^--subject-in '{pair}': give a language"):
        parse_subjects([pair])


def test_a_language_given_twice_is_refused() -> None:
    with pytest.raises(InvalidInput, match="'ru' is given twice"):
        parse_subjects(["ru=Один", "ru=Два"])
