"""Fixtures shared by the storage tests; a test file may say where its SQLite `path` lies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.storage import Database, default_url
from bot.storage.models import Policy, PolicyVersion


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """Where the test's SQLite database file lies (test files may say otherwise)."""
    return tmp_path / "policybot.sqlite3"


@pytest.fixture
def database_url(database_url: str, path: Path, postgres_server: object) -> str:
    """The test's own database: the file at `path` on SQLite, a new database on PostgreSQL."""
    return default_url(path) if postgres_server is None else database_url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """A migrated database, disposed of after the test."""
    database = Database(database_url)
    database.migrate()
    yield database
    database.dispose()


def store_version(database: Database, published_at: datetime) -> datetime:
    """Store a version published at ``published_at`` and read the timestamp back."""
    with database.session() as session:
        session.add(Policy(id="p", organization="o", title="t"))
        session.flush()
        session.add(
            PolicyVersion(
                policy_id="p",
                number=1,
                title="t",
                text="x",
                sha256="0" * 64,
                source="s",
                published_at=published_at,
            )
        )
    with database.session() as session:
        return session.scalars(select(PolicyVersion.published_at)).one()
