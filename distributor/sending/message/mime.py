"""Standards-correct messages: a header skeleton built once per send-out, filled in per recipient.

`MessageTemplate.create` encodes and folds everything the recipients share (From,
Reply-To, Subject, List-Id, Feedback-ID, List-Unsubscribe-Post, the MIME frame)
once; `build_message` then only adds Date, To, Message-ID, List-Unsubscribe and
the two encoded bodies. The bytes are assembled directly rather than through
`email.message.EmailMessage`, whose header parsing and folding per message costs
tens of times more; the encoders below produce what the email package reads back
(the tests parse every message with `policy.default`).

Every value that reaches a header is checked: a line break or another control
character raises `HeaderInjection` naming the header, never passes on.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from dataclasses import dataclass, field
from email.utils import formatdate, parseaddr

from distributor import tokens
from distributor.config import Settings
from distributor.errors import HeaderInjection, InvalidInput

# C0 and C1 controls, DEL, the Unicode line and paragraph separators, and lone
# surrogates (left by undecodable input; no encoding can write them).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# A phrase that can go into a header as it is: atext words separated by single spaces.
_PLAIN_PHRASE = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?: [A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_PRINTABLE_ASCII = re.compile(r"[ -~]*")
# A dot-atom local part; beyond ASCII (RFC 6532) any character that is not a space or special.
_LOCAL_PART = re.compile(r"[^\s\"(),.:;<>@\[\\\]]+(?:\.[^\s\"(),.:;<>@\[\\\]]+)*")
_DOMAIN = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}")
_LIST_SLUG = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,60}[A-Za-z0-9])?")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")  # RFC 5646's shape
_URL = re.compile(r"https?://[!#-;=?-~]+")  # printable ASCII without space, < and >

# An encoded word carries at most this many UTF-8 bytes: 48 base64 characters, so
# that "=?utf-8?b?…?=" after the longest header name stays under 78 characters.
_ENCODED_WORD_BYTES = 36
_PLAIN_PHRASE_MAX = 64  # longer names are encoded so that they can be folded
_HEADER_LINE_MAX = 78  # RFC 5322's recommended limit; 998 is the hard one
_BODY_LINE_MAX = 998
_URL_MAX = 900  # keeps the List-Unsubscribe line under the 998-character limit
# RFC 5321's limits (4.5.3.1): also what keeps an address's header line within 998.
_LOCAL_PART_MAX = 64  # octets
_DOMAIN_MAX = 253  # characters, in IDNA form
_CRLF = "\r\n"


@dataclass(frozen=True)
class Recipient:
    """What one message needs to know about its recipient."""

    delivery_id: int
    email: str
    unsubscribe_url: str  # the web app's one-click (RFC 8058) URL for this recipient
    name: str = ""


@dataclass(frozen=True)
class BuiltMessage:
    """One recipient's message, ready for a transport."""

    data: bytes  # CRLF line endings, every line within 998 characters
    message_id: str  # with angle brackets, as in the header
    envelope_from: str  # the VERP address for MAIL FROM; no Return-Path header is written
    recipient: str  # for RCPT TO: the address as in To, its domain in IDNA form
    verp_token: str


