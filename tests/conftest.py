"""Shared fixtures: a real bot on a real database of its own, with a fixed clock.

The suite runs on SQLite by default: each test's database is a file in its temporary folder.
With ``POLICYBOT_TEST_DATABASE_URL`` set to a PostgreSQL server (``./scripts/test`` starts one
and sets it), each test that uses a database gets a new, empty PostgreSQL database instead,
dropped after the test; ``POLICYBOT_DATABASE_URL`` then points the app at it, also in the
``policybot`` processes the tests start. Tests marked ``sqlite_only`` (about database files)
are skipped on PostgreSQL, and ``postgres_only`` ones on SQLite.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from bot.app import App, open_app
from bot.config import DATABASE_URL_ENV
from bot.storage import default_url
from bot.storage.database import normalized_url

TEST_DATABASE_ENV = "POLICYBOT_TEST_DATABASE_URL"
HYPOTHESIS_PROFILE_ENV = "HYPOTHESIS_PROFILE"

# Hypothesis, for every test that uses it: derandomized by default, so CI (and anyone running
# the suite) tries the same examples each time and a failure is reproducible, not a lucky draw.
# `HYPOTHESIS_PROFILE=explore` draws new random examples, `thorough` many more (night runs).
settings.register_profile(
    "policybot",
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("explore", parent=settings.get_profile("policybot"), derandomize=False)
settings.register_profile("thorough", parent=settings.get_profile("explore"), max_examples=1000)
settings.load_profile(os.environ.get(HYPOTHESIS_PROFILE_ENV, "policybot"))

# In CI (CI=true) every hypothesis test runs the same examples each time, so a failure there is
# a failure of the change under test, reproducible, never a new random draw; on a developer's
# machine the draws vary, which is how they find new cases.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: about SQLite files; skipped on PostgreSQL")
    config.addinivalue_line("markers", "postgres_only: runs only on PostgreSQL")


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get(TEST_DATABASE_ENV)
    if not url:
        return "database: SQLite (set POLICYBOT_TEST_DATABASE_URL for PostgreSQL)"
    return f"database: {make_url(url).render_as_string(hide_password=True)}, one per test"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = bool(os.environ.get(TEST_DATABASE_ENV))
    for item in items:
        if on_postgres and item.get_closest_marker("sqlite_only"):
            reason = "about SQLite database files; the PostgreSQL run has its own equivalents"
            item.add_marker(pytest.mark.skip(reason=reason))
        if not on_postgres and item.get_closest_marker("postgres_only"):
            reason = "needs PostgreSQL: ./scripts/test runs it (or set POLICYBOT_TEST_DATABASE_URL)"
            item.add_marker(pytest.mark.skip(reason=reason))


class PostgresServer:
    """The PostgreSQL server the suite runs on: makes and drops one database per test."""

    def __init__(self, url: str) -> None:
        self.url = normalized_url(url)
        self.run = uuid.uuid4().hex[:8]
        self._engine = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self._admin: Connection = self._engine.connect()
        version = int(self._admin.exec_driver_sql("SHOW server_version_num").scalar_one())
        # Copying the pristine template0 file by file is the quickest way to a new database.
        self._options = " TEMPLATE template0" + (" STRATEGY FILE_COPY" if version >= 150000 else "")

    def create_database(self) -> URL:
        """A new, empty database (owned by the URL's user) and its URL."""
        name = f"test_{self.run}_{uuid.uuid4().hex[:12]}"
        self._admin.exec_driver_sql(f'CREATE DATABASE "{name}"{self._options}')
        return self.url.set(database=name)

    def drop_database(self, url: URL) -> None:
        """Drop a test's database, ending any connection the test left open."""
        self._admin.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')

    def close(self) -> None:
        self._admin.close()
        self._engine.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | None]:
    """The test server from POLICYBOT_TEST_DATABASE_URL, or None for a run on SQLite."""
    url = os.environ.get(TEST_DATABASE_ENV)
    if not url:
        yield None
        return
    try:
        server = PostgresServer(url)
    except OperationalError as error:
        where = make_url(url).render_as_string(hide_password=True)
        pytest.exit(f"{TEST_DATABASE_ENV}: cannot use {where}: {error.orig}", returncode=3)
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _no_real_data_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test that opens the embedded defaults gets a data folder of its own, never the real
    user's (`bot.config.user_database_path` follows XDG_DATA_HOME)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))


@pytest.fixture(autouse=True)
def _database_of_its_own(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """No POLICYBOT_DATABASE_URL from outside reaches a test; on PostgreSQL, every test with a
    ``config_file`` (whichever conftest writes it) gets a database of its own."""
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    if os.environ.get(TEST_DATABASE_ENV) and "config_file" in request.fixturenames:
        request.getfixturevalue("database_url")


@pytest.fixture
def database_url(
    postgres_server: PostgresServer | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    """The URL of this test's own empty database.

    On SQLite it is the file ``data/bot.sqlite3`` next to :func:`config_file` (not created
    yet). On PostgreSQL it is a new database, also set as POLICYBOT_DATABASE_URL so that the
    app, and every ``policybot`` process started with that variable passed on, use it.
    """
    if postgres_server is None:
        yield default_url(tmp_path / "data" / "bot.sqlite3")
        return
    url = postgres_server.create_database()
    rendered = url.render_as_string(hide_password=False)
    monkeypatch.setenv(DATABASE_URL_ENV, rendered)
    yield rendered
    postgres_server.drop_database(url)


class Clock:
    """A clock the tests move by hand: no sleeps, no flaky times."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n"
        "  - {id: lax, name: City of La Crosse, policy: la-crosse, hr_contact: HR at City Hall}\n"
    )
    return path


@pytest.fixture
def app(config_file: Path, database_url: str, clock: Clock) -> Iterator[App]:
    application = open_app(str(config_file), clock=clock)
    yield application
    application.close()
