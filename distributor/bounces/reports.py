"""Reading what comes back to the bounce address: DSNs, MTA-specific bounces, ARF complaints, auto-replies.

`parse_report` is the one entry point of bounce intake. It reads whatever
arrives, never raises, and says what it could not read in `problems`, so a
strange message is kept for review instead of stopping the intake. It judges
nothing about the addresses: `distributor.bounces.classify` does that.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, replace
from email.errors import MessageError
from email.header import decode_header, make_header
from email.message import Message
from email.policy import Compat32
from email.utils import getaddresses, parseaddr
from enum import StrEnum
from functools import cached_property
from typing import Any

from distributor.bounces.classify import (
    ENHANCED_CODE,
    TAKEN_THEN_REFUSED,
    Verdict,
    classify,
    reply_code_of,
)
from distributor.bounces.mail_text import decoded, html_as_text
from distributor.bounces.mime_reader import read_headers, read_message
from distributor.models import BounceClass, Reason

_OPENING = 400  # characters of a report's words that hold its opening sentence
WORDS_LIMIT = 16 * 1024  # characters of a report's own words it keeps for readers after it
MESSAGE_LIMIT = 10 * 1024 * 1024  # bytes of a message that are parsed; the rest is ignored
PART_LIMIT = 1024 * 1024  # bytes of any one part that are read
_DIAGNOSTIC_CHARS = 2000
_ADDRESS_CHARS = 320  # RFC 5321's longest path
_NEAR_ADDRESS = 1000  # characters after a failed address searched for its reason

_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r"\s+")
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,996}>")
_EMBEDDED_MESSAGE_ID = re.compile(r"^[ \t>]*Message-ID:[ \t]*(<[^<>\s]{1,996}>)", re.I | re.M)
_SMTP_REPLY = re.compile(r"(?<![\w.:\[\]/-])[45][0-5]\d[ :-][^\n]*")
# Where a bounce's own words end and the copy of the returned message begins.
_RETURNED_COPY = re.compile(
    r"^[ \t]{0,20}(?:[-=*]{2,40}[^\n]{0,80}?(original message|copy of the message|returned message|"
    r"message follows|message headers follow|below this line)|(message headers follow|"
    r"original message follows|below is a copy of the original message|"
    r"enclosed is a copy of the message))",
    re.I | re.M,
)
_AUTO_REPLY_SUBJECT = re.compile(
    r"out of (the )?office|automatic reply|auto[- ]?reply|auto[- ]?response|autoresponder|"
    r"abwesenheit|automatische antwort|réponse automatique|absence du bureau|"
    r"respuesta automática|fuera de la oficina|risposta automatica|fuori sede|"
    r"automatisch antwoord|afwezig|автоответ|автоматический ответ|вне офиса",
    re.IGNORECASE,
)
_DAEMON = re.compile(
    r"mailer-daemon|post_?master|mail delivery (sub)?system|mdaemon|\bbounce", re.I
)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered|delivery (status notification|failure|failed|has failed|problem)|"
    r"returned mail|mail delivery failed|failure notice|could not be delivered|non-?delivery|"
    r"delivery notification|mail system error|nondeliverable|mail could not|unable to deliver|"
    r"rejected|error sending|warning: could not send|delivery report|mail not delivered|"
    r"message not delivered|message delivery|delivery error|unzustellbar|non remis|no entregado",
    re.I,
)
_AT_DOMAIN = re.compile(r"@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_LOCAL_PART_CHARS = frozenset(".+=/'-_")
_LOCAL_PART_MAX = 64
# A sender or message named in the prose (a returned header, a transcript's MAIL FROM): not failed.
_SENDER_MENTION = re.compile(
    r"(?:^[ \t>]*(?:from|reply-to|return-path|sender|message-id|in-reply-to|references)|"
    r"envelope-from|mail from)[ \t]*:?[ \t]*"
    r"(?:[^<>\n]{0,80}<)?([\w.+=/'-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8})",
    re.I | re.M,
)
# An address that starts a line: the next recipient in a bounce's list of failures.
_LISTED_ADDRESS = re.compile(
    r"^[ \t]*<?([\w.+=/'-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8})>?(?=:|[ \t]*$)", re.M
)
_PROSE_CHARS = 4000  # of a one-recipient bounce's prose read for its reason
_LINE_BEFORE = 200  # characters before an address searched for the start of its line
_MAX_RECIPIENTS = 100  # of one report: no bounce lists more, a hostile one may
# The words every line matched by _RETURNED_COPY contains, one of them at least.
_COPY_PHRASES = (
    "original message",
    "copy of the message",
    "returned message",
    "message follows",
    "headers follow",
    "below this line",
)
_DSN_TYPES = {"message/delivery-status", "message/global-delivery-status"}
_HEADER_TYPES = {"text/rfc822-headers", "message/global-headers"}
_MESSAGE_TYPES = {"message/rfc822", "message/global"}


class _TextHeaders(Compat32):
    """The email package's lenient parsing, with every header read as text.

    compat32 hands out a `Header` object for a header with raw 8-bit bytes; the
    reader wants text from every `get`.
    """

    def header_fetch_parse(self, name: str, value: str) -> str:
        return _unescaped(value)


_POLICY = _TextHeaders()


class ReportKind(StrEnum):
    BOUNCE = "bounce"
    DELAYED = "delayed"
    DELIVERED = "delivered"  # a success notice (DSN Action: delivered, SES Delivery)
    COMPLAINT = "complaint"
    AUTO_REPLY = "auto_reply"
    UNRECOGNIZED = "unrecognized"


@dataclass(frozen=True)
class RecipientStatus:
    """What a report says about one recipient; text is unfolded, without CR or LF."""

    address: str | None
    action: str | None  # DSN Action: failed, delayed, delivered, relayed, expanded
    status: str | None  # enhanced status code, "5.1.1"
    diagnostic: str | None  # the remote server's words, without the "smtp;" type
    context: str | None = None  # the bounce's own prose about this address (the SMTP command…)

    @cached_property
    def reply_code(self) -> str | None:
        """The SMTP reply code the diagnostic gives: "550"."""
        return reply_code_of(self.diagnostic)


@dataclass(frozen=True)
class ParsedReport:
    kind: ReportKind
    recipients: tuple[RecipientStatus, ...]
    original_message_id: str | None  # of our message that it answers, with angle brackets
    message_id: str | None  # of the report itself
    feedback_type: str | None  # ARF Feedback-Type: abuse, fraud, not-spam, …
    problems: tuple[str, ...]  # what could not be read, for whoever reviews the report
    words: str = ""  # the start of its own words, before any copy it returns (see WORDS_LIMIT)

    def verdict(self, recipient: RecipientStatus) -> Verdict:
        """What this report says about one of its recipients: the reason and its class."""
        if self.kind is ReportKind.COMPLAINT:
            return Verdict(Reason.FEEDBACK, BounceClass.COMPLAINT)
        if self.kind is ReportKind.AUTO_REPLY:
            return Verdict(Reason.VACATION, BounceClass.AUTO_REPLY)
        return classify(
            recipient.status,
            recipient.diagnostic,
            recipient.action,
            reply_code=recipient.reply_code,
            context=recipient.context,
            taken=TAKEN_THEN_REFUSED in self.words[:_OPENING].lower(),
        )


def parse_report(raw: bytes) -> ParsedReport:
    """What a received message reports; never raises, whatever the bytes."""
    problems: list[str] = []
    if len(raw) > MESSAGE_LIMIT:
        problems.append(f"message of {len(raw)} bytes read up to {MESSAGE_LIMIT} bytes")
        raw = raw[:MESSAGE_LIMIT]
    try:
        return _Reader(raw, problems).report()
    except Exception as error:  # one unreadable message must not stop the intake
        problems.append(f"parser error: {type(error).__name__}")
        return ParsedReport(ReportKind.UNRECOGNIZED, (), None, None, None, tuple(problems))


class _Reader:
    """One message on its way to a report, collecting problems as it goes."""

    def __init__(self, raw: bytes, problems: list[str]) -> None:
        self.problems = problems
        self.raw = raw
        self.message = read_message(raw, _POLICY)
        self._raw_headers: dict[str, str] = {}
        self._read_headers: dict[str, str | None] = {}
        for name, value in reversed(list(self.message.raw_items())):  # the first of a name wins
            self._raw_headers[name.lower()] = value
        # Each leaf with its content type, read once: the email package parses it on every ask.
        self.leaves = list(_leaves(self.message))
        self.texts = [
            text for part, kind in self.leaves if (text := self._text(part, kind)) is not None
        ]
        for defect in self.message.defects[:5]:
            problems.append(f"MIME: {type(defect).__name__}")

    def report(self) -> ParsedReport:
        feedback = self._first(lambda kind: kind == "message/feedback-report")
        if feedback is not None:
            return self._complaint(feedback)
        provider = self._provider_notice()
        if provider is not None:
            return provider
        status = self._first(lambda kind: kind in _DSN_TYPES)
        if status is not None:
            recipients = self._dsn_recipients(status)
            if recipients:
                return self._dsn(recipients)
            self.problems.append("delivery-status part names no recipient")
        # Before auto-replies: MTAs mark their bounces Auto-Submitted too.
        if status is not None or self._looks_like_bounce():
            recipients = self._prose_recipients()
            if recipients:
                return self._done(ReportKind.BOUNCE, recipients, None)
            self.problems.append("a bounce that names no failed address")
            return self._done(ReportKind.BOUNCE, (), None)
        if self._is_auto_reply():
            sender = _address(parseaddr(self._header("from") or "")[1])
            recipients = (RecipientStatus(sender, None, None, None),) if sender else ()
            return self._done(ReportKind.AUTO_REPLY, recipients, None)
        self.problems.append("neither a bounce, a complaint nor an auto-reply")
        return self._done(ReportKind.UNRECOGNIZED, (), None)

    # -- the kinds of report

    def _complaint(self, part: Message) -> ParsedReport:
        fields = _merged(_field_blocks(part, self.problems))
        address = _address(fields.get("original-rcpt-to") or fields.get("removal-recipient"))
        original = self._original_headers()
        if address is None and original is not None:
            address = _address(parseaddr(_header(original, "to") or "")[1])
        if address is None:
            self.problems.append("complaint names no recipient")
        recipients = (RecipientStatus(address, None, None, None),) if address else ()
        feedback_type = _clean(fields.get("feedback-type"), 50)
        return self._done(ReportKind.COMPLAINT, recipients, feedback_type and feedback_type.lower())

    def _dsn(self, recipients: tuple[RecipientStatus, ...]) -> ParsedReport:
        prose = self._prose
        recipients = tuple(
            replace(recipient, context=_clean(_window(prose, recipient.address), _NEAR_ADDRESS))
            for recipient in recipients
        )
        actions = {_action(recipient) for recipient in recipients}
        if "failed" in actions:
            return self._done(ReportKind.BOUNCE, recipients, None)
        if "delayed" in actions:
            return self._done(ReportKind.DELAYED, recipients, None)
        if actions & {"delivered", "relayed", "expanded"}:
            return self._done(ReportKind.DELIVERED, recipients, None)
        self.problems.append("delivery-status report of no failure: " + ", ".join(sorted(actions)))
        return self._done(ReportKind.UNRECOGNIZED, recipients, None)

    def _provider_notice(self) -> ParsedReport | None:
        """An Amazon SES notification mailed as JSON (its email feedback forwarding)."""
        text = next((text.strip() for text in self.texts if text.lstrip().startswith("{")), "")
        if "notificationType" not in text[:PART_LIMIT] and "eventType" not in text[:PART_LIMIT]:
            return None
        notice = ses_notice(text)
        if notice is None:
            self.problems.append("a JSON notification that could not be read")
            return None
        return replace(notice, message_id=_message_id(self._header("message-id")))

    @cached_property
    def _prose(self) -> str:
        """The bounce's own words: its text parts up to the copy of the returned message."""
        return "\n".join(_own_words(text) for text in self.texts)

    def _looks_like_bounce(self) -> bool:
        sender = (self._header("from") or "").lower()
        subject = self._header("subject") or ""
        return (
            self._header("x-failed-recipients") is not None
            or _DAEMON.search(sender) is not None
            or _BOUNCE_SUBJECT.search(subject) is not None
        )

    def _prose_recipients(self) -> tuple[RecipientStatus, ...]:
        """The failed addresses a bounce in no known format names, each with the words near it.

        X-Failed-Recipients where an MTA gives it; else the addresses its prose names,
        less the bounce's own sender and the address it was sent to; else the
        recipient of the returned message.
        """
        prose = self._prose
        own = {
            found.lower()
            for name in ("from", "to", "reply-to", "return-path", "sender")
            for found in _addresses_in(self._header(name) or "")
        }
        named = _addresses_in(self._header("x-failed-recipients") or "")
        if not named:
            own |= {
                found.group(1).lower()
                for line in prose.splitlines()
                if "@" in line  # the pattern is slow; few lines name an address
                for found in _SENDER_MENTION.finditer(line)
            }
            named = [found for found in _addresses_in(prose) if found.lower() not in own]
            listed = {found.group(1).lower() for found in _LISTED_ADDRESS.finditer(prose)}
            if listed & {address.lower() for address in named}:
                # Where the bounce lists its failures one to a line, an address inside a
                # sentence ("please contact <support@…>") is not one of them.
                named = [address for address in named if address.lower() in listed]
        if not named:  # a bounce sent back to the address that failed lists it as a failure
            named = [found.group(1) for found in _LISTED_ADDRESS.finditer(prose)]
        if not named:
            original = self._original_headers()
            to = _header(original, "to") if original is not None else None
            named = [address for _, address in getaddresses([to or ""])]
        recipients: list[RecipientStatus] = []
        seen: set[str] = set()
        for candidate in named:
            address = _address(candidate)
            if address is None or address.lower() in seen or len(recipients) >= _MAX_RECIPIENTS:
                continue
            seen.add(address.lower())
            recipients.append(_near(prose, address, "failed"))
        if len(recipients) == 1:  # the whole explanation is about this one address
            recipients[0] = replace(recipients[0], context=_clean(prose, _PROSE_CHARS))
        return tuple(recipients)

    def _dsn_recipients(self, part: Message) -> tuple[RecipientStatus, ...]:
        recipients = []
        for fields in _field_blocks(part, self.problems):
            address = _address(fields.get("final-recipient") or fields.get("original-recipient"))
            action = _clean(fields.get("action"), 20)
            status = _enhanced(fields.get("status"))
            diagnostic = _clean(_without_type(fields.get("diagnostic-code")), _DIAGNOSTIC_CHARS)
            if address or action or status:
                action = action and action.lower()
                recipients.append(RecipientStatus(address, action, status, diagnostic))
        return tuple(recipients)

    def _is_auto_reply(self) -> bool:
        auto_submitted = (self._header("auto-submitted") or "no").lower()
        precedence = (self._header("precedence") or "").lower()
        return (
            not auto_submitted.startswith("no")
            or precedence == "auto_reply"
            or self._header("x-autoreply") is not None
            or self._header("x-autorespond") is not None
            or _AUTO_REPLY_SUBJECT.search(self._header("subject") or "") is not None
        )

    # -- pieces shared by the kinds

    def _done(
        self, kind: ReportKind, recipients: tuple[RecipientStatus, ...], feedback_type: str | None
    ) -> ParsedReport:
        original = None
        if kind in (ReportKind.BOUNCE, ReportKind.DELAYED, ReportKind.COMPLAINT):
            original = self._original_message_id()
            if original is None:
                self.problems.append("no Message-ID of the original message")
        return ParsedReport(
            kind=kind,
            recipients=recipients,
            original_message_id=original,
            message_id=_message_id(self._header("message-id")),
            feedback_type=feedback_type,
            problems=tuple(_clean(problem, 500) or "" for problem in self.problems),
            words=self._prose[:WORDS_LIMIT],
        )

    def _original_message_id(self) -> str | None:
        original = self._original_headers()
        if original is not None and (found := _message_id(_header(original, "message-id"))):
            return found
        for text in self.texts:
            if embedded := _EMBEDDED_MESSAGE_ID.search(text):
                return embedded.group(1)
        return None

    def _original_headers(self) -> Message | None:
        """The header of the returned message, attached whole or as headers only."""
        for part, kind in self.leaves:
            if kind in _MESSAGE_TYPES:
                payload = part.get_payload()
                if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                    return payload[0]
                return _headers_of(self._text(part, kind, plain_only=False) or "")
            if kind in _HEADER_TYPES:
                return _headers_of(self._text(part, kind, plain_only=False) or "")
        return None

    def _header(self, name: str) -> str | None:
        """One of the message's own headers, as `_header` reads it (each read once)."""
        if name not in self._read_headers:
            value = self._raw_headers.get(name)
            self._read_headers[name] = None if value is None else _header_text(value)
        return self._read_headers[name]

    def _first(self, wanted: Callable[[str], bool]) -> Message | None:
        """The first leaf whose content type is `wanted`."""
        return next((part for part, kind in self.leaves if wanted(kind)), None)

    def _text(self, part: Message, kind: str, *, plain_only: bool = True) -> str | None:
        """A text part's first PART_LIMIT bytes, decoded; HTML as rough text."""
        if kind.startswith("multipart/"):  # its boundary was missing: read it whole
            payload = part.get_payload()
            return payload[:PART_LIMIT] if isinstance(payload, str) else None
        if plain_only and kind not in ("text/plain", "text/html"):
            return None
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            return None
        if len(payload) > PART_LIMIT:
            self.problems.append(f"{kind} part of {len(payload)} bytes read up to {PART_LIMIT}")
            payload = payload[:PART_LIMIT]
        text = decoded(payload, part.get_content_charset())
        if kind == "text/html":
            text = html_as_text(text)
        return text


