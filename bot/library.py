"""The policies the bot answers from: the stored current versions, indexed for matching.

At start the seed policies are synced into the database (a changed file becomes a new version),
then each policy is built from its current stored text, so answers always cite the version that
people acknowledge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot import records
from bot.config import Config
from bot.storage.database import Database
from knowledge.analysis import Analyzer
from knowledge.checklist import Checklist, load_policy_checklist
from knowledge.matcher import Matcher, Thresholds
from knowledge.models import Policy
from knowledge.sources import PolicySource, build_policy, seed_sources


class UnknownPolicy(KeyError):
    """A policy id that no loaded policy has."""


class Library:
    """Indexed policies by id, with the matcher that answers questions about them."""

    def __init__(
        self, policies: list[Policy], config: Config, checklists: dict[str, Checklist] | None = None
    ) -> None:
        settings = config.matcher
        self.matcher = Matcher(
            policies,
            thresholds=Thresholds(settings.confidence_threshold, settings.ambiguity_margin),
        )
        self._policies = {policy.id: policy for policy in policies}
        self.checklists = checklists or {}

    @property
    def policy_ids(self) -> list[str]:
        return sorted(self._policies)

    def policy(self, policy_id: str) -> Policy:
        """The current version of a policy; UnknownPolicy lists the ids that exist."""
        try:
            return self._policies[policy_id]
        except KeyError:
            known = ", ".join(self.policy_ids)
            raise UnknownPolicy(f"there is no policy {policy_id!r} (known: {known})") from None

    def checklist(self, policy_id: str) -> Checklist | None:
        """The policy's "can I post this?" checklist, if it has one."""
        return self.checklists.get(policy_id)

    def analyzer(self, policy_id: str) -> Analyzer:
        return self.matcher.index(policy_id).analyzer


def load_library(db: Database, config: Config, now: Callable[[], datetime]) -> Library:
    """Sync the seed policies into the database and index their current versions.

    Each policy's checklist is validated against its clauses here, so a broken checklist file
    stops the start with a message naming the file and the question to fix.
    """
    policies, checklists = [], {}
    for source in seed_sources():
        policy = _current_policy(db, source, now())
        policies.append(policy)
        if source.directory and (source.directory / "checklist.yaml").exists():
            checklists[policy.id] = load_policy_checklist(source.directory, policy.clause_ids)
    return Library(policies, config, checklists)


def _current_policy(db: Database, source: PolicySource, now: datetime) -> Policy:
    meta = source.meta
    records.sync_policy_version(
        db,
        policy_id=meta.id,
        organization=meta.organization,
        title=meta.title,
        text=source.text,
        source=meta.source,
        effective=meta.effective,
        now=now,
    )
    current = records.current_version(db, meta.id)
    assert current is not None  # just synced
    text = records.version_text(db, meta.id, current.number) or source.text
    versioned = replace(source, text=text, meta=replace(meta, version=current.number))
    return build_policy(versioned, strict=text == source.text)
