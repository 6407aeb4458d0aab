"""Session-wide fixtures: real servers started once, databases per test, clean settings."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from distributor.config import get_settings
from distributor.db import make_engine
from distributor.schema import upgrade
from tests.environment import GUARD_OFF
from tests.servers import ServerMissing, postgres_server, redis_server

REQUIRE_SERVERS = os.environ.get("DISTRIBUTOR_TEST_REQUIRE_SERVERS") == "1"
# The user properties each fault test leaves for the run's summary.
DUPLICATES = "duplicates"
RECOVERY = "recovery_seconds"  # from a worker's kill until its held deliveries were sent
Served = TypeVar("Served")


def _serve(server: Callable[[], AbstractContextManager[Served]]) -> Iterator[Served]:
    """Run a server for the session; skip (or fail, when CI requires servers) if it is missing."""
    try:
        with server() as running:
            yield running
    except ServerMissing as exc:
        if REQUIRE_SERVERS:
            pytest.fail(f"{exc}; DISTRIBUTOR_TEST_REQUIRE_SERVERS=1 forbids skipping")
        pytest.skip(str(exc))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """What each passed fault test saw (tests/faults), a line each: its duplicates, and after a
    killed worker, how long until another had sent what it held."""
    lines = []
    for report in terminalreporter.stats.get("", []):
        # Left at teardown: on the teardown's report, which counts as neither pass nor fail.
        found = dict(getattr(report, "user_properties", ()))
        if DUPLICATES in found:
            line = f"{report.nodeid.rpartition('::')[2]}: {found[DUPLICATES]} duplicate(s)"
            if found.get(RECOVERY) is not None:
                line += f", taken over in {found[RECOVERY]:.1f} s"
            lines.append(line)
    if lines:
        terminalreporter.write_sep("-", "fault suite: duplicates per fault")
        for line in sorted(lines):
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    yield from _serve(postgres_server)


def _worker_number() -> int:
    """0 in a plain run, N in pytest-xdist's worker gwN."""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The session's Redis, on databases of this test process's own (two each: see press_office)."""
    for url in _serve(redis_server):
        yield urlsplit(url)._replace(path=f"/{2 * _worker_number()}").geturl()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Every test starts from embedded defaults in its own data folder."""
    for key in list(os.environ):
        if key.startswith("DISTRIBUTOR_") and not key.startswith("DISTRIBUTOR_TEST_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("DISTRIBUTOR_DATA_DIR", str(tmp_path / "data"))
    for name, value in GUARD_OFF.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'test.sqlite3'}")
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    """A fresh, empty PostgreSQL database for one test."""
    admin = make_engine(postgres_url, isolation_level="AUTOCOMMIT")
    name = f"test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(admin.url.set(database=name))
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    """An empty database of each supported kind."""
    name = "sqlite_engine" if request.param == "sqlite" else "postgres_engine"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


class MigratedTemplates:
    """Databases migrated once per test process, which each test's database is copied from:
    a copy takes milliseconds where running the migrations takes a quarter of a second."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._sqlite: Path | None = None
        self._postgres: dict[str, str] = {}  # server URL → template database name

    def copy_into(self, engine: Engine) -> None:
        """Give `engine`'s database, new and not yet connected to, the migrated schema."""
        engine.dispose()
        if engine.dialect.name == "sqlite":
            shutil.copyfile(self._sqlite_template(), str(engine.url.database))
            return
        admin = make_engine(engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        template = self._postgres_template(admin)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{engine.url.database}"'))
            connection.execute(
                text(f'CREATE DATABASE "{engine.url.database}" TEMPLATE "{template}"')
            )
        admin.dispose()

    def _sqlite_template(self) -> Path:
        if self._sqlite is None:
            path = self._folder / "migrated.sqlite3"
            _migrate(make_engine(f"sqlite:///{path}"))
            self._sqlite = path
        return self._sqlite

    def _postgres_template(self, admin: Engine) -> str:
        server = admin.url.render_as_string(hide_password=False)
        if server not in self._postgres:
            name = f"template_{uuid.uuid4().hex[:12]}"
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            _migrate(make_engine(admin.url.set(database=name)))
            self._postgres[server] = name
        return self._postgres[server]

    def drop(self, postgres_url: str | None) -> None:
        if postgres_url is None or not self._postgres:
            return
        admin = make_engine(postgres_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in self._postgres.values():
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(engine: Engine) -> None:
    upgrade(engine)
    engine.dispose()  # a template database takes no copies while connected to


@pytest.fixture(scope="session")
def migrated_templates(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[MigratedTemplates]:
    templates = MigratedTemplates(tmp_path_factory.mktemp("migrated"))
    yield templates
    templates.drop(os.environ.get("DISTRIBUTOR_TEST_POSTGRES_URL"))


@pytest.fixture
def session(engine: Engine, migrated_templates: MigratedTemplates) -> Iterator[Session]:
    """A session on a freshly migrated database of each kind."""
    migrated_templates.copy_into(engine)
    with Session(engine) as session:
        yield session


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Debian's Chromium; skipped (or failed, when CI requires servers) if it is not installed."""
    from distributor.rendering.screenshots import chromium_path

    executable = chromium_path()
    if executable is None:
        message = "chromium is not installed (apt-get install chromium)"
        if REQUIRE_SERVERS:
            pytest.fail(f"{message}; DISTRIBUTOR_TEST_REQUIRE_SERVERS=1 forbids skipping")
        pytest.skip(message)
    return str(executable)
