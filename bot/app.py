"""Assemble a running bot from configuration: database, policies, core."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.config import Config, find_config_file, load_config
from bot.conversation.core import PolicyBot, utc_now
from bot.people.directory import seed_people
from bot.people.organizations import DEFAULT_ORGANIZATION
from bot.policies.library import Library, load_library
from bot.storage.database import Database


@dataclass
class App:
    """The pieces a command or adapter needs, opened together and closed together."""

    config: Config
    db: Database
    library: Library
    bot: PolicyBot

    def close(self) -> None:
        self.db.dispose()


def open_app(config_path: str | None = None, clock: Callable[[], datetime] = utc_now) -> App:
    """Load and validate the configuration, migrate the database and index the policies.

    Raises ConfigError, StorageError or KnowledgeError with messages meant for the operator.
    """
    config = load_config(find_config_file(config_path))
    db = Database(config.database_url)
    default = config.organization_for_policy(config.default_policy)
    db.context[DEFAULT_ORGANIZATION] = default.id if default else None
    try:
        db.migrate()
        library = load_library(db, config, clock)
        seed_people(db, config.people, clock())
    except BaseException:
        db.dispose()
        raise
    return App(config, db, library, PolicyBot(config, db, library, clock))