def _own_words(text: str) -> str:
    """A text up to the line where the copy of the returned message begins.

    The phrases that can start that line are found by plain search first, and only
    their lines are checked against the pattern: the pattern alone tries every line.
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer: positions differ
        return _RETURNED_COPY.split(text, maxsplit=1)[0]
    cut = len(text)
    for phrase in _COPY_PHRASES:
        at = lowered.find(phrase, 0, cut)
        while at >= 0:
            line = lowered.rfind("\n", 0, at) + 1
            found = _RETURNED_COPY.match(lowered, line)
            if found is not None and found.end() >= at:
                cut = line
                break
            at = lowered.find(phrase, at + 1, cut)
    return text[:cut]


def _leaves(message: Message) -> Iterator[tuple[Message, str]]:
    """The parts of a message that are not multipart, each with its content type (the email
    package parses it on every ask), without entering attached messages."""
    kind = message.get_content_type()
    if kind.startswith("multipart/") and message.is_multipart():
        for part in message.get_payload():
            if isinstance(part, Message):
                yield from _leaves(part)
    else:
        yield message, kind


def _field_blocks(part: Message, problems: list[str]) -> list[dict[str, str]]:
    """The blocks of fields of a message/delivery-status or feedback-report part, names lower-case."""
    payload = part.get_payload()
    if isinstance(payload, list):
        blocks = [block for block in payload if isinstance(block, Message)]
    else:  # a transfer-encoded or global (UTF-8) part that the email package left as text
        data = part.get_payload(decode=True)
        text = decoded(data[:PART_LIMIT], "utf-8") if isinstance(data, bytes) else ""
        blocks = [_headers_of(block) for block in re.split(r"\r?\n[ \t]*\r?\n", text)]
    fields = [{name.lower(): value for name, value in _items(block)} for block in blocks]
    if not any(fields):
        problems.append(f"{part.get_content_type()} part has no fields")
    return fields


def _merged(blocks: list[dict[str, str]]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for block in blocks:
        for name, value in block.items():
            merged.setdefault(name, value)
    return merged


def _items(message: Message) -> Iterator[tuple[str, str]]:
    for name, value in message.raw_items():
        yield name, _unescaped(value)


def _header(message: Message, name: str) -> str | None:
    """A header's text: encoded words decoded, raw 8-bit read as UTF-8 where it is."""
    value = next((value for key, value in message.raw_items() if key.lower() == name), None)
    return None if value is None else _header_text(value)


