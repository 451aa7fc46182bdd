"""The SQLite file under a running server: a write that did not reach the file is never
confirmed.

Deleting (or replacing) the database file while `serve` runs does not disturb the connections
already open: they go on writing to the unlinked file, every commit succeeds, and people were
told "Thank you. I recorded ..." for acknowledgements that were gone at the next start. So:

- each connection remembers which file (device and inode) it opened;
- before every commit the path is checked to still be that file; when it is not, the commit
  is refused (the transaction rolls back, the person is told the records cannot be reached)
  and the pool's connections are dropped, so the next one opens whatever is at the path now;
- once the file exists, new connections open it read-write without creating it, so a deleted
  file is not silently replaced by an empty database.

One `os.stat` per commit: about a microsecond.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, event

_OPENED = "policybot_sqlite_file"


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def guard_file(engine: Engine, path: Path, error: Callable[[str], Exception]) -> None:
    """Refuse commits once `path` is no longer the file a connection opened; `error` makes the
    exception raised (a StorageError)."""

    existed = [path.exists()]  # once it has, a reconnect must not create an empty one

    @event.listens_for(engine, "do_connect")
    def open_existing(
        _dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]
    ) -> None:
        existed[0] = existed[0] or path.exists()
        if existed[0]:
            cargs[:] = [f"file:{quote(str(path))}?mode=rw"]
            cparams["uri"] = True

    @event.listens_for(engine, "connect")
    def remember(_dbapi_connection: Any, record: Any) -> None:
        record.info[_OPENED] = _identity(path)
        existed[0] = existed[0] or record.info[_OPENED] is not None

    @event.listens_for(engine, "commit")
    def still_there(connection: Connection) -> None:
        opened = connection.info.get(_OPENED)
        if opened is not None and _identity(path) == opened:
            return
        connection.engine.dispose()  # the others hold the old file too: reopen on next use
        raise error(
            f"the database file {path} was deleted or replaced while PolicyBot was running, so "
            "nothing more can be saved to it; restore the file (or restart PolicyBot)"
        )