@dataclass(frozen=True)
class MessageTemplate:
    """The parts of a send-out's messages that every recipient shares, encoded once."""

    head: str  # folded header lines, each ending in CRLF
    boundary: str
    domain: str  # of Message-IDs: the From address's domain
    bounce_domain: str
    secret: str = field(repr=False)  # signs VERP tokens; kept out of logs
    # With a reply address, Reply-To is per recipient: (its encoded name, the untagged address).
    reply_via: tuple[str, str] | None = None
    # A multipart/mixed message (see sending.attachments) opens its first part before the
    # bodies and carries its attachments after them.
    preamble: str = ""
    trailer: str = ""

    @classmethod
    def create(
        cls,
        *,
        from_address: str,
        subject: str,
        sendout_id: int,
        list_slug: str,
        bounce_domain: str,
        secret: str,
        list_name: str = "",
        reply_to: tuple[str, str] | None = None,
        language: str | None = None,
        reply_address: str = "",
    ) -> MessageTemplate:
        """Encode the shared headers; `reply_to` is the press contact's (name, email).

        With a `reply_address`, Reply-To is that address tagged with each delivery's
        token (under the press contact's name), so that replies can be told apart.

        `language` (a BCP 47 tag) is the Content-Language of the bodies.
        """
        from_name, from_email = parseaddr(_checked("From", from_address))
        sender = _address("From", from_email)
        domain = sender.rpartition("@")[2]
        if _LIST_SLUG.fullmatch(list_slug) is None:
            raise InvalidInput(
                f"List-Id: {list_slug!r} is not a usable list name; "
                "use letters, digits, dots, dashes and underscores"
            )
        list_id = f"<{list_slug.lower()}.lists.{domain}>"
        list_phrase = encode_phrase("List-Id", list_name)
        # "=_" never occurs in quoted-printable or base64 output, and `part_encoding` checks
        # that a 7bit body does not hold the boundary.
        boundary = f"=_{secrets.token_hex(16)}"
        lines = [f"From: {format_mailbox('From', from_name, sender)}"]
        reply_via = None
        if reply_address:
            name = reply_to[0] if reply_to is not None else ""
            reply_via = (encode_phrase("Reply-To", name), _address("Reply-To", reply_address))
        elif reply_to is not None:
            name, email = reply_to
            lines.append(
                f"Reply-To: {format_mailbox('Reply-To', name, _address('Reply-To', email))}"
            )
        lines += [
            f"Subject: {encode_text('Subject', subject)}",
            f"List-Id: {list_phrase} {list_id}" if list_phrase else f"List-Id: {list_id}",
            # Google's Feedback-ID: campaign:customer:mail type:stable sender id.
            f"Feedback-ID: {sendout_id}:{list_slug.lower()}:distributor:{domain}",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        ]
        if language is not None:
            lines.append(f"Content-Language: {_language_tag(language)}")
        lines += [
            "MIME-Version: 1.0",
            f'Content-Type: multipart/alternative; boundary="{boundary}"',
        ]
        return cls(
            head=_CRLF.join(lines) + _CRLF,
            boundary=boundary,
            domain=domain,
            bounce_domain=_domain("Return-Path", bounce_domain),
            secret=secret,
            reply_via=reply_via,
        )

    @classmethod
    def for_sendout(
        cls,
        settings: Settings,
        *,
        sendout_id: int,
        subject: str,
        list_slug: str,
        list_name: str = "",
        reply_to: tuple[str, str] | None = None,
        language: str | None = None,
        from_address: str | None = None,
    ) -> MessageTemplate:
        """The template of a send-out under `settings`: their From (unless `from_address` is
        given), bounce domain and secret."""
        return cls.create(
            from_address=from_address or settings.from_address,
            subject=subject,
            sendout_id=sendout_id,
            list_slug=list_slug,
            list_name=list_name,
            reply_to=reply_to,
            language=language,
            reply_address=settings.reply_address,
            bounce_domain=settings.envelope_domain,
            secret=settings.signing_key(),
        )