def _header_text(value: str) -> str | None:
    text = _unescaped(value)
    if "=?" in text:
        # Left as it came when the encoded words are broken: still readable for a review.
        with suppress(MessageError, LookupError, UnicodeError, ValueError):
            text = str(make_header(decode_header(text)))
    return _clean(text, _DIAGNOSTIC_CHARS)


def _unescaped(value: str) -> str:
    """Header text whose 8-bit bytes the email package kept as surrogates, decoded."""
    if value.isascii():
        return value
    return decoded(value.encode("utf-8", "surrogateescape"), "utf-8")


def _headers_of(text: str) -> Message:
    return read_headers(text.lstrip(), _POLICY)


def _json_object(text: str) -> dict[str, Any] | None:
    try:  # the first JSON value: a signature or a footer may follow it
        found, _ = json.JSONDecoder().raw_decode(text.strip())
    except (ValueError, RecursionError):
        return None
    return found if isinstance(found, dict) else None


def _addresses_in(text: str) -> list[str]:
    """The addresses a text names, in order: each "@domain" found by plain search, its
    local part read backwards from there (a pattern would try every position)."""
    found = []
    for domain in _AT_DOMAIN.finditer(text):
        start = at = domain.start()
        while start > 0 and at - start <= _LOCAL_PART_MAX:
            char = text[start - 1]
            if not (char.isalnum() or char in _LOCAL_PART_CHARS):
                break
            start -= 1
        if 0 < at - start <= _LOCAL_PART_MAX:
            found.append(text[start : domain.end()])
    return found


