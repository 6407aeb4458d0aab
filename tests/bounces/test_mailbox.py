"""Bounces routed to an IMAP mailbox: a private Dovecot on loopback, polled as beat does.

Each test gets its own folder of the one Dovecot user, filled with IMAP APPEND as an
MTA's delivery would; the poll's URL names that folder.
"""

from __future__ import annotations

import imaplib
import json
import re
import ssl
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from distributor.bounces.intake import IngestResult, ingest_message
from distributor.bounces.mailbox import MailboxUnavailable, PollResult, poll_mailbox
from distributor.cli import app
from distributor.config import Settings, get_settings, load_settings
from distributor.contacts.suppressions import is_suppressed
from distributor.db import engine_from_settings
from distributor.errors import ConfigError
from distributor.models import BounceRecord, BounceSource
from distributor.schema import upgrade
from distributor.sending.replies import forward_reply
from distributor.tasks.app import beat_schedule
from distributor.tasks.bounces import poll_bounce_mailbox
from tests.bounces.conftest import BOUNCE_DOMAIN, SECRET, Newsroom, dsn, return_path
from tests.bounces.forged import multi_dsn
from tests.conftest import _serve
from tests.servers import ImapInstance, free_port, imap_server

ANNA = "anna.berg@tageblatt.example"
BEN = "ben.ohler@kurier.example"
BROKEN = b"X-Test: breaks intake"

imap = pytest.mark.imap


@pytest.fixture(scope="session")
def dovecot() -> Iterator[ImapInstance]:
    """Dovecot on loopback; skipped (or failed, when CI requires servers) if it is missing."""
    yield from _serve(imap_server)


@dataclass(frozen=True)
class Mailbox:
    """One test's folder on the Dovecot, and what an MTA and a person do with it."""

    server: ImapInstance
    name: str

    def url(
        self, scheme: str = "imaps", *, password: str | None = None, cafile: bool = True
    ) -> str:
        port = self.server.tls_port if scheme == "imaps" else self.server.port
        secret = quote(self.server.password if password is None else password, safe="")
        query = f"?cafile={self.server.cafile}" if cafile else ""
        return f"{scheme}://{self.server.user}:{secret}@127.0.0.1:{port}/{self.name}{query}"

    def deliver(self, raw: bytes, flags: str = "") -> None:
        with self._connected() as client:
            status, _ = client.append(self.name, f"({flags})" if flags else None, None, raw)
            assert status == "OK"

    def flags(self) -> list[set[str]]:
        """The flags of each message in the folder, oldest first."""
        with self._connected() as client:
            _, (count,) = client.select(self.name)
            _, data = client.fetch("1:*", "(FLAGS)") if count != b"0" else ("OK", [])
        return [
            set(re.search(rb"FLAGS \(([^)]*)\)", line).group(1).decode().split())  # type: ignore[union-attr]
            for line in data
            if isinstance(line, bytes)
        ]

    def _connected(self) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=str(self.server.cafile))
        client = imaplib.IMAP4_SSL("127.0.0.1", self.server.tls_port, ssl_context=context)
        client.login(self.server.user, self.server.password)
        return client


@pytest.fixture
def mailbox(dovecot: ImapInstance) -> Mailbox:
    box = Mailbox(dovecot, f"bounces-{uuid.uuid4().hex[:8]}")
    with box._connected() as client:
        assert client.create(box.name)[0] == "OK"
    return box


def settings_for(tmp_path: Path, url: str) -> Settings:
    return load_settings(
        {
            "DISTRIBUTOR_DATA_DIR": str(tmp_path / "data"),
            "DISTRIBUTOR_SECRET_KEY": SECRET,
            "DISTRIBUTOR_BOUNCE_DOMAIN": BOUNCE_DOMAIN,
            "DISTRIBUTOR_BOUNCE_IMAP_URL": url,
        }
    )


@pytest.fixture
def settings(tmp_path: Path, mailbox: Mailbox) -> Settings:
    return settings_for(tmp_path, mailbox.url())


def bounce_for(newsroom: Newsroom, email: str) -> bytes:
    """A DSN returned to the VERP address of a delivery to `email`, as the MTA files it."""
    raw = dsn(email, to=return_path(newsroom.deliver(email)))
    newsroom.session.commit()  # the poll works in its own transactions
    return raw


def records(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(BounceRecord)) or 0


def failing_on_broken(
    session: Session,
    raw: bytes,
    *,
    source: BounceSource,
    settings: Settings,
    envelope_recipients: Sequence[str] = (),
    now: datetime | None = None,
) -> IngestResult:
    """Bounce intake, except that it raises for messages that carry BROKEN."""
    if BROKEN in raw:
        raise ValueError("cannot take this one in")
    return ingest_message(session, raw, source=source, settings=settings)


