"""Making sure a pooled server connection still works before it is handed out, cheaply.

SQLAlchemy's ``pool_pre_ping`` sends a round trip to the server on every checkout; a message
checks out several connections, so under load those pings were a large share of the time spent
waiting on PostgreSQL. Instead:

- a connection the server closed (a restart, a failover, ``pg_terminate_backend``) has its
  socket readable while it sits in the pool: the server's goodbye or end-of-file is waiting.
  Checking that costs one system call and no round trip;
- a connection idle for longer than :data:`PING_AFTER_IDLE_SECONDS` is also pinged, for links
  that die silently (a firewall dropping idle flows).

Either failure makes the pool discard the connection and open a fresh one, so the person's
request goes on as if nothing happened.
"""

from __future__ import annotations

import select
import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy import exc as sa_exc

PING_AFTER_IDLE_SECONDS = 10.0
_IDLE_SINCE = "policybot_idle_since"


def check_connections_on_checkout(engine: Engine) -> None:
    """Install the checkout check on a server database's engine (not SQLite: a file)."""
    event.listen(engine, "checkin", _remember_idle_since)
    event.listen(engine, "checkout", _refuse_dead_connection(engine))


def _remember_idle_since(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info[_IDLE_SINCE] = time.monotonic()


def _refuse_dead_connection(engine: Engine) -> Any:
    def check(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop(_IDLE_SINCE, None)
        if idle_since is None:
            return  # just opened
        if _closed_by_server(dbapi_connection):
            raise sa_exc.DisconnectionError("the server closed this connection")
        if time.monotonic() - idle_since > PING_AFTER_IDLE_SECONDS:
            try:
                engine.dialect.do_ping(dbapi_connection)
            except Exception as error:  # any failure: the pool replaces the connection
                raise sa_exc.DisconnectionError(f"the ping failed: {error}") from error

    return check


def _closed_by_server(dbapi_connection: Any) -> bool:
    """Whether an idle connection is closed, broken, or has unread data (the server's goodbye:
    nothing else arrives on a connection with no query under way)."""
    if getattr(dbapi_connection, "closed", False) or getattr(dbapi_connection, "broken", False):
        return True
    try:
        readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)
