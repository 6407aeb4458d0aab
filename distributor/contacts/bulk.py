"""Bulk actions over contacts: add to a list, remove from a list, suppress, over the contacts
ticked or every one a filter matches, tens of thousands at a time.

Asking for one records a job (`start_bulk`); running it (`run_bulk`, in a thread of the web
app or any process) walks the matching contacts in id order, CHUNK at a time: each chunk is
one set-based statement and the job's progress, committed together. A failure stops the
job where it was: every chunk before is done, none is half-done, and the job says how far
it got. Contacts added after the job was asked for are left alone. The whole action is one
entry of the audit log, with its counts.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Table,
    and_,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from distributor.audit import Actor, record
from distributor.contacts.export import ExportFormat, ExportSummary, export_contacts
from distributor.contacts.finder import ContactFilter, matching
from distributor.contacts.subscriptions import leaving
from distributor.contacts.suppressions import reason_from_text
from distributor.errors import Conflict, InvalidInput, NotFound
from distributor.models import (
    BulkAction,
    BulkJob,
    BulkState,
    Channel,
    Contact,
    EmailHash,
    MailingList,
    Role,
    Subscription,
    SubscriptionStatus,
    Suppression,
    utcnow,
)

CHUNK = 5000
# A running job whose thread has not written for this long has died with its process.
STALE = timedelta(minutes=2)
_INSERT_SUPPRESSIONS = {
    name: dialect.insert(cast(Table, Suppression.__table__))
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_UNDER_WAY = (BulkState.QUEUED, BulkState.RUNNING)
MAX_SELECTED = 1000  # contacts ticked on a page; more are chosen through the filter
_AUDIT = {
    BulkAction.ADD_TO_LIST: "contacts.bulk_add_to_list",
    BulkAction.REMOVE_FROM_LIST: "contacts.bulk_remove_from_list",
    BulkAction.SUPPRESS: "contacts.bulk_suppress",
}


@dataclass(frozen=True)
class BulkProgress:
    """How far a job got, for the page that follows it."""

    id: int
    action: BulkAction
    state: BulkState
    list_name: str | None
    total: int
    processed: int
    changed: int
    error: str | None
    interrupted: bool  # it was running when its process stopped
    created_at: datetime
    finished_at: datetime | None
    selection: dict[str, Any]

    @property
    def finished(self) -> bool:
        return self.state in (BulkState.DONE, BulkState.FAILED) or self.interrupted

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.processed * 100 // self.total)

    @property
    def summary(self) -> str:
        """What was done, in a sentence."""
        unchanged = self.processed - self.changed
        if self.action is BulkAction.ADD_TO_LIST:
            done = f"Added {self.changed:,} contacts to {self.list_name}"
            rest = " (already on it, unsubscribed from it or suppressed)"
        elif self.action is BulkAction.REMOVE_FROM_LIST:
            done = f"Removed {self.changed:,} contacts from {self.list_name}"
            rest = " (not on it)"
        else:
            done = f"Suppressed {self.changed:,} contacts"
            rest = " (suppressed already)"
        left = f"; {unchanged:,} were left as they were{rest}" if unchanged else ""
        return f"{done}{left}."

    @property
    def outcome(self) -> str:
        """The summary, and for a job that stopped, where and why."""
        if self.state is BulkState.DONE:
            return self.summary
        if self.state is BulkState.FAILED or self.interrupted:
            why = self.error or "the application stopped while it ran"
            return (
                f"Stopped after {self.processed:,} of {self.total:,} contacts: {why}. "
                f"{self.summary} The others were not changed."
            )
        return f"{self.processed:,} of {self.total:,} contacts done."


def _target_list(session: Session, action: BulkAction, list_slug: str | None) -> MailingList | None:
    if action is BulkAction.SUPPRESS:
        return None
    if not list_slug:
        raise InvalidInput("list: choose the list")
    found = session.scalar(select(MailingList).where(MailingList.slug == list_slug))
    if found is None:
        raise NotFound(f"list: there is no list {list_slug!r}")
    if action is BulkAction.ADD_TO_LIST and found.archived_at is not None:
        raise Conflict(f"list: {found.name} is archived and takes no new contacts")
    return found


def start_bulk(
    session: Session,
    action: BulkAction,
    wanted: ContactFilter,
    actor: Actor,
    *,
    ids: tuple[int, ...] = (),
    list_slug: str | None = None,
    reason: str | None = None,
) -> BulkJob:
    """Record a bulk action over the contacts `ids` among those `wanted` matches (all of
    them when no ids are given); run it with `run_bulk`. Refused, with nothing recorded,
    when the list or the reason is missing or no contact matches."""
    actor.require(Role.ADMIN, "changing contacts in bulk")
    if len(ids) > MAX_SELECTED:
        raise InvalidInput(
            f"{len(ids):,} contacts ticked; tick at most {MAX_SELECTED:,}, or choose all matching"
        )
    target = _target_list(session, action, list_slug)
    if action is BulkAction.SUPPRESS and not (reason and reason.strip()):
        raise InvalidInput("reason: say why these contacts must never be mailed again")
    condition = _selected(session, wanted, ids)
    total, last = session.execute(
        select(func.count(), func.max(Contact.id)).select_from(Contact).where(condition)
    ).one()
    if not total:
        raise InvalidInput("no contact matches: nothing to change")
    job = BulkJob(
        action=action,
        selection={"filter": wanted.as_query(), "ids": list(ids)},
        list_id=target.id if target else None,
        reason=reason.strip() if reason and reason.strip() else None,
        state=BulkState.QUEUED,
        last_contact_id=last,
        total=total,
        actor=actor.label,
        user_id=actor.user_id,
    )
    session.add(job)
    session.flush()
    return job


def _selected(session: Session, wanted: ContactFilter, ids: tuple[int, ...]) -> ColumnElement[bool]:
    condition = matching(session, wanted)
    return and_(condition, Contact.id.in_(ids)) if ids else condition


def _job_selection(session: Session, job: BulkJob) -> ColumnElement[bool]:
    wanted = ContactFilter.from_query(job.selection.get("filter", {}))
    return _selected(session, wanted, tuple(job.selection.get("ids", ())))


def _rowcount(result: Any) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def _add(session: Session, job: BulkJob, chunk: ColumnElement[bool], actor: Actor) -> int:
    """Subscribe the chunk's contacts not on the list yet and not suppressed, in one INSERT."""
    now = utcnow()
    status = Subscription.__table__.c.status
    channel = Subscription.__table__.c.channel
    fresh = select(
        literal(job.list_id),
        Contact.id,
        literal(SubscriptionStatus.SUBSCRIBED, status.type),
        literal(Channel.ADMIN, channel.type),
        literal(job.reason),
        literal(actor.label),
        literal(now, Subscription.__table__.c.created_at.type),
        literal(now, Subscription.__table__.c.changed_at.type),
    ).where(
        chunk,
        ~exists().where(Subscription.contact_id == Contact.id, Subscription.list_id == job.list_id),
        ~exists().where(Suppression.email == Contact.email),
    )
    columns = ["list_id", "contact_id", "status", "channel", "reason", "actor"]
    statement = insert(Subscription).from_select([*columns, "created_at", "changed_at"], fresh)
    return len(session.execute(statement.returning(Subscription.id)).all())


