"""`distributor bounces serve`'s receiver, on a free loopback port with smtplib as the sending MTA.

Most tests hand the receiver a recording intake in place of bounce intake (the
receiver takes the intake function as a parameter): they are about what the
receiver accepts, keeps and never loses. The last ones run the real intake.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import selectors
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from distributor import tokens
from distributor.bounces.intake import Incoming, IngestResult, ingest_batch
from distributor.bounces.receiver import BounceReceiver
from distributor.bounces.reports import ReportKind
from distributor.bounces.spool import REASON_SUFFIX, Spool
from distributor.config import Settings, load_settings
from distributor.db import make_engine
from distributor.models import Delivery
from distributor.models.bounces import BounceRecord, BounceSource
from distributor.sending.replies import forward_reply
from tests.bounces import conftest as bounces
from tests.environment import process_env
from tests.servers import free_port
from tests.tasks.conftest import Service

DOMAIN = "bounces.newsroom.example"
SECRET = "receiver-test-secret-0123456789abcdef0123456789"
CORPUS = Path(__file__).parent / "corpus"
SERVE = [sys.executable, "-m", "distributor", "bounces", "serve"]
DEADLINE = 30.0  # bounds a failure only


def with_crlf(raw: bytes) -> bytes:
    """A message as an MTA sends it: every line ending CRLF."""
    return re.sub(rb"\r\n|\r|\n", b"\r\n", raw)


DSN = with_crlf((CORPUS / "postfix_user_unknown.eml").read_bytes())


def bounce_address(delivery_id: int = 7) -> str:
    return tokens.return_path(tokens.delivery_token(delivery_id, SECRET), DOMAIN)


def unsubscribe_address(delivery_id: int = 7) -> str:
    return tokens.unsubscribe_address(tokens.delivery_token(delivery_id, SECRET), DOMAIN)


@dataclass(frozen=True)
class Received:
    raw: bytes
    source: BounceSource
    envelope_recipients: tuple[str, ...]


OUTCOME = IngestResult(ReportKind.BOUNCE, (), (), 0)


@dataclass
class RecordingIntake:
    """Keeps what it is given; raises for messages containing `failing_on`."""

    received: list[Received] = field(default_factory=list)
    failing_on: bytes | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(
        self,
        session: Session,
        messages: Sequence[Incoming],
        *,
        source: BounceSource,
        settings: Settings,
        now: datetime | None = None,
    ) -> list[IngestResult]:
        if self.failing_on is not None and any(self.failing_on in m.raw for m in messages):
            raise ValueError("cannot make sense of this one")
        with self.lock:
            self.received.extend(
                Received(m.raw, source, tuple(m.envelope_recipients)) for m in messages
            )
        return [OUTCOME for _ in messages]

    def wait_for(self, count: int) -> list[Received]:
        wait_until(lambda: len(self.received) >= count, f"{count} messages processed")
        return self.received


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.02)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(
        {
            "DISTRIBUTOR_DATA_DIR": str(tmp_path / "data"),
            "DISTRIBUTOR_BOUNCE_DOMAIN": DOMAIN,
            "DISTRIBUTOR_SECRET_KEY": SECRET,
        }
    )


@pytest.fixture
def spool(tmp_path: Path) -> Spool:
    return Spool(tmp_path / "spool")


@pytest.fixture
def intake() -> RecordingIntake:
    return RecordingIntake()


StartReceiver = Callable[..., BounceReceiver]


@pytest.fixture
def start_receiver(
    settings: Settings, spool: Spool, sqlite_engine: Engine, intake: RecordingIntake
) -> Iterator[StartReceiver]:
    """Start a receiver on a free port (stopped after the test); options override the defaults."""
    started: list[BounceReceiver] = []

    def start(
        *,
        settings: Settings = settings,
        engine: Engine = sqlite_engine,
        ingest: Any = intake,
        processes: int = 1,
    ) -> BounceReceiver:
        receiver = BounceReceiver(
            settings,
            spool,
            engine,
            forward=forward_reply,
            port=free_port(),
            processes=processes,
            ingest=ingest,
        )
        receiver.start()
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()


@pytest.fixture
def receiver(start_receiver: StartReceiver) -> BounceReceiver:
    return start_receiver()


def client(receiver: BounceReceiver) -> smtplib.SMTP:
    return smtplib.SMTP(receiver.host, receiver.port, timeout=DEADLINE)


def send(receiver: BounceReceiver, raw: bytes, recipient: str, sender: str = "") -> None:
    with client(receiver) as smtp:
        smtp.sendmail(sender, [recipient], raw)


def as_sent(raw: bytes) -> bytes:
    """`raw` as smtplib's data() sends bytes: as they are, with a CRLF added at the end."""
    return raw if raw.endswith(b"\r\n") else raw + b"\r\n"


