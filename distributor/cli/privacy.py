"""`distributor contacts export-data | erase | consent`: a journalist's data protection rights."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import typer
from rich.markup import escape

from distributor.audit import Actor
from distributor.cli.context import database_session
from distributor.cli.output import JSON_OPTION, console, emit_json, writable_file
from distributor.contacts import clean_value, erase_contact, export_contact_data, set_legal_basis
from distributor.errors import InvalidInput

EMAIL_ARGUMENT = typer.Argument(..., help="The journalist's address (any case).")
OUT_OPTION = typer.Option(
    None, "--out", dir_okay=False, help="Write the JSON here instead of standard output."
)


def export_data(
    email: str = EMAIL_ARGUMENT,
    out: Path | None = OUT_OPTION,
) -> None:
    """Export everything held about one journalist as JSON (recorded in the audit log)."""
    if out is not None:  # before the export is recorded in the audit log
        writable_file(out, "--out")
    with database_session() as session:
        document = export_contact_data(session, email, Actor.command_line())
    if out is None:
        emit_json(document)
        return
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n", "utf-8")
    console.print(f"Wrote everything held about {escape(document['email'])} to {escape(str(out))}.")


def erase(
    email: str = EMAIL_ARGUMENT,
    reason: str = typer.Option(..., "--reason", help="Who asked, when and how (audited)."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Erase a journalist: personal data deleted, the address's hash kept so they are never re-added."""
    if not yes:
        typer.confirm(
            f"Erase {email} for good? Deliveries keep their statistics, nothing else stays",
            abort=True,
        )
    with database_session() as session:
        erasure = erase_contact(session, email, Actor.command_line(), reason)
    if as_json:
        emit_json(
            {
                "id": erasure.contact_id,
                "email_hash": erasure.email_hash,
                "deliveries": erasure.deliveries,
                "bounces": erasure.bounces,
                "audit_entries": erasure.audit_entries,
                "suppression": erasure.suppression,
            }
        )
        return
    held = "the contact" if erasure.contact_id is not None else "no contact (only traces)"
    console.print(
        f"Erased {held}: {erasure.deliveries} deliveries, {erasure.bounces} bounce records and "
        f"{erasure.audit_entries} audit entries scrubbed; the address's hash is "
        f"{'still' if erasure.suppression == 'kept' else 'now'} on the suppression list."
    )


def _timestamp(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value: datetime = clean_value("consent_at", text)
    except ValueError as exc:
        raise InvalidInput(f"--at: {exc}") from None
    return value


def consent(
    email: str = EMAIL_ARGUMENT,
    basis: str = typer.Option(
        ..., "--basis", help="consent, legitimate_interest, contract, legal_obligation, …"
    ),
    record: str | None = typer.Option(
        None, "--record", help="What was agreed to, where and how (needed for consent)."
    ),
    at: str | None = typer.Option(
        None, "--at", help="When, e.g. 2026-03-01T09:00+01:00 (consent: now if omitted)."
    ),
    source: str | None = typer.Option(None, "--source", help="Where the address came from."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Record the legal basis (or consent) for holding and mailing a journalist's address."""
    with database_session() as session:
        contact = set_legal_basis(
            session, email, basis, record, _timestamp(at), Actor.command_line(), source=source
        )
        result: dict[str, str | int | None] = {
            "id": contact.id,
            "email": contact.email,
            "legal_basis": contact.legal_basis.value,
            "consent_record": contact.consent_record,
            "consent_at": contact.consent_at.isoformat() if contact.consent_at else None,
            "source": contact.source,
        }
    if as_json:
        emit_json(result)
    else:
        console.print(f"Recorded {result['legal_basis']} for {escape(contact.email)}.")


def register(app: typer.Typer) -> None:
    """Add the privacy commands to the contacts group."""
    app.command("export-data")(export_data)
    app.command("erase")(erase)
    app.command("consent")(consent)
