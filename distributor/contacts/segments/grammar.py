"""The text form of rules the CLI and the admin form use, read and written.

`parse_where` writes the JSON tree of `rules` from clauses such as `beats has film`,
`country in FR,DE`, `language = en`, `not bounced`, `opened within 30 days`, `list press-fr`.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from distributor.contacts.segments.rules import (
    BEAT_OPS,
    BOOL_FIELDS,
    DATE_OPS,
    ENGAGEMENTS,
    OPERATOR_TEXT,
    TEXT_OPS,
    ConditionError,
    validate_rules,
)

_OPERATOR_WORDS = {
    "=": "eq",
    "==": "eq",
    "is": "eq",
    "!=": "ne",
    "~": "contains",
    "<": "before",
    ">": "after",
    **{op: op for op in dict.fromkeys(TEXT_OPS + BEAT_OPS + DATE_OPS)},
}
_LIST_OPS = ("in", "not_in")
# The comparisons the box understands, as a reader is told them.
_COMPARISONS = "= (or is), !=, in, not in, contains, has, before, after, exists, missing"
_SHAPE = (
    "Write what to compare, how, and with what, such as country in FR,DE; or a list, such as "
    f"list press-fr; or what contacts did, such as opened within 30 days ({', '.join(ENGAGEMENTS)})."
)


def parse_where(clause: str) -> dict[str, Any]:
    """One rule from its text form: `FIELD OP VALUE`, `FIELD exists`, `[not] ENGAGEMENT
    [within N days]`, `list SLUG`, any of them after `not`. Lists of values are comma-separated."""
    try:
        words = shlex.split(clause)
    except ValueError as exc:
        raise ConditionError(
            f"--where {clause!r}: {exc}", "A quotation mark is not closed: close it, or remove it."
        ) from None
    if not words:
        raise ConditionError(
            "--where needs a condition such as 'country in FR,DE'",
            "Write a condition, such as country in FR,DE.",
        )
    if words[0] == "not" and len(words) > 1 and words[1] != "in":
        return {"not": parse_where(shlex.join(words[1:]))}
    if words[0] in ENGAGEMENTS:
        node: dict[str, Any] = {"engagement": words[0]}
        rest = words[1:]
        if rest:
            if len(rest) not in (2, 3) or rest[0] != "within" or not rest[1].isdigit():
                raise ConditionError(
                    f"--where {clause!r}: write '{words[0]} within N days' or just '{words[0]}'",
                    f"Write {words[0]} within 30 days (any number of days), or just {words[0]}.",
                )
            node["within_days"] = int(rest[1])
        return node
    if words[0] == "list":
        if len(words) != 2:
            raise ConditionError(
                f"--where {clause!r}: write 'list SLUG'",
                "Write list and one list's short name, such as list press-fr.",
            )
        return {"list": words[1]}
    if len(words) < 2:
        raise ConditionError(
            f"--where {clause!r}: write 'FIELD OP VALUE' (e.g. 'country in FR,DE'), "
            f"'FIELD exists', 'list SLUG' or one of {', '.join(ENGAGEMENTS)}",
            _SHAPE,
        )
    field, words = words[0], words[1:]
    if words[:2] == ["not", "in"]:
        words = ["not_in", *words[2:]]
    op = _OPERATOR_WORDS.get(words[0].lower())
    if op is None:
        raise ConditionError(
            f"--where {clause!r}: unknown operator {words[0]!r}; use one of {', '.join(_OPERATOR_WORDS)}",
            f"{words[0]!r} is not a comparison this box understands; use one of: {_COMPARISONS}.",
        )
    text = " ".join(words[1:])
    if op in ("exists", "missing"):
        return {"field": field, "op": op}
    value: Any = text
    if op in _LIST_OPS:
        value = [part.strip() for part in text.split(",") if part.strip()]
    elif field in BOOL_FIELDS:
        value = text.lower() in ("true", "yes", "1")
    return {"field": field, "op": op, "value": value}


def parse_where_all(clauses: Sequence[str]) -> dict[str, Any]:
    """Several text clauses joined with AND, validated."""
    return validate_rules({"all": [parse_where(clause) for clause in clauses]})


def parse_where_lines(text: str) -> dict[str, Any]:
    """Clauses one per line (the admin form's box), joined with AND and validated; an error
    names the line and its clause rather than a place in the tree (ConditionError, with
    what is wrong in a reader's words too)."""
    clauses = [line.strip() for line in text.splitlines() if line.strip()]
    for number, clause in enumerate(clauses, 1):
        try:
            validate_rules(parse_where(clause))
        except ConditionError as exc:
            problem = str(exc).removeprefix(f"--where {clause!r}: ").removeprefix("rules.")
            raise ConditionError(
                f"line {number}, {clause!r}: {problem}", exc.plain, number, clause
            ) from None
    return parse_where_all(clauses)


def _clause(node: Mapping[str, Any]) -> str | None:
    """`node` in the text form, or None for what the text form cannot write."""
    if "not" in node:
        inner = _clause(node["not"])
        return None if inner is None else f"not {inner}"
    if "engagement" in node:
        days = node.get("within_days")
        return f"{node['engagement']} within {days} days" if days else str(node["engagement"])
    if "list" in node:
        return None if "status" in node else f"list {shlex.quote(node['list'])}"
    if "field" not in node:
        return None  # any, or a nested all
    op, value = node["op"], node.get("value")
    words = [node["field"], OPERATOR_TEXT.get(op, op)]
    if isinstance(value, bool):
        words.append(str(value).lower())
    elif isinstance(value, list):
        words.append(shlex.quote(",".join(value)))
    elif value is not None:
        words.append(shlex.quote(value))
    return " ".join(words)


def format_where(rules: Any) -> list[str] | None:
    """The text clauses `parse_where_all` turns back into `rules` (to edit them as text), or
    None when the rules need the JSON form (any, nesting, a list status, a comma in a value)."""
    node = validate_rules(rules)
    children = node["all"] if set(node) == {"all"} else [node]
    clauses = [_clause(child) for child in children]
    if any(clause is None for clause in clauses):
        return None
    written = [clause for clause in clauses if clause is not None]
    return written if parse_where_all(written) == {"all": children} else None