def answers(receiver: BounceReceiver) -> bool:
    with client(receiver) as smtp:
        return smtp.noop()[0] == 250


@pytest.mark.parametrize(
    "address",
    [
        "postmaster@bounces.newsroom.example",
        "bounces@bounces.newsroom.example",
        "bounces+not-a-token@bounces.newsroom.example",
        "someone+7-abcdefghij@bounces.newsroom.example",
        "bounces+7-abcdefghij@elsewhere.example",
    ],
)
def test_mail_to_anything_but_a_verp_address_of_the_bounce_domain_is_refused_with_550(
    receiver: BounceReceiver, address: str
) -> None:
    with client(receiver) as smtp:
        smtp.ehlo()
        smtp.mail("")
        code, reply = smtp.rcpt(address)

    assert (code, reply) == (550, b"5.1.1 no such mailbox here")


def test_a_bounce_to_a_verp_address_is_accepted_and_handed_to_intake_with_its_envelope(
    receiver: BounceReceiver, intake: RecordingIntake
) -> None:
    send(receiver, DSN, bounce_address())

    (received,) = intake.wait_for(1)
    assert received == Received(DSN, BounceSource.RECEIVER, (bounce_address(),))


def test_an_accepted_message_is_in_the_spool_before_the_250(
    start_receiver: StartReceiver, spool: Spool
) -> None:
    # A database that cannot be reached keeps the processor from taking anything out.
    unreachable = make_engine(f"postgresql://postgres@127.0.0.1:{free_port()}/none")
    receiver = start_receiver(engine=unreachable, ingest=_touching_the_database)

    send(receiver, DSN, bounce_address())

    (message,) = spool.pending()
    assert message.read() == DSN
    assert message.recipients == (bounce_address(),)


def test_mail_to_an_unsubscribe_address_is_accepted(
    receiver: BounceReceiver, intake: RecordingIntake
) -> None:
    send(receiver, b"Subject: unsubscribe\r\n\r\n", unsubscribe_address(), "reader@example.org")

    (received,) = intake.wait_for(1)
    assert received.envelope_recipients == (unsubscribe_address(),)


def test_a_token_with_a_forged_signature_is_accepted_so_that_intake_can_count_it(
    receiver: BounceReceiver, intake: RecordingIntake
) -> None:
    forged = tokens.return_path(tokens.delivery_token(7, "someone else's secret"), DOMAIN)

    send(receiver, DSN, forged)

    assert intake.wait_for(1)[0].envelope_recipients == (forged,)


def test_recipient_addresses_are_matched_without_regard_to_case(
    receiver: BounceReceiver, intake: RecordingIntake
) -> None:
    send(receiver, DSN, bounce_address().upper())

    intake.wait_for(1)


def test_data_without_an_accepted_recipient_is_refused_and_nothing_is_spooled(
    receiver: BounceReceiver, spool: Spool
) -> None:
    with client(receiver) as smtp:
        smtp.ehlo()
        smtp.mail("")
        smtp.rcpt("postmaster@bounces.newsroom.example")
        code, _ = smtp.docmd("DATA")

    assert code == 503
    assert list(spool.pending()) == []
    assert answers(receiver)


