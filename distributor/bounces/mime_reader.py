"""A received message's MIME tree, built as the email package builds it, several times faster.

The email package's parser reads a message one line at a time through a stack of
generators; for a bounce it was most of the cost of reading the report. This
reader splits the message into lines once, finds each part's headers and
boundaries by index, and builds the same `Message` tree: the same headers, the
same payloads, preamble and epilogue, the same blocks of a delivery-status part.
Where the email package recovers from a fault (a boundary missing, a line in the
headers that is no header), this reader recovers the same way and records the
same defect; the rarest faults (boundaries one after another, an envelope line
or a nameless header among the headers) it leaves to the email package itself.
"""

from __future__ import annotations

import email
import re
from email import errors
from email.message import Message
from email.parser import HeaderParser
from email.policy import Compat32
from io import StringIO

# The email package's own tests of a line (email.feedparser).
_HEADER_LINE = re.compile(r"^(From |[\041-\071\073-\176]*:|[\t ])")
_PLAIN_ENCODINGS = ("7bit", "8bit", "binary")
_LINE_ENDS = ("", "\n", "\r", "\r\n")  # what may follow a boundary and its spaces


_Last = tuple[Message, bool]  # the last message made inside a part, and whether it is a multipart


class _Irregular(Exception):
    """A form only the email package's recovery reads as it would."""


def read_message(raw: bytes, policy: Compat32) -> Message:
    """The message's tree, equal to `email.message_from_bytes(raw, policy=policy)`."""
    text = raw.decode("ascii", "surrogateescape")
    lines = StringIO(text, newline="").readlines()  # ends at CR, LF or CRLF, as the package's
    try:
        message, _ = _Tree(lines, policy).part(0, len(lines), None)
    except _Irregular:
        return email.message_from_bytes(raw, policy=policy)
    if message.get_content_maintype() == "multipart" and not message.is_multipart():
        policy.handle_defect(message, errors.MultipartInvariantViolationDefect())
    return message


def read_headers(text: str, policy: Compat32) -> Message:
    """The headers of a text, the rest as payload: equal to the email package's
    `HeaderParser(policy=policy).parsestr(text)`."""
    lines = StringIO(text, newline="").readlines()
    message = Message(policy=policy)
    try:
        body = _Tree(lines, policy).headers(message, 0, len(lines))
    except _Irregular:
        return HeaderParser(policy=policy).parsestr(text)
    message.set_payload("".join(lines[body:]))
    return message


class _Tree:
    def __init__(self, lines: list[str], policy: Compat32) -> None:
        self.lines = lines
        self.policy = policy

    def part(self, start: int, end: int, parent_type: str | None) -> tuple[Message, _Last]:
        """The message in lines[start:end], and the last message made inside it."""
        message = Message(policy=self.policy)
        if parent_type == "multipart/digest":
            message.set_default_type("message/rfc822")
        body = self.headers(message, start, end)
        kind = message.get_content_type()
        if kind == "message/delivery-status":
            return message, self._blocks(message, kind, body, end)
        if kind.startswith("message/"):
            inner, last = self.part(body, end, kind)
            message.attach(inner)
            return message, last
        if kind.startswith("multipart/"):
            self._multipart(message, kind, body, end)
            return message, (message, True)
        message.set_payload("".join(self.lines[body:end]))
        return message, (message, False)

    def headers(self, message: Message, start: int, end: int) -> int:
        """Reads the header lines into `message`, as compat32 reads each; the index of its
        first body line."""
        lines = self.lines
        add = message.set_raw  # as the email package adds each header
        name = value = ""
        folded: list[str] = []
        orphans: list[str] = []  # continuation lines before any header: defects, ignored
        at = start
        while at < end:
            line = lines[at]
            if line[0] in " \t":
                (folded if name else orphans).append(line)
            elif not _HEADER_LINE.match(line):
                if line[0] in "\r\n":
                    at += 1  # the blank line ends the headers
                else:  # the body starts without one
                    self.policy.handle_defect(message, errors.MissingHeaderBodySeparatorDefect())
                break
            elif line.startswith("From "):
                if at != start:
                    raise _Irregular  # an envelope line inside the headers
                message.set_unixfrom(_without_line_end(line))
            else:
                if name:
                    add(name, (value + "".join(folded)).rstrip("\r\n"))
                    folded = []
                name, _, value = line.partition(":")
                if not name:
                    raise _Irregular  # a header without a name
                value = value.lstrip(" \t")
            at += 1
        if name:
            add(name, (value + "".join(folded)).rstrip("\r\n"))
        for line in orphans:  # found after the headers end, as the email package finds them
            self.policy.handle_defect(message, errors.FirstHeaderLineIsContinuationDefect(line))
        return at

    def _blocks(self, message: Message, kind: str, start: int, end: int) -> _Last:
        """A delivery-status part's blocks of fields, each read as a message of its own."""
        lines = self.lines
        at = start
        while True:
            stop = at
            while stop < end and lines[stop][0] not in "\r\n":
                stop += 1
            block, last = self.part(at, stop, kind)
            message.attach(block)
            at = stop + 1  # past the blank line
            if at >= end:
                return last

    def _multipart(self, message: Message, kind: str, start: int, end: int) -> None:
        """The parts between the boundaries; what the email package keeps of a multipart
        without them, with its defect."""
        lines, policy = self.lines, self.policy
        boundary = message.get_boundary()
        if boundary is None:
            policy.handle_defect(message, errors.NoBoundaryInMultipartDefect())
            message.set_payload("".join(lines[start:end]))
            return
        encoding = str(message.get("content-transfer-encoding", "8bit")).lower()
        if encoding not in _PLAIN_ENCODINGS:
            policy.handle_defect(message, errors.InvalidMultipartContentTransferEncodingDefect())
        separator = "--" + boundary
        marks: list[int] = []
        closed = False
        for at in range(start, end):
            line = lines[at]
            if line.startswith(separator):
                rest = line[len(separator) :]
                closed = rest.startswith("--")
                if (rest[2:] if closed else rest).lstrip(" \t") in _LINE_ENDS:
                    if marks and marks[-1] == at - 1:
                        raise _Irregular  # boundaries one after another
                    marks.append(at)
                    if closed:
                        break
                closed = False
        openings = marks[:-1] if closed else marks
        if not openings:
            policy.handle_defect(message, errors.StartBoundaryNotFoundDefect())
            message.set_payload("".join(lines[start : marks[0] if marks else end]))
            message.epilogue = ""
            return
        if openings[0] > start:
            message.preamble = _without_line_end("".join(lines[start : openings[0]]))
        for opening, following in zip(openings, [*marks[1:], end], strict=False):
            part, (last, last_is_multipart) = self.part(opening + 1, following, kind)
            message.attach(part)
            _drop_line_end(last, last_is_multipart)
        if closed:
            message.epilogue = "".join(lines[marks[-1] + 1 : end])
        else:
            policy.handle_defect(message, errors.CloseBoundaryNotFoundDefect())


def _drop_line_end(message: Message, multipart: bool) -> None:
    """RFC 2046: the line end before a boundary belongs to the boundary."""
    if multipart:
        epilogue = message.epilogue
        if epilogue == "":
            message.epilogue = None
        elif epilogue is not None:
            message.epilogue = _without_line_end(epilogue)
    else:
        payload = vars(message)["_payload"]  # as the email package reads it: undecoded
        if isinstance(payload, str):
            message.set_payload(_without_line_end(payload))


def _without_line_end(text: str) -> str:
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith(("\n", "\r")) else text
