"""Opening the database, keeping its schema current, and handing out sessions.

SQLite (a single file) is the default; PostgreSQL, through psycopg 3, is the second backend
(``postgresql://user:password@host:5432/name``). Failures a person can fix (a path that
cannot be created, a damaged file, a server that is down, a wrong password, a missing
database or driver) surface as :class:`StorageError` with a sentence that says what is
wrong, never as a driver traceback and never with the password.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from bot.storage.liveness import check_connections_on_checkout
from bot.storage.sqlite_file import guard_file

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
BUSY_TIMEOUT_SECONDS = 15.0
CONNECT_TIMEOUT_SECONDS = 10
_PG_MIGRATION_LOCK = 7_031_998_421  # arbitrary key for pg_advisory_xact_lock
_ANNOUNCED = "policybot_announced_topics"
_HELD: ContextVar[set[str] | None] = ContextVar("policybot_held_topics", default=None)


class StorageError(RuntimeError):
    """The database cannot be used; the message says why in words a person can act on."""


def default_url(path: str | os.PathLike[str]) -> str:
    """Return the ``sqlite:///...`` URL of the database file at ``path`` (made absolute).

    Characters that mean something in a URL (``%``, ``?``) are escaped, so any file name works.
    """
    absolute = Path(path).expanduser().absolute()
    return URL.create("sqlite", database=str(absolute)).render_as_string(hide_password=False)


def normalized_url(url: str | URL) -> URL:
    """Parse a database URL; plain ``postgresql://`` (or ``postgres://``) means psycopg 3.

    SQLAlchemy would otherwise pick psycopg2, which PolicyBot does not install.
    Raises ``sqlalchemy.exc.ArgumentError`` if ``url`` is not a URL.
    """
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


@functools.cache
def _script_directory() -> ScriptDirectory:
    """The migration scripts shipped with the package (read once per process)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR))


def _current_revisions(connection: Connection) -> tuple[str, ...]:
    """The Alembic revision(s) the database is at; empty for a database never migrated."""
    from alembic.runtime.migration import MigrationContext

    return tuple(MigrationContext.configure(connection).get_current_heads())


def _sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for an in-memory database or another backend."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.database.startswith("file:"):
        return None
    return Path(url.database).expanduser().absolute()