def build_message(
    template: MessageTemplate,
    html: str | Part,
    text: str | Part,
    recipient: Recipient,
    token: str | None = None,
) -> BuiltMessage:
    """One recipient's message: their To, Message-ID, List-Unsubscribe and VERP, and the bodies.

    A body is text to encode here, or a `Part` encoded already (see `bodies.BodyTemplate`).
    `token` is the delivery's VERP token when the caller has made it already (for its links).
    """
    token = token or tokens.delivery_token(recipient.delivery_id, template.secret)
    message_id = f"<{secrets.token_hex(10)}.{recipient.delivery_id}@{template.domain}>"
    unsubscribe = _checked("List-Unsubscribe", recipient.unsubscribe_url)
    if len(unsubscribe) > _URL_MAX or _URL.fullmatch(unsubscribe) is None:
        raise InvalidInput(
            f"List-Unsubscribe: {unsubscribe[:60]!r} is not an http(s) URL of printable ASCII "
            f"under {_URL_MAX} characters; percent-encode it"
        )
    mailto = tokens.unsubscribe_address(token, template.bounce_domain)
    address = _address("To", recipient.email)
    boundary = template.boundary
    data = "".join(
        (
            f"Date: {formatdate(usegmt=True)}\r\n",
            template.head,
            f"To: {format_mailbox('To', recipient.name, address)}\r\n",
            _reply_to(template, token),
            f"Message-ID: {message_id}\r\n",
            f"List-Unsubscribe: <{unsubscribe}>,\r\n <mailto:{mailto}?subject=unsubscribe>\r\n",
            template.preamble,
            f"\r\n--{boundary}\r\n",
            _encoded("text/plain", text, boundary),
            f"\r\n--{boundary}\r\n",
            _encoded("text/html", html, boundary),
            f"\r\n--{boundary}--\r\n",
            template.trailer,
        )
    )
    return BuiltMessage(
        # UTF-8 only where an address needs it (RFC 6532, sent with SMTPUTF8); else ASCII.
        data=data.encode("utf-8"),
        message_id=message_id,
        envelope_from=tokens.return_path(token, template.bounce_domain),
        recipient=address,
        verp_token=token,
    )


def _reply_to(template: MessageTemplate, token: str) -> str:
    """The Reply-To line of a template with a reply address: it names the delivery."""
    if template.reply_via is None:
        return ""
    phrase, address = template.reply_via
    tagged = tokens.tagged_address(address, token)
    return f"Reply-To: {phrase} <{tagged}>\r\n" if phrase else f"Reply-To: {tagged}\r\n"


def _encoded(content_type: str, body: str | Part, boundary: str) -> str:
    return (body if isinstance(body, Part) else encode_part(content_type, body, boundary)).data


def format_mailbox(header: str, name: str, address: str) -> str:
    """`name <address>` for `header`, the name quoted or RFC 2047-encoded as it needs.

    `address` is one `_address` has checked; a name of only spaces counts as none.
    """
    phrase = encode_phrase(header, name)
    return f"{phrase} <{address}>" if phrase else address


def format_address(header: str, name: str, email: str) -> str:
    """`format_mailbox` for an address not checked yet: refused when `header` cannot carry it."""
    return format_mailbox(header, name, _address(header, email))


def encode_phrase(header: str, phrase: str) -> str:
    """A display name as a header carries it: as it is, quoted, or as encoded words.

    Surrounding spaces are dropped (after the check, so that a trailing line break
    is refused rather than stripped); an empty result means no name.
    """
    phrase = _checked(header, phrase).strip()
    if not phrase:
        return ""
    if "=?" not in phrase and len(phrase) <= _PLAIN_PHRASE_MAX:
        if _PLAIN_PHRASE.fullmatch(phrase):
            return phrase
        if _PRINTABLE_ASCII.fullmatch(phrase):
            return '"' + phrase.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return _encoded_words(phrase)


def encode_text(header: str, text: str) -> str:
    """Unstructured text (a Subject), stripped: folded at spaces when plain ASCII, else encoded words."""
    text = _checked(header, text).strip()
    if not text:
        return ""
    words = text.split(" ")
    plain = (
        "=?" not in text
        and _PRINTABLE_ASCII.fullmatch(text) is not None
        and all(0 < len(word) < _HEADER_LINE_MAX - 1 for word in words)
    )
    if not plain:
        return _encoded_words(text)
    lines = [words[0]]
    for word in words[1:]:
        if len(lines[-1]) + 1 + len(word) > _HEADER_LINE_MAX - len(header) - 2:
            lines.append(word)
        else:
            lines[-1] += " " + word
    # Folding puts CRLF before an existing space, so unfolding gives the text back as it was.
    return "\r\n ".join(lines)


