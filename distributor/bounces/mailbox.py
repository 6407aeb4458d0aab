"""Bounces routed to an IMAP mailbox (DISTRIBUTOR_BOUNCE_IMAP_URL), fetched and taken in.

For setups that cannot run `distributor bounces serve`: the MTA delivers bounces to a
mailbox and beat polls it. Each message goes through bounce intake in its own
transaction, and only once that committed is it marked \\Deleted; the poll expunges
the folder at its end. The database keeps each message as evidence (up to
DISTRIBUTOR_BOUNCE_KEEP_BYTES), so the mailbox only holds what is still to do. A
message whose intake raises is marked \\Flagged and left for someone to look at:
polls skip flagged messages until the flag is removed. \\Seen plays no part, so a
person reading the mailbox hides nothing from the poll. A crash between a commit
and its \\Deleted flag takes that one message in again on the next poll. A
journalist's reply is forwarded and recorded before it is deleted; while the relay
cannot take it, it stays in the mailbox for the next poll.
"""

from __future__ import annotations

import imaplib
import logging
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from distributor.bounces.intake import Ingest, ingest_message
from distributor.bounces.replies import Forwarder, pass_on
from distributor.config import MailboxTarget, Settings
from distributor.errors import ConfigError, DistributorError, ForwardDeferred
from distributor.models import BounceSource

log = logging.getLogger(__name__)

#: Messages taken in per poll, so that a beat tick stays short; the rest wait for the next.
DEFAULT_LIMIT = 100
_WAITING = ("UNDELETED", "UNFLAGGED")  # neither taken in yet nor set aside for review
_SETTING = "DISTRIBUTOR_BOUNCE_IMAP_URL"


class MailboxUnavailable(DistributorError):
    """The bounce mailbox cannot be reached, is not trusted or refuses the login:
    a fix in DISTRIBUTOR_BOUNCE_IMAP_URL or on the IMAP server."""

    exit_code = 69  # EX_UNAVAILABLE


@dataclass(frozen=True)
class PollResult:
    mailbox: str  # scheme://user@host:port/folder, without the password
    ingested: int  # messages taken in and removed from the mailbox
    attributed: int  # recipients they tied to a delivery
    review: tuple[str, ...]  # one line per message flagged for review
    remaining: int  # messages left for the next poll by the limit

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def poll_mailbox(
    settings: Settings,
    engine: Engine,
    *,
    forward: Forwarder,
    limit: int = DEFAULT_LIMIT,
    ingest: Ingest = ingest_message,
) -> PollResult:
    """Take in up to `limit` waiting messages of the bounce mailbox, oldest first.

    Raises MailboxUnavailable (one line, never the password) when the server cannot be
    used, and lets OperationalError through when the database cannot: the message in
    hand then stays in the mailbox as it was.
    """
    target = settings.bounce_mailbox
    if target is None:
        raise ConfigError(f"{_SETTING} is not set: name the mailbox bounces are routed to")
    try:
        with _logged_in(target) as imap:
            waiting = _search(imap)
            ingested = attributed = 0
            review = []
            for uid in waiting[:limit]:
                raw = _fetch(imap, uid)
                if raw is None:  # expunged by someone else meanwhile
                    continue
                try:
                    with Session(engine) as session:
                        result = ingest(session, raw, source=BounceSource.IMAP, settings=settings)
                        session.commit()
                    if result.reply is not None:
                        pass_on(result.reply, engine, settings, forward)
                except OperationalError:
                    raise
                except ForwardDeferred as exc:
                    log.warning(
                        "%s UID %s: reply kept until the relay takes it: %s",
                        target.address,
                        uid,
                        exc,
                    )
                    continue
                except Exception as exc:
                    _check(imap.uid("STORE", uid, "+FLAGS.SILENT", r"(\Flagged)"))
                    review.append(f"UID {uid}: {type(exc).__name__}: {_one_line(str(exc))}")
                    log.error("%s flagged for review: %s", target.address, review[-1])
                    continue
                _check(imap.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)"))
                ingested += 1
                attributed += result.attributed
                log.info(
                    "%s UID %s: %s, %d record(s)",
                    target.address,
                    uid,
                    result.kind,
                    len(result.record_ids),
                )
            _check(imap.expunge())
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxUnavailable(f"{target.address}: {_describe(exc, target)}") from None
    return PollResult(
        target.address, ingested, attributed, tuple(review), max(0, len(waiting) - limit)
    )


