"""What an import found and did: the counts, and every problem with its line and column."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from distributor.contacts.importing.encodings import EncodingDoubt


@dataclass(frozen=True)
class Issue:
    """A problem in the file: a rejected row, or a value dropped from a row that was kept."""

    line: int  # the line (CSV, JSON lines) or row (XLSX) where the record starts; 0 for the file
    column: str  # the column header as the file spells it; "" for the whole row
    reason: str
    value: str  # the raw address of the row (rejections) or the offending cell, shortened


@dataclass
class ImportReport:
    """The outcome of one import; a dry run's report is the same as the real run's would be.

    Every data row lands in exactly one of created, updated, unchanged,
    duplicates_in_file, skipped_suppressed or invalid (for a suppression list:
    added_to_suppressions, already_suppressed or invalid). The subscription counts
    are per contact: subscribed, already_subscribed and kept_unsubscribed
    add up to the distinct contacts imported.
    """

    file: str
    list_slug: str
    format: str  # csv, xlsx, jsonl, vcard
    encoding: str | None  # the codec the text was read with; None for XLSX
    dialect: str | None  # comma, semicolon, tab, pipe; None for XLSX and JSON lines
    sheet: str | None = None
    recognised: str | None = None  # the kind of export its columns say it is: "Outlook export"
    # A list of people not to mail (Mailchimp's unsubscribed or cleaned): suppressed, none subscribed.
    suppression_list: bool = False
    header_line: int | None = None  # the line (row) the column headers were read from
    # Another encoding reads the file as well, differently.
    encoding_doubt: EncodingDoubt | None = None
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates_in_file: int = 0
    skipped_suppressed: int = 0
    invalid: int = 0
    subscribed: int = 0
    already_subscribed: int = 0
    kept_unsubscribed: int = 0  # unsubscribed or pending: an import does not undo a choice
    added_to_suppressions: int = 0
    already_suppressed: int = 0  # already on the suppression list, or listed twice
    rejected: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    suppressed: list[Issue] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