def _blocking_file(folder: Path) -> Path | None:
    """The nearest part of ``folder``'s path that exists but is not a folder, if any."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return None if candidate.is_dir() else candidate
    return None


def _prepare_sqlite_file(path: Path) -> None:
    """Make sure the database file can be created: reject folders, create missing parents."""
    prefix = f"cannot open the database at {path}"
    if path.is_dir():
        raise StorageError(f"{prefix}: that is a folder, not a file")
    blocker = _blocking_file(path.parent)
    if blocker is not None:
        raise StorageError(f"{prefix}: {blocker} is a file, not a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise StorageError(f"{prefix}: cannot create the folder {path.parent} ({reason})") from None
    if not path.exists() and not os.access(path.parent, os.W_OK | os.X_OK):
        raise StorageError(f"{prefix}: the folder is not writable")


def _sqlite_reason(message: str, path: Path | None) -> str:
    """Translate an SQLite error message into the reason a person would understand."""
    text = message.lower()
    if "unable to open database file" in text:
        if path is not None and path.exists() and not os.access(path, os.R_OK | os.W_OK):
            return "the file is not readable and writable by this user"
        return "the file cannot be created or opened (check the folder and its permissions)"
    if "file is not a database" in text or "malformed" in text:
        return "the file is not a PolicyBot database or it is damaged"
    if "readonly database" in text or "read-only" in text:
        return "the file or its folder is read-only"
    if "database is locked" in text or "database table is locked" in text:
        return "another program kept the database locked for too long; try again"
    return message


def _postgres_server(url: URL) -> str:
    """Where a PostgreSQL URL points, in words: host and port, or the local socket."""
    host = url.host or url.query.get("host")
    if isinstance(host, tuple):
        host = ",".join(host)
    if not host:
        return "the local socket"
    if host.startswith("/"):
        return f"the socket in {host}"
    return f"{host}:{url.port or 5432}"


def _postgres_reason(message: str, url: URL) -> str:
    """Translate a PostgreSQL connection error into the reason a person would understand.

    libpq words its errors for database experts and may list several attempts; the whole
    text is searched. The password, should the message contain it, is masked.
    """
    text = message.lower()
    server = _postgres_server(url)
    user = url.username or "(none given)"
    missing = re.search(r'database "([^"]*)" does not exist', message)
    if missing:
        name = missing.group(1)
        return (
            f"the server at {server} has no database {name!r}; create it "
            f"(createdb -O {user} {name}) or correct the name in the URL"
        )
    if (
        "password authentication failed" in text
        or "no password supplied" in text
        or re.search(r'role "[^"]*" does not exist', text)
    ):
        return f"the server at {server} refused user {user!r}: check the user name and password"
    if "no pg_hba.conf entry" in text:
        return f"the server at {server} does not accept user {user!r} from here (pg_hba.conf)"
    if "resolve host" in text or "could not translate host name" in text:
        return f"cannot find the host {url.host!r}: check the host name in the URL"
    if any(
        sign in text
        for sign in ("connection refused", "timeout expired", "timed out", "no such file")
    ):
        return f"no PostgreSQL server answers at {server}: is it running, and is the port right?"
    first = message.strip().splitlines()[0] if message.strip() else message
    if url.password:
        first = first.replace(str(url.password), "***")
    return first


def _driver_reason(error: ImportError, url: URL) -> str:
    """Why the engine cannot be built: which driver is missing and how to get it."""
    missing = error.name or str(error)
    if url.get_backend_name() == "postgresql":
        if url.get_driver_name() == "psycopg":
            return (
                "the PostgreSQL driver psycopg is not installed "
                "(pip install 'psycopg[binary]', or reinstall PolicyBot)"
            )
        return (
            f"its driver {missing} is not installed; PolicyBot uses psycopg 3: write the URL "
            "as postgresql://... or postgresql+psycopg://..."
        )
    return f"its driver is not installed ({error})"


def _on_sqlite_connect(in_memory: bool) -> Any:
    """A connect hook enabling foreign keys, a busy timeout and WAL on each SQLite connection."""

    def configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if not in_memory:
                cursor.execute("PRAGMA journal_mode = WAL")
        finally:
            cursor.close()

    return configure


def _create_engine(url: URL, path: Path | None) -> Engine:
    """Build the engine; SQLite gets thread sharing, a busy timeout and its connect hook.

    Errors never show their statement's parameters (people's names, their words): an error
    logged at ERROR carried them, on PostgreSQL."""
    if url.get_backend_name() == "postgresql" and url.get_driver_name() == "psycopg":
        query_keys = set(url.query)
        connect_args: dict[str, Any] = {}
        if "connect_timeout" not in query_keys:
            connect_args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
        if "application_name" not in query_keys:
            connect_args["application_name"] = "policybot"
        engine = create_engine(url, connect_args=connect_args, hide_parameters=True)
        check_connections_on_checkout(engine)
        return engine
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    sqlite_args = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_SECONDS}
    in_memory = path is None and not str(url.database or "").startswith("file:")
    pool_args: dict[str, Any] = {"poolclass": StaticPool} if in_memory else {}
    engine = create_engine(url, connect_args=sqlite_args, hide_parameters=True, **pool_args)
    event.listen(engine, "connect", _on_sqlite_connect(in_memory))
    if path is not None:
        guard_file(engine, path, StorageError)
    return engine


def announce_after_commit(session: Session, topic: str) -> None:
    """Tell the topic's subscribers once the session's transaction commits (e.g. "outbox": a
    message was queued, so the delivery loop of this process should wake up)."""
    session.info.setdefault(_ANNOUNCED, set()).add(topic)


class Database:
    """One PolicyBot database: its engine, its migrations and short transactional sessions.

    Create it with a URL (see :func:`default_url`), call :meth:`migrate` once at start, then
    use :meth:`session` for each unit of work. The object is safe to share between threads.
    """

    def __init__(self, url: str | URL) -> None:
        """Prepare the engine; for SQLite also create the file's folder if it is missing."""
        try:
            self._url = normalized_url(url)
        except sa_exc.ArgumentError:
            raise StorageError(f"cannot use the database URL {url!r}: it is not valid") from None
        self._path = _sqlite_path(self._url)
        if self._path is not None:
            _prepare_sqlite_file(self._path)
        try:
            self._engine = _create_engine(self._url, self._path)
        except ImportError as error:
            reason = _driver_reason(error, self._url)
            raise StorageError(f"cannot use the database at {self.where}: {reason}") from None
        except sa_exc.ArgumentError as error:
            reason = f"unknown kind of database ({error})"
            raise StorageError(f"cannot use the database at {self.where}: {reason}") from None
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        # Facts about the deployment that records need to interpret rows (the default
        # organization, for people with none on record), given to every session as its `info`.
        self.context: dict[str, Any] = {}
        self._subscribers: dict[str, list[Callable[[], None]]] = {}
        self._autocommit_sessions = self._sessions
        if self._url.get_backend_name() != "sqlite":
            autocommit = self._engine.execution_options(isolation_level="AUTOCOMMIT")
            self._autocommit_sessions = sessionmaker(autocommit, expire_on_commit=False)

    @property
    def where(self) -> str:
        """The file path, or the URL without its password, for messages and logs."""
        if self._path is not None:
            return str(self._path)
        return self._url.render_as_string(hide_password=True)

    @property
    def engine(self) -> Engine:
        """The underlying SQLAlchemy engine (for tools and tests; prefer :meth:`session`)."""
        return self._engine

    @contextmanager
    def _translated_errors(self) -> Iterator[None]:
        """Turn driver errors about the database itself into a StorageError."""
        try:
            yield
        except (sa_exc.OperationalError, sa_exc.InterfaceError) as error:
            raise self._storage_error(error) from error
        except sa_exc.DatabaseError as error:
            if type(error) is not sa_exc.DatabaseError:
                raise  # integrity, data and programming errors are for the caller
            raise self._storage_error(error) from error

    def _storage_error(self, error: sa_exc.DBAPIError) -> StorageError:
        """The StorageError for a driver error, with a reason a person can act on."""
        message = str(error.orig) if error.orig is not None else str(error)
        backend = self._url.get_backend_name()
        if backend == "postgresql":
            message = _postgres_reason(message, self._url)
        else:
            message = message.strip().splitlines()[0] if message.strip() else message
        if backend == "sqlite":
            message = _sqlite_reason(message, self._path)
        return StorageError(f"cannot open the database at {self.where}: {message}")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Yield a Session in a transaction: committed on success, rolled back on error.

        After the commit, the subscribers of each topic the work announced are called."""
        with self._translated_errors(), self._sessions(info=self.context) as session:
            with session.begin():
                yield session
            self._after_commit(session)

    def subscribe(self, topic: str, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` (in the committing thread) after each commit in this process that
        announced `topic` (see :func:`announce_after_commit`); returns the unsubscribe."""
        self._subscribers.setdefault(topic, []).append(callback)
        return lambda: self._subscribers[topic].remove(callback)

    @contextmanager
    def announcements_held(self) -> Iterator[None]:
        """Hold back what commits made within announce (in this context and in the threads it
        starts with ``asyncio.to_thread``) until the block ends.

        An adapter holds them over a turn, so the person's own reply goes out before the
        outbox delivery that the turn caused begins.
        """
        held: set[str] = set()
        token = _HELD.set(held)
        try:
            yield
        finally:
            _HELD.reset(token)
            self._tell(held)

    def _after_commit(self, session: Session) -> None:
        topics = session.info.pop(_ANNOUNCED, set())
        held = _HELD.get()
        if held is None:
            self._tell(topics)
        else:
            held.update(topics)

    def _tell(self, topics: set[str]) -> None:
        for topic in topics:
            for callback in list(self._subscribers.get(topic, ())):
                callback()

    @contextmanager
    def autocommit(self) -> Iterator[Session]:
        """Yield a Session whose statements each commit on their own, for reads that need no
        snapshot and changes made in one statement.

        On a database server this saves the BEGIN and COMMIT round trips that :meth:`session`
        costs; the hot path of every message uses it. On SQLite it is :meth:`session`.
        """
        sessions = self._autocommit_sessions
        with self._translated_errors(), sessions(info=self.context) as session, session.begin():
            yield session

    def migrate(self) -> None:
        """Bring the schema up to the newest migration; does nothing (quickly) when current."""
        with self._translated_errors():
            with self._engine.connect() as connection:
                if self._at_head(connection):
                    return
            self._upgrade()

    def _at_head(self, connection: Connection) -> bool:
        """Whether the database is at the newest revision; refuses unknown revisions."""
        current = _current_revisions(connection)
        head = _script_directory().get_current_head()
        if current == (head,):
            return True
        problem = self._unknown_revision_message(current)
        if problem is not None:
            raise StorageError(problem)
        return False

    def _upgrade(self) -> None:
        """Run the pending migrations in one transaction, holding a lock against other starts."""
        from alembic import command
        from alembic.config import Config

        with self._engine.connect() as connection:
            self._lock_for_migration(connection)
            if self._at_head(connection):  # another process migrated while we waited
                connection.rollback()
                return
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS_DIR))
            config.set_main_option("path_separator", "os")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()

    def _lock_for_migration(self, connection: Connection) -> None:
        """Take the database's write lock so two processes cannot migrate at the same time."""
        backend = connection.dialect.name
        if backend == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        elif backend == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")

    def _unknown_revision_message(self, current: tuple[str, ...]) -> str | None:
        """A message if the database is at a revision these migrations do not contain."""
        script = _script_directory()
        known = {revision.revision for revision in script.walk_revisions()}
        unknown = [revision for revision in current if revision not in known]
        if not unknown:
            return None
        return (
            f"the database at {self.where} is at revision {', '.join(unknown)}, which this "
            "version of PolicyBot does not know; was it written by a newer version?"
        )

    def revision(self) -> str | None:
        """The revision the database is at (None if it was never migrated); changes nothing."""
        if self._path is not None and not self._path.exists():
            return None
        with self._translated_errors(), self._engine.connect() as connection:
            current = _current_revisions(connection)
        return ", ".join(current) or None

    def check(self) -> str | None:
        """Return None if the schema is current, else a sentence saying what is out of date.

        Unlike :meth:`migrate` it changes nothing (it does not even create a missing SQLite
        file), so ``policybot db check`` can report safely. Raises StorageError if the
        database cannot be opened at all.
        """
        upgrade = "`policybot db upgrade` or starting PolicyBot"
        if self._path is not None and not self._path.exists():
            return f"there is no database at {self.where} yet; {upgrade} creates it"
        with self._translated_errors(), self._engine.connect() as connection:
            current = _current_revisions(connection)
        head = _script_directory().get_current_head()
        if current == (head,):
            return None
        unknown = self._unknown_revision_message(current)
        if unknown is not None:
            return unknown
        if not current:
            return f"the database at {self.where} is empty; {upgrade} creates its tables"
        return (
            f"the database at {self.where} is at revision {', '.join(current)} but this version "
            f"of PolicyBot needs {head}; {upgrade} upgrades it"
        )

    def dispose(self) -> None:
        """Close every pooled connection (call at exit; the object must not be used after)."""
        self._engine.dispose()

    def __enter__(self) -> Database:
        """Use the database in a ``with`` block that disposes of it at the end."""
        return self

    def __exit__(self, *_exc: object) -> None:
        """Dispose of the engine when the ``with`` block ends."""
        self.dispose()
