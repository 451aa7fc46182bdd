"""Persistent storage: the database, its schema and its migrations."""

from bot.storage.database import Database, StorageError, default_url

__all__ = ["Database", "StorageError", "default_url"]
