"""Classifying any words, and describing any message, never raise and always name a known reason."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from distributor.bounces.classify import classify
from distributor.bounces.described import describe_message
from distributor.models import BounceClass
from distributor.models.reasons import REASONS
from tests.properties.test_bounce_properties import RAW

TOKENS = [*"abcdeilmnoprstuvxy @<>.:;/#-()\"'\r\n\t0123452", "user", "unknown", "550", "5.1.1"]
WORDS = st.lists(st.sampled_from(TOKENS), max_size=200).map("".join)
CODES = st.none() | st.from_regex(r"[245]\.\d{1,3}\.\d{1,3}", fullmatch=True)
BOUNDED = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@BOUNDED
@given(CODES, WORDS, st.none() | st.sampled_from(["failed", "delayed", "delivered", "x"]), WORDS)
@example(None, "a" * 4000, None, "b@" * 2000)  # one long word, a context of addresses
@example("5.1.1", "@" * 4000, "failed", "/" * 4000)
def test_any_words_get_a_known_reason_and_its_class(
    status: str | None, diagnostic: str, action: str | None, context: str
) -> None:
    verdict = classify(status, diagnostic, action, context=context)

    assert verdict.reason in REASONS
    if action != "delayed":  # a temporary failure may be soft whatever its reason's class
        assert verdict.bounce_class in (REASONS[verdict.reason].bounce_class, BounceClass.SOFT)


@BOUNDED
@given(RAW)
def test_any_message_is_described_as_one_json_line(raw: bytes) -> None:
    line = json.dumps(describe_message(raw, "x.eml"))

    assert "\n" not in line
    assert json.loads(line)["kind"] in {
        "bounce",
        "delayed",
        "delivered",
        "complaint",
        "auto_reply",
        "reply",
        "not_a_report",
    }