def _remove(session: Session, job: BulkJob, chunk: ColumnElement[bool], actor: Actor) -> int:
    """Unsubscribe the chunk's contacts from the list, in one UPDATE."""
    moved = leaving(actor, Channel.ADMIN, job.reason)
    statement = (
        update(Subscription)
        .where(
            Subscription.list_id == job.list_id,
            Subscription.status != SubscriptionStatus.UNSUBSCRIBED,
            Subscription.contact_id.in_(select(Contact.id).where(chunk)),
        )
        .values({name.removeprefix("new_"): value for name, value in moved.items()})
        .execution_options(synchronize_session=False)
    )
    return _rowcount(session.execute(statement))


def _suppress(session: Session, job: BulkJob, chunk: ColumnElement[bool], actor: Actor) -> int:
    """Suppress the chunk's addresses not suppressed yet, in one INSERT … SELECT.

    The entries name the job as their source; the job's audit entry tells the rest. An
    address suppressed meanwhile by someone else keeps its entry.
    """
    kind, note = reason_from_text(job.reason or "")
    table = Suppression.__table__.c
    entries = select(
        EmailHash(Contact.email),
        Contact.email,
        literal(kind, table.reason.type),
        literal(Channel.ADMIN, table.channel.type),
        literal(f"bulk:{job.id}"),
        literal(note, table.note.type),
        literal(actor.user_id, table.created_by_id.type),
        literal(utcnow(), table.created_at.type),
    ).where(chunk, ~exists().where(Suppression.email == Contact.email))
    columns = ["email_hash", "email", "reason", "channel", "source", "note", "created_by_id"]
    statement = (
        _INSERT_SUPPRESSIONS[session.get_bind().dialect.name]
        .from_select([*columns, "created_at"], entries)
        .on_conflict_do_nothing()
        .returning(table.id)
    )
    return len(session.execute(statement).all())


_ACTIONS = {
    BulkAction.ADD_TO_LIST: _add,
    BulkAction.REMOVE_FROM_LIST: _remove,
    BulkAction.SUPPRESS: _suppress,
}