@imap
def test_dsns_in_the_mailbox_are_ingested_and_their_contacts_suppressed(
    session: Session, engine: Engine, newsroom: Newsroom, mailbox: Mailbox, settings: Settings
) -> None:
    for email in (ANNA, BEN):
        mailbox.deliver(bounce_for(newsroom, email))
    result = poll_mailbox(settings, engine, forward=forward_reply)
    assert (result.ingested, result.attributed, result.review) == (2, 2, ())
    assert is_suppressed(session, ANNA)
    assert is_suppressed(session, BEN)
    sources = session.scalars(select(BounceRecord.source)).all()
    assert sources == [BounceSource.IMAP, BounceSource.IMAP]


@imap
def test_processed_messages_are_removed_and_not_fetched_again(
    session: Session, engine: Engine, newsroom: Newsroom, mailbox: Mailbox, settings: Settings
) -> None:
    mailbox.deliver(bounce_for(newsroom, ANNA))
    poll_mailbox(settings, engine, forward=forward_reply)
    again = poll_mailbox(settings, engine, forward=forward_reply)
    assert again.ingested == 0
    assert records(session) == 1
    assert mailbox.flags() == []


@imap
def test_a_message_already_read_by_a_person_is_still_taken_in(
    session: Session, engine: Engine, newsroom: Newsroom, mailbox: Mailbox, settings: Settings
) -> None:
    mailbox.deliver(bounce_for(newsroom, ANNA), flags=r"\Seen")
    assert poll_mailbox(settings, engine, forward=forward_reply).ingested == 1
    assert is_suppressed(session, ANNA)


@imap
def test_a_message_whose_intake_fails_is_flagged_and_left_for_review(
    session: Session, engine: Engine, newsroom: Newsroom, mailbox: Mailbox, settings: Settings
) -> None:
    mailbox.deliver(BROKEN + b"\r\n" + bounce_for(newsroom, ANNA))
    mailbox.deliver(bounce_for(newsroom, BEN))
    result = poll_mailbox(settings, engine, ingest=failing_on_broken, forward=forward_reply)
    assert result.ingested == 1
    (line,) = result.review
    assert "ValueError: cannot take this one in" in line
    assert mailbox.flags() == [{r"\Flagged"}]
    assert not is_suppressed(session, ANNA)
    assert is_suppressed(session, BEN)


@imap
def test_a_message_flagged_for_review_is_not_tried_again(
    engine: Engine, newsroom: Newsroom, mailbox: Mailbox, settings: Settings
) -> None:
    mailbox.deliver(BROKEN + b"\r\n" + bounce_for(newsroom, ANNA))
    poll_mailbox(settings, engine, ingest=failing_on_broken, forward=forward_reply)
    again = poll_mailbox(settings, engine, ingest=failing_on_broken, forward=forward_reply)
    assert (again.ingested, again.review) == (0, ())
    assert mailbox.flags() == [{r"\Flagged"}]


@imap
def test_a_poll_takes_in_at_most_its_limit_and_leaves_the_rest_for_the_next(
    engine: Engine, newsroom: Newsroom, mailbox: Mailbox, settings: Settings
) -> None:
    for email in (ANNA, BEN, "cleo@radio.example"):
        mailbox.deliver(bounce_for(newsroom, email))
    first = poll_mailbox(settings, engine, limit=2, forward=forward_reply)
    assert (first.ingested, first.remaining) == (2, 1)
    second = poll_mailbox(settings, engine, limit=2, forward=forward_reply)
    assert (second.ingested, second.remaining) == (1, 0)


@imap
def test_a_refused_login_is_one_line_without_the_password(
    tmp_path: Path, sqlite_engine: Engine, mailbox: Mailbox
) -> None:
    wrong = settings_for(tmp_path, mailbox.url(password="not-the-Pa55word"))
    with pytest.raises(MailboxUnavailable) as error:
        poll_mailbox(wrong, sqlite_engine, forward=forward_reply)
    message = str(error.value)
    assert "did not accept the login of 'bounces'" in message
    assert "DISTRIBUTOR_BOUNCE_IMAP_URL" in message
    assert "not-the-Pa55word" not in message
    assert "\n" not in message


@imap
def test_imaps_trusts_a_self_signed_certificate_named_by_cafile(
    sqlite_engine: Engine, mailbox: Mailbox, settings: Settings
) -> None:
    address = f"imaps://bounces@127.0.0.1:{mailbox.server.tls_port}/{mailbox.name}"
    assert poll_mailbox(settings, sqlite_engine, forward=forward_reply) == PollResult(
        address, 0, 0, (), 0
    )


@imap
@pytest.mark.parametrize("scheme", ["imaps", "imap"])
def test_a_certificate_no_trusted_ca_signed_is_refused(
    scheme: str, tmp_path: Path, sqlite_engine: Engine, mailbox: Mailbox
) -> None:
    untrusted = settings_for(tmp_path, mailbox.url(scheme, cafile=False))
    with pytest.raises(MailboxUnavailable, match=r"certificate is not trusted.*cafile="):
        poll_mailbox(untrusted, sqlite_engine, forward=forward_reply)


