"""Shared fixtures: a real bot on a real SQLite file in a temporary folder, with a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App, open_app


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
def app(config_file: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    monkeypatch.delenv("POLICYBOT_DATABASE_URL", raising=False)
    application = open_app(str(config_file), clock=clock)
    yield application
    application.close()
