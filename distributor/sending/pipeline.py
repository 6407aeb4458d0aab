"""The send pipeline a worker process runs: claim a batch, fill in each recipient, send, record.

A `BatchSender` lives as long as its worker process. It keeps one transport (one
SMTP connection, reused from message to message), the DKIM signer, the throttle
and, per send-out, the release rendered once per language with its header
skeleton: per recipient only the fill-in, the signature and the SMTP exchange
remain. Each batch is leased in one statement and settled in groups of a few
messages, its leases renewed while its worker lives, so a worker killed mid-batch
loses nothing and doubles little: its short leases run out and another worker
sends what it had not recorded.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from distributor.config import GLOBAL, Settings
from distributor.models import (
    Contact,
    Release,
    SendOut,
    SendOutState,
    Suppression,
    utcnow,
)
from distributor.observability import SEND_SECONDS, count_outcome
from distributor.sending.lease_keeper import LeaseKeeper
from distributor.sending.message.compose import Addressee, PreparedRelease, compose_message
from distributor.sending.message.dkim.signer import DkimSigner
from distributor.sending.scheduling.deliveries import (
    ClaimedDelivery,
    RetryPolicy,
    Settled,
    audience_condition,
    claim_batch,
    record_outcomes,
    release_claims,
)
from distributor.sending.scheduling.dispatch import finish_if_done
from distributor.sending.scheduling.tally import DatabaseTally, StateWatch, Tally, shared_tally
from distributor.sending.throttle import Throttle, create_throttle
from distributor.sending.transports.base import Transport
from distributor.sending.transports.configured import create_transport
from distributor.sending.transports.outcomes import (
    Outcome,
    OutcomeKind,
    Rejection,
    RejectionRecorder,
    SendResult,
)

log = logging.getLogger(__name__)

# How long one message may wait for the throttle before it is deferred instead.
MAX_THROTTLE_WAIT = 5.0
# Outcomes are written every this many messages: the most a killed worker sends twice.
OUTCOME_GROUP = 20
LEFT_AUDIENCE = "suppressed or no longer in the audience when it was due"


@dataclass
class BatchReport:
    """What one call of `BatchSender.run` did."""

    counts: Counter[str] = field(default_factory=Counter)
    batches: int = 0
    more: bool = False  # stopped by its time budget with deliveries still due
    stopped: str | None = None  # why it did not run at all: "paused", "completed", …


class BatchSender:
    """Sends batches of deliveries for one worker process; reuse it across tasks."""

    def __init__(
        self,
        settings: Settings,
        *,
        record_rejections: RejectionRecorder,
        transport: Transport | None = None,
        throttle: Throttle | None = None,
        worker: str | None = None,
        tally: Tally | None = None,
    ) -> None:
        """`record_rejections` keeps what the relay refused for good as bounces; `tally` counts
        each message (default: Redis when the broker is Redis, else the database)."""
        self.settings = settings
        self.record_rejections = record_rejections
        self.transport = transport or create_transport(settings)
        self.throttle = throttle or create_throttle(settings)
        self.shared_tally = shared_tally(settings)
        self.tally = tally or self.shared_tally
        self.signer = DkimSigner.from_settings(settings)
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        self.policy = RetryPolicy(
            base=timedelta(seconds=settings.retry_base),
            max_age=timedelta(seconds=settings.retry_max_age),
        )
        self.lease = timedelta(seconds=settings.lease_seconds)
        self._prepared: dict[int, PreparedRelease] = {}

    def close(self) -> None:
        self.transport.close()
        self.throttle.close()
        if self.shared_tally is not None:
            self.shared_tally.close()

    def run(self, engine: Engine, sendout_id: int, budget: float) -> BatchReport:
        """Send batches of `sendout_id` until none is due or `budget` seconds have passed."""
        # Read and written outside the batch's transactions, one statement at a time: the
        # state before each message, and the tally after it.
        live = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        with live, Session(engine, expire_on_commit=False) as session:
            try:
                return self._run(session, live, sendout_id, budget)
            except Exception:
                # The rollback expired what this session loaded, the prepared release too:
                # kept, it would fail every later batch of this process (detached, expired).
                self._prepared.pop(sendout_id, None)
                raise

    def _run(
        self, session: Session, live: Connection, sendout_id: int, budget: float
    ) -> BatchReport:
        report = BatchReport()
        deadline = time.monotonic() + budget
        while True:
            claimed, state = self._claim(session, sendout_id)
            if state is not SendOutState.SENDING:
                report.stopped = state.value if state is not None else "deleted"
                return report
            if not claimed:
                return report
            report.batches += 1
            report.counts.update(self._send(session, live, sendout_id, claimed))
            if time.monotonic() >= deadline:
                report.more = True
                return report

    def _claim(
        self, session: Session, sendout_id: int
    ) -> tuple[list[Addressee | ClaimedDelivery], SendOutState | None]:
        """Lease a batch and read its recipients, in one short transaction.

        The release is rendered before, outside it: rendering takes a while, and the
        claim's transaction should hold its locks for milliseconds only.
        """
        if sendout_id not in self._prepared:
            with session.begin():
                sendout = session.get(SendOut, sendout_id)
                if sendout is not None and sendout.state is SendOutState.SENDING:
                    self._prepared[sendout_id] = PreparedRelease.for_sendout(
                        session, sendout, self.settings
                    )
                    for version in sendout.release.versions:  # rendered while in session
                        self._prepared[sendout_id].version(version.language)
        with session.begin():
            sendout = session.get(SendOut, sendout_id, populate_existing=True)
            if sendout is None or sendout.state is not SendOutState.SENDING:
                self._prepared.pop(sendout_id, None)
                return [], sendout.state if sendout is not None else None
            now = utcnow()
            claimed = claim_batch(
                session, sendout_id, self.worker, self.settings.batch_size, self.lease, now
            )
            if not claimed:
                if finish_if_done(session, sendout):
                    self._prepared.pop(sendout_id, None)
                return [], SendOutState.SENDING
            addressees = _addressees(session, sendout, claimed)
            sendout.heartbeat_at = now  # written at the commit, so the row is locked briefly
        return addressees, SendOutState.SENDING

    def _send(
        self,
        session: Session,
        live: Connection,
        sendout_id: int,
        addressees: Sequence[Addressee | ClaimedDelivery],
    ) -> Counter[str]:
        """Send the batch message by message, each after checking the send-out still sends:
        paused or cancelled midway, the rest of the batch goes back to the queue unsent.

        Outcomes are recorded every OUTCOME_GROUP messages, so a worker killed mid-batch
        leaves at most that many sent but unrecorded (sent again by the worker that takes
        its leases over); the leases are renewed meanwhile (see LeaseKeeper).
        """
        prepared = self._prepared[sendout_id]
        tally = self.tally or DatabaseTally(live)
        watch = StateWatch(live, sendout_id)
        settled: list[Settled] = []
        recorded = 0
        keeper = LeaseKeeper(live.engine, sendout_id, self.worker, self.lease)
        try:
            with keeper:
                for one in addressees:
                    if not watch.sending():
                        break
                    outcome = self._send_one(prepared, one)
                    tally.add(sendout_id, outcome.outcome.kind.value)
                    settled.append(outcome)
                    if len(settled) - recorded >= OUTCOME_GROUP:
                        self._record(session, settled[recorded:], addressees[recorded:])
                        recorded = len(settled)
        finally:
            watch.close()
            tally.settle()
        self._record(session, settled[recorded:], addressees[recorded:])
        unsent = [_delivery_id(one) for one in addressees[len(settled) :]]
        if unsent:
            with session.begin():
                sendout = session.get_one(SendOut, sendout_id, populate_existing=True)
                release_claims(session, sendout, unsent)
        return Counter(s.outcome.kind.value for s in settled)

    def _record(
        self,
        session: Session,
        settled: Sequence[Settled],
        addressees: Sequence[Addressee | ClaimedDelivery],
    ) -> None:
        """Write `settled` (the outcomes of the first of `addressees`) in one transaction, with
        the relay's refusals kept as bounces."""
        if not settled:
            return
        rejections = [
            Rejection(s.delivery_id, one.email, s.outcome.code, s.outcome.enhanced, s.outcome.reply)
            for s, one in zip(settled, addressees, strict=False)
            if s.outcome.kind is OutcomeKind.FAILED and s.outcome.code is not None
        ]
        with session.begin():
            now = utcnow()
            record_outcomes(session, settled, now, self.policy)
            self.record_rejections(session, rejections, now)

    def _send_one(self, prepared: PreparedRelease, one: Addressee | ClaimedDelivery) -> Settled:
        if not isinstance(one, Addressee):
            return Settled(one.id, Outcome(OutcomeKind.SKIPPED, None, None, LEFT_AUDIENCE))
        return send_message(prepared, self.transport, self.throttle, self.signer, one)


