"""The database becomes unreachable mid-conversation: a polite reply, and nothing lost.

On PostgreSQL the test's database stops accepting connections and every connection to it is
terminated (what a server restart or a failover does to the workers); on SQLite the file is
locked by another program, or its folder disappears.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bot.acknowledgements import acks
from bot.app import App, open_app
from bot.messages import Incoming, Reply
from tests.conftest import Clock
from tests.ops.conftest import WorkersFactory, teams_message
from tests.slack.fake_slack import FakeSlack
from tests.teams.conftest import FakeConnector

SORRY = "I can't reach my records right now, so I could not do that."


def say(app: App, words: str, person: str = "pat") -> list[Reply]:
    return app.bot.handle(Incoming("console", person, f"console:{person}", words, person))


@contextmanager
def postgres_unreachable(database_url: str) -> Iterator[None]:
    """The test's database refuses new connections and its open ones are cut, until the end."""
    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT",
                          poolclass=NullPool)  # fmt: skip
    name = url.database
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
            {"name": name},
        )
        try:
            yield
        finally:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
    admin.dispose()


@pytest.mark.postgres_only
def test_postgres_gone_mid_conversation_gets_an_apology_and_keeps_what_was_recorded(
    app: App, database_url: str
) -> None:
    [thanks] = say(app, "ack")
    assert thanks.kind == "ack" and thanks.data["created"] is True
    say(app, "check")  # a checklist under way
    with postgres_unreachable(database_url):
        for words in ("yes", "status", "can I post photos of my crew?", "ack"):
            [reply] = say(app, words)
            assert reply.kind == "unavailable" and reply.text.startswith(SORRY), words
    assert "up to date" in say(app, "status")[0].text
    assert len(acks.list_acknowledgements(app.db, "la-crosse")) == 1
    assert say(app, "yes")[0].kind == "checklist_question"  # the checklist goes on


@pytest.mark.postgres_only
async def test_workers_answer_slack_and_teams_politely_while_postgres_is_gone(
    workers: WorkersFactory, fake: FakeSlack, connector: FakeConnector, database_url: str
) -> None:
    async with workers(1) as [worker], aiohttp.ClientSession() as session:
        slack = worker.slack(session, fake)
        await slack.dm("ack", "EvGone1")
        await fake.wait_for(lambda: fake.of("chat.postMessage"))
        with postgres_unreachable(database_url):
            await slack.dm("status", "EvGone2")
            [_, apology] = await fake.wait_for(lambda: fake.of("chat.postMessage")[1:] and
                                               fake.of("chat.postMessage"))  # fmt: skip
            activity = teams_message(connector, "ack", "teams-gone-1")
            async with session.post(f"{worker.url}/api/messages", json=activity) as response:
                assert response.status == 201
            async with session.get(f"{worker.url}/readyz") as ready:
                assert ready.status == 503
        await slack.dm("status", "EvGone3")
        [*_, after] = await fake.wait_for(lambda: fake.of("chat.postMessage")[2:] and
                                          fake.of("chat.postMessage"))  # fmt: skip
        assert await worker.stop() == 0
    assert apology.args["text"].startswith(SORRY)
    [teams_reply] = connector.posted()
    assert SORRY in teams_reply.shown
    assert after.args["text"].startswith("You're up to date")
    failed = {line.split()[3] for line in worker.lines if " ERROR " in line}
    assert failed <= {"policybot.outbox"}  # the delivery loop (not ours to change) logs and waits


@pytest.mark.sqlite_only
def test_a_sqlite_file_locked_by_another_program_gets_an_apology_and_changes_nothing(
    config_file: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.storage.database.BUSY_TIMEOUT_SECONDS", 0.2)
    app = open_app(str(config_file), clock=clock)
    try:
        assert say(app, "ack", "lou")[0].kind == "ack"
        other = create_engine(app.db.engine.url, poolclass=NullPool)
        with other.connect() as locker:
            locker.exec_driver_sql("BEGIN IMMEDIATE")  # holds the write lock, as a backup might
            [reply] = say(app, "ack")
            assert reply.kind == "unavailable" and reply.text.startswith(SORRY)
            locker.exec_driver_sql("ROLLBACK")
        other.dispose()
        assert [row.person for row in acks.list_acknowledgements(app.db, "la-crosse")] == ["lou"]
        assert say(app, "ack")[0].data["created"] is True
    finally:
        app.close()


@pytest.mark.sqlite_only
def test_a_sqlite_folder_gone_gets_an_apology_and_the_records_are_there_when_it_is_back(
    app: App, tmp_path: Path
) -> None:
    assert say(app, "ack")[0].kind == "ack"
    app.db.dispose()  # the pool reconnects on demand, as after a restart of the disk
    folder = tmp_path / "data"
    shutil.move(folder, tmp_path / "elsewhere")
    try:
        [reply] = say(app, "status")
        assert reply.kind == "unavailable" and reply.text.startswith(SORRY)
    finally:
        shutil.move(tmp_path / "elsewhere", folder)
    app.db.dispose()
    assert "up to date" in say(app, "status")[0].text


def _remove_database(folder: Path) -> None:
    for file in folder.glob("bot.sqlite3*"):  # the file, its WAL and shared-memory files
        file.unlink()


@pytest.mark.sqlite_only
def test_a_sqlite_file_deleted_while_in_use_confirms_nothing_until_it_is_restored(
    app: App, tmp_path: Path
) -> None:
    """Connections kept writing to the deleted file: "Thank you. I recorded ..." for nothing."""
    assert say(app, "ack", "lou")[0].kind == "ack"
    backup = tmp_path / "backup.sqlite3"
    app.db.engine.raw_connection().driver_connection.backup(sqlite3.connect(backup))  # type: ignore[union-attr]
    _remove_database(tmp_path / "data")
    for words in ("ack", "status"):
        [reply] = say(app, words)
        assert reply.kind == "unavailable" and reply.text.startswith(SORRY), words
    assert not (tmp_path / "data" / "bot.sqlite3").exists()  # no empty database in its place
    shutil.copy(backup, tmp_path / "data" / "bot.sqlite3")  # the operator restores it
    assert say(app, "ack")[0].data["created"] is True  # recorded in the restored file
    again = open_app(str(tmp_path / "app.yaml"))
    try:
        people = {row.person for row in acks.list_acknowledgements(again.db, "la-crosse")}
        assert people == {"lou", "pat"}
    finally:
        again.close()


@pytest.mark.sqlite_only
async def test_serve_never_thanks_for_an_acknowledgement_after_its_file_was_deleted(
    workers: WorkersFactory, fake: FakeSlack, config_file: Path
) -> None:
    async with workers(1) as [worker], aiohttp.ClientSession() as session:
        slack = worker.slack(session, fake)
        await slack.dm("ack", "EvDel1", user="U-PAT")
        [thanks] = await fake.wait_for(lambda: fake.of("chat.postMessage"))
        assert thanks.args["text"].startswith("Thank you. I recorded")
        _remove_database(config_file.parent / "data")
        await slack.dm("ack", "EvDel2", user="U-LOU")
        [_, reply] = await fake.wait_for(lambda: fake.of("chat.postMessage")[1:] and
                                         fake.of("chat.postMessage"))  # fmt: skip
        async with session.get(f"{worker.url}/readyz") as ready:
            assert ready.status == 503
        assert await worker.stop() == 0
    assert reply.args["text"].startswith(SORRY)
