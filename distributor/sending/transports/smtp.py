"""The SMTP transport: one connection kept open and reused, TLS, AUTH and relay fail-over.

Security defaults, for a press office whose mail carries embargoed news: `smtp://` upgrades
with STARTTLS whenever the relay offers it and verifies the certificate (`?cafile=` trusts
a private CA); `?tls=required` refuses to send in clear; `?tls=none` never upgrades;
`smtps://` is TLS from the first byte. Credentials the relay refuses raise TransportError
once (a configuration problem), never a failure recorded against each recipient.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Sequence

from distributor.config import TransportTarget
from distributor.errors import TransportError
from distributor.sending.transports.closing import ClosesOnExit
from distributor.sending.transports.outcomes import (
    Outcome,
    OutcomeKind,
    Phase,
    SendResult,
    classify_reply,
    connection_problem,
)

DEFAULT_MAX_MESSAGES_PER_CONNECTION = 1000
# An address with nothing to quote or strip: no blanks, brackets, quotes or separators.
PLAIN_ADDRESS = re.compile(r"[^\s<>()\[\]\\\",;:]+@[^\s<>()\[\]\\\",;:@]+\Z")


class _RelayUnusable(Exception):
    """The relay answered but cannot be used as the URL demands (e.g. no STARTTLS)."""


class SMTPTransport(ClosesOnExit):
    """Sends over one open connection, reconnecting (to the next relay if need be) on loss.

    Relays are tried in order whenever a connection is opened; one that refuses the
    connection, times out, or fails TLS is skipped. When none can be reached, every
    recipient is deferred and the result asks to throttle the destination.
    """

    def __init__(
        self,
        relays: Sequence[TransportTarget],
        *,
        local_hostname: str | None = None,
        max_messages_per_connection: int = DEFAULT_MAX_MESSAGES_PER_CONNECTION,
    ) -> None:
        if not relays:
            raise ValueError("SMTPTransport needs at least one relay")
        self._relays = [(relay, _tls_context(relay)) for relay in relays]
        self._local_hostname = local_hostname
        self.max_messages_per_connection = max_messages_per_connection
        self._smtp: smtplib.SMTP | None = None
        self._relay: TransportTarget | None = None
        self._transactions = 0

    @property
    def relay(self) -> TransportTarget | None:
        """The relay of the open connection, if one is open."""
        return self._relay if self._smtp is not None else None

    def check(self) -> str:
        if self._smtp is not None and _answers_noop(self._smtp):
            return self._describe_connection()
        self._drop()
        problem = self._connect()
        if problem is not None:
            raise TransportError(
                f"cannot reach the SMTP server: {problem}; start it, or fix DISTRIBUTOR_SMTP_URL"
            )
        return self._describe_connection()

    def send(self, envelope_from: str, recipients: list[str], message: bytes) -> SendResult:
        if self._smtp is not None and self._transactions >= self.max_messages_per_connection:
            self.close()
        while True:
            fresh = self._smtp is None
            if fresh:
                problem = self._connect()
                if problem is not None:
                    return SendResult.uniform(
                        recipients, connection_problem(problem), throttle=True
                    )
            try:
                result = self._transaction(envelope_from, recipients, message, fresh=fresh)
            except BaseException:
                # Interrupted mid-transaction (a signal, a task cancelled when the broker went
                # away): its replies may still be on their way, and the next transaction
                # would read them as its own, a message reported sent that never went.
                self._drop()
                raise
            if result is not None:
                return result
            # The reused connection had been closed by the relay before MAIL FROM was
            # accepted: nothing was sent, so the next round on a fresh one is safe.

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except OSError:  # smtplib's errors are OSErrors; the connection is gone anyway
            smtp.close()

    # Connecting

    def _connect(self) -> str | None:
        """Open a connection to the first relay that works; else describe why none did."""
        problems = []
        for relay, context in self._relays:
            try:
                self._smtp = self._open(relay, context)
            except (OSError, _RelayUnusable) as exc:
                problems.append(f"{relay.address}: {_describe_error(exc)}")
                continue
            self._relay = relay
            self._transactions = 0
            return None
        return "; ".join(problems)

    def _open(self, relay: TransportTarget, context: ssl.SSLContext) -> smtplib.SMTP:
        smtp: smtplib.SMTP
        if relay.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(
                relay.host,
                relay.port,
                local_hostname=self._local_hostname,
                timeout=relay.timeout,
                context=context,
            )
        else:
            smtp = smtplib.SMTP(
                relay.host, relay.port, local_hostname=self._local_hostname, timeout=relay.timeout
            )
        try:
            smtp.ehlo_or_helo_if_needed()
            if relay.scheme == "smtp" and relay.tls != "none":
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=context)
                    smtp.ehlo()
                elif relay.tls == "required":
                    raise _RelayUnusable(
                        "does not offer STARTTLS and the URL says tls=required; "
                        "enable TLS on the relay or use smtps://"
                    )
            if relay.username is not None:
                _login(smtp, relay)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _describe_connection(self) -> str:
        assert self._smtp is not None
        assert self._relay is not None
        secure = "TLS" if isinstance(self._smtp.sock, ssl.SSLSocket) else "no TLS"
        return f"{self._relay.address} ({secure}) ready"

    def _drop(self) -> None:
        """Forget a connection that is broken or that the relay is closing (no QUIT)."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    # One mail transaction

    def _transaction(
        self, envelope_from: str, recipients: list[str], message: bytes, *, fresh: bool
    ) -> SendResult | None:
        """MAIL, RCPT per recipient, DATA; None when a reused connection turned out stale."""
        smtp = self._smtp
        assert smtp is not None
        self._transactions += 1
        options = _mail_options(smtp, envelope_from, recipients, message)
        outcomes = {
            recipient: Outcome(
                OutcomeKind.FAILED,
                None,
                None,
                "the relay does not support SMTPUTF8, which this address needs",
            )
            for recipient in recipients
            if not recipient.isascii() and "SMTPUTF8" not in options
        }
        asked = [recipient for recipient in recipients if recipient not in outcomes]
        try:
            exchange = _Exchange(smtp, envelope_from, options, asked)
            code, text = exchange.reply()
        except OSError as exc:
            self._drop()
            if not fresh:
                return None
            return SendResult.uniform(
                recipients, connection_problem(_describe_error(exc)), throttle=False
            )
        if code != 250:
            if code == 421 and not fresh:
                self._drop()
                return None
            outcome, throttle = classify_reply(code, text, Phase.MAIL)
            self._abandon(exchange, closing=code == 421)
            return SendResult.uniform(recipients, outcome, throttle=throttle)

        throttle = closing = False
        phase = Phase.RCPT
        try:
            for recipient in asked:
                code, text = exchange.reply()
                outcomes[recipient], slow_down = classify_reply(code, text, Phase.RCPT)
                throttle |= slow_down
                closing = code == 421
                if closing:
                    break
            if closing or all(o.kind is not OutcomeKind.SENT for o in outcomes.values()):
                self._abandon(exchange, closing=closing)
                return _with_rest(outcomes, recipients, throttle)
            phase = Phase.DATA
            code, text = exchange.reply()
            if code == 354:
                code, text = exchange.content(message)
        except OSError as exc:
            self._drop()
            lost = connection_problem(f"connection lost at {phase}: {_describe_error(exc)}")
            return _with_rest(_replace_sent(outcomes, lost), recipients, throttle, lost)
        data_outcome, slow_down = classify_reply(code, text, Phase.DATA)
        if data_outcome.kind is not OutcomeKind.SENT:
            self._end_transaction(closing=code == 421)
        return SendResult(_replace_sent(outcomes, data_outcome), throttle=throttle or slow_down)

    def _abandon(self, exchange: _Exchange, *, closing: bool) -> None:
        """End a transaction that will not send: read what was pipelined, then reset."""
        if not closing:
            try:
                exchange.drain()
            except OSError:
                closing = True
        self._end_transaction(closing=closing)

    def _end_transaction(self, *, closing: bool) -> None:
        """Leave the connection ready for the next message, or drop it if the relay is leaving."""
        if closing or self._smtp is None:
            self._drop()
            return
        try:
            self._smtp.rset()
        except OSError:
            self._drop()


