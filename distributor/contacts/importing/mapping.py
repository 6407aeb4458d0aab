"""Which contact field each column of a file holds: by header and its aliases, or as the user says.

Columns no field claims are kept as the contact's custom attributes, so nothing
the file says is lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from distributor.contacts.fields import BY_NAME, header_key, match_header
from distributor.contacts.importing.presets import ALTERNATES, ATTRIBUTE, IGNORE, SALUTATION, Preset
from distributor.contacts.importing.report import Issue
from distributor.contacts.values import VALUE_SEPARATOR
from distributor.errors import InvalidInput

# --map COLUMN=attribute keeps a column as a custom attribute, COLUMN=ignore drops it.
TARGETS = (*BY_NAME, ALTERNATES, SALUTATION, ATTRIBUTE, IGNORE)
_TARGET_LABELS = {
    ALTERNATES: "Other email addresses",
    SALUTATION: "Salutation",
    ATTRIBUTE: "Kept as an extra detail",
    IGNORE: "Left out",
}


def target_label(target: str) -> str:
    """What a person reads for a target: the field's label ("First name"), not its name."""
    field = BY_NAME.get(target)
    return field.label if field is not None else _TARGET_LABELS[target]


def parse_overrides(items: Iterable[str]) -> dict[str, str]:
    """`--map COLUMN=FIELD` options as {column: field}; the column may itself contain `=`."""
    overrides: dict[str, str] = {}
    for item in items:
        column, sign, target = item.rpartition("=")
        target = target.strip().lower().replace(" ", "_")
        if not sign or not column.strip():
            raise InvalidInput(f"--map {item!r} is not COLUMN=FIELD, e.g. --map 'Mail addr=email'")
        if target not in TARGETS:
            raise InvalidInput(
                f"--map {item!r}: {target!r} is not a field; use one of {', '.join(TARGETS)}"
            )
        overrides[column.strip()] = target
    return overrides


@dataclass
class ColumnMap:
    """Header → field for the columns fields claim; every other column is an attribute.

    A recognised export may give one field several columns (Outlook's business, home
    and mobile phones): the first with a value fills it, the others stay attributes;
    every further address joins the alternates.
    """

    fields: dict[str, str]  # header → field name
    ignored: set[str] = field(default_factory=set)
    attributes: set[str] = field(default_factory=set)  # headers kept as attributes
    warnings: list[Issue] = field(default_factory=list)

    def split(self, cells: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        """A row's cells as (field name → text, attribute name → text)."""
        raw: dict[str, str] = {}
        attributes: dict[str, str] = {}
        for header, text in cells.items():
            name = self.fields.get(header)
            if name is None and header not in self.attributes and header not in self.ignored:
                self._claim(header)  # a key first seen deep in a JSON-lines file
                name = self.fields.get(header)
            if name is not None:
                _put(raw, attributes, header, name, text)
            elif header in self.attributes:
                attributes[header] = text
        return raw, attributes

    def column_of(self, name: str) -> str:
        """The header of the column holding field `name` (the address's, for a display name)."""
        for header, claimed in self.fields.items():
            if claimed == name:
                return header
        if name == "name":
            return self.column_of("email")
        return name  # an attribute: its name is its header

    def _claim(self, header: str) -> None:
        name = match_header(header)
        taken = self.column_of(name) if name is not None and name in self.fields.values() else None
        if name is None:
            self.attributes.add(header)
        elif taken is not None:
            self.attributes.add(header)
            reason = (
                f"also means {name}, which column {taken!r} already gives; kept as a custom "
                f"attribute (read this column as {name} to use it instead)"
            )
            self.warnings.append(Issue(0, header, reason, ""))
        else:
            self.fields[header] = name


def _put(
    raw: dict[str, str], attributes: dict[str, str], header: str, name: str, text: str
) -> None:
    """One cell into its field: further addresses add up, a field filled already keeps its value."""
    if name == ALTERNATES:
        if text.strip():
            raw[name] = f"{raw[name]}\n{text}" if raw.get(name) else text
        return
    if name == "email" or ":::" not in text:  # what VALUE_SEPARATOR needs, found faster
        first = text
    else:  # Google's "a ::: b": the first value fills the field, the whole cell is kept too
        first = VALUE_SEPARATOR.split(text.strip(), 1)[0]
        attributes[header] = text
    if (raw.get(name) or "").strip():
        attributes[header] = text
    else:
        raw[name] = first


def map_columns(
    path: Path, headers: list[str], overrides: Mapping[str, str], preset: Preset | None = None
) -> ColumnMap:
    """Map the file's headers, a recognised export's by its preset; InvalidInput when no column
    holds the addresses."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(header_key(header), header)
    columns = ColumnMap(fields={})
    if preset is not None:
        for header in headers:
            _set(columns, header, preset.target(header))
    for column, target in overrides.items():
        named = by_key.get(header_key(column))
        if named is None:
            raise InvalidInput(
                f"--map {column}={target}: {path} has no column {column!r}; "
                f"its columns are {_listing(headers)}"
            )
        if target not in (IGNORE, ATTRIBUTE, ALTERNATES):  # one column per field, as told
            columns.fields = {h: f for h, f in columns.fields.items() if f != target}
        _set(columns, named, target)
    for header in headers:
        if header not in columns.fields and header not in columns.ignored | columns.attributes:
            columns._claim(header)
    if "email" not in columns.fields.values() and preset is not None:
        raise InvalidInput(
            f"{path} is a {preset.name} without its {preset.address_column!r} column "
            f"(its columns are {_listing(headers)}); export it again with the addresses, "
            "or name the column that holds them with --map 'COLUMN=email'"
        )
    if "email" not in columns.fields.values():
        raise InvalidInput(
            f"{path} has no email column (its columns are {_listing(headers)}); "
            "name the column that holds the addresses with --map 'COLUMN=email'"
        )
    return columns


def _set(columns: ColumnMap, header: str, target: str | None) -> None:
    """Give `header` its target (a field, ATTRIBUTE or IGNORE); None leaves it to its header."""
    columns.fields.pop(header, None)
    columns.ignored.discard(header)
    columns.attributes.discard(header)
    if target == IGNORE:
        columns.ignored.add(header)
    elif target == ATTRIBUTE:
        columns.attributes.add(header)
    elif target is not None:
        columns.fields[header] = target


def _listing(headers: list[str]) -> str:
    shown = ", ".join(repr(h) for h in headers[:20])
    return shown + (f" and {len(headers) - 20} more" if len(headers) > 20 else "") or "none"
