"""Every shape of message we send, and hand-made messages with the awkward shapes of RFC 5322,
verify with dkimpy and, when installed, with OpenDKIM: the canonicalisation is RFC 6376's."""

# ruff: noqa: RUF001 - Cyrillic headers and bodies on purpose

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.config import Settings
from distributor.models.base import utcnow
from distributor.releases.fileformat import read_release_file
from distributor.releases.store import add_release
from distributor.sending.message.attachments import attachment_options
from distributor.sending.message.mime import BuiltMessage, MessageTemplate, Recipient, build_message
from distributor.sending.scheduling.dispatch import start_due
from distributor.sending.scheduling.sendouts import Audience, Schedule, create_sendout
from tests.media_kit import add_kit_release, app_settings, kit_folder
from tests.sending.conftest import EXAMPLES, AddJournalists, run_batches
from tests.sending.dkim_verifiers import ThrowawayKey, dkimpy_verdicts, signer, verified_by_both
from tests.smtp_server import CaptureServer

Keys = dict[str, ThrowawayKey]

RAW = {
    "folded header with tabs": (
        b"From: Press Office\r\n\t<press@newsroom.example>\r\nTo: a@example.org\r\n"
        b"Subject: A subject folded\r\n   over\r\n\tthree lines\r\n\r\nBody\r\n"
    ),
    "blanks around values and colons": (
        b"From:press@newsroom.example  \r\nSubject:\t  spaced   out\t \r\n"
        b"To:   a@example.org\t\r\n\r\nBody\r\n"
    ),
    "empty body": b"From: press@newsroom.example\r\nSubject: nothing\r\n\r\n",
    "no blank line after the header": b"From: press@newsroom.example\r\nSubject: nothing\r\n",
    "body without a final line end": (
        b"From: press@newsroom.example\r\nSubject: x\r\n\r\nlast line without CRLF"
    ),
    "trailing blank lines and blanks": (
        b"From: press@newsroom.example\r\nSubject: x\r\n\r\nText  with \t blanks \r\n"
        b"\r\n  \r\n\t\r\n\r\n"
    ),
    "a text table's long runs of blanks": (
        b"From: press@newsroom.example\r\nSubject: x\r\n\r\n"
        b"Category              Projects  Total\r\nDebut fund \t \t      up to 15\r\n"
    ),
    "only blank lines in the body": b"From: press@newsroom.example\r\n\r\n\r\n\r\n  \r\n",
    "UTF-8 and 8-bit header values": (
        "From: Пресс-служба <press@newsroom.example>\r\nSubject: Новый релиз — «ёлки»\r\n"
        "To: Zoë Müller <zoe@example.org>\r\n\r\nТекст\r\n"
    ).encode()
    + b"\r\n",
    "the same field twice": (
        b"From: press@newsroom.example\r\nTo: a@example.org\r\nTo: b@example.org\r\n"
        b"Subject: x\r\n\r\nBody\r\n"
    ),
    "bare LF line ends": b"From: press@newsroom.example\nSubject: lf\n\nline one  \nline two\n\n",
    "a bare CR in the body": b"From: press@newsroom.example\r\n\r\nline\rnot a line end\r\n\r",
    "long line": b"From: press@newsroom.example\r\n\r\n" + b"word " * 190 + b"\r\n",
}


@pytest.mark.parametrize("message", RAW.values(), ids=RAW.keys())
def test_hand_made_message_verifies(message: bytes, dkim_keys: Keys) -> None:
    signed = signer(mail=dkim_keys["rsa"], ed=dkim_keys["ed25519"]).sign(message)
    verified_by_both(signed, {"mail": dkim_keys["rsa"].record, "ed": dkim_keys["ed25519"].record})


LONG_SUBJECT = "Правительство объявляет о новых грантах для независимых кинопроизводителей " * 2
TEMPLATES = {
    "plain ASCII": ("A press release", "Jane Doe", "<p>Hello</p>", "Hello"),
    "Cyrillic subject and name": ("Новый пресс-релиз", "Иван Петров", "<p>Привет</p>", "Привет"),
    "long folded non-ASCII subject": (LONG_SUBJECT, "Zoë Müller-Lüdenscheidt", "<p>é</p>", "é"),
    "a 5,000-character line (quoted-printable)": ("Long", "", "<p>" + "x" * 5000 + "</p>", "x"),
    "text with trailing blanks and dots": ("Dots", "A", "<p>a</p>", "line  \n.dot\n\n\n"),
}


