"""`policybot db upgrade` and `policybot db check`, as a deployment script runs them.

Each runs in a separate process against the test's own database (SQLite, or PostgreSQL in
the PostgreSQL pass), so they show what an operator sees.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot.storage import Database
from bot.storage.database import MIGRATIONS_DIR
from tests.processes import inherited

HEAD = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def policybot(
    *args: str, config: Path, database_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `policybot --config CONFIG ARGS` with the test's database (or ``database_url``)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), **inherited()}
    url = database_url or os.environ.get("POLICYBOT_DATABASE_URL")
    if url:
        env["POLICYBOT_DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_check_on_a_new_database_says_what_to_do_and_changes_nothing(
    config_file: Path, database_url: str
) -> None:
    first = policybot("db", "check", config=config_file)
    assert first.returncode == 1, first.stderr
    assert "`policybot db upgrade` or starting PolicyBot creates" in first.stdout
    again = policybot("db", "check", config=config_file)
    assert (again.returncode, again.stdout) == (1, first.stdout)
    with Database(database_url) as database:
        assert database.revision() is None


def test_upgrade_brings_the_schema_to_the_newest_revision_once(
    config_file: Path, database_url: str
) -> None:
    upgrade = policybot("db", "upgrade", config=config_file)
    assert upgrade.returncode == 0, upgrade.stderr
    assert upgrade.stdout.strip().endswith(f"from empty to {HEAD}")
    check = policybot("db", "check", config=config_file)
    assert check.returncode == 0, check.stderr
    assert f"is up to date (revision {HEAD})" in check.stdout
    again = policybot("db", "upgrade", config=config_file)
    assert again.returncode == 0 and f"already at revision {HEAD}" in again.stdout
    with Database(database_url) as database:
        assert database.check() is None and database.revision() == HEAD


def test_a_database_from_a_newer_version_is_reported_not_touched(
    config_file: Path, database_url: str
) -> None:
    with Database(database_url) as database:
        database.migrate()
        with database.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    check = policybot("db", "check", config=config_file)
    assert check.returncode == 1 and "f00d" in check.stdout and "newer version" in check.stdout
    upgrade = policybot("db", "upgrade", config=config_file)
    assert upgrade.returncode == 2 and "f00d" in upgrade.stderr
    assert "Traceback" not in upgrade.stderr
    with Database(database_url) as database:
        assert database.revision() == "f00d"


@pytest.mark.parametrize("action", ["check", "upgrade"])
def test_an_unreachable_server_is_one_line_without_the_password(
    tmp_path: Path, action: str
) -> None:
    config = tmp_path / "app.yaml"
    config.write_text("")
    url = "postgresql://policybot:s3cret-pw@127.0.0.1:1/policybot"
    result = policybot("db", action, config=config, database_url=url)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert "no PostgreSQL server answers at 127.0.0.1:1" in line
    assert "s3cret-pw" not in line and "Traceback" not in line


def test_db_needs_an_action(config_file: Path) -> None:
    result = policybot("db", config=config_file)
    assert result.returncode == 2 and "upgrade" in result.stderr and "check" in result.stderr