def _delivery_id(one: Addressee | ClaimedDelivery) -> int:
    return one.delivery_id if isinstance(one, Addressee) else one.id


def send_message(
    prepared: PreparedRelease,
    transport: Transport,
    throttle: Throttle,
    signer: DkimSigner | None,
    addressee: Addressee,
) -> Settled:
    """Fill in, sign and hand over one message, within the throttle's limits."""
    message = compose_message(prepared, addressee)
    domain = message.recipient.rpartition("@")[2]
    data = message.data
    if signer is not None:
        try:
            data = signer.sign(message.data)
        except Exception as exc:  # never sent unsigned when a signature was asked for
            log.exception("cannot DKIM-sign delivery %d", addressee.delivery_id)
            count_outcome(domain, OutcomeKind.FAILED)
            reason = f"not sent: the DKIM signature could not be made ({exc})"
            return Settled(addressee.delivery_id, Outcome(OutcomeKind.FAILED, None, None, reason))
    refused = _wait_for_permit(throttle, domain)
    if refused is not None:
        count_outcome(domain, refused.kind)
        return Settled(addressee.delivery_id, refused)
    try:
        with SEND_SECONDS.time():
            result = transport.send(message.envelope_from, [message.recipient], data)
    finally:
        throttle.release(domain)
    outcome = result.outcomes[message.recipient]
    count_outcome(domain, outcome.kind)
    _slow_down_if_asked(throttle, result, outcome, domain, prepared.settings.slow_down)
    return Settled(addressee.delivery_id, outcome, message.message_id, message.verp_token)


