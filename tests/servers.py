"""Real PostgreSQL, Redis, Postfix and Dovecot servers for tests, started from binaries on PATH.

Like pytest-postgresql and pytest-redis: each server starts once per session on
a free loopback port in a temporary folder and is stopped afterwards. When
DISTRIBUTOR_TEST_POSTGRES_URL or DISTRIBUTOR_TEST_REDIS_URL names a running
server (as .ci/run does), that one is used instead.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path


class ServerMissing(RuntimeError):
    """The binaries for a server are not on this machine."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def _as_postgres_user() -> list[str]:
    """PostgreSQL refuses to run as root: run its binaries as `postgres` then."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


class PostgresCluster:
    """A private PostgreSQL cluster in a temporary folder, on a loopback port of its own.

    It can be stopped and started again on the same port and data, as a test of a
    database restart needs; `remove` stops it for good and deletes its folder.
    """

    def __init__(self) -> None:
        missing = [b for b in ("initdb", "pg_ctl") if shutil.which(b) is None]
        if missing:
            raise ServerMissing(f"PostgreSQL binaries not on PATH: {', '.join(missing)}")
        self.folder = Path(tempfile.mkdtemp(prefix="distributor-pg-"))
        self.data = self.folder / "data"
        self.data.mkdir()
        self._sudo = _as_postgres_user()
        if self._sudo:
            shutil.chown(self.folder, "postgres")
            shutil.chown(self.data, "postgres")
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        initdb = ["initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8"]
        subprocess.run(
            [*self._sudo, *initdb],
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.folder / "log")
        subprocess.run(
            [*self._sudo, "pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start"],
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        """Stop at once, as a crash would: every connection is cut, recovery runs at start."""
        subprocess.run(
            [*self._sudo, "pg_ctl", "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
        )

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    """Run a private PostgreSQL for the duration of the block, whatever the environment names."""
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yield the URL of a throw-away PostgreSQL server."""
    if url := os.environ.get("DISTRIBUTOR_TEST_POSTGRES_URL"):
        yield url
        return
    with postgres_cluster() as cluster:
        yield cluster.url


@contextmanager
def redis_server() -> Iterator[str]:
    """Yield the URL of a throw-away Redis server."""
    if url := os.environ.get("DISTRIBUTOR_TEST_REDIS_URL"):
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        raise ServerMissing("redis-server not on PATH (apt-get install redis-server)")
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="distributor-redis-"))
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class PostfixInstance:
    """A running private Postfix: its SMTP port on 127.0.0.1, its folder and its log."""

    port: int
    folder: Path
    maillog: Path

    def log(self) -> str:
        """The instance's log so far: what a failing test shows to say why mail went missing."""
        return self.maillog.read_text(errors="replace") if self.maillog.exists() else ""


# Every service a relay and a bounce need, none chrooted: a chroot would need a populated
# copy of /etc and libraries. postlogd writes maillog_file; without it errors are silent.
_POSTFIX_MASTER_CF = """\
127.0.0.1:{port} inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
smtp      unix  - - n -  - smtp
relay     unix  - - n -  - smtp
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
local     unix  - n n -  - local
virtual   unix  - n n -  - virtual
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
"""

_NOBODY = 65534  # owns the virtual mailboxes of the local domain


def _postfix_main_cf(
    folder: Path,
    relay_port: int,
    bounce_routes: Mapping[str, int],
    local_domain: str | None,
    local_mailboxes: Collection[str],
) -> str:
    routes = [
        f"{name}=smtp:[127.0.0.1]:{port}"
        for domain, port in bounce_routes.items()
        for name in (domain, f".{domain}")
    ]
    settings = {
        "compatibility_level": "3.6",
        "queue_directory": folder / "queue",
        "data_directory": folder / "data",
        "maillog_file": folder / "maillog",
        "maillog_file_prefixes": folder,
        "myhostname": "mta.distributor.test",
        "mydomain": "distributor.test",
        "myorigin": "$myhostname",
        "inet_interfaces": "127.0.0.1",
        "inet_protocols": "ipv4",
        "mynetworks": "127.0.0.0/8",
        "smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
        "smtpd_peername_lookup": "no",
        "smtpd_tls_security_level": "none",
        "smtp_tls_security_level": "none",
        "relayhost": f"[127.0.0.1]:{relay_port}",
        "transport_maps": f"inline:{{ {', '.join(routes)} }}" if routes else "",
        "mydestination": local_domain or "",
        "alias_maps": "",
        "alias_database": "",
        # Accept any recipient of the local domain at RCPT, so that an unknown one is
        # bounced after queueing with a real DSN rather than refused in the session.
        "local_recipient_maps": "",
        "local_transport": "virtual",
        "virtual_mailbox_domains": "",
        "virtual_mailbox_maps": (
            f"inline:{{ {', '.join(f'{box}@{local_domain}={box}/' for box in local_mailboxes)} }}"
            if local_domain and local_mailboxes
            else ""
        ),
        "virtual_mailbox_base": folder / "mailboxes",
        "virtual_uid_maps": f"static:{_NOBODY}",
        "virtual_gid_maps": f"static:{_NOBODY}",
        # Test timings: retry and give up within seconds, never sleep on errors.
        "queue_run_delay": "1s",
        "minimal_backoff_time": "1s",
        "maximal_backoff_time": "2s",
        "maximal_queue_lifetime": "10s",
        "bounce_queue_lifetime": "10s",
        "in_flow_delay": "0s",
        "smtpd_error_sleep_time": "0s",
        "smtp_connect_timeout": "2s",
    }
    return "".join(f"{name} = {value}\n" for name, value in settings.items())


