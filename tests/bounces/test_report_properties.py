"""Whatever arrives at the bounce address, reading it neither raises nor lets a line break into a field."""

from __future__ import annotations

from dataclasses import astuple
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from distributor.bounces.reports import ParsedReport, parse_report

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.eml"))
MESSAGES = [path.read_bytes() for path in CORPUS if path.stat().st_size]


def _fields(report: ParsedReport) -> list[str]:
    values: list[object] = [
        report.kind,
        report.original_message_id,
        report.message_id,
        report.feedback_type,
        *report.problems,
    ]
    for recipient in report.recipients:
        values.extend(astuple(recipient))
    return [value for value in values if isinstance(value, str)]


def _assert_well_formed(report: ParsedReport) -> None:
    for value in _fields(report):
        assert "\r" not in value
        assert "\n" not in value
    # The last-resort catch in parse_report is for production; here it would hide a bug.
    assert not any(problem.startswith("parser error") for problem in report.problems)


@given(st.binary(max_size=4096))
def test_arbitrary_bytes_are_read_without_raising(raw: bytes) -> None:
    _assert_well_formed(parse_report(raw))


@settings(max_examples=300)
@given(st.sampled_from(MESSAGES), st.floats(min_value=0, max_value=1))
def test_corpus_message_truncated_anywhere_is_read_without_raising(
    raw: bytes, fraction: float
) -> None:
    _assert_well_formed(parse_report(raw[: int(len(raw) * fraction)]))


@settings(max_examples=300)
@given(
    st.sampled_from(MESSAGES),
    st.lists(st.tuples(st.floats(min_value=0, max_value=1), st.integers(0, 255)), max_size=20),
)
def test_corpus_message_with_flipped_bytes_is_read_without_raising(
    raw: bytes, flips: list[tuple[float, int]]
) -> None:
    data = bytearray(raw)
    for where, byte in flips:
        data[min(int(where * len(data)), len(data) - 1)] = byte

    _assert_well_formed(parse_report(bytes(data)))


@given(
    st.sampled_from(MESSAGES),
    st.text(alphabet=st.sampled_from("\r\n\t :;<>@=?\x00\x85\u2028abc5.1"), max_size=200),
)
def test_corpus_message_with_text_spliced_in_is_read_without_raising(
    raw: bytes, splice: str
) -> None:
    middle = len(raw) // 2
    _assert_well_formed(parse_report(raw[:middle] + splice.encode() + raw[middle:]))