class _Exchange:
    """The commands of one mail transaction, their replies read in order.

    Where the relay offers PIPELINING (RFC 2920), MAIL, every RCPT and DATA go out in
    one write and the replies are read as they come: two round trips per message
    instead of four. Otherwise each command is sent when its reply is asked for.
    """

    def __init__(
        self, smtp: smtplib.SMTP, envelope_from: str, options: list[str], recipients: list[str]
    ) -> None:
        self._smtp = smtp
        mail = f"MAIL FROM:{_path(envelope_from)}" + "".join(f" {o}" for o in options)
        rcpts = [f"RCPT TO:{_path(recipient)}" for recipient in recipients]
        self._commands = [f"{command}\r\n".encode() for command in (mail, *rcpts, "DATA")]
        self._sent = self._read = 0
        if smtp.has_extn("pipelining"):
            smtp.send(b"".join(self._commands))
            self._sent = len(self._commands)

    def reply(self) -> tuple[int, str]:
        """The reply to the next command, sending the command first if it has not gone yet."""
        if self._read == self._sent:
            self._smtp.send(self._commands[self._sent])
            self._sent += 1
        self._read += 1
        return _reply(self._smtp.getreply())

    def content(self, message: bytes) -> tuple[int, str]:
        """After DATA's 354: the message, dot-stuffed and ended, and the relay's verdict."""
        stuffed = message.replace(b"\n.", b"\n..")  # a line's leading dot doubled
        if stuffed.startswith(b"."):
            stuffed = b"." + stuffed
        ending = b".\r\n" if stuffed.endswith(b"\r\n") else b"\r\n.\r\n"
        self._smtp.send(stuffed + ending)
        return _reply(self._smtp.getreply())

    def drain(self) -> None:
        """Read the replies to commands already pipelined; end a DATA the relay accepted anyway."""
        code = 0
        while self._read < self._sent:
            code, _ = self.reply()
        if self._sent == len(self._commands) and code == 354:
            self._smtp.send(b".\r\n")
            self._smtp.getreply()