@imap
def test_imap_logs_in_over_starttls(
    tmp_path: Path, sqlite_engine: Engine, mailbox: Mailbox
) -> None:
    poll_mailbox(settings_for(tmp_path, mailbox.url("imap")), sqlite_engine, forward=forward_reply)
    logins = [line for line in mailbox.server.log().splitlines() if "Login: user=<bounces>" in line]
    assert logins
    assert all(", TLS," in line for line in logins)


def test_an_unreachable_server_is_one_line_naming_the_setting(
    tmp_path: Path, sqlite_engine: Engine
) -> None:
    closed = f"imaps://bounces:s3cret@127.0.0.1:{free_port()}/INBOX"
    with pytest.raises(MailboxUnavailable) as error:
        poll_mailbox(settings_for(tmp_path, closed), sqlite_engine, forward=forward_reply)
    message = str(error.value)
    assert message.startswith("imaps://bounces@127.0.0.1:")
    assert "cannot connect" in message
    assert "DISTRIBUTOR_BOUNCE_IMAP_URL" in message
    assert "s3cret" not in message


def test_beat_polls_the_mailbox_only_when_one_is_set(tmp_path: Path) -> None:
    assert "poll-bounce-mailbox" not in beat_schedule(load_settings({}))
    settings = settings_for(tmp_path, "imaps://bounces:s3cret@mail.example.org/INBOX")
    entry = beat_schedule(settings)["poll-bounce-mailbox"]
    assert entry["task"] == "distributor.poll_bounce_mailbox"
    assert entry["schedule"] == 60.0


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("pop3://bounces:s3cret@mail.example.org", "unknown scheme 'pop3'"),
        ("imaps://mail.example.org/INBOX", "needs a host, a user and a password"),
        ("imaps://bounces:s3cret@mail.example.org/INBOX?tls=none", "tls='none'"),
    ],
)
def test_a_bad_imap_url_names_the_variable_and_masks_the_password(url: str, problem: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({"DISTRIBUTOR_BOUNCE_IMAP_URL": url})
    assert str(error.value).startswith("DISTRIBUTOR_BOUNCE_IMAP_URL=")
    assert problem in str(error.value)
    assert "s3cret" not in str(error.value)


def test_imap_without_tls_option_refuses_to_log_in_in_clear() -> None:
    settings = load_settings({"DISTRIBUTOR_BOUNCE_IMAP_URL": "imap://b:s@mail.example.org/Bounces"})
    assert settings.bounce_mailbox is not None
    assert (settings.bounce_mailbox.tls, settings.bounce_mailbox.port) == ("required", 143)


def configure(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """The environment a worker or the command runs in: the mailbox set, the database migrated."""
    monkeypatch.setenv("DISTRIBUTOR_BOUNCE_IMAP_URL", url)
    get_settings.cache_clear()
    engine = engine_from_settings(get_settings())
    upgrade(engine)
    engine.dispose()


@imap
def test_the_task_polls_the_mailbox_the_environment_names(
    monkeypatch: pytest.MonkeyPatch, mailbox: Mailbox
) -> None:
    configure(monkeypatch, mailbox.url())
    mailbox.deliver(dsn(ANNA))
    assert poll_bounce_mailbox()["ingested"] == 1


def test_the_task_reports_an_unreachable_mailbox_instead_of_failing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure(monkeypatch, f"imaps://bounces:s3cret@127.0.0.1:{free_port()}/INBOX")
    assert "cannot connect" in poll_bounce_mailbox()["error"]


@imap
def test_the_poll_command_prints_one_json_object(
    monkeypatch: pytest.MonkeyPatch, mailbox: Mailbox
) -> None:
    configure(monkeypatch, mailbox.url())
    mailbox.deliver(dsn(ANNA))
    output = CliRunner().invoke(app, ["bounces", "poll", "--json"]).output
    assert json.loads(output.splitlines()[-1])["ingested"] == 1


# Attribution that cannot be forged (tests/bounces/test_attribution.py), through the poller.


@imap
def test_a_forged_dsn_through_the_mailbox_poller_changes_nothing_for_another_recipient(
    session: Session, engine: Engine, newsroom: Newsroom, mailbox: Mailbox, settings: Settings
) -> None:
    anna = newsroom.deliver(ANNA)
    newsroom.deliver(BEN)
    newsroom.session.commit()
    mailbox.deliver(multi_dsn(ANNA, BEN, to=return_path(anna)))

    poll_mailbox(settings, engine, forward=forward_reply)

    assert is_suppressed(session, ANNA)
    assert not is_suppressed(session, BEN)


@imap
def test_a_dsn_without_a_token_through_the_mailbox_poller_changes_nothing(
    session: Session, engine: Engine, newsroom: Newsroom, mailbox: Mailbox, settings: Settings
) -> None:
    newsroom.deliver(BEN)
    newsroom.session.commit()
    mailbox.deliver(dsn(BEN))

    result = poll_mailbox(settings, engine, forward=forward_reply)

    assert (result.ingested, result.attributed) == (1, 0)
    assert not is_suppressed(session, BEN)
