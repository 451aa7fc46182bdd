"""The database layer on real databases: migrations, restarts, errors, connection settings.

Runs on SQLite files and, in the PostgreSQL pass, on a new PostgreSQL database per test;
tests about SQLite files as such are marked ``sqlite_only``.
"""

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
from sqlalchemy.exc import IntegrityError, StatementError

from bot.storage import Database, StorageError, default_url
from bot.storage.database import announce_after_commit
from bot.storage.models import Base, Policy, PolicyVersion
from tests.storage.conftest import store_version

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
    "review_flags",
    "alternate_phrasings",
    "dashboard_links",
    "dashboard_sessions",
    "checklists",
    "clause_titles",
}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """A database file in a folder that does not exist yet."""
    return tmp_path / "var" / "policybot.sqlite3"


PG_SCHEMA = """
SELECT c.relname, c.relkind::text, coalesce(pg_get_indexdef(c.oid), '')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema()
UNION ALL
SELECT conname, 'constraint', pg_get_constraintdef(k.oid)
FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
WHERE n.nspname = current_schema()
UNION ALL
SELECT table_name || '.' || column_name, data_type,
       is_nullable || ' ' || coalesce(column_default, '')
FROM information_schema.columns WHERE table_schema = current_schema()
ORDER BY 1, 2
"""


def _schema(database: Database) -> list[tuple[str, ...]]:
    """Every object the database knows about, with its definition, to compare before and after."""
    with database.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            return [tuple(row) for row in connection.execute(text(PG_SCHEMA))]
        rows = connection.execute(text("SELECT name, sql FROM sqlite_master ORDER BY name"))
        return [(row[0], row[1] or "") for row in rows]


def test_migrate_creates_every_table_on_an_empty_database(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert tables == TABLES | {"alembic_version"}
    assert set(Base.metadata.tables) == TABLES
    assert db.check() is None


def test_hand_written_migration_matches_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_second_migrate_changes_nothing(db: Database, database_url: str) -> None:
    before = _schema(db)
    again = Database(database_url)
    again.migrate()
    again.dispose()
    assert _schema(db) == before


def test_a_fresh_process_finds_the_database_current(db: Database, database_url: str) -> None:
    script = (
        "from bot.storage import Database\n"
        f"d = Database({database_url!r}); d.migrate(); print(d.check())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "None"


def test_three_processes_migrating_a_new_database_at_once_all_succeed(database_url: str) -> None:
    script = f"from bot.storage import Database\nDatabase({database_url!r}).migrate()\n"
    runs = [subprocess.Popen([sys.executable, "-c", script]) for _ in range(3)]
    assert [run.wait(timeout=60) for run in runs] == [0, 0, 0]
    database = Database(database_url)
    assert database.check() is None
    database.dispose()


def test_data_survives_a_restart(db: Database, database_url: str) -> None:
    with db.session() as session:
        session.add(Policy(id="la-crosse", organization="City of La Crosse", title="Social media"))
    db.dispose()
    reopened = Database(database_url)
    reopened.migrate()
    with reopened.session() as session:
        policy = session.get(Policy, "la-crosse")
        assert policy is not None and policy.organization == "City of La Crosse"
    reopened.dispose()


@pytest.mark.sqlite_only
def test_missing_folders_are_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "c" / "db.sqlite3"
    with Database(default_url(path)) as database:
        database.migrate()
    assert path.is_file()


@pytest.mark.sqlite_only
def test_path_under_a_regular_file_is_a_clear_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("plain file")
    path = blocker / "sub" / "policybot.sqlite3"
    with pytest.raises(StorageError) as caught:
        Database(default_url(path)).migrate()
    message = str(caught.value)
    assert message == f"cannot open the database at {path}: {blocker} is a file, not a folder"
    assert "Traceback" not in message


@pytest.mark.sqlite_only
def test_a_folder_given_as_the_path_is_a_clear_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="that is a folder, not a file"):
        Database(default_url(tmp_path)).migrate()


@pytest.mark.sqlite_only
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


@pytest.mark.sqlite_only
def test_special_characters_in_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "odd %20 name?#.sqlite3"
    with Database(default_url(path)) as database:
        database.migrate()
    assert path.is_file()


def test_check_reports_an_empty_and_an_unknown_database(database_url: str) -> None:
    database = Database(database_url)
    empty = database.check()
    assert empty is not None and "`policybot db upgrade` or starting PolicyBot creates" in empty
    assert database.revision() is None and database.check() == empty  # check changes nothing
    database.migrate()
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    unknown = database.check()
    assert unknown is not None and "f00d" in unknown and "newer version" in unknown
    with pytest.raises(StorageError, match="f00d"):
        database.migrate()
    database.dispose()


@pytest.mark.sqlite_only
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
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"), db.session() as session:
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


def test_timestamps_are_stored_as_utc_and_read_back_aware(db: Database) -> None:
    local = datetime(2025, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=-6)))
    stored = store_version(db, local)
    assert stored == local
    assert stored.tzinfo is UTC and stored.hour == 15
    in_utc = "published_at"
    if db.engine.dialect.name == "postgresql":  # timestamptz, shown in the session's zone
        in_utc = "published_at AT TIME ZONE 'UTC'"
    with db.engine.connect() as connection:
        raw = connection.exec_driver_sql(f"SELECT {in_utc} FROM policy_versions").scalar()
    assert str(raw).startswith("2025-03-01 15:30:00")


def test_naive_timestamps_are_refused_by_the_column_type(db: Database) -> None:
    with pytest.raises(StatementError, match="naive"):
        store_version(db, datetime(2025, 3, 1, 9, 30))


@pytest.mark.sqlite_only
def test_in_memory_database_works() -> None:
    with Database("sqlite://") as database:
        database.migrate()
        assert database.check() is None


def test_subscribers_hear_of_a_commit_that_announced_their_topic_and_not_of_a_rollback(
    db: Database,
) -> None:
    heard: list[str] = []
    unsubscribe = db.subscribe("outbox", lambda: heard.append("outbox"))
    with pytest.raises(RuntimeError), db.session() as session:
        announce_after_commit(session, "outbox")
        raise RuntimeError("rolled back")
    with db.session() as session:
        session.add(Policy(id="quiet", organization="o", title="t"))  # announces nothing
    assert heard == []
    with db.session() as session:
        announce_after_commit(session, "outbox")
        announce_after_commit(session, "outbox")
    assert heard == ["outbox"]
    unsubscribe()
    with db.session() as session:
        announce_after_commit(session, "outbox")
    assert heard == ["outbox"]


def test_autocommit_sessions_read_and_write_single_statements(db: Database) -> None:
    with db.autocommit() as session:
        session.add(Policy(id="alone", organization="o", title="t"))
    with db.autocommit() as session:
        assert session.scalars(select(Policy.id)).all() == ["alone"]