@contextmanager
def _logged_in(target: MailboxTarget) -> Iterator[imaplib.IMAP4]:
    """A connection over TLS (unless the URL says otherwise), logged in, the folder selected."""
    context = _tls_context(target)
    imap: imaplib.IMAP4
    if target.scheme == "imaps":
        imap = imaplib.IMAP4_SSL(
            target.host, target.port, ssl_context=context, timeout=target.timeout
        )
    else:
        imap = imaplib.IMAP4(target.host, target.port, timeout=target.timeout)
    try:
        if target.scheme == "imap" and target.tls != "none":
            if "STARTTLS" in imap.capabilities:
                imap.starttls(context)
            elif target.tls == "required":
                raise MailboxUnavailable(
                    f"{target.address} does not offer STARTTLS, and imap:// refuses to send the "
                    "password in clear unless told (tls=auto or tls=none); enable TLS on the "
                    "server or use imaps://"
                )
        try:
            imap.login(target.username, target.password)
        except imaplib.IMAP4.error as exc:
            raise MailboxUnavailable(
                f"{target.address} did not accept the login of {target.username!r}: "
                f"{_describe(exc, target)}; fix the user name and password in {_SETTING}"
            ) from None
        # A folder name is a quoted string: it may hold spaces
        quoted = '"' + target.folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
        status, data = imap.select(quoted)
        if status != "OK":
            raise MailboxUnavailable(
                f"{target.address}: cannot open the folder {target.folder!r}: "
                f"{_text(data)}; fix the folder in {_SETTING}"
            )
        yield imap
        imap.logout()
    finally:
        if imap.state != "LOGOUT":
            with suppress(OSError, imaplib.IMAP4.error):
                imap.shutdown()


def _search(imap: imaplib.IMAP4) -> list[str]:
    """UIDs of the messages waiting, oldest first."""
    data = _check(imap.uid("SEARCH", *_WAITING))
    return sorted((uid.decode() for uid in (data[0] or b"").split()), key=int)


def _fetch(imap: imaplib.IMAP4, uid: str) -> bytes | None:
    """The message as received; PEEK leaves \\Seen as it was."""
    data = _check(imap.uid("FETCH", uid, "(BODY.PEEK[])"))
    return next((item[1] for item in data if isinstance(item, tuple)), None)


def _check(reply: tuple[str, list[Any]]) -> list[Any]:
    status, data = reply
    if status != "OK":
        raise imaplib.IMAP4.error(_text(data))
    return data


def _tls_context(target: MailboxTarget) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(
            cafile=str(target.cafile) if target.cafile is not None else None
        )
    except (OSError, ssl.SSLError) as exc:
        raise MailboxUnavailable(
            f"{_SETTING}: cannot read the CA file {target.cafile}: {exc}; fix the cafile= option"
        ) from None


def _describe(exc: BaseException, target: MailboxTarget) -> str:
    """The problem in one line, never the password."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        text = (
            f"the server's certificate is not trusted ({exc.verify_message}); "
            f"if it is signed by a private CA, name the CA with ?cafile=/path/ca.pem in {_SETTING}"
        )
    elif isinstance(exc, TimeoutError):
        text = "timed out"
    elif isinstance(exc, OSError) and not isinstance(exc, ssl.SSLError):
        text = f"cannot connect: {exc.strerror or exc}; check the host and port in {_SETTING}"
    else:
        text = _text(list(exc.args)) or type(exc).__name__
    return _one_line(text.replace(target.password, "***") if target.password else text)


def _text(data: list[Any]) -> str:
    return " ".join(
        item.decode("utf-8", "replace") if isinstance(item, bytes) else str(item)
        for item in data
        if item is not None
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())
