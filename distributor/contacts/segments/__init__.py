"""Segments: saved filters over contacts, written as rules (JSON or text), compiled to one SQL
condition and previewed before use."""

from distributor.contacts.segments.compiler import compile_rules, rules_filter
from distributor.contacts.segments.grammar import (
    format_where,
    parse_where,
    parse_where_all,
    parse_where_lines,
)
from distributor.contacts.segments.rules import ConditionError, validate_rules
from distributor.contacts.segments.services import (
    SegmentPreview,
    create_segment,
    delete_segment,
    get_segment,
    list_segments,
    preview_segment,
    segment_filter,
    update_segment,
)

__all__ = [
    "ConditionError",
    "SegmentPreview",
    "compile_rules",
    "create_segment",
    "delete_segment",
    "format_where",
    "get_segment",
    "list_segments",
    "parse_where",
    "parse_where_all",
    "parse_where_lines",
    "preview_segment",
    "rules_filter",
    "segment_filter",
    "update_segment",
    "validate_rules",
]
