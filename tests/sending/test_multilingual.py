"""One send-out of a release in Russian and English: each journalist reads their own language.

The release is the documented pair of files (docs/examples/release-en.md and
release-ru.md, one slug), sent through the real pipeline to a capture server; each
message's web-version link leads to a page that links the other language.
"""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.config import Settings
from distributor.models import Release
from distributor.models.base import utcnow
from distributor.releases.fileformat import read_release_file
from distributor.releases.store import add_release
from distributor.rendering.web_version import web_version
from distributor.sending.pipeline import send_test
from tests.sending.conftest import AddJournalists, run_batches, start_sendout
from tests.smtp_server import CaptureServer

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
BASE = "https://press.example.org"
RUSSIAN_SUBJECT = (
    "ЭМБАРГО: Национальный фонд кино объявляет гранты на производство фильмов 2027 года"
)
# "€48 million" stays on one line (a no-break space), as the English convention prints it.
ENGLISH_SUBJECT = (
    "EMBARGOED: National Film Fund announces €48\u00a0million in 2027 production grants"
)
# Who is on the list, with the language their contact record gives (None: not given).
READERS = {
    "ru": "ru",
    "ru-RU": "ru",
    "RU": "ru",
    "en": "en",
    "de": "en",  # no German version: the release's default language
    None: "en",
}


@pytest.fixture
def bilingual(session: Session) -> Release:
    add_release(session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    release = add_release(session, read_release_file(EXAMPLES / "release-ru.md"), SYSTEM)
    session.flush()
    return release


@pytest.fixture
def received(
    session: Session,
    bilingual: Release,
    journalists: AddJournalists,
    send_settings: Settings,
    capture: CaptureServer,
) -> dict[str | None, EmailMessage]:
    """The message each reader got from one send-out, by the language on their record."""
    addresses = {}
    for number, language in enumerate(READERS):
        fields = {"language": language} if language else {}
        [addresses[language]] = journalists(1, "press", f"desk{number}.example", **fields)
    run_batches(session, send_settings, start_sendout(session, bilingual, "press"))
    by_address = {captured.recipients[0]: _parsed(captured.data) for captured in capture.messages}
    assert len(capture.messages) == len(READERS)
    return {language: by_address[address] for language, address in addresses.items()}


def _parsed(data: bytes) -> EmailMessage:
    return cast(EmailMessage, message_from_bytes(data, policy=policy.default))


def _text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return cast(str, part.get_content())


def _html(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return cast(str, part.get_content())


@pytest.mark.parametrize("language", list(READERS))
def test_each_journalist_gets_the_subject_in_their_language(
    received: dict[str | None, EmailMessage], language: str | None
) -> None:
    expected = RUSSIAN_SUBJECT if READERS[language] == "ru" else ENGLISH_SUBJECT
    assert received[language]["Subject"] == expected


@pytest.mark.parametrize("language", list(READERS))
def test_each_message_says_its_content_language(
    received: dict[str | None, EmailMessage], language: str | None
) -> None:
    assert received[language]["Content-Language"] == READERS[language]


@pytest.mark.parametrize("language", list(READERS))
def test_each_journalist_reads_the_body_and_captions_in_their_language(
    received: dict[str | None, EmailMessage], language: str | None
) -> None:
    text, html = _text(received[language]), _html(received[language])
    if READERS[language] == "ru":
        assert "Национальный фонд кино сегодня объявил итоги конкурса" in text
        assert "Жюри конкурса 2027 года на заключительном заседании." in html
        assert "The National Film Fund today announced" not in text
        assert re.search(r'<html lang="ru"', html)
    else:
        assert "The National Film Fund today announced" in text
        assert "The 2027 grant jury at its final session in Lyon" in html
        assert "Национальный фонд кино" not in text


@pytest.mark.parametrize("language", list(READERS))
def test_the_web_version_link_leads_to_the_readers_language(
    received: dict[str | None, EmailMessage], language: str | None
) -> None:
    path = "/releases/film-grants-2027" + ("/ru" if READERS[language] == "ru" else "")
    text = _text(received[language])

    # Under embargo, the link carries the recipient's own key (tests/web: what it opens).
    assert re.search(rf"{re.escape(BASE + path)}\?key=[\w-]+\s*$", text, re.MULTILINE)
    assert f'href="{BASE}{path}?key=' in _html(received[language])


def test_the_web_versions_link_each_other(bilingual: Release) -> None:
    sender = "Press <press@filmfund.example.org>"
    english = web_version(bilingual, sender, BASE, utcnow())
    russian = web_version(bilingual, sender, BASE, utcnow(), "ru")

    assert f'href="{BASE}/releases/film-grants-2027/ru"' in english
    assert "Читать на русском" in english
    assert f'href="{BASE}/releases/film-grants-2027"' in russian
    assert "Read in English" in russian


@pytest.mark.parametrize(
    ("language", "subject"), [("ru", RUSSIAN_SUBJECT), (None, ENGLISH_SUBJECT)]
)
def test_a_test_copy_is_sent_in_the_language_asked_for(
    bilingual: Release,
    send_settings: Settings,
    capture: CaptureServer,
    language: str | None,
    subject: str,
) -> None:
    send_test(bilingual, ["editor@desk.example"], send_settings, language)

    [captured] = capture.messages
    message = _parsed(captured.data)
    assert message["Subject"] == f"[TEST] {subject}"
    assert message["Content-Language"] == (language or "en")
