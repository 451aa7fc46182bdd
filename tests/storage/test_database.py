"""The database layer on real SQLite files: migrations, restarts, errors, connection settings."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import StatementError

from bot.storage import Database, StorageError, default_url
from bot.storage.models import Base, Policy, PolicyVersion

TABLES = {
    "policies",
    "policy_versions",
    "acknowledgements",
    "unanswered_questions",
    "checklist_drafts",
    "checklist_results",
    "processed_events",
    "answer_feedback",
    "conversation_references",
    "people",
    "person_identities",
    "person_roles",
    "authorization_requests",
    "approvals",
    "request_drafts",
    "audit_log",
    "outbox",
    "conversation_memory",
}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """A database file in a folder that does not exist yet."""
    return tmp_path / "var" / "policybot.sqlite3"


def _schema(database: Database) -> list[tuple[str, str]]:
    """Every object SQLite knows about, with its SQL, to compare before and after."""
    with database.engine.connect() as connection:
        rows = connection.execute(text("SELECT name, sql FROM sqlite_master ORDER BY name"))
        return [(row[0], row[1] or "") for row in rows]


def test_migrate_creates_every_table_on_an_empty_file(db: Database, path: Path) -> None:
    assert path.is_file()
    tables = set(inspect(db.engine).get_table_names())
    assert tables == TABLES | {"alembic_version"}
    assert set(Base.metadata.tables) == TABLES
    assert db.check() is None


def test_hand_written_migration_matches_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_second_migrate_changes_nothing(db: Database, path: Path) -> None:
    before = _schema(db)
    again = Database(default_url(path))
    again.migrate()
    again.dispose()
    assert _schema(db) == before


def test_a_fresh_process_finds_the_database_current(db: Database, path: Path) -> None:
    script = (
        "from bot.storage import Database, default_url\n"
        f"d = Database(default_url({str(path)!r})); d.migrate(); print(d.check())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "None"


def test_two_processes_migrating_a_new_file_at_once_both_succeed(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    script = (
        "from bot.storage import Database, default_url\n"
        f"Database(default_url({str(path)!r})).migrate()\n"
    )
    runs = [subprocess.Popen([sys.executable, "-c", script]) for _ in range(3)]
    assert [run.wait(timeout=60) for run in runs] == [0, 0, 0]
    database = Database(default_url(path))
    assert database.check() is None
    database.dispose()


def test_data_survives_a_restart(db: Database, path: Path) -> None:
    with db.session() as session:
        session.add(Policy(id="la-crosse", organization="City of La Crosse", title="Social media"))
    db.dispose()
    reopened = Database(default_url(path))
    reopened.migrate()
    with reopened.session() as session:
        policy = session.get(Policy, "la-crosse")
        assert policy is not None and policy.organization == "City of La Crosse"
    reopened.dispose()


def test_missing_folders_are_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "c" / "db.sqlite3"
    with Database(default_url(path)) as database:
        database.migrate()
    assert path.is_file()


def test_path_under_a_regular_file_is_a_clear_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("plain file")
    path = blocker / "sub" / "policybot.sqlite3"
    with pytest.raises(StorageError) as caught:
        Database(default_url(path)).migrate()
    message = str(caught.value)
    assert message == f"cannot open the database at {path}: {blocker} is a file, not a folder"
    assert "Traceback" not in message


def test_a_folder_given_as_the_path_is_a_clear_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="that is a folder, not a file"):
        Database(default_url(tmp_path)).migrate()


def test_a_damaged_file_is_a_clear_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "damaged.sqlite3"
    path.write_bytes(os.urandom(8192))
    with pytest.raises(StorageError, match="not a PolicyBot database or it is damaged"):
        Database(default_url(path)).migrate()


def test_an_invalid_url_is_a_storage_error() -> None:
    with pytest.raises(StorageError, match="not valid"):
        Database("this is not a url")
    with pytest.raises(StorageError, match="unknown kind of database"):
        Database("nosuchbackend://host/db")


def test_special_characters_in_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "odd %20 name?#.sqlite3"
    with Database(default_url(path)) as database:
        database.migrate()
    assert path.is_file()


def test_check_reports_an_empty_and_an_unknown_database(path: Path) -> None:
    database = Database(default_url(path))
    empty = database.check()
    assert empty is not None and "empty" in empty
    database.migrate()
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    unknown = database.check()
    assert unknown is not None and "f00d" in unknown and "newer version" in unknown
    with pytest.raises(StorageError, match="f00d"):
        database.migrate()
    database.dispose()


def test_sqlite_connections_are_configured_for_sharing(db: Database) -> None:
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15_000


def test_foreign_keys_are_enforced(db: Database) -> None:
    orphan = PolicyVersion(
        policy_id="nobody",
        number=1,
        title="t",
        text="x",
        sha256="0" * 64,
        source="s",
        published_at=datetime.now(UTC),
    )
    with pytest.raises(Exception, match="FOREIGN KEY"), db.session() as session:
        session.add(orphan)


def test_session_commits_on_success_and_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session() as session:
        session.add(Policy(id="gone", organization="o", title="t"))
        session.flush()
        raise RuntimeError("boom")
    with db.session() as session:
        session.add(Policy(id="kept", organization="o", title="t"))
    with db.session() as session:
        assert session.scalars(select(Policy.id)).all() == ["kept"]


def _store_version(database: Database, published_at: datetime) -> datetime:
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


def test_timestamps_are_stored_as_utc_and_read_back_aware(db: Database) -> None:
    local = datetime(2025, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=-6)))
    stored = _store_version(db, local)
    assert stored == local
    assert stored.tzinfo is UTC and stored.hour == 15
    with db.engine.connect() as connection:
        raw = connection.exec_driver_sql("SELECT published_at FROM policy_versions").scalar()
    assert str(raw).startswith("2025-03-01 15:30:00")


def test_naive_timestamps_are_refused_by_the_column_type(db: Database) -> None:
    with pytest.raises(StatementError, match="naive"):
        _store_version(db, datetime(2025, 3, 1, 9, 30))


def test_in_memory_database_works() -> None:
    with Database("sqlite://") as database:
        database.migrate()
        assert database.check() is None