def _postfix_processes(queue: Path) -> list[int]:
    """Processes of one instance: every Postfix daemon works in its queue directory."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "cwd").resolve() == queue:
                    pids.append(int(entry.name))
            except OSError:  # gone meanwhile, or not ours to look at
                continue
    return pids


def _end_postfix_processes(queue: Path, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while (pids := _postfix_processes(queue)) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in pids:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@contextmanager
def postfix_server(
    relay_port: int,
    *,
    bounce_routes: Mapping[str, int] = {},  # a Mapping: never changed, so sharing is safe
    local_domain: str | None = None,
    local_mailboxes: Collection[str] = (),
) -> Iterator[PostfixInstance]:
    """Run a private Postfix on loopback that relays all mail to 127.0.0.1:`relay_port`.

    Mail for a domain of `bounce_routes` (or a subdomain) goes to its port instead, as
    DSNs to a VERP return path must. Mail to `local_domain` is delivered here: to one of
    `local_mailboxes`, or else bounced with a real RFC 3464 DSN (Status: 5.1.1).
    """
    postfix = shutil.which("postfix") or shutil.which("postfix", path="/usr/sbin")
    if postfix is None:
        raise ServerMissing("postfix not on PATH nor in /usr/sbin (apt-get install postfix)")
    if os.geteuid() != 0:
        raise ServerMissing("a private Postfix instance must be started as root")
    folder = Path(tempfile.mkdtemp(prefix="distributor-postfix-")).resolve()
    folder.chmod(0o755)  # the daemons run as the postfix user and must reach the queue
    (folder / "queue").mkdir(mode=0o755)
    (folder / "mailboxes").mkdir()
    os.chown(folder / "mailboxes", _NOBODY, _NOBODY)
    port = free_port()
    (folder / "main.cf").write_text(
        _postfix_main_cf(folder, relay_port, bounce_routes, local_domain, local_mailboxes)
    )
    (folder / "master.cf").write_text(_POSTFIX_MASTER_CF.format(port=port))
    instance = PostfixInstance(port, folder, folder / "maillog")
    try:
        started = subprocess.run(
            [postfix, "-c", str(folder), "start"], capture_output=True, text=True
        )
        if started.returncode != 0:
            raise RuntimeError(f"postfix start failed: {started.stderr.strip()}\n{instance.log()}")
        wait_for_port(port)
        yield instance
    finally:
        # `abort` sends master the same SIGTERM as `stop`, without stop's one-second polls.
        subprocess.run([postfix, "-c", str(folder), "abort"], capture_output=True)
        _end_postfix_processes(folder / "queue")
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class ImapInstance:
    """A running private Dovecot: IMAP (with STARTTLS) and IMAPS on 127.0.0.1, one user.

    `cafile` is the server's self-signed certificate: trusting it is trusting the server.
    """

    port: int
    tls_port: int
    user: str
    password: str
    cafile: Path
    folder: Path

    def log(self) -> str:
        """The instance's log so far: logins, TLS handshakes and why they failed."""
        path = self.folder / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


_DOVECOT_CONF = """\
protocols = imap
listen = 127.0.0.1
instance_name = {name}
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
auth_failure_delay = 0
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {folder}/users
}}
userdb {{
  driver = passwd-file
  args = {folder}/users
}}
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = {tls_port}
    ssl = yes
  }}
}}
"""


@contextmanager
def imap_server(user: str = "bounces") -> Iterator[ImapInstance]:
    """Run a private Dovecot on loopback with one user whose Maildir lives in a temporary folder.

    It logs to a file (not syslog) and serves a self-signed certificate for 127.0.0.1.
    """
    from tests.smtp_server import make_certificate  # imported here: it imports this module

    dovecot = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin")
    if dovecot is None:
        raise ServerMissing("dovecot not on PATH nor in /usr/sbin (apt-get install dovecot-imapd)")
    if os.geteuid() != 0:
        raise ServerMissing("a private Dovecot instance must be started as root")
    folder = Path(tempfile.mkdtemp(prefix="distributor-imap-")).resolve()
    folder.chmod(0o755)  # the login and mail processes run as dovenull and nobody
    for name in ("run", "state", "home"):
        (folder / name).mkdir(mode=0o755)
    os.chown(folder / "home", _NOBODY, _NOBODY)
    certificate = make_certificate(folder)
    password = secrets.token_urlsafe(12)
    (folder / "users").write_text(
        f"{user}:{{PLAIN}}{password}:{_NOBODY}:{_NOBODY}::{folder / 'home'}::\n"
    )
    port, tls_port = free_port(), free_port()
    (folder / "dovecot.conf").write_text(
        _DOVECOT_CONF.format(
            name=folder.name,
            folder=folder,
            cert=certificate.cert,
            key=certificate.key,
            port=port,
            tls_port=tls_port,
        )
    )
    instance = ImapInstance(port, tls_port, user, password, certificate.cert, folder)
    process = subprocess.Popen(
        [dovecot, "-F", "-c", str(folder / "dovecot.conf")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        try:
            wait_for_port(port)
            wait_for_port(tls_port)
        except TimeoutError:
            process.kill()
            output = process.communicate()[0]
            raise RuntimeError(
                f"dovecot did not start: {output.strip()}\n{instance.log()}"
            ) from None
        yield instance
    finally:
        process.terminate()  # the master stops its children before it exits
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
