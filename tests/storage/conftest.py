"""Fixtures shared by the storage tests; each test file says where its `path` lies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage import Database, default_url


@pytest.fixture
def db(path: Path) -> Iterator[Database]:
    """A migrated database, disposed of after the test."""
    database = Database(default_url(path))
    database.migrate()
    yield database
    database.dispose()
