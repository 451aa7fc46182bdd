"""Persistent storage: the database, its schema and migrations, and the records every room
shares: conversation memory, event claims, the audit log, row helpers. Uses nothing else here."""

from bot.storage.database import Database, StorageError, default_url

__all__ = ["Database", "StorageError", "default_url"]