def _window(prose: str, address: str | None) -> str | None:
    """What the prose says about an address: from the line naming it to the next address's line."""
    if not address:
        return None
    where = prose.lower().find(address.lower())
    if where < 0:
        return None
    start = prose.rfind("\n", max(0, where - _LINE_BEFORE), where) + 1 or max(0, where - 80)
    window = prose[start : where + _NEAR_ADDRESS]
    offset = where - start + len(address)
    for following in _LISTED_ADDRESS.finditer(window, offset):
        if following.group(1).lower() != address.lower():
            window = window[: following.start()]
            break
    return window


def _near(prose: str, address: str, action: str) -> RecipientStatus:
    """A failed address with the SMTP reply the bounce gives for it, if it gives one nearby."""
    # A bounce that does not repeat the address (X-Failed-Recipients names it) explains
    # itself from the start.
    window = _window(prose, address) or prose[:_NEAR_ADDRESS]
    reply = _SMTP_REPLY.search(window)
    if reply is not None:
        diagnostic = reply.group(0)
    else:
        lines = [line.strip(" <>:.\t") for line in window.splitlines()]
        diagnostic = " ".join(
            line for line in lines[:6] if line and line.lower() != address.lower()
        )
    code = ENHANCED_CODE.search(diagnostic)
    return RecipientStatus(
        address=_address(address),
        action=action,
        status=code.group(1) if code else None,
        diagnostic=_clean(diagnostic, _DIAGNOSTIC_CHARS),
        context=_clean(window, _NEAR_ADDRESS),
    )


