"""The fast MIME reader builds exactly the tree the email package builds, whatever the bytes."""

from __future__ import annotations

import email
from email.message import Message
from email.parser import HeaderParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distributor.bounces.mime_reader import read_headers, read_message
from distributor.bounces.reports import _POLICY

TESTS = Path(__file__).parent.parent
SAMPLES = sorted(TESTS.rglob("*.eml"))
MESSAGES = [path.read_bytes() for path in SAMPLES if path.stat().st_size]
SHARED = TESTS.parent.parent / "shared" / "corpora" / "bounces" / "messages"


def _shape(message: Message) -> tuple[Any, ...]:
    """Everything a reader of the tree can see."""
    payload = message._payload
    return (
        message._headers,
        message.get_unixfrom(),
        message.get_default_type(),
        message.preamble,
        message.epilogue,
        [type(defect).__name__ for defect in message.defects],
        [_shape(part) for part in payload] if isinstance(payload, list) else payload,
    )


def _assert_same_tree(raw: bytes) -> None:
    assert _shape(read_message(raw, _POLICY)) == _shape(
        email.message_from_bytes(raw, policy=_POLICY)
    )


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: path.name)
def test_every_sample_message_reads_as_the_email_package_reads_it(path: Path) -> None:
    _assert_same_tree(path.read_bytes())


@pytest.mark.skipif(
    not SHARED.is_dir(), reason="the shared bounce corpus is not beside the checkout"
)
def test_every_shared_corpus_message_reads_as_the_email_package_reads_it() -> None:
    for path in sorted(SHARED.glob("*.eml")):
        _assert_same_tree(path.read_bytes())


def test_bare_cr_line_ends_split_lines_as_the_email_package_splits_them() -> None:
    raw = (
        b"From: MAILER-DAEMON@mx.example\rContent-Type: multipart/report; boundary=b\r\r"
        b"--b\rContent-Type: text/plain\r\r550 5.1.1 no such user\r--b--\r"
    )
    message = read_message(raw, _POLICY)

    assert message.get_payload(0).get_payload() == "550 5.1.1 no such user"
    _assert_same_tree(raw)


def test_a_multipart_cut_before_its_closing_boundary_keeps_its_parts_and_says_so() -> None:
    raw = (
        b"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n"
        b"first\n--b\nContent-Type: message/rfc822\n\nSubject: cut"
    )
    message = read_message(raw, _POLICY)

    assert [type(defect).__name__ for defect in message.defects] == ["CloseBoundaryNotFoundDefect"]
    assert len(message.get_payload()) == 2
    _assert_same_tree(raw)


def test_each_block_of_a_delivery_status_part_is_a_message_of_fields() -> None:
    raw = (
        b"Content-Type: multipart/report; boundary=b\n\n--b\n"
        b"Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n"
        b"Final-Recipient: rfc822; a@news.example\nAction: failed\n\n"
        b"Final-Recipient: rfc822; b@news.example\nAction: delayed\n--b--\n"
    )
    status = read_message(raw, _POLICY).get_payload(0)

    assert [block.get("action") for block in status.get_payload()] == [None, "failed", "delayed"]
    _assert_same_tree(raw)


_LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r"])
_LINES = st.lists(st.text(alphabet=st.sampled_from("ab: \t-=From"), max_size=12), max_size=4)


@st.composite
def _mime(draw: st.DrawFn, depth: int = 0) -> str:
    """A message of headers, parts and boundaries, right or wrong in any of their details."""
    end = draw(_LINE_ENDS)
    kind = draw(
        st.sampled_from(
            ["text/plain", "message/delivery-status", "message/rfc822", "multipart/mixed"]
            if depth < 2
            else ["text/plain", "message/delivery-status"]
        )
    )
    headers = [f'Content-Type: {kind}; boundary="b{depth}"', *draw(_LINES)]
    head = end.join(headers) + end + draw(st.sampled_from([end, "", end + end]))
    if kind == "message/rfc822":
        return head + draw(_mime(depth + 1))
    if kind != "multipart/mixed":
        return head + end.join(draw(_LINES))
    parts = draw(st.lists(_mime(depth + 1), max_size=3))
    separator = draw(st.sampled_from([f"--b{depth}", f"--b{depth} ", f"--b{depth}--"]))
    body = "".join(f"{separator}{end}{part}{end}" for part in parts)
    closing = draw(st.sampled_from([f"--b{depth}--{end}", "", f"--b{depth}--"]))
    return head + end.join(draw(_LINES)) + end + body + closing + end.join(draw(_LINES))


@settings(max_examples=400)
@given(_mime())
def test_any_structure_right_or_wrong_reads_as_the_email_package_reads_it(text: str) -> None:
    _assert_same_tree(text.encode())


@settings(max_examples=200)
@given(st.sampled_from(MESSAGES), st.floats(min_value=0, max_value=1))
def test_a_sample_cut_anywhere_reads_as_the_email_package_reads_it(
    raw: bytes, fraction: float
) -> None:
    _assert_same_tree(raw[: int(len(raw) * fraction)])


@st.composite
def _spliced(draw: st.DrawFn) -> bytes:
    """A sample with stray line ends, spaces, dashes or envelope words put in anywhere."""
    raw = draw(st.sampled_from(MESSAGES))
    at = int(len(raw) * draw(st.floats(min_value=0, max_value=1)))
    splice = draw(st.text(alphabet=st.sampled_from("\r\n\t :-abFrom\x0b\x0c\x1c"), max_size=40))
    return raw[:at] + splice.encode() + raw[at:]


@settings(max_examples=200)
@given(_spliced())
def test_a_sample_with_text_spliced_in_reads_as_the_email_package_reads_it(raw: bytes) -> None:
    _assert_same_tree(raw)


@settings(max_examples=200)
@given(_spliced())
def test_a_header_block_reads_as_the_header_parser_reads_it(raw: bytes) -> None:
    text = raw.decode("ascii", "surrogateescape")

    assert _shape(read_headers(text, _POLICY)) == _shape(
        HeaderParser(policy=_POLICY).parsestr(text)
    )
