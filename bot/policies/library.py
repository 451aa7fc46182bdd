"""The policies the bot answers from: the stored current versions, indexed for matching.

At start the seed policies are synced into the database (a changed file becomes a new version)
unless HR has published a version of that policy, which the seed file then never overrides. Each
policy is built from its current stored text, so answers always cite the version people
acknowledge. When a version or an alternate phrasing is added, by this process or another, the
library notices on the next message and rebuilds itself: no restart is needed.
"""

from __future__ import annotations

import difflib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

from bot.config import Config
from bot.policies import versions
from bot.storage.database import Database
from knowledge.analysis import Analyzer
from knowledge.checklist import Checklist, ChecklistError, load_policy_checklist
from knowledge.diff import compare
from knowledge.matcher import Matcher, Thresholds
from knowledge.models import Policy, PolicyMetadata
from knowledge.parser import ParseError, parse_clauses
from knowledge.sources import Curation, PolicySource, build_policy, seed_sources

log = logging.getLogger("policybot.library")


class UnknownPolicy(KeyError):
    """A policy id that no loaded policy has."""


@dataclass(frozen=True)
class _Snapshot:
    """Everything indexed at one moment, swapped whole so a reader never sees half of a rebuild."""

    policies: dict[str, Policy]
    matcher: Matcher
    checklists: dict[str, Checklist]
    signature: tuple[int | None, int | None]


class Library:
    """Indexed policies by id, with the matcher that answers questions about them."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._snapshot = self._index([], {}, (None, None))
        self._rebuilding = threading.Lock()

    def _index(
        self,
        policies: list[Policy],
        checklists: dict[str, Checklist],
        signature: tuple[int | None, int | None],
    ) -> _Snapshot:
        settings = self._config.matcher
        matcher = Matcher(
            policies,
            thresholds=Thresholds(settings.confidence_threshold, settings.ambiguity_margin),
        )
        return _Snapshot({p.id: p for p in policies}, matcher, checklists, signature)

    @property
    def matcher(self) -> Matcher:
        return self._snapshot.matcher

    @property
    def checklists(self) -> dict[str, Checklist]:
        return self._snapshot.checklists

    @property
    def policy_ids(self) -> list[str]:
        return sorted(self._snapshot.policies)

    def policy(self, policy_id: str) -> Policy:
        """The current version of a policy; UnknownPolicy lists the ids that exist."""
        try:
            return self._snapshot.policies[policy_id]
        except KeyError:
            known = ", ".join(self.policy_ids)
            close = difflib.get_close_matches(policy_id.lower(), self.policy_ids, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UnknownPolicy(
                f"there is no policy {policy_id!r}{hint} (known: {known})"
            ) from None

    def checklist(self, policy_id: str) -> Checklist | None:
        """The policy's "can I post this?" checklist, if it has one."""
        return self._snapshot.checklists.get(policy_id)

    def analyzer(self, policy_id: str) -> Analyzer:
        return self.matcher.index(policy_id).analyzer

    def refresh(self, db: Database, signature: tuple[int | None, int | None] | None = None) -> bool:
        """Rebuild from the database if a version or phrasing was added since; True if it did.

        `signature` is the database's :func:`versions.signature` if the caller has just read it.
        """
        signature = signature or versions.signature(db)
        if signature == self._snapshot.signature:
            return False
        with self._rebuilding:
            if signature == self._snapshot.signature:
                return False
            policies, checklists = _stored_policies(db)
            self._snapshot = self._index(policies, checklists, signature)
        log.info("policy library rebuilt: %s", ", ".join(self.policy_ids))
        return True


def load_library(db: Database, config: Config, now: Callable[[], datetime]) -> Library:
    """Sync the seed policies into the database and index every stored policy.

    Each policy's checklist is validated against its clauses here, so a broken checklist file
    stops the start with a message naming the file and the question to fix.
    """
    for source in seed_sources():
        if not versions.has_published(db, source.meta.id):
            _sync_seed(db, source, now())
    library = Library(config)
    library.refresh(db)
    return library