def _built(subject: str, name: str, html: str, text: str) -> BuiltMessage:
    template = MessageTemplate.create(
        from_address="Press Office <press@newsroom.example>",
        subject=subject,
        sendout_id=3,
        list_slug="national-press",
        list_name="National press",
        bounce_domain="bounces.newsroom.example",
        secret="s",
        reply_to=("Anna Smith", "anna@newsroom.example"),
    )
    recipient = Recipient(9, "someone@example.org", "https://press.example/u/abc", name)
    return build_message(template, html, text, recipient)


@pytest.mark.parametrize("shape", TEMPLATES.values(), ids=TEMPLATES.keys())
def test_built_message_verifies(shape: tuple[str, str, str, str], dkim_keys: Keys) -> None:
    signed = signer(mail=dkim_keys["rsa"]).sign(_built(*shape).data)
    verified_by_both(signed, {"mail": dkim_keys["rsa"].record})


@pytest.mark.parametrize(
    "source", ["release-en.md", "release-ru.md", "release-hostile.md", "media kit attached"]
)
def test_every_sent_release_verifies_after_the_smtp_hop(
    source: str,
    session: Session,
    journalists: AddJournalists,
    send_settings: Settings,
    capture: CaptureServer,
    dkim_keys: Keys,
    tmp_path: Path,
) -> None:
    settings = app_settings(
        session,
        send_settings.data_dir,
        smtp_url=capture.url(tls="none"),
        dkim_selector="mail",
        dkim_key_file=str(dkim_keys["rsa"].file),
        dkim_second_selector="ed",
        dkim_second_key_file=str(dkim_keys["ed25519"].file),
    )
    options = None
    if source.endswith(".md"):
        release = add_release(session, read_release_file(EXAMPLES / source), SYSTEM)
    else:
        release = add_kit_release(session, kit_folder(tmp_path), settings)
        options = attachment_options(release, settings)
    journalists(2, last_name="Петров-Водкин")
    sendout = create_sendout(
        session, release, Audience(lists=["press"]), Schedule(), actor=SYSTEM, options=options
    )
    start_due(session, utcnow())
    session.commit()

    run_batches(session, settings, sendout)

    assert len(capture.messages) == 2
    for received in capture.messages:
        verified_by_both(
            received.data,
            {"mail": dkim_keys["rsa"].record, "ed": dkim_keys["ed25519"].record},
        )


HEADER_TEXT = st.lists(st.sampled_from([" ", "\t", "a", "é", "=", "."]), max_size=12).map("".join)
LINE = st.lists(st.sampled_from([" ", "\t", "a", "é", "=", ".", "\r"]), max_size=12).map("".join)
LINE_END = st.sampled_from(["\r\n", "\n", "\r"])


@settings(max_examples=150, deadline=None)
@given(
    subject=st.lists(st.tuples(HEADER_TEXT, st.sampled_from(["\r\n ", "\r\n\t", ""])), max_size=4),
    body=st.lists(st.tuples(LINE, LINE_END), max_size=8),
    last=LINE,
)
def test_any_blanks_folds_and_line_ends_verify(
    subject: list[tuple[str, str]], body: list[tuple[str, str]], last: str, dkim_keys: Keys
) -> None:
    """Whatever the blanks, folds and line ends, dkimpy reads the message as we signed it."""
    folded = "".join(text + fold for text, fold in subject).rstrip("\r\n\t ") or "x"
    text = "".join(line + end for line, end in body) + last
    message = f"From: press@newsroom.example\r\nSubject: {folded}\r\n\r\n{text}".encode()
    signed = signer(ed=dkim_keys["ed25519"]).sign(message)
    assert dkimpy_verdicts(signed, ed=dkim_keys["ed25519"].record) == [True]