def _encoded_words(text: str) -> str:
    """RFC 2047 base64 words, split between characters, one per folded line."""
    words = []
    chunk = b""
    for char in text:
        encoded = char.encode("utf-8")
        if len(chunk) + len(encoded) > _ENCODED_WORD_BYTES:
            words.append(chunk)
            chunk = b""
        chunk += encoded
    words.append(chunk)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(word).decode('ascii')}?=" for word in words)


@dataclass(frozen=True)
class Part:
    """A complete MIME body part (its headers, a blank line, the encoded body), CRLF endings."""

    data: str


def part_encoding(body: str, boundary: str) -> str:
    """The cheapest transfer encoding that keeps `body`'s lines within 998 characters.

    Plain ASCII with short lines goes as it is (7bit: no encoding cost, the common case
    for inlined HTML); mostly non-ASCII text as base64; the rest as quoted-printable.
    `body` has LF line endings.
    """
    if (
        body.isascii()
        and max(map(len, body.split("\n"))) <= _BODY_LINE_MAX
        and boundary not in body
        and "\x00" not in body  # RFC 2045's 7bit forbids only NUL (and CR or LF alone)
    ):
        return "7bit"
    if len(body.encode("utf-8")) > len(body) * 1.2:
        return "base64"
    return "quoted-printable"


def encode_part(content_type: str, body: str, boundary: str) -> Part:
    """`body` as a UTF-8 part of `content_type`, in the encoding `part_encoding` picks."""
    if "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    encoding = part_encoding(body, boundary)
    if encoding == "7bit":
        encoded = body
    elif encoding == "base64":  # of the canonical form, with CRLF line endings
        encoded = base64.encodebytes(body.encode("utf-8").replace(b"\n", b"\r\n")).decode("ascii")
    else:
        # From LF line endings: b2a_qp writes soft breaks with the line ending it
        # finds first, so a body without any would get bare LFs.
        encoded = binascii.b2a_qp(body.encode("utf-8"), istext=True).decode("ascii")
    return Part(
        f'Content-Type: {content_type}; charset="utf-8"\r\n'
        f"Content-Transfer-Encoding: {encoding}\r\n\r\n"
        + encoded.removesuffix("\n").replace("\n", _CRLF)
    )


def _address(header: str, email: str) -> str:
    """The addr-spec of `email`, its domain in IDNA form; refused when a header cannot carry it."""
    _checked(header, email)
    local, at, domain = email.strip().rpartition("@")
    if not at or len(local.encode()) > _LOCAL_PART_MAX or _LOCAL_PART.fullmatch(local) is None:
        raise InvalidInput(
            f"{header}: {email[:80]!r} is not an address this sender can write: the part before @ "
            f"must be dot-separated words without spaces, quotes or brackets, at most "
            f"{_LOCAL_PART_MAX} bytes long"
        )
    return f"{local}@{_domain(header, domain)}"


def _domain(header: str, domain: str) -> str:
    _checked(header, domain)
    try:
        ascii_domain = domain.strip().rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        ascii_domain = ""
    if len(ascii_domain) > _DOMAIN_MAX or _DOMAIN.fullmatch(ascii_domain) is None:
        raise InvalidInput(
            f"{header}: {domain[:80]!r} is not a valid domain name of at most {_DOMAIN_MAX} "
            "characters; expected one such as example.org"
        )
    return ascii_domain


def _language_tag(language: str) -> str:
    _checked("Content-Language", language)
    if len(language) > 35 or _LANGUAGE_TAG.fullmatch(language) is None:
        raise InvalidInput(
            f"Content-Language: {language[:40]!r} is not a language tag; use one such as en or pt-BR"
        )
    return language


def _checked(header: str, value: str) -> str:
    if _CONTROL.search(value):
        raise HeaderInjection(header, value)
    return value