def _wait_for_permit(throttle: Throttle, domain: str) -> Outcome | None:
    """Wait a little for a send permit; a deferral when the wait would be long."""
    waited = 0.0
    while True:
        admission = throttle.admit(domain)
        if admission.admitted:
            return None
        if waited + admission.retry_after > MAX_THROTTLE_WAIT:
            return Outcome(
                OutcomeKind.DEFERRED,
                None,
                None,
                f"held back by the send-rate limits for {domain} "
                f"(next permit in {admission.retry_after:.0f} s)",
            )
        time.sleep(admission.retry_after)
        waited += admission.retry_after


def _slow_down_if_asked(
    throttle: Throttle, result: SendResult, outcome: Outcome, domain: str, seconds: float
) -> None:
    if not result.throttle:
        return
    # No reply code: no relay could be reached at all, so every destination waits.
    target = GLOBAL if outcome.code is None else domain
    log.warning(
        "slowing down %s for %.0f s: %s",
        target,
        seconds,
        outcome.reply,
        extra={"domain": target},
    )
    throttle.slow_down(target, seconds)


def _addressees(
    session: Session, sendout: SendOut, claimed: Sequence[ClaimedDelivery]
) -> list[Addressee | ClaimedDelivery]:
    """Each claimed delivery as an Addressee, or left as it is when it may no longer be sent.

    The audience and the suppression list are read again here, right before sending:
    an unsubscribe or a bounce since the deliveries were made stops the message.
    """
    contact_ids = [c.contact_id for c in claimed if c.contact_id is not None]
    audience = audience_condition(session, sendout)
    eligible = {}
    if audience is not None and contact_ids:
        suppressed = select(Suppression.id).where(Suppression.email == Contact.email).exists()
        rows = session.execute(
            select(
                Contact.id,
                Contact.first_name,
                Contact.last_name,
                Contact.language,
                Contact.tracking_allowed,
                Contact.time_zone,
            ).where(Contact.id.in_(contact_ids), audience, ~suppressed)
        )
        eligible = {row.id: row for row in rows}
    result: list[Addressee | ClaimedDelivery] = []
    for one in claimed:
        row = eligible.get(one.contact_id) if one.contact_id is not None else None
        if row is None:
            result.append(one)
            continue
        name = " ".join(part for part in (row.first_name, row.last_name) if part)
        result.append(
            Addressee(one.id, one.email, name, row.language, row.tracking_allowed, row.time_zone)
        )
    return result


def send_test(
    release: Release, addresses: Sequence[str], settings: Settings, language: str | None = None
) -> dict[str, Outcome]:
    """Send a copy of `release` marked [TEST] to each address: no delivery row, no statistics."""
    prepared = PreparedRelease(
        release, settings, 0, None, "test", "Test send", subject_prefix="[TEST] "
    )
    signer = DkimSigner.from_settings(settings)
    throttle = create_throttle(settings)
    outcomes = {}
    try:
        with create_transport(settings) as transport:
            for address in addresses:
                addressee = Addressee(0, address, "", language)
                settled = send_message(prepared, transport, throttle, signer, addressee)
                outcomes[address] = settled.outcome
    finally:
        throttle.close()
    return outcomes