def _path(address: str) -> str:
    """The address in angle brackets for MAIL and RCPT; a plain address skips the parsing of
    `smtplib.quoteaddr`, which costs more than the rest of the commands together."""
    return f"<{address}>" if PLAIN_ADDRESS.match(address) else smtplib.quoteaddr(address)


def _answers_noop(smtp: smtplib.SMTP) -> bool:
    try:
        return smtp.noop()[0] == 250
    except OSError:
        return False


def _tls_context(relay: TransportTarget) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(
            cafile=str(relay.cafile) if relay.cafile is not None else None
        )
    except (OSError, ssl.SSLError) as exc:
        raise TransportError(
            f"DISTRIBUTOR_SMTP_URL: cannot read the CA file {relay.cafile} for {relay.address}: "
            f"{_describe_error(exc)}; fix the cafile= option"
        ) from None


def _login(smtp: smtplib.SMTP, relay: TransportTarget) -> None:
    assert relay.username is not None
    try:
        smtp.login(relay.username, relay.password or "")
    except smtplib.SMTPServerDisconnected:
        raise
    except smtplib.SMTPException as exc:
        raise TransportError(
            f"{relay.address} did not accept the login of {relay.username!r}: "
            f"{_describe_error(exc)}; fix the user name and password in DISTRIBUTOR_SMTP_URL"
        ) from None


def _mail_options(
    smtp: smtplib.SMTP, envelope_from: str, recipients: list[str], message: bytes
) -> list[str]:
    options = []
    if not message.isascii() and smtp.has_extn("8bitmime"):
        options.append("BODY=8BITMIME")
    needs_utf8 = not envelope_from.isascii() or not all(r.isascii() for r in recipients)
    if needs_utf8 and smtp.has_extn("smtputf8"):
        options.append("SMTPUTF8")
    elif not envelope_from.isascii():
        raise TransportError(
            f"the envelope sender {envelope_from!r} needs SMTPUTF8, which the relay does not "
            "offer; use an ASCII DISTRIBUTOR_BOUNCE_DOMAIN"
        )
    return options


def _reply(reply: tuple[int, bytes]) -> tuple[int, str]:
    return reply[0], _text(reply[1])


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def _describe_error(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, TimeoutError):
        return "timed out"
    return str(exc) or type(exc).__name__


def _replace_sent(outcomes: dict[str, Outcome], outcome: Outcome) -> dict[str, Outcome]:
    """Recipients the relay had accepted at RCPT share the fate of the DATA step."""
    return {r: outcome if o.kind is OutcomeKind.SENT else o for r, o in outcomes.items()}


def _with_rest(
    outcomes: dict[str, Outcome],
    recipients: list[str],
    throttle: bool,
    rest: Outcome | None = None,
) -> SendResult:
    """Recipients never asked about (the relay left mid-way) are deferred."""
    pending = rest or connection_problem("the relay closed the transaction before this recipient")
    return SendResult({r: outcomes.get(r, pending) for r in recipients}, throttle=throttle)