def ses_notice(text: str) -> ParsedReport | None:
    """An Amazon SES notification (Bounce, Complaint or Delivery) as a report; None if unreadable.

    Mailed bare or inside its SNS envelope, often with its one long line broken by
    the mail systems on the way, which is mended before reading.
    """
    # Sendmail breaks lines over 990 octets with "!" and a line end.
    unbroken = re.sub(r"!?\r?\n", "", text)
    notice = _json_object(text) or _json_object(unbroken)
    if notice is not None and isinstance(notice.get("Message"), str):  # the SNS envelope
        notice = _json_object(notice["Message"])
    if notice is None:
        return None
    kind_name = str(notice.get("notificationType") or notice.get("eventType") or "").lower()
    mail: dict[str, Any] = notice["mail"] if isinstance(notice.get("mail"), dict) else {}
    original = _message_id(f"<{mail.get('messageId')}>") if mail.get("messageId") else None
    kinds = {
        "bounce": ("bounce", "bouncedRecipients", ReportKind.BOUNCE),
        "complaint": ("complaint", "complainedRecipients", ReportKind.COMPLAINT),
        "delivery": ("delivery", "recipients", ReportKind.DELIVERED),
    }
    if kind_name not in kinds:
        return None
    section_name, list_name, kind = kinds[kind_name]
    section = notice.get(section_name)
    if not isinstance(section, dict):
        return None
    entries = section.get(list_name)
    recipients: list[RecipientStatus] = []
    for entry in entries if isinstance(entries, list) else []:
        if kind is ReportKind.DELIVERED:
            diagnostic = _clean(str(section.get("smtpResponse") or ""), _DIAGNOSTIC_CHARS)
            recipients.append(
                RecipientStatus(_address(str(entry)), "delivered", "2.6.0", diagnostic)
            )
        elif isinstance(entry, dict):
            diagnostic = _clean(
                _without_type(str(entry.get("diagnosticCode") or "")), _DIAGNOSTIC_CHARS
            )
            status = _enhanced(str(entry.get("status") or "")) or _enhanced(diagnostic)
            action = (
                str(entry.get("action") or "failed").lower() if kind is ReportKind.BOUNCE else None
            )
            address = _address(str(entry.get("emailAddress") or ""))
            recipients.append(RecipientStatus(address, action, status, diagnostic))
    feedback = section.get("complaintFeedbackType") if kind is ReportKind.COMPLAINT else None
    return ParsedReport(
        kind=kind,
        recipients=tuple(recipients[:_MAX_RECIPIENTS]),
        original_message_id=original,
        message_id=None,
        feedback_type=_clean(str(feedback), 50) if feedback else None,
        problems=(),
    )


