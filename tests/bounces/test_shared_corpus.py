"""The parser on the shared corpus of real bounces, where it is checked out beside the project.

The suite passes without it (tests/bounces/corpus and tests/bounces/formats are
our own samples); where it is there, these bounds keep a change from quietly
making the parser worse. bench/bounce_corpus.py prints the same figures.
"""

from __future__ import annotations

import pytest

from bench.bounce_corpus import DEFAULT_CORPUS, Tally, _judge, _rows

pytestmark = pytest.mark.skipif(
    not (DEFAULT_CORPUS / "expected.jsonl").is_file(), reason="no shared bounce corpus here"
)


@pytest.fixture(scope="module")
def tally() -> Tally:
    rows = _rows(DEFAULT_CORPUS)
    messages = {name: (DEFAULT_CORPUS / "messages" / name).read_bytes() for name in rows}
    return _judge(messages, rows)


def test_no_message_of_the_corpus_crashes_the_parser(tally: Tally) -> None:
    assert tally.crashes == 0


def test_few_live_addresses_are_called_dead(tally: Tally) -> None:
    assert tally.percent(tally.wrongly_hard, tally.rows) <= 2.0


def test_few_dead_addresses_are_missed(tally: Tally) -> None:
    assert tally.percent(tally.missed_hard, tally.dead) <= 5.0


def test_few_failures_are_left_without_a_reason(tally: Tally) -> None:
    assert tally.percent(tally.unknown, tally.rows) <= 5.0


def test_most_reasons_agree_with_the_reference(tally: Tally) -> None:
    assert tally.percent(tally.reason_agrees, tally.rows) >= 80.0


def test_the_failed_address_is_found(tally: Tally) -> None:
    assert tally.percent(tally.address_found, tally.with_address) >= 95.0
