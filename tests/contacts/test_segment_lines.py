"""Segment rules as text lines (the admin form's box) and back, for editing them as text."""

from __future__ import annotations

import pytest

from distributor.contacts.segments import (
    ConditionError,
    format_where,
    parse_where_all,
    parse_where_lines,
)
from distributor.errors import InvalidInput

CLAUSES = [
    "beats has film",
    "country in FR,DE",
    "country not in IT",
    "language = en",
    "outlet contains 'le monde'",
    "city exists",
    "consent_at before 2025-01-01",
    "tracking_allowed = false",
    "attributes.Desk != arts",
    "list press-fr",
    "not bounced",
    "opened within 30 days",
]


def test_lines_are_joined_with_and_ignoring_blank_ones() -> None:
    assert parse_where_lines("country in FR,DE\n\n  beats has film  \n") == parse_where_all(
        ["country in FR,DE", "beats has film"]
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("country = FR\ncontry = FR", "line 2, 'contry = FR': field: unknown field 'contry'"),
        ("country like FR", "line 1, 'country like FR': unknown operator 'like'"),
        ("country is", "line 1, 'country is': value: needs a non-empty text value"),
        ("outlet 'Le Monde", 'line 1, "outlet \'Le Monde": No closing quotation'),
    ],
)
def test_an_error_names_the_line_and_its_clause(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_where_lines(text)

    assert str(raised.value).startswith(message)


def test_an_error_also_says_what_is_wrong_in_plain_words_and_where() -> None:
    with pytest.raises(ConditionError) as raised:
        parse_where_lines("beats has film\ncountry like FR")

    assert (raised.value.line, raised.value.clause) == (2, "country like FR")
    assert raised.value.plain.startswith(
        "'like' is not a comparison this box understands; use one of: = (or is), !=, in,"
    )
    assert str(raised.value).startswith("line 2, 'country like FR': unknown operator 'like'")


@pytest.mark.parametrize("clause", CLAUSES)
def test_rules_from_clauses_are_written_back_as_clauses_that_read_the_same(clause: str) -> None:
    rules = parse_where_all([clause])

    written = format_where(rules)

    assert written is not None
    assert parse_where_all(written) == rules


def test_all_clauses_together_are_written_back_in_order() -> None:
    rules = parse_where_all(CLAUSES)

    assert parse_where_all(format_where(rules) or []) == rules


@pytest.mark.parametrize(
    "rules",
    [
        {"any": [{"list": "press-fr"}, {"field": "country", "op": "eq", "value": "FR"}]},
        {"all": [{"list": "press-fr", "status": "unsubscribed"}]},
        {"all": [{"field": "outlet", "op": "in", "value": ["Le Monde, Paris"]}]},
    ],
)
def test_rules_the_text_form_cannot_write_are_not_written(rules: dict[str, object]) -> None:
    assert format_where(rules) is None