def _action(recipient: RecipientStatus) -> str:
    if recipient.action:
        return recipient.action
    # RFC 3464 requires Action; without it the status class says what happened.
    if recipient.status and recipient.status.startswith("5"):
        return "failed"
    if recipient.status and recipient.status.startswith("4"):
        return "delayed"
    return "unknown"


def _without_type(value: str | None) -> str | None:
    """A DSN field's value without its type: "smtp; 550 …" → "550 …"."""
    if value is None:
        return None
    kind, semicolon, rest = value.partition(";")
    return rest if semicolon and re.fullmatch(r"\s*[\w-]{1,20}\s*", kind) else value


def _address(value: str | None) -> str | None:
    address = _clean(_without_type(value), _ADDRESS_CHARS + 2)
    if not address:
        return None
    address = address.strip("<> ")
    if "@" not in address or " " in address or len(address) > _ADDRESS_CHARS:
        return None
    return address


def _enhanced(value: str | None) -> str | None:
    found = ENHANCED_CODE.search(value or "")
    return found.group(1) if found else None


def _message_id(value: str | None) -> str | None:
    found = _MESSAGE_ID.search(value or "")
    return found.group(0) if found else None


def _clean(value: str | None, limit: int) -> str | None:
    """One line of text: folding unfolded, controls gone, at most `limit` characters."""
    if value is None:
        return None
    text = " ".join(value.split())  # the usual case, whitespace only, without a regex
    if not text.isprintable():
        text = _SPACES.sub(" ", _CONTROLS.sub(" ", text)).strip()
    return text[:limit] or None
