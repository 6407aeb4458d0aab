"""Write a realistic, messy journalist contact file of any size, for trying imports and for benchmarks.

.venv/bin/python bench/generate_contacts.py journalists.csv --rows 100000 --encoding cp1251 --dialect semicolon
.venv/bin/distributor contacts import journalists.csv --list press --create-list
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import typer

from distributor.contacts.synthetic import DELIMITERS, ENCODINGS, write_contacts

OUT_ARGUMENT = typer.Argument(..., help="File to write; .csv, .jsonl or .xlsx by its extension.")


def main(
    out: Path = OUT_ARGUMENT,
    rows: int = typer.Option(10_000, min=1, help="Rows to write (streamed: any size)."),
    encoding: str = typer.Option("utf-8", help=f"CSV encoding: {', '.join(ENCODINGS)}."),
    dialect: str = typer.Option("comma", help=f"CSV delimiter: {', '.join(DELIMITERS)}."),
    seed: int = typer.Option(0, help="Same seed, same file."),
) -> None:
    if encoding not in ENCODINGS or dialect not in DELIMITERS:
        raise typer.BadParameter(f"encoding one of {ENCODINGS}, dialect one of {tuple(DELIMITERS)}")
    suffix = out.suffix.lower().lstrip(".")
    file_format: Literal["csv", "jsonl", "xlsx"] = suffix if suffix in ("jsonl", "xlsx") else "csv"  # type: ignore[assignment]
    written = write_contacts(
        out, rows, seed=seed, encoding=encoding, dialect=dialect, file_format=file_format
    )
    typer.echo(
        f"Wrote {written.rows:,} rows to {out}: {written.distinct:,} distinct addresses, "
        f"{written.duplicates:,} duplicates, {written.invalid:,} invalid."
    )


if __name__ == "__main__":
    typer.run(main)