def run_bulk(sessions: sessionmaker[Session], job_id: int, chunk_size: int = CHUNK) -> BulkProgress:
    """Run a recorded job to its end, a chunk per transaction; a job not queued is left alone.

    An error stops it: the chunk that failed is rolled back, the job records the error and
    how far it got, and the audit log the part that was done.
    """
    with sessions.begin() as session:
        job = _job(session, job_id)
        if job.state is not BulkState.QUEUED:
            return _progress(session, job)
        job.state, job.started_at = BulkState.RUNNING, utcnow()
        job.heartbeat_at = job.started_at
    while True:
        try:
            with sessions.begin() as session:
                job = _job(session, job_id)
                if not _next_chunk(session, job, chunk_size):
                    _finish(session, job, BulkState.DONE, None)
                    return _progress(session, job)
        except Exception as error:  # any failure stops the job, and is recorded
            with sessions.begin() as session:
                job = _job(session, job_id)
                _finish(session, job, BulkState.FAILED, _plain(error))
                return _progress(session, job)


def _next_chunk(session: Session, job: BulkJob, chunk_size: int) -> bool:
    """Apply the action to the next chunk and record it; False when none is left."""
    selection = _job_selection(session, job)
    in_scope = and_(selection, Contact.id > job.checkpoint, Contact.id <= job.last_contact_id)
    ids = session.scalars(
        select(Contact.id).where(in_scope).order_by(Contact.id).limit(chunk_size)
    ).all()
    if not ids:
        return False
    chunk = and_(in_scope, Contact.id <= ids[-1])
    actor = Actor(job.actor, Role.ADMIN, job.user_id)
    job.changed += _ACTIONS[job.action](session, job, chunk, actor)
    job.processed += len(ids)
    job.checkpoint = ids[-1]
    job.heartbeat_at = utcnow()
    return True


def _finish(session: Session, job: BulkJob, state: BulkState, error: str | None) -> None:
    job.state, job.error, job.finished_at = state, error, utcnow()
    record(
        session,
        Actor(job.actor, Role.ADMIN, job.user_id),
        _AUDIT[job.action],
        "bulk_job",
        job.id,
        selection=job.selection,
        list_id=job.list_id,
        reason=job.reason,
        total=job.total,
        processed=job.processed,
        changed=job.changed,
        **({"error": error} if error else {}),
    )


def _plain(error: Exception) -> str:
    """An error as one line for the job page; a database error's first line only."""
    text = str(error).strip().splitlines()
    return text[0][:500] if text else type(error).__name__


def _job(session: Session, job_id: int) -> BulkJob:
    job = session.get(BulkJob, job_id)
    if job is None:
        raise NotFound(f"no bulk action {job_id}")
    return job


def _progress(session: Session, job: BulkJob) -> BulkProgress:
    list_name = (
        session.scalar(select(MailingList.name).where(MailingList.id == job.list_id))
        if job.list_id
        else None
    )
    beat = job.heartbeat_at or job.created_at
    return BulkProgress(
        id=job.id,
        action=job.action,
        state=job.state,
        list_name=list_name,
        total=job.total,
        processed=job.processed,
        changed=job.changed,
        error=job.error,
        interrupted=job.state in _UNDER_WAY and utcnow() - beat > STALE,
        created_at=job.created_at,
        finished_at=job.finished_at,
        selection=job.selection,
    )


def bulk_progress(session: Session, job_id: int) -> BulkProgress:
    """Where the job `job_id` is now."""
    return _progress(session, _job(session, job_id))


def run_in_background(sessions: sessionmaker[Session], job_id: int) -> threading.Thread:
    """Run the job in a thread of this process: the page that asked for it answers at once
    and follows the job's progress, which each chunk commits."""
    thread = threading.Thread(
        target=run_bulk, args=(sessions, job_id), name=f"bulk-{job_id}", daemon=True
    )
    thread.start()
    return thread


def export_selection(
    session: Session,
    out: IO[bytes],
    format: ExportFormat,
    wanted: ContactFilter,
    actor: Actor,
    *,
    ids: tuple[int, ...] = (),
) -> ExportSummary:
    """Write the contacts ticked among those `wanted` matches (all of them without ids),
    streamed as every export is, and audited as one."""
    if len(ids) > MAX_SELECTED:
        raise InvalidInput(
            f"{len(ids):,} contacts ticked; tick at most {MAX_SELECTED:,}, or choose all matching"
        )
    described = (
        f"{len(ids)} contacts ticked"
        if ids
        else "contacts matching "
        + (", ".join(f"{k}={v}" for k, v in wanted.as_query().items()) or "no filter")
    )
    return export_contacts(
        session, out, format, actor, chosen=(described, _selected(session, wanted, ids))
    )
