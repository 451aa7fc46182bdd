"""What is particular to PostgreSQL: its URLs, its connection errors, its time zones.

Everything else (migrations reaching head and matching the models, check(), restarts,
concurrent acknowledgements and event claims) is covered by the other storage tests, which
run on PostgreSQL too in the PostgreSQL pass of ./scripts/test.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.storage import Database, StorageError
from tests.storage.conftest import store_version

postgres_only = pytest.mark.postgres_only


@postgres_only
def test_plain_postgresql_and_postgres_urls_use_psycopg(database_url: str) -> None:
    url = make_url(database_url)
    for scheme in ("postgresql", "postgres"):
        plain = url.set(drivername=scheme).render_as_string(hide_password=False)
        with Database(plain) as database:
            database.migrate()
            assert database.check() is None
            assert database.engine.dialect.driver == "psycopg"


@postgres_only
def test_a_wrong_password_is_named_as_such_and_not_shown(database_url: str) -> None:
    wrong = make_url(database_url).set(password="not-the-Password-42")
    database = Database(wrong)
    assert "not-the-Password-42" not in database.where and "***" in database.where
    with pytest.raises(StorageError) as caught:
        database.migrate()
    message = str(caught.value)
    assert f"refused user {wrong.username!r}: check the user name and password" in message
    assert "not-the-Password-42" not in message
    assert str(make_url(database_url).password) not in message
    database.dispose()


@postgres_only
def test_a_missing_database_says_how_to_create_it(database_url: str) -> None:
    url = make_url(database_url).set(database="no_such_policybot_db")
    with pytest.raises(StorageError) as caught, Database(url) as database:
        database.check()
    message = str(caught.value)
    assert "has no database 'no_such_policybot_db'" in message
    assert f"createdb -O {url.username} no_such_policybot_db" in message


def test_an_unreachable_server_is_a_clear_storage_error() -> None:
    with (
        pytest.raises(StorageError) as caught,
        Database("postgresql://policybot:hunter2-secret@127.0.0.1:1/policybot") as database,
    ):
        database.migrate()
    message = str(caught.value)
    assert message == (
        "cannot open the database at postgresql+psycopg://policybot:***@127.0.0.1:1/policybot: "
        "no PostgreSQL server answers at 127.0.0.1:1: is it running, and is the port right?"
    )


def test_a_driver_that_is_not_installed_is_named() -> None:
    with pytest.raises(StorageError) as caught:
        Database("postgresql+psycopg2://policybot:pw@127.0.0.1/policybot")
    message = str(caught.value)
    assert "its driver psycopg2 is not installed" in message
    assert "postgresql://" in message and ":pw@" not in message


@postgres_only
def test_timestamps_are_timestamptz_and_read_back_in_utc_whatever_the_session_zone(
    database_url: str,
) -> None:
    chicago = make_url(database_url).update_query_dict({"options": "-c TimeZone=America/Chicago"})
    local = datetime(2025, 7, 4, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    with Database(chicago) as database:
        database.migrate()
        stored = store_version(database, local)
        with database.engine.connect() as connection:
            zone = connection.execute(text("SHOW TimeZone")).scalar_one()
            raw = connection.execute(text("SELECT published_at FROM policy_versions")).scalar()
            kind = connection.execute(
                text(
                    "SELECT data_type FROM information_schema.columns "
                    "WHERE table_name = 'policy_versions' AND column_name = 'published_at'"
                )
            ).scalar_one()
    assert kind == "timestamp with time zone"
    assert zone == "America/Chicago" and raw is not None and raw.utcoffset() == timedelta(hours=-5)
    assert stored == local and stored.tzinfo is UTC and stored.hour == 14


@postgres_only
def test_connections_the_server_closed_are_replaced_before_anyone_uses_them(
    database_url: str,
) -> None:
    with Database(database_url) as database:
        database.migrate()
        with database.session() as first, database.session() as second:  # two in the pool
            first.execute(text("SELECT 1"))
            second.execute(text("SELECT 1"))
        with Database(database_url) as admin, admin.autocommit() as session:
            cut = session.execute(
                text("SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                     "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            ).scalar_one()  # fmt: skip
        assert cut >= 2  # what a server restart does to every idle connection
        for _ in range(3):  # each pooled connection in turn: none fails
            with database.session() as session:
                assert session.execute(text("SELECT 41 + 1")).scalar_one() == 42
