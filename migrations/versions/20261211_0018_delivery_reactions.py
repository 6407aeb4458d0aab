"""each delivery keeps the first time its journalist opened, clicked, replied, unsubscribed or
complained, written by a trigger on delivery_events; bounce reports indexed by arrival

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The event kind each column keeps the first time of.
REACTIONS = {
    "opened": "opened_at",
    "clicked": "clicked_at",
    "replied": "replied_at",
    "unsubscribed": "unsubscribed_at",
    "complained": "complained_at",
}
KINDS = ", ".join(f"'{kind}'" for kind in REACTIONS)


def _first(column: str, kind: str, earliest: str) -> str:
    """`column` set to the new event's time when it is of `kind` and earlier than what is kept."""
    return (
        f"{column} = CASE WHEN NEW.kind = '{kind}' "
        f"THEN {earliest}(COALESCE({column}, NEW.at), NEW.at) ELSE {column} END"
    )


def _assignments(earliest: str) -> str:
    return ", ".join(_first(column, kind, earliest) for kind, column in REACTIONS.items())


def upgrade() -> None:
    op.create_index("ix_bounce_records_received_at", "bounce_records", ["received_at", "id"])
    with op.batch_alter_table("deliveries") as batch:
        for column in REACTIONS.values():
            batch.add_column(sa.Column(column, sa.DateTime(timezone=True), nullable=True))
    for kind, column in REACTIONS.items():
        op.execute(
            f"UPDATE deliveries SET {column} = (SELECT min(e.at) FROM delivery_events e "
            f"WHERE e.delivery_id = deliveries.id AND e.kind = '{kind}') "
            f"WHERE id IN (SELECT delivery_id FROM delivery_events WHERE kind = '{kind}')"
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION delivery_reacted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"UPDATE deliveries SET {_assignments('LEAST')} WHERE id = NEW.delivery_id; "
            "RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER delivery_reacted AFTER INSERT ON delivery_events FOR EACH ROW "
            f"WHEN (NEW.kind IN ({KINDS})) EXECUTE FUNCTION delivery_reacted()"
        )
    else:
        op.execute(
            "CREATE TRIGGER delivery_reacted AFTER INSERT ON delivery_events FOR EACH ROW "
            f"WHEN NEW.kind IN ({KINDS}) BEGIN "
            f"UPDATE deliveries SET {_assignments('min')} WHERE id = NEW.delivery_id; END"
        )


def downgrade() -> None:
    op.drop_index("ix_bounce_records_received_at", table_name="bounce_records")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER delivery_reacted ON delivery_events")
        op.execute("DROP FUNCTION delivery_reacted()")
    else:
        op.execute("DROP TRIGGER delivery_reacted")
    with op.batch_alter_table("deliveries") as batch:
        for column in REACTIONS.values():
            batch.drop_column(column)
