"""Dashboard fixtures: a deployment with the dashboard on, an HR person and two employees."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext

from tests.dashboard import served

SECRET = "test-secret-0123456789-abcdefghijklmnop"


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n"
        "  - {id: lax, name: City of La Crosse, policy: la-crosse, hr_contact: HR at City Hall}\n"
        "dashboard: {enabled: true, base_url: 'https://hr.example.gov'}\n"
        "people:\n"
        "  - {handle: hal, name: Hal Ortiz, department: Human Resources, roles: [employee, hr]}\n"
        "  - {handle: hana, name: Hana Berg, department: Human Resources, roles: [hr]}\n"
        "  - {handle: pat, name: Pat Lee, department: Parks, supervisor: sam}\n"
        "  - {handle: sam, name: Sam Ortiz, department: Parks, roles: [supervisor]}\n"
    )
    return path


@pytest.fixture(autouse=True)
def _dashboard_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYBOT_DASHBOARD_SECRET", SECRET)


@pytest.fixture
def server(config_file: Path, database_url: str) -> Iterator[served.Server]:
    """A real `policybot serve` of this test's app.yaml, stopped after the test."""
    yield from served.serve(config_file)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from served.chromium()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    yield context
    context.close()