def _sync_seed(db: Database, source: PolicySource, now: datetime) -> None:
    meta = source.meta
    versions.sync_policy_version(
        db,
        policy_id=meta.id,
        organization=meta.organization,
        title=meta.title,
        text=source.text,
        source=meta.source,
        effective=meta.effective,
        now=now,
    )


def _stored_policies(db: Database) -> tuple[list[Policy], dict[str, Checklist]]:
    """Build every stored policy's current version, with seed curation and added phrasings."""
    seeds = {source.meta.id: source for source in seed_sources()}
    added = versions.phrasings(db)
    policies, checklists = [], {}
    for stored in versions.current_policies(db):
        seed = seeds.get(stored.id)
        strict = seed is not None and seed.text == stored.text
        moved = _moved_ids(seed, stored) if seed is not None and not strict else {}
        policy = build_policy(_source(stored, seed, added, moved), strict=strict)
        policies.append(policy)
        checklist = _checklist(seed, policy, moved)
        if checklist is not None:
            checklists[policy.id] = checklist
    return policies, checklists


def _source(
    stored: versions.StoredPolicy,
    seed: PolicySource | None,
    added: dict[tuple[str, str], tuple[str, ...]],
    moved: dict[str, str | None],
) -> PolicySource:
    """The stored text with the seed's metadata and curation (if any) and HR's added phrasings.

    The seed's curation follows its clauses to their ids in the stored text (`moved`), so a
    clause inserted before them does not give their phrasings to another clause.
    """
    meta = (
        seed.meta
        if seed
        else PolicyMetadata(stored.id, stored.title, stored.organization, stored.source)
    )
    meta = replace(meta, title=stored.title, version=stored.version, effective=stored.effective)
    curation = {}
    for clause_id, curated in (seed.curation if seed else {}).items():
        target = moved.get(clause_id, clause_id)
        if target is not None:
            curation[target] = curated
    for (policy_id, clause_id), phrasings in added.items():
        if policy_id == stored.id:
            base = curation.get(clause_id, Curation())
            curation[clause_id] = replace(base, phrasings=base.phrasings + phrasings)
    directory = seed.directory if seed else None
    return PolicySource(meta=meta, text=stored.text, curation=curation, directory=directory)


def _moved_ids(seed: PolicySource, stored: versions.StoredPolicy) -> dict[str, str | None]:
    """Where each clause of the seed text is in the stored text: its id there, or None if gone.

    Only the clauses whose id changed (renumbered, or removed) are listed.
    """
    try:
        old = parse_clauses(seed.text, seed.meta)
        new = parse_clauses(stored.text, seed.meta)
    except ParseError:
        return {}
    moved: dict[str, str | None] = {}
    for change in compare(old, new).changes:
        if change.old is not None and (change.new is None or change.new.id != change.old.id):
            moved[change.old.id] = change.new.id if change.new is not None else None
    return moved


def _checklist(
    seed: PolicySource | None, policy: Policy, moved: dict[str, str | None]
) -> Checklist | None:
    """The seed checklist, validated against the current clauses.

    A broken checklist file for the shipped text stops the start; one that a published version
    made stale (it cites a clause the new text lacks, or numbers differently) is set aside, with
    a warning, until HR updates it: the publication flagged it for review.
    """
    if seed is None or seed.directory is None:
        return None
    path = seed.directory / "checklist.yaml"
    if not path.exists():
        return None
    try:
        checklist = _load_checklist(str(seed.directory), policy.clause_ids)
    except ChecklistError as error:
        if seed.text == policy.source_text:
            raise
        log.warning("checklist of %s set aside until HR reviews it: %s", policy.id, error)
        return None
    shifted = sorted(checklist.cited_clauses() & set(moved))
    if shifted:
        log.warning(
            "checklist of %s set aside until HR reviews it: it cites %s, which the current "
            "version numbers differently",
            policy.id,
            ", ".join(shifted),
        )
        return None
    return checklist


@lru_cache(maxsize=16)
def _load_checklist(directory: str, clause_ids: frozenset[str]) -> Checklist:
    """A seed checklist validated against a set of clauses, read once per process."""
    return load_policy_checklist(directory, clause_ids)
