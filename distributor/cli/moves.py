"""`distributor contacts moved`: journalists whose auto-replies say they moved on, and the answers."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from distributor.audit import Actor
from distributor.cli.context import database_session
from distributor.cli.output import JSON_OPTION, console, emit_json
from distributor.contacts import accept_move, dismiss_move, open_moves

app = typer.Typer(
    help="Journalists who moved on, as their auto-replies and bounces say: list, accept, dismiss.",
    invoke_without_command=True,
)
ID_ARGUMENT = typer.Argument(
    ..., help="The suggestion's id, as `distributor contacts moved` lists it."
)


@app.callback()
def moved(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """List the open suggestions, oldest first; nothing changes until one is accepted."""
    if ctx.invoked_subcommand is not None:
        return
    with database_session() as session:
        waiting = open_moves(session)
    if as_json:
        emit_json({"moves": [move.as_dict() for move in waiting]})
        return
    if not waiting:
        console.print("No journalist is waiting to be moved.")
        return
    table = Table(box=None, pad_edge=False)
    for column in ("id", "contact", "new address", "name", "outlet", "said"):
        table.add_column(column, overflow="fold")
    for move in waiting:
        table.add_row(
            str(move.id),
            Text(move.email),
            Text(move.new_email),
            Text(move.name or ""),
            Text(move.outlet or ""),
            Text(move.evidence),
        )
    console.print(table)
    console.print(
        "Accept with `distributor contacts moved accept ID` (the contact's address changes) or "
        "`… accept ID --as-colleague` (the new address joins the same lists); or `dismiss ID`."
    )


@app.command("accept")
def accept(
    move_id: int = ID_ARGUMENT,
    as_colleague: bool = typer.Option(
        False,
        "--as-colleague",
        help="Add the new address as a contact of its own on the same lists, "
        "instead of changing the contact's address.",
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Accept a suggestion: change the contact's address, or add the colleague (audited)."""
    with database_session() as session:
        decision = accept_move(session, move_id, Actor.command_line(), as_colleague=as_colleague)
    move = decision.move
    if as_json:
        emit_json(move.as_dict() | {"changed": decision.changed})
    elif not decision.changed:
        console.print(f"Suggestion {move.id} was accepted already; nothing changed.")
    elif move.as_colleague:
        console.print(
            f"Added {escape(move.new_email)} (id {move.colleague_id}) on the lists of "
            f"{escape(move.email)}."
        )
    else:
        console.print(f"The contact's address is now {escape(move.email)}.")


@app.command("dismiss")
def dismiss(move_id: int = ID_ARGUMENT, as_json: bool = JSON_OPTION) -> None:
    """Dismiss a suggestion: nothing changes, and the same address is not suggested again."""
    with database_session() as session:
        decision = dismiss_move(session, move_id, Actor.command_line())
    if as_json:
        emit_json(decision.move.as_dict() | {"changed": decision.changed})
    elif decision.changed:
        console.print(f"Dismissed suggestion {decision.move.id}.")
    else:
        console.print(f"Suggestion {decision.move.id} was dismissed already; nothing changed.")