def test_a_message_above_the_size_limit_is_refused_with_552_and_the_server_keeps_answering(
    start_receiver: StartReceiver, tmp_path: Path, intake: RecordingIntake
) -> None:
    small = load_settings(
        {
            "DISTRIBUTOR_DATA_DIR": str(tmp_path / "data"),
            "DISTRIBUTOR_BOUNCE_DOMAIN": DOMAIN,
            "DISTRIBUTOR_SECRET_KEY": SECRET,
            "DISTRIBUTOR_BOUNCE_MAX_BYTES": "4096",
        }
    )
    receiver = start_receiver(settings=small)
    too_big = b"Subject: big\r\n\r\n" + (b"x" * 76 + b"\r\n") * 100

    with client(receiver) as smtp:
        smtp.ehlo()
        smtp.mail("")  # without SIZE=, as a sender that does not announce it
        smtp.rcpt(bounce_address())
        code, _ = smtp.data(too_big)

    assert code == 552
    send(receiver, DSN, bounce_address())
    assert [r.raw for r in intake.wait_for(1)] == [DSN]


def test_a_message_of_more_than_50_mb_is_refused_by_default_and_the_server_keeps_answering(
    receiver: BounceReceiver,
) -> None:
    line = b"y" * 998 + b"\r\n"
    message = b"Subject: huge\r\n\r\n" + line * (51 * 1024 * 1024 // len(line))

    with client(receiver) as smtp:
        smtp.ehlo()
        smtp.mail("")
        smtp.rcpt(bounce_address())
        code, _ = smtp.data(message)

    assert code == 552
    assert answers(receiver)


def test_a_message_whose_processing_fails_goes_to_review_with_the_reason_and_the_next_is_processed(
    receiver: BounceReceiver, intake: RecordingIntake, spool: Spool
) -> None:
    intake.failing_on = b"X-Poison: yes"

    send(receiver, b"X-Poison: yes\r\n\r\nbody\r\n", bounce_address(1))
    send(receiver, DSN, bounce_address(2))

    assert [r.raw for r in intake.wait_for(1)] == [DSN]
    wait_until(lambda: len(spool.in_review()) == 1, "the failed message in review")
    (kept,) = spool.in_review()
    assert kept.read_bytes().endswith(b"X-Poison: yes\r\n\r\nbody\r\n")
    reason = kept.with_name(kept.name + REASON_SUFFIX).read_text()
    assert reason.startswith("ValueError: cannot make sense of this one")


def test_messages_left_pending_by_an_earlier_run_are_processed_at_start(
    spool: Spool, start_receiver: StartReceiver, intake: RecordingIntake
) -> None:
    for number in range(3):
        spool.put(b"Subject: %d\r\n\r\n" % number, "", [bounce_address(number)])
    (spool.tmp / "cut-short-by-a-crash.eml").write_bytes(b'{"from": "", "to"')

    start_receiver()

    received = intake.wait_for(3)
    assert [r.raw for r in received] == [b"Subject: %d\r\n\r\n" % n for n in range(3)]
    assert list(spool.tmp.iterdir()) == []
    wait_until(lambda: not list(spool.pending()), "an empty spool")


def test_while_the_database_is_unreachable_messages_stay_in_the_spool_not_in_review(
    start_receiver: StartReceiver, spool: Spool
) -> None:
    attempts: list[bytes] = []

    def ingest(session: Session, messages: Sequence[Incoming], **_: Any) -> list[IngestResult]:
        attempts.extend(message.raw for message in messages)
        return _touching_the_database(session, messages)

    unreachable = make_engine(f"postgresql://postgres@127.0.0.1:{free_port()}/none")
    receiver = start_receiver(engine=unreachable, ingest=ingest)

    send(receiver, DSN, bounce_address())

    wait_until(lambda: len(attempts) >= 1, "an attempt to process the message")
    assert len(list(spool.pending())) == 1
    assert spool.in_review() == []


def test_a_flood_of_bounces_is_all_accepted_and_all_processed(
    receiver: BounceReceiver, intake: RecordingIntake, spool: Spool
) -> None:
    senders, each = 6, 50
    refused: list[BaseException] = []

    def flood(number: int) -> None:
        try:
            with client(receiver) as smtp:
                for index in range(each):
                    raw = b"Subject: %d-%d\r\n\r\n" % (number, index) + DSN
                    smtp.sendmail("", [bounce_address(number * each + index)], raw)
        except Exception as exc:
            refused.append(exc)

    threads = [threading.Thread(target=flood, args=(n,)) for n in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert refused == []
    received = intake.wait_for(senders * each)
    assert len({r.raw for r in received}) == senders * each
    wait_until(lambda: not list(spool.pending()), "an empty spool")


@pytest.mark.parametrize(
    "name", ["broken_boundary.eml", "truncated_mid_part.eml", "binary_garbage.eml", "empty.eml"]
)
def test_malformed_mail_is_accepted_and_handed_to_intake_as_received(
    receiver: BounceReceiver, intake: RecordingIntake, name: str
) -> None:
    raw = with_crlf((CORPUS / name).read_bytes())
    with client(receiver) as smtp:
        smtp.ehlo()
        smtp.mail("")
        smtp.rcpt(bounce_address())
        code, _ = smtp.data(raw)

    assert code == 250
    (received,) = intake.wait_for(1)
    assert received.raw == as_sent(raw)


def test_a_line_longer_than_smtp_allows_is_accepted_rather_than_bouncing_a_bounce(
    receiver: BounceReceiver, intake: RecordingIntake
) -> None:
    raw = b"Subject: long\r\n\r\n" + b"z" * 5000 + b"\r\n"

    send(receiver, raw, bounce_address())

    assert [r.raw for r in intake.wait_for(1)] == [raw]


def test_a_connection_lost_in_the_middle_of_data_spools_nothing_and_the_server_keeps_answering(
    receiver: BounceReceiver, spool: Spool
) -> None:
    with socket.create_connection((receiver.host, receiver.port), timeout=DEADLINE) as sock:
        reader = sock.makefile("rb")
        reader.readline()
        for command in ("HELO mx.example", "MAIL FROM:<>", f"RCPT TO:<{bounce_address()}>"):
            sock.sendall(f"{command}\r\n".encode())
            assert reader.readline().startswith(b"250")
        sock.sendall(b"DATA\r\n")
        assert reader.readline().startswith(b"354")
        sock.sendall(DSN[: len(DSN) // 2])

    assert answers(receiver)
    assert list(spool.pending()) == []


def limited(tmp_path: Path, **limits: str) -> Settings:
    """The test settings with some of the receiver's limits set, e.g. BOUNCE_IDLE_TIMEOUT="0.5"."""
    env = {f"DISTRIBUTOR_{name.upper()}": value for name, value in limits.items()}
    return load_settings(
        {
            "DISTRIBUTOR_DATA_DIR": str(tmp_path / "data"),
            "DISTRIBUTOR_BOUNCE_DOMAIN": DOMAIN,
            "DISTRIBUTOR_SECRET_KEY": SECRET,
            **env,
        }
    )


def connect(receiver: BounceReceiver, source: str = "127.0.0.1") -> tuple[socket.socket, bytes]:
    """A raw connection from the loopback address `source`, and the server's first line."""
    sock = socket.create_connection(
        (receiver.host, receiver.port), timeout=DEADLINE, source_address=(source, 0)
    )
    return sock, sock.makefile("rb").readline()


def send_from(receiver: BounceReceiver, source: str, raw: bytes, recipient: str) -> None:
    with smtplib.SMTP(
        receiver.host, receiver.port, timeout=DEADLINE, source_address=(source, 0)
    ) as smtp:
        smtp.sendmail("", [recipient], raw)


def readable(sock: socket.socket, within: float) -> bool:
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_READ)
        return bool(selector.select(within))


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server has closed `sock` (reads to the end of what it sent)."""
    while chunk := sock.recv(4096):
        del chunk
    return True


def test_a_flood_of_connections_from_one_client_beyond_its_cap_gets_421_while_a_bounce_gets_through(
    start_receiver: StartReceiver, tmp_path: Path, intake: RecordingIntake
) -> None:
    settings = limited(tmp_path, bounce_max_connections="20", bounce_max_connections_per_client="5")
    receiver = start_receiver(settings=settings)

    flood = [connect(receiver, "127.0.0.2") for _ in range(40)]
    try:
        greetings = [greeting for _, greeting in flood]
        send_from(receiver, "127.0.0.1", DSN, bounce_address())
    finally:
        for sock, _ in flood:
            sock.close()

    assert sum(g.startswith(b"220") for g in greetings) == 5
    assert (
        greetings.count(b"421 4.7.0 too many connections from your address, try again later\r\n")
        == 35
    )
    assert [r.raw for r in intake.wait_for(1)] == [DSN]


def test_connections_beyond_the_total_cap_get_421_and_a_closed_one_makes_room_for_a_bounce(
    start_receiver: StartReceiver, tmp_path: Path, intake: RecordingIntake
) -> None:
    settings = limited(tmp_path, bounce_max_connections="4", bounce_max_connections_per_client="4")
    receiver = start_receiver(settings=settings)
    held = [connect(receiver, f"127.0.0.{n}") for n in (2, 3, 4, 5)]
    try:
        refused, greeting = connect(receiver, "127.0.0.6")
        refused.close()
        assert greeting.startswith(b"421 4.7.0 too many connections")

        held.pop()[0].close()
        wait_until(lambda: answers(receiver), "a free place")
        send(receiver, DSN, bounce_address())
    finally:
        for sock, _ in held:
            sock.close()

    assert [r.raw for r in intake.wait_for(1)] == [DSN]


def test_a_client_that_connects_and_sends_nothing_gets_421_after_the_idle_timeout(
    start_receiver: StartReceiver, tmp_path: Path
) -> None:
    receiver = start_receiver(settings=limited(tmp_path, bounce_idle_timeout="0.5"))

    started = time.monotonic()
    sock, greeting = connect(receiver)
    with sock:
        farewell = sock.makefile("rb").readline()
        assert closed_by_server(sock)
    waited = time.monotonic() - started

    assert greeting.startswith(b"220")
    assert farewell.startswith(b"421 4.4.2 nothing received for too long")
    assert 0.4 < waited < 5
    assert answers(receiver)


def test_a_client_that_dribbles_a_command_gets_421_after_the_command_timeout(
    start_receiver: StartReceiver, tmp_path: Path
) -> None:
    settings = limited(tmp_path, bounce_idle_timeout="1", bounce_command_timeout="1.5")
    receiver = start_receiver(settings=settings)

    started = time.monotonic()
    sock, _ = connect(receiver)
    with sock:
        for byte in b"HELO mx.example" * 10:  # one byte every 0.2 s: never idle, never done
            sock.sendall(bytes([byte]))
            if readable(sock, within=0.2):
                break
        farewell = sock.makefile("rb").readline()
    waited = time.monotonic() - started

    assert farewell.startswith(b"421 4.4.2 command not completed in time")
    assert 1.4 < waited < 5


def test_a_message_dribbled_slower_than_the_command_timeout_gets_421_and_nothing_is_spooled(
    start_receiver: StartReceiver, tmp_path: Path, spool: Spool
) -> None:
    settings = limited(tmp_path, bounce_idle_timeout="1", bounce_command_timeout="1.5")
    receiver = start_receiver(settings=settings)

    sock, _ = connect(receiver)
    with sock:
        reader = sock.makefile("rb")
        for command in ("HELO mx.example", "MAIL FROM:<>", f"RCPT TO:<{bounce_address()}>"):
            sock.sendall(f"{command}\r\n".encode())
            assert reader.readline().startswith(b"250")
        sock.sendall(b"DATA\r\n")
        assert reader.readline().startswith(b"354")
        deadline = time.monotonic() + DEADLINE
        try:
            while time.monotonic() < deadline:
                sock.sendall(b"Subject: slow\r\n")
                time.sleep(0.2)
        except OSError:
            pass
        farewell = reader.readline()

    assert farewell.startswith(b"421 4.4.2 command not completed in time")
    assert list(spool.pending()) == []


def test_a_line_longer_than_the_line_limit_is_refused_with_500_and_the_connection_goes_on(
    start_receiver: StartReceiver, tmp_path: Path, spool: Spool
) -> None:
    receiver = start_receiver(settings=limited(tmp_path, bounce_line_max_bytes="2000"))
    raw = b"Subject: long\r\n\r\n" + b"z" * 5000 + b"\r\n"

    with client(receiver) as smtp:
        smtp.ehlo()
        smtp.mail("")
        smtp.rcpt(bounce_address())
        code, reply = smtp.data(raw)
        assert smtp.noop()[0] == 250

    assert (code, b"too long" in reply) == (500, True)
    assert list(spool.pending()) == []


def test_a_command_line_longer_than_the_line_limit_is_refused_with_500(
    start_receiver: StartReceiver, tmp_path: Path
) -> None:
    receiver = start_receiver(settings=limited(tmp_path, bounce_line_max_bytes="2000"))

    with client(receiver) as smtp:
        code, reply = smtp.docmd("HELO", "x" * 100_000)
        assert smtp.noop()[0] == 250

    assert (code, reply) == (500, b"Command line too long")


def test_connections_a_client_closed_free_their_places(
    start_receiver: StartReceiver, tmp_path: Path
) -> None:
    settings = limited(tmp_path, bounce_max_connections="3", bounce_max_connections_per_client="3")
    receiver = start_receiver(settings=settings)

    for _ in range(4):
        opened = [connect(receiver) for _ in range(3)]
        for sock, _ in opened:
            sock.close()
        assert all(greeting.startswith(b"220") for _, greeting in opened)
        wait_until(lambda: answers(receiver), "the places freed")


@contextmanager
def serving(
    tmp_path: Path, *options: str, secret_key: str = SECRET
) -> Iterator[tuple[Service, int]]:
    """`distributor bounces serve` on a migrated SQLite database, stopped by SIGTERM at the end."""
    env = process_env(
        tmp_path / "data", bounce_domain=DOMAIN, secret_key=secret_key, log_level="INFO"
    )
    upgrade = subprocess.run(
        [sys.executable, "-m", "distributor", "db", "upgrade"], env=env, capture_output=True
    )
    assert upgrade.returncode == 0, upgrade.stderr
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*SERVE, "--port", str(port), "--spool", str(tmp_path / "spool"), *options],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    service = Service(process, log)
    try:
        service.wait_for_output(f"listening on 127.0.0.1:{port}")
        yield service, port
    finally:
        assert service.stop() == 0, service.output()


def send_forged_bounce(port: int) -> None:
    forged = tokens.return_path(tokens.delivery_token(7, "not our secret"), DOMAIN)
    with smtplib.SMTP("127.0.0.1", port, timeout=DEADLINE) as smtp:
        smtp.sendmail("", [forged], DSN)


def test_serve_listens_until_sigterm_and_keeps_what_it_took_in_the_database(
    tmp_path: Path,
) -> None:
    with serving(tmp_path) as (service, port):
        send_forged_bounce(port)
        service.wait_for_output("1 record(s)")

    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'distributor.sqlite3'}")
    with Session(engine) as session:
        record = session.scalars(select(BounceRecord)).one()
    engine.dispose()
    assert (record.source, record.token_valid) == (BounceSource.RECEIVER, False)


def test_serve_counts_bounces_by_class_of_all_its_processes_on_its_metrics_port(
    tmp_path: Path,
) -> None:
    metrics_port = free_port()
    options = ("--processes", "2", "--metrics-port", str(metrics_port))
    with serving(tmp_path, *options, secret_key=bounces.SECRET) as (service, port):
        engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'distributor.sqlite3'}")
        with Session(engine) as session:
            newsroom = bounces.Newsroom(session)
            deliveries = [newsroom.deliver(f"reporter{n}@outlet{n}.example") for n in range(6)]
            session.commit()
            with smtplib.SMTP("127.0.0.1", port, timeout=DEADLINE) as smtp:
                for delivery in deliveries:
                    message = with_crlf(bounces.dsn(delivery.email))
                    smtp.sendmail("", [bounces.return_path(delivery)], message)
        engine.dispose()
        wait_until(lambda: service.output().count("1 record(s)") == 6, "6 bounces taken in")
        answer = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=DEADLINE)

    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }
    assert samples.get(("distributor_bounces_total", (("bounce_class", "hard"),))) == 6, answer.text


@pytest.mark.parametrize(
    "name", ["broken_boundary.eml", "truncated_mid_part.eml", "binary_garbage.eml", "empty.eml"]
)
def test_malformed_mail_through_the_real_intake_is_kept_as_a_record_and_leaves_the_spool(
    start_receiver: StartReceiver, session: Session, spool: Spool, name: str
) -> None:
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    receiver = start_receiver(engine=engine, ingest=ingest_batch)

    send(receiver, with_crlf((CORPUS / name).read_bytes()), bounce_address())

    wait_until(lambda: _records(engine) == 1, "a bounce record")
    wait_until(lambda: not list(spool.pending()), "an empty spool")
    assert spool.in_review() == []


def test_a_huge_message_to_a_forged_token_keeps_only_its_header_in_a_small_record(
    start_receiver: StartReceiver, session: Session, spool: Spool
) -> None:
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    receiver = start_receiver(engine=engine, ingest=ingest_batch)
    forged = tokens.return_path(tokens.delivery_token(7, "not our secret"), DOMAIN)
    header = b"From: flood@attacker.example\r\nSubject: forged\r\n\r\n"
    huge = header + (b"a" * 998 + b"\r\n") * 8000  # 8 MB

    send(receiver, huge, forged)

    wait_until(lambda: _records(engine) == 1, "a bounce record")
    with Session(engine) as fresh:
        record = fresh.scalars(select(BounceRecord)).one()
    assert bytes(record.raw_message) == header[:-2]
    assert (record.raw_size, record.token_valid) == (len(huge), False)


def _records(engine: Engine) -> int:
    with Session(engine) as fresh:
        return len(fresh.scalars(select(BounceRecord)).all())


def _touching_the_database(
    session: Session, messages: Sequence[Incoming], **_: Any
) -> list[IngestResult]:
    session.execute(text("SELECT 1"))
    return [OUTCOME for _ in messages]


@dataclass(frozen=True)
class TwoProcesses:
    receiver: BounceReceiver
    engine: Engine
    deliveries: list[Delivery]


@pytest.fixture
def two_processes(start_receiver: StartReceiver, session: Session, tmp_path: Path) -> TwoProcesses:
    """A receiver with two intake processes, over 30 sent deliveries in the test's database."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    newsroom = bounces.Newsroom(session)
    deliveries = [newsroom.deliver(f"reporter{n}@outlet{n}.example") for n in range(30)]
    session.commit()
    settings = load_settings(
        {  # the test's database, so that intake processes of their own reach it
            "DISTRIBUTOR_DATA_DIR": str(tmp_path / "data"),
            "DISTRIBUTOR_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "DISTRIBUTOR_BOUNCE_DOMAIN": bounces.BOUNCE_DOMAIN,
            "DISTRIBUTOR_SECRET_KEY": bounces.SECRET,
        }
    )
    receiver = start_receiver(settings=settings, engine=engine, ingest=ingest_batch, processes=2)
    return TwoProcesses(receiver, engine, deliveries)


def _bounce_all(receiver: BounceReceiver, deliveries: list[Delivery]) -> None:
    with client(receiver) as smtp:
        for delivery in deliveries:
            smtp.sendmail(
                "", [bounces.return_path(delivery)], with_crlf(bounces.dsn(delivery.email))
            )


def _each_bounced_once(setup: TwoProcesses) -> bool:
    with Session(setup.engine) as fresh:
        bounced = sorted(fresh.scalars(select(BounceRecord.delivery_id)).all(), key=str)
    return bounced == sorted((d.id for d in setup.deliveries), key=str)


def test_two_intake_processes_share_the_spool_and_take_every_message_in_once(
    two_processes: TwoProcesses, spool: Spool
) -> None:
    _bounce_all(two_processes.receiver, two_processes.deliveries)

    wait_until(lambda: not list(spool.pending()), "an empty spool")
    assert _each_bounced_once(two_processes)
    assert spool.in_review() == []


def test_an_intake_process_that_dies_is_started_again_and_takes_its_share_in(
    two_processes: TwoProcesses, spool: Spool
) -> None:
    (child,) = multiprocessing.active_children()
    os.kill(child.pid or 0, signal.SIGKILL)
    child.join(DEADLINE)

    _bounce_all(two_processes.receiver, two_processes.deliveries)

    wait_until(lambda: not list(spool.pending()), "an empty spool")
    assert _each_bounced_once(two_processes)
