"""Whatever comes back to the bounce address, reading it and taking it in never raise.

`parse_report` promises never to raise; `ingest_message` keeps whatever it read
as evidence. Both are fed random bytes, the corpus cut and flipped, and
messages with huge headers, on a SQLite database with a sent delivery in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import astuple
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from distributor.bounces.intake import IGNORED_KEEP_BYTES, header_only, ingest_message
from distributor.bounces.reports import ParsedReport, parse_report
from distributor.config import Settings, load_settings
from distributor.db import make_engine
from distributor.models import BounceRecord, BounceSource
from distributor.schema import upgrade
from tests.bounces.conftest import BOUNCE_DOMAIN, SECRET, T0, Newsroom, days, dsn, return_path

CORPUS = Path(__file__).parent.parent / "bounces" / "corpus"
MESSAGES = [path.read_bytes() for path in sorted(CORPUS.glob("*.eml"))]
ANNA = "anna.berg@tageblatt.example"
BOUNDED = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _mutated(raw: bytes, cut: float, flips: list[tuple[float, int]], splice: bytes) -> bytes:
    """`raw` cut at a point, with bytes flipped and `splice` put in its middle."""
    data = bytearray(raw[: int(len(raw) * cut)] or b"\n")
    for where, byte in flips:
        data[min(int(where * len(data)), len(data) - 1)] = byte
    middle = len(data) // 2
    return bytes(data[:middle] + splice + data[middle:])


def _huge_headers(raw: bytes, count: int, length: int, name: str) -> bytes:
    """`raw` under `count` extra headers of `length` characters, or one unfolded line of them."""
    value = ("x" * 70 + " ") * (length // 71) if name != "Unfolded" else "y" * length
    extra = "".join(f"{name}-{i}: {value}\r\n" for i in range(count)).encode()
    return extra + raw


SPLICE = st.binary(max_size=200) | st.text(
    alphabet=st.sampled_from("\r\n\t :;<>@=?\x00\x85\u2028abc5.1-"), max_size=200
).map(str.encode)
RAW = st.one_of(
    st.binary(max_size=4096),
    st.builds(
        _mutated,
        st.sampled_from(MESSAGES),
        st.floats(0, 1),
        st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=20),
        SPLICE,
    ),
    st.builds(
        _huge_headers,
        st.sampled_from(MESSAGES),
        st.integers(1, 2000),
        st.integers(10, 2000),
        st.sampled_from(["X-Filler", "Received", "To", "Subject", "Unfolded"]),
    ),
)


def _fields(report: ParsedReport) -> list[str]:
    values: list[object] = [report.original_message_id, report.message_id, report.feedback_type]
    values += report.problems
    for recipient in report.recipients:
        values.extend(astuple(recipient))
    return [value for value in values if isinstance(value, str)]


@BOUNDED
@given(RAW)
@example(_huge_headers(MESSAGES[0], 1, 1_000_000, "Unfolded"))
@example(b"Content-Type: multipart/mixed; boundary=a\r\n\r\n" + b"--a\r\n" * 5000)
@example(
    b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
    + b"--b\r\nContent-Type: message/delivery-status\r\n\r\n"
    + b"".join(
        b"Final-Recipient: rfc822; u%d@x.example\r\nStatus: 5.1.1\r\n\r\n" % i for i in range(3000)
    )
)
def test_any_message_is_read_without_raising_or_a_line_break_in_a_field(raw: bytes) -> None:
    report = parse_report(raw)
    for value in _fields(report):
        assert "\r" not in value, value
        assert "\n" not in value, value
    # The last-resort catch in parse_report is for production; here it would hide a bug.
    assert not any(problem.startswith("parser error") for problem in report.problems)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One migrated SQLite database; each example rolls back what it wrote."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'bounces.sqlite3'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def bounce_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return load_settings(
        {
            "DISTRIBUTOR_DATA_DIR": str(tmp_path_factory.mktemp("data")),
            "DISTRIBUTOR_SECRET_KEY": SECRET,
            "DISTRIBUTOR_BOUNCE_DOMAIN": BOUNCE_DOMAIN,
        }
    )


def _forged(address: str) -> str:
    """The VERP address with its token's last character changed: its signature fails."""
    local, at, domain = address.partition("@")
    return local[:-1] + ("B" if local[-1] == "A" else "A") + at + domain


ENVELOPE = st.sampled_from(["delivery", "forged", "unsubscribe", "none", "garbage"])


@BOUNDED
@given(
    raw=RAW | st.builds(_mutated, st.just(dsn(ANNA)), st.floats(0, 1), st.just([]), SPLICE),
    envelope=ENVELOPE,
)
@example(raw=dsn(ANNA), envelope="delivery")
@example(raw=dsn(ANNA).replace(b"5.1.1", b"5.1.1\r\n\x00\xff"), envelope="none")
def test_any_message_is_taken_in_without_raising_and_kept_as_evidence(
    engine: Engine, bounce_settings: Settings, raw: bytes, envelope: str
) -> None:
    with Session(engine) as session:
        delivery = Newsroom(session).deliver(ANNA)
        token = return_path(delivery)
        recipients = {
            "delivery": [token],
            "forged": [_forged(token)],
            "unsubscribe": [token.replace("bounces", "unsubscribe", 1)],
            "none": [],
            "garbage": ["\r\n<>@@", "bounces+@" + BOUNCE_DOMAIN, "x" * 2000],
        }[envelope]
        result = ingest_message(
            session,
            raw,
            source=BounceSource.RECEIVER,
            settings=bounce_settings,
            envelope_recipients=recipients,
            now=T0 + days(1),
        )
        event("attributed" if result.attributed else f"ignored: {result.ignored}")
        kept = session.scalars(select(BounceRecord).where(BounceRecord.id.in_(result.record_ids)))
        records = list(kept)
        assert len(records) == len(result.record_ids) == len(set(result.record_ids))
        for record in records:
            keep = bounce_settings.bounce_keep_bytes
            if (record.decision or "").startswith("ignored:"):  # forged or replayed: the header
                assert bytes(record.raw_message) == header_only(raw, min(keep, IGNORED_KEEP_BYTES))
            else:
                assert bytes(record.raw_message) == raw[:keep]
            assert record.raw_size == len(raw)
            for value in (record.recipient, record.status_code, record.message_id):
                assert "\r" not in (value or "")
                assert "\n" not in (value or "")
        session.rollback()
